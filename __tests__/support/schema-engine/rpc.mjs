/**
 * The native engine's RPC mode: line-delimited JSON-RPC 2.0 on stdin/stdout.
 * The CLI sends requests; the engine answers each, and for output it sends
 * the CLI a `print` request (`{"content": …}`, without the final newline),
 * which the CLI answers with `{}`. At the end of stdin the engine exits 0.
 *
 * Each request goes to Prisma's WebAssembly engine. The native engine
 * connects to any URL a request names; the WebAssembly engine only to its
 * adapter's database, so such a request runs on an engine of its own for that
 * URL, with `{ tag: "url" }` given as the database it describes
 * (`schemaDatasource`).
 */
import { createInterface } from 'node:readline'
import { applyingMigrations, dropShadowDatabases } from './adapter.mjs'
import { datasourceOfSchemas } from './datasource.mjs'

/** The JSON-RPC error code of the native engine's errors. */
const ENGINE_ERROR = 4466

/**
 * @param {object} options
 * @param {import('./engines.mjs').EnginePool} options.engines
 * @param {{ url?: string, shadowDatabaseUrl?: string }} options.datasource
 * @param {number} options.engineMajor  the major version of the engine (7: Prisma 6's, 8: Prisma 7's)
 * @param {() => Promise<void>} options.onEnd
 */
export function serve({ engines, datasource, engineMajor, onEnd }) {
  let nextId = 0
  /** @type {Map<number, (response: any) => void>} */
  const waiting = new Map()
  const send = (message) => process.stdout.write(JSON.stringify(message) + '\n')
  const print = (content) =>
    new Promise((resolve) => {
      const id = nextId++
      waiting.set(id, resolve)
      send({ jsonrpc: '2.0', method: 'print', params: { content }, id })
    })
  const handlers = makeHandlers({ engines, datasource, engineMajor, print })
  const running = new Set()

  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity })
  lines.on('line', (line) => {
    if (!line.trim()) return
    const message = JSON.parse(line)
    if (message.method === undefined) {
      // The CLI's answer to one of our requests.
      waiting.get(message.id)?.(message)
      waiting.delete(message.id)
      return
    }
    const work = handle(handlers, message).then(async (response) => {
      await dropShadowDatabases()
      send(response)
    })
    running.add(work)
    work.finally(() => running.delete(work))
  })
  lines.on('close', async () => {
    await Promise.allSettled([...running])
    await onEnd()
  })
}

async function handle(handlers, { id, method, params }) {
  const handler = handlers[method]
  try {
    if (!handler) throw Object.assign(new Error(`Unknown method: ${method}`), { code: undefined })
    return { jsonrpc: '2.0', id, result: (await handler(params ?? {})) ?? null }
  } catch (error) {
    return { jsonrpc: '2.0', id, error: rpcError(error) }
  }
}

/** An engine error as the native engine serialises it (user_facing_errors::Error). */
export function rpcError(error) {
  const message = error instanceof Error ? error.message : String(error)
  if (isPanic(error))
    return {
      code: ENGINE_ERROR,
      message: 'An error happened. Check the data field for details.',
      data: {
        is_panic: true,
        message: globalThis.PRISMA_WASM_PANIC_REGISTRY?.message ?? message,
        backtrace: error?.stack ?? null
      }
    }
  const data =
    typeof error?.code === 'string'
      ? { is_panic: false, message, meta: error.meta ?? null, error_code: error.code }
      : { is_panic: false, message, backtrace: null }
  return { code: ENGINE_ERROR, message: 'An error happened. Check the data field for details.', data }
}

/** A Rust panic inside the WebAssembly engine surfaces as a RuntimeError (`unreachable`). */
function isPanic(error) {
  return error instanceof WebAssembly.RuntimeError || error?.name === 'RuntimeError'
}

function makeHandlers({ engines, datasource, engineMajor, print }) {
  const schemaTexts = (container) => (container?.files ?? []).map((f) => f.content)

  /** The database of a request that names none: the configured one, else the request's schema's. */
  const database = (texts = []) => {
    const found = datasource.url ? datasource : datasourceOfSchemas(texts)
    if (!found.url)
      throw new Error(
        'The schema-engine stand-in runs Prisma’s WebAssembly engine, which needs a database even for a request that uses none: give the datasource a URL (DATABASE_URL).'
      )
    return found
  }
  const engineFor = (texts) => {
    const { url, shadowDatabaseUrl } = database(texts)
    return engines.get(url, shadowDatabaseUrl)
  }
  const call = (method) => async (params) => (await engineFor())[method](params)

  return {
    applyMigrations: (params) => applyingMigrations(() => call('applyMigrations')(params)),
    createMigration: call('createMigration'),
    devDiagnostic: call('devDiagnostic'),
    diagnoseMigrationHistory: call('diagnoseMigrationHistory'),
    evaluateDataLoss: call('evaluateDataLoss'),
    ensureConnectionValidity: call('ensureConnectionValidity'),
    introspectSql: call('introspectSql'),
    markMigrationApplied: call('markMigrationApplied'),
    markMigrationRolledBack: call('markMigrationRolledBack'),
    reset: call('reset'),
    debugPanic: call('debugPanic'),
    introspect: async (params) => (await engineFor(schemaTexts(params.schema))).introspect(params),
    schemaPush: async (params) => (await engineFor(schemaTexts(params.schema))).schemaPush(params),
    getDatabaseVersion: async () => (await engineFor()).version(),

    async dbExecute(params) {
      const target = params.datasourceType
      const engine =
        target?.tag === 'url' ? await engines.get(target.url) : await engineFor(schemaTexts(target))
      await engine.dbExecute(params)
      return null
    },

    async diff(params) {
      const targets = [params.from, params.to]
      const schemas = targets.filter((t) => t?.tag === 'schemaDatamodel' || t?.tag === 'schemaDatasource')
      const files = schemas[0]?.files ?? []
      // The native engines before 8 (Prisma 5 and 6) replay migrations only
      // into the shadow database the command names; the WebAssembly engine
      // would make one of its own.
      if (engineMajor < 8 && targets.some((t) => t?.tag === 'migrations') && !params.shadowDatabaseUrl)
        throw new Error('You must pass the --shadow-database-url if you want to diff a migrations directory.')
      const urls = targets.filter((t) => t?.tag === 'url')
      if (urls.length > 1) throw new Error('The schema-engine stand-in diffs from or to one URL, not two.')
      let engine
      if (urls[0]) engine = await engines.get(urls[0].url, params.shadowDatabaseUrl ?? undefined)
      else {
        const db = database(files.map((f) => f.content))
        engine = await engines.get(db.url, params.shadowDatabaseUrl ?? db.shadowDatabaseUrl)
      }
      // The engine on that URL describes its own database: the native engine's `url` target.
      const described = (target) =>
        target?.tag === 'url' ? { tag: 'schemaDatasource', files, configDir: process.cwd() } : target
      const { exitCode, stdout } = await engine.diff({
        ...params,
        from: described(params.from),
        to: described(params.to)
      })
      if (stdout) await print(stdout.endsWith('\n') ? stdout.slice(0, -1) : stdout)
      return { exitCode, stdout: null }
    }
  }
}

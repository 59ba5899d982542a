/**
 * The driver adapter the WebAssembly engine runs on, made to behave like the
 * native engine's own PostgreSQL connection where `@prisma/adapter-pg` differs:
 *
 * - A script (a migration, `db execute`) goes to PostgreSQL whole, in one
 *   simple-protocol query, as native engines before Prisma 7.4 send it. The
 *   adapter splits it on every `;` (also one inside a dollar-quoted body or a
 *   comment). For a CLI of 7.4 or later, a migration (`applyMigrations`) is
 *   sent as those native engines send it (prisma-engines #5767): statement by
 *   statement on one connection, each committed on its own, unless the
 *   `sqlparser` crate (0.62, the WebAssembly build on npm) cannot read the
 *   file, in which case it goes whole.
 * - PostgreSQL's internal `"char"` type (OID 18), which the schema describer
 *   reads from `pg_constraint`, is read as a character; the adapter cannot
 *   decode it ("Column type 'char' could not be deserialized").
 * - The shadow database is one of our own: created on the main database's
 *   server, used, dropped. The adapter's `connectToShadowDb()` opens the main
 *   database (pg lets `connectionString` win over `database`). An explicit
 *   shadow database URL is reset first, as the native engine does.
 *
 * Connections are built from the parts of the URL, never from the URL itself,
 * so that overriding `database` works.
 */
import { randomUUID } from 'node:crypto'
import pg from 'pg'
import { PrismaPg } from '@prisma/adapter-pg'
import * as pgQuery from 'libpg-query'
import * as sqlparser from '@guanmingchiu/sqlparser-ts'

/** How migrations are sent: `whole` (native engines before 7.4) or `statements` (7.4+). */
let migrationScripts = 'whole'
let applying = false

/** Chooses how migrations are sent, from the CLI's version. */
export function setMigrationScripts(cliVersion) {
  const [major, minor] = String(cliVersion).split('.').map(Number)
  migrationScripts = major > 7 || (major === 7 && minor >= 4) ? 'statements' : 'whole'
}

/** Runs `fn` (an `applyMigrations` request): scripts run meanwhile are migrations. */
export async function applyingMigrations(fn) {
  applying = true
  try {
    return await fn()
  } finally {
    applying = false
  }
}

/** The statements of a script as PostgreSQL's parser reads them, or undefined when it cannot. */
async function statementsOf(script) {
  await pgQuery.loadModule()
  let parsed
  try {
    parsed = pgQuery.parseSync(script)
  } catch {
    return undefined
  }
  const bytes = Buffer.from(script)
  return (parsed.stmts ?? []).map((s) => {
    const start = s.stmt_location ?? 0
    const end = s.stmt_len ? start + s.stmt_len : bytes.length
    return bytes.subarray(start, end).toString('utf8')
  })
}

/** Whether the native engine of 7.4+ splits this script: `sqlparser` reads all of it. */
async function splitterReads(script) {
  await sqlparser.init()
  try {
    sqlparser.parse(script, new sqlparser.PostgreSqlDialect())
    return true
  } catch {
    return false
  }
}

async function runScript(pool, script) {
  if (!applying || migrationScripts === 'whole' || !(await splitterReads(script))) {
    await pool.query(script)
    return
  }
  const statements = await statementsOf(script)
  if (!statements) {
    await pool.query(script)
    return
  }
  const client = await pool.connect()
  try {
    for (const statement of statements) if (statement.trim()) await client.query(statement)
  } finally {
    client.release()
  }
}

const CHAR_OID = 18
const TEXT_OID = 25
/** The driver adapters' `ColumnType.Character`: what the engine reads `"char"` columns as. */
const CHARACTER = 6

/**
 * Lets `queryable` (the adapter or one of its transactions) return `"char"`
 * columns: each query runs the adapter's own `queryRaw` with the column
 * labelled text for its type mapping (pg hands the value over as a string
 * either way), and the column is then typed `Character`.
 */
function readCharColumns(queryable) {
  const queryRaw = queryable.queryRaw
  queryable.queryRaw = async (query) => {
    const charColumns = []
    const performIO = async (q) => {
      const result = await queryable.performIO(q)
      result.fields.forEach((field, i) => {
        if (field.dataTypeID === CHAR_OID) {
          charColumns.push(i)
          field.dataTypeID = TEXT_OID
        }
      })
      return result
    }
    // The adapter's own queryRaw, with this call's performIO.
    const result = await queryRaw.call(Object.create(queryable, { performIO: { value: performIO } }), query)
    for (const i of charColumns) result.columnTypes[i] = CHARACTER
    return result
  }
  return queryable
}

/** pg connection settings from a PostgreSQL URL. */
export function pgConfig(url) {
  const u = new URL(url)
  return {
    host: decodeURIComponent(u.hostname),
    port: u.port ? Number(u.port) : 5432,
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.slice(1)) || 'postgres'
  }
}

/** The PostgreSQL schema of a URL (`?schema=`), default `public`. */
export function urlSchema(url) {
  return new URL(url).searchParams.get('schema') || 'public'
}

function quote(name) {
  return `"${name.replaceAll('"', '""')}"`
}

/** Pools end when the stand-in exits, whatever the engine did with its adapters. */
const pools = new Set()

export async function endAllPools() {
  await Promise.allSettled([...pools].map((pool) => pool.end()))
  pools.clear()
}

/**
 * Shadow databases not dropped yet. The engine does not always dispose of a
 * shadow adapter before it answers, so whatever is left is dropped once the
 * request is answered (a shadow database lives for one request) and at exit.
 */
const shadowDrops = new Set()

export async function dropShadowDatabases() {
  const drops = [...shadowDrops]
  shadowDrops.clear()
  await Promise.allSettled(drops.map((drop) => drop()))
}

async function connectAdapter(config, schema, onDispose) {
  // A short idle timeout: an idle pooled connection would keep the process alive.
  const pool = new pg.Pool({ ...config, idleTimeoutMillis: 100 })
  pool.on('error', () => {})
  pools.add(pool)
  const adapter = await new PrismaPg(pool, {
    schema: schema === 'public' ? undefined : schema,
    disposeExternalPool: true
  }).connect()
  readCharColumns(adapter)
  const startTransaction = adapter.startTransaction.bind(adapter)
  adapter.startTransaction = async (...args) => readCharColumns(await startTransaction(...args))
  adapter.executeScript = async (script) => {
    try {
      await runScript(pool, script)
    } catch (error) {
      adapter.onError(error)
    }
  }
  const dispose = adapter.dispose.bind(adapter)
  adapter.dispose = async () => {
    await dispose()
    pools.delete(pool)
    await onDispose?.()
  }
  return adapter
}

/** Runs statements on one connection to `config`'s database, then closes it. */
export async function withClient(config, fn) {
  const client = new pg.Client(config)
  client.on('error', () => {})
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end().catch(() => {})
  }
}

/**
 * A factory for `bindMigrationAwareSqlAdapterFactory`: the main database of
 * `url`, and a shadow database (the given one, reset, or a fresh one).
 */
export class StandInAdapterFactory {
  provider = 'postgres'
  adapterName = '@prisma/adapter-pg'

  /** @param {string} url @param {string | undefined} shadowDatabaseUrl */
  constructor(url, shadowDatabaseUrl) {
    this.url = url
    this.shadowDatabaseUrl = shadowDatabaseUrl
  }

  connect() {
    return connectAdapter(pgConfig(this.url), urlSchema(this.url))
  }

  async connectToShadowDb() {
    if (this.shadowDatabaseUrl) {
      const schema = urlSchema(this.shadowDatabaseUrl)
      await withClient(pgConfig(this.shadowDatabaseUrl), (client) =>
        client.query(`DROP SCHEMA IF EXISTS ${quote(schema)} CASCADE; CREATE SCHEMA ${quote(schema)}`)
      )
      return connectAdapter(pgConfig(this.shadowDatabaseUrl), schema)
    }
    const main = pgConfig(this.url)
    const name = `prisma_migrate_shadow_db_${randomUUID()}`
    await withClient(main, (client) => client.query(`CREATE DATABASE ${quote(name)}`))
    let dropping
    const drop = () => {
      shadowDrops.delete(drop)
      // WITH (FORCE): connections the engine left open must not keep it alive.
      return (dropping ??= withClient(main, (client) =>
        client.query(`DROP DATABASE IF EXISTS ${quote(name)} WITH (FORCE)`)
      ))
    }
    shadowDrops.add(drop)
    try {
      return await connectAdapter({ ...main, database: name }, urlSchema(this.url), drop)
    } catch (error) {
      await drop().catch(() => {})
      throw error
    }
  }
}

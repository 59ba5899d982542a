/**
 * WebAssembly engine instances, one per database: the engine runs on a
 * driver adapter bound to one database, while a native engine connects to
 * whatever URL a request names (`--from-url`, `db execute --url`).
 */
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils'
import { StandInAdapterFactory } from './adapter.mjs'
import { log } from './log.mjs'

/**
 * The user-facing error codes of the connection failures that engine
 * construction reports by message only, from the kind of the driver
 * adapter's error (the engine's own mapping of those kinds gives the message).
 */
const CONNECTION_ERROR_CODES = {
  AuthenticationFailed: 'P1000',
  DatabaseNotReachable: 'P1001',
  DatabaseDoesNotExist: 'P1003',
  DatabaseAccessDenied: 'P1010',
  TlsConnectionError: 'P1011'
}

export class EnginePool {
  /** @param {any} SchemaEngine the glue's class @param {[string, string][] | undefined} datamodels */
  constructor(SchemaEngine, datamodels) {
    this.SchemaEngine = SchemaEngine
    this.datamodels = datamodels
    /** @type {Map<string, Promise<any>>} */
    this.engines = new Map()
  }

  /** The engine on `url` (and its shadow database), created on first use. */
  get(url, shadowDatabaseUrl) {
    const key = JSON.stringify([url, shadowDatabaseUrl ?? null])
    let engine = this.engines.get(key)
    if (!engine) {
      engine = this.create(url, shadowDatabaseUrl)
      this.engines.set(key, engine)
      engine.catch(() => this.engines.delete(key))
    }
    return engine
  }

  async create(url, shadowDatabaseUrl) {
    const factory = new StandInAdapterFactory(url, shadowDatabaseUrl)
    let lastKind
    const watched = {
      provider: factory.provider,
      adapterName: factory.adapterName,
      connect: () => watch(factory.connect()),
      connectToShadowDb: () => watch(factory.connectToShadowDb())
    }
    // The kind of the adapter's error, for the code the engine's message lacks.
    const watch = async (adapterPromise) => {
      const adapter = await adapterPromise
      for (const method of ['queryRaw', 'executeRaw', 'executeScript']) {
        const original = adapter[method].bind(adapter)
        adapter[method] = (...args) =>
          original(...args).catch((error) => {
            lastKind = error?.cause?.kind
            throw error
          })
      }
      return adapter
    }
    const onLog = (line) => process.stderr.write(String(line).trimEnd() + '\n')
    try {
      return await this.SchemaEngine.new(
        { datamodels: this.datamodels },
        onLog,
        bindMigrationAwareSqlAdapterFactory(watched)
      )
    } catch (error) {
      const code = CONNECTION_ERROR_CODES[lastKind]
      if (code && error && typeof error === 'object' && !('code' in error)) error.code = code
      throw error
    }
  }

  async dispose() {
    for (const engine of this.engines.values()) {
      try {
        ;(await engine).free()
      } catch (error) {
        log('INFO', { message: `engine not freed: ${error?.message ?? error}` })
      }
    }
    this.engines.clear()
  }
}

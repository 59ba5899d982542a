#!/usr/bin/env node
/**
 * A stand-in for Prisma's native `schema-engine` binary, for the tests: the
 * Prisma CLIs run it when `PRISMA_SCHEMA_ENGINE_BINARY` points here. It
 * speaks the native engine's protocol (see args.mjs, rpc.mjs and
 * cli-commands.mjs) and delegates the work to Prisma's own WebAssembly schema
 * engine of the CLI's version (engine.mjs) on a PostgreSQL driver adapter
 * (adapter.mjs). Test support only: the product never knows about it.
 */
import { readFileSync } from 'node:fs'
import { parseArgs, UsageError } from './args.mjs'
import { dropShadowDatabases, endAllPools, setMigrationScripts } from './adapter.mjs'
import { runCliCommand } from './cli-commands.mjs'
import { datasourceOfSchemas } from './datasource.mjs'
import { chooseEngine, findPrismaCli, loadSchemaEngine } from './engine.mjs'
import { EnginePool } from './engines.mjs'
import { log, logError } from './log.mjs'
import { serve } from './rpc.mjs'

async function main() {
  const args = parseArgs(process.argv.slice(2))
  const cli = findPrismaCli()
  const choice = chooseEngine(cli)
  setMigrationScripts(cli.version)
  if (args.version) {
    process.stdout.write(`schema-engine-cli ${choice.hash}\n`)
    return 0
  }
  const datamodels = args.datamodels.length
    ? args.datamodels.map((file) => /** @type {[string, string]} */ ([file, readFileSync(file, 'utf8')]))
    : undefined
  const engines = new EnginePool(await loadSchemaEngine(choice), datamodels)
  const done = async () => {
    await engines.dispose()
    await dropShadowDatabases()
    await endAllPools()
  }
  if (args.cliCommand) {
    log('INFO', { message: 'Starting schema engine CLI', git_hash: choice.hash })
    const url = args.datasource?.url ?? datasourceOfSchemas(datamodels?.map(([, t]) => t) ?? []).url
    const code = await runCliCommand(args.cliCommand, url, engines)
    await done()
    return code
  }
  log('INFO', {
    message: 'Starting schema engine RPC server',
    git_hash: choice.hash,
    engine: choice.glueVersion
  })
  const datasource = args.datasource?.url
    ? args.datasource
    : datasourceOfSchemas(datamodels?.map(([, t]) => t) ?? [])
  const engineMajor = Number(choice.glueVersion.split('.')[0])
  await new Promise((resolve) =>
    serve({ engines, datasource, engineMajor, onEnd: async () => resolve(await done()) })
  )
  return 0
}

// A Rust panic traps inside a callback of the engine, outside any request's
// promise: log it as the native engine's panic hook does and exit 101.
process.on('uncaughtException', (error) => {
  const registry = globalThis.PRISMA_WASM_PANIC_REGISTRY
  log('ERROR', {
    is_panic: true,
    message: registry?.message ?? String(error?.message ?? error),
    backtrace: String(error?.stack ?? '')
  })
  process.exit(101)
})

main().then(
  // An explicit exit: the WebAssembly engine keeps timers that would hold the process open.
  (code) => process.exit(code),
  (error) => {
    logError(
      error instanceof UsageError ? `schema-engine stand-in: ${error.message}` : String(error?.stack ?? error)
    )
    process.exit(error instanceof UsageError ? 2 : 1)
  }
)

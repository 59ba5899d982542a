/**
 * `schema-engine cli <command>`: one command, its outcome logged on stderr
 * (an INFO line, or the ERROR line of target `schema_engine::logger` with the
 * user-facing error code), exit code 0 or 1. The CLIs read the log lines after
 * the first as JSON.
 *
 * `can-connect-to-database` is the WebAssembly engine's connection check.
 * The WebAssembly engine does not implement `create-database` and
 * `drop-database` (its driver adapter is bound to one database), so these run
 * the native engine's statements on an admin connection to the same server:
 * `CREATE DATABASE`, then `CREATE SCHEMA IF NOT EXISTS` of the URL's schema.
 */
import { pgConfig, urlSchema, withClient } from './adapter.mjs'
import { log, logError } from './log.mjs'

/** The databases the native engine tries, in order, for an admin connection. */
const ADMIN_DATABASES = ['postgres', 'template1', 'defaultdb']

/**
 * @param {string} command
 * @param {string | undefined} url
 * @param {import('./engines.mjs').EnginePool} engines
 * @returns {Promise<number>} the exit code
 */
export async function runCliCommand(command, url, engines) {
  if (!url) {
    logError('A datasource URL must be provided (`--datasource`).', 'P1012')
    return 1
  }
  try {
    if (command === 'can-connect-to-database') {
      const engine = await engines.get(url)
      await engine.ensureConnectionValidity({ datasource: { tag: 'ConnectionString', url } })
      log('INFO', { message: 'Connection successful' })
    } else if (command === 'create-database') {
      const name = await createDatabase(url)
      log('INFO', { message: `Database '${name}' was successfully created.` })
    } else if (command === 'drop-database') {
      await withAdmin(url, (client) => client.query(`DROP DATABASE ${quote(pgConfig(url).database)}`))
      log('INFO', { message: 'The database was successfully dropped.' })
    } else {
      logError(`Unknown cli command: ${command}`)
      return 1
    }
    return 0
  } catch (error) {
    logError(
      error?.message ?? String(error),
      typeof error?.code === 'string' && /^P\d{4}$/.test(error.code) ? error.code : ''
    )
    return 1
  }
}

async function createDatabase(url) {
  const config = pgConfig(url)
  await withAdmin(url, (client) => client.query(`CREATE DATABASE ${quote(config.database)}`))
  await withClient(config, (client) => client.query(`CREATE SCHEMA IF NOT EXISTS ${quote(urlSchema(url))}`))
  return config.database
}

async function withAdmin(url, fn) {
  let lastError
  for (const database of ADMIN_DATABASES) {
    try {
      return await withClient({ ...pgConfig(url), database }, fn)
    } catch (error) {
      // 3D000: that admin database does not exist; 28000: no access to it.
      if (error?.code !== '3D000' && error?.code !== '28000') throw error
      lastError = error
    }
  }
  throw lastError
}

function quote(name) {
  return `"${name.replaceAll('"', '""')}"`
}

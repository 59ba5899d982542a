/**
 * The connect stage: reach the service database (retrying while it starts),
 * refuse one that already holds tables unless allowed, and decide what every
 * child process gets: the URL under each variable the project's datasource
 * reads, and a scratch database for its shadow variables.
 */
import type pg from 'pg'
import type { Config } from '../config.js'
import {
  assertEmpty,
  connectWithRetry,
  createScratchDatabase,
  DatabaseError,
  findExistingObjects,
  withDatabase
} from '../db/connect.js'
import { DEFAULT_URL_ENV, type DatasourceEnv } from '../prisma/datasource.js'
import { elapsed, type DatabaseEnv, type RunState } from './state.js'

/** The connected client, or undefined when the database cannot be used (the problem says why). */
export async function connectStage(
  run: RunState,
  config: Config,
  datasource: Promise<DatasourceEnv>,
  options: { info(message: string): void; signal?: AbortSignal }
): Promise<pg.Client | undefined> {
  const started = performance.now()
  try {
    const client = await connectWithRetry(config.databaseUrl, {
      timeoutMs: config.connectTimeoutMs,
      signal: options.signal,
      onRetry: (attempt, error) =>
        options.info(run.clean(`Database not ready (attempt ${attempt}): ${error}; retrying…`))
    })
    let summary = 'database reachable and empty'
    try {
      if (!config.allowNonEmptyDatabase) await assertEmpty(client, config.databaseUrl)
      else summary = describeContents((await findExistingObjects(client, 1)).total)
      run.env = await databaseEnv(run, config, client, await datasource)
    } catch (error) {
      await run.shadow?.drop()
      await client.end().catch(() => {})
      throw error
    }
    run.stage({
      name: 'connect',
      status: 'passed',
      durationMs: elapsed(started),
      summary: `${summary}; ${describeDatabaseEnv(run.env)}`
    })
    return client
  } catch (error) {
    if (!(error instanceof DatabaseError)) throw error
    // The stage ended when the connection failed; the config loader beside it
    // is only waited for, so that no process of the run is left behind.
    const durationMs = elapsed(started)
    await datasource.catch(() => undefined)
    run.stage({
      name: 'connect',
      status: 'failed',
      durationMs,
      summary: error.code === 'not-empty' ? 'database not empty' : 'database unreachable'
    })
    run.problem({
      stage: 'connect',
      severity: 'error',
      title: error.code === 'not-empty' ? 'Database is not empty' : 'Database unreachable',
      message: error.message,
      code: error.code
    })
    for (const name of ['generate', 'migrate', 'seed'] as const) run.skip(name, 'no usable database')
    return undefined
  }
}

/**
 * The datasource's URL variables (with DATABASE_URL, which seeds read too) or
 * the `database-url-env` override, and a scratch database for its shadow
 * variables, created now and dropped when the run ends.
 */
async function databaseEnv(
  run: RunState,
  config: Config,
  client: pg.Client,
  datasource: DatasourceEnv
): Promise<DatabaseEnv> {
  const url = config.databaseUrlEnv ?? [...new Set([DEFAULT_URL_ENV, ...datasource.url])]
  const shadow = datasource.shadow.filter((name) => !url.includes(name))
  if (datasource.probeError)
    run.problem({
      stage: 'project',
      severity: 'notice',
      title: "Prisma's config loader could not read the config",
      message: `Asking Prisma's config loader which variables the datasource reads failed (${datasource.probeError}); the names written in its datasource block were used.`,
      code: 'config-probe'
    })
  const env: DatabaseEnv = { url, shadow, datasource, overridden: config.databaseUrlEnv !== undefined }
  if (shadow.length === 0) return env
  try {
    run.shadow = await createScratchDatabase(client, config.databaseUrl, 'shadow')
    env.shadowUrl = run.shadow.url
  } catch (error) {
    if (!(error instanceof DatabaseError) || error.code !== 'no-createdb') throw error
    // Without CREATEDB no shadow database can exist; the commands this check runs do not use one,
    // so a name that exists nowhere keeps Prisma from ever resetting the main database.
    env.shadowUrl = withDatabase(config.databaseUrl, 'msc_shadow_unavailable')
  }
  return env
}

/** "DATABASE_URL, DIRECT_URL set to the database URL; SHADOW_DATABASE_URL to a scratch database" (names only). */
function describeDatabaseEnv(env: DatabaseEnv): string {
  const url = `${env.url.join(', ')} set to the database URL${env.overridden ? ' (database-url-env)' : ''}`
  return env.shadow.length ? `${url}; ${env.shadow.join(', ')} to a scratch shadow database` : url
}

/** What the connect stage says when `allow-non-empty-database` let it skip the emptiness check. */
function describeContents(objects: number): string {
  if (objects === 0) return 'database reachable and empty'
  return `database reachable; it already holds ${objects} table(s) or view(s) (allow-non-empty-database)`
}

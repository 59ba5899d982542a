/**
 * Reach the service database, make sure it is safe to use, create and drop
 * the scratch databases the run needs beside it, and tell a lost connection
 * from any other database error.
 */
import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import pg from 'pg'

/** A database problem with a code the report can act on. */
export class DatabaseError extends Error {
  constructor(
    readonly code: 'unreachable' | 'not-empty' | 'no-createdb' | 'query',
    message: string
  ) {
    super(message)
    this.name = 'DatabaseError'
  }
}

/** The URL with another database name (same server, same credentials). */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url)
  u.pathname = '/' + encodeURIComponent(database)
  return u.toString()
}

/** Host, port and database of a URL, for messages (never the password). */
export function describeUrl(url: string): string {
  const u = new URL(url)
  return `${u.hostname}:${u.port || '5432'}/${decodeURIComponent(u.pathname.slice(1)) || 'postgres'}`
}

/** pg's client options for a URL. Query parameters pg does not know are left to Prisma. */
function clientConfig(url: string, connectTimeoutMs: number): pg.ClientConfig {
  return {
    connectionString: url,
    connectionTimeoutMillis: connectTimeoutMs,
    application_name: 'migrate-seed-check'
  }
}

export interface ConnectOptions {
  timeoutMs: number
  /** Called before each retry (the action logs it). */
  onRetry?: (attempt: number, error: string) => void
  signal?: AbortSignal
}

/**
 * Connects, retrying until the database accepts connections or `timeoutMs`
 * has passed (service containers start after the job does).
 * @throws DatabaseError('unreachable') with the last connection error.
 */
export async function connectWithRetry(url: string, options: ConnectOptions): Promise<pg.Client> {
  const deadline = Date.now() + options.timeoutMs
  let lastError = 'no attempt made'
  for (let attempt = 1; ; attempt++) {
    const remaining = deadline - Date.now()
    const client = new pg.Client(clientConfig(url, Math.max(1000, Math.min(remaining, 10_000))))
    // A server that goes away later must not crash the process.
    client.on('error', () => {})
    try {
      await client.connect()
      return client
    } catch (error) {
      await client.end().catch(() => {})
      lastError = describePgError(error)
      // Wrong credentials or database will not fix themselves: fail now.
      const code = (error as { code?: string }).code
      if (code === '28P01' || code === '28000' || code === '3D000') break
    }
    const wait = Math.min(2000, 250 * attempt)
    if (Date.now() + wait >= deadline || options.signal?.aborted) break
    options.onRetry?.(attempt, lastError)
    // A cancelled run stops waiting at once.
    const cancelled = await sleep(wait, false, { signal: options.signal }).catch(() => true)
    if (cancelled) break
  }
  throw new DatabaseError(
    'unreachable',
    `Could not connect to the database at ${describeUrl(url)} within ${Math.round(options.timeoutMs / 1000)}s: ${lastError}. ` +
      'Check the `database-url` input and that the postgres service is healthy (a `--health-cmd pg_isready` option makes the job wait for it); raise `connect-timeout` if it starts slowly.'
  )
}

/** A one-line description of a pg error (message, code); never includes the URL. */
export function describePgError(error: unknown): string {
  const e = error as { message?: string; code?: string; errors?: { message?: string }[] }
  // Node reports "connect ECONNREFUSED" once per address as an AggregateError with no message.
  const message = e.message || e.errors?.map((x) => x.message).join('; ') || String(error)
  return e.code && !message.includes(e.code) ? `${message} (${e.code})` : message
}

export interface ExistingObject {
  schema: string
  name: string
  kind: string
}

/**
 * Lists user tables, views and types in the database (a few, for the
 * message). Anything there means the database is not the empty one this
 * check needs — and may be somebody's real data.
 */
export async function findExistingObjects(
  client: pg.ClientBase,
  limit = 10
): Promise<{ total: number; sample: ExistingObject[] }> {
  const { rows } = await client.query<{ schema: string; name: string; kind: string; total: string }>(
    `SELECT n.nspname AS schema, c.relname AS name,
            CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' ELSE 'table' END AS kind,
            count(*) OVER () AS total
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
        AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
      ORDER BY 1, 2
      LIMIT $1`,
    [limit]
  )
  return {
    total: Number(rows[0]?.total ?? 0),
    sample: rows.map(({ schema, name, kind }) => ({ schema, name, kind }))
  }
}

/**
 * Refuses a database that already holds tables: `migrate deploy` and the seed
 * would write into it, and the result would not prove a fresh build anyway.
 */
export async function assertEmpty(client: pg.ClientBase, url: string): Promise<void> {
  const { total, sample } = await findExistingObjects(client)
  if (total === 0) return
  const names = sample.map((o) => `${o.schema}.${o.name}`).join(', ')
  throw new DatabaseError(
    'not-empty',
    `The database ${describeUrl(url)} is not empty: it holds ${total} table(s) or view(s) (${names}${total > sample.length ? ', …' : ''}). ` +
      'This check builds the database from nothing and refuses to write into one that may hold real data. ' +
      'Point `database-url` at an empty database (a postgres service container), or set `allow-non-empty-database: true` if this one is disposable.'
  )
}

export interface ScratchDatabase {
  name: string
  url: string
  drop(): Promise<void>
}

/**
 * Creates an empty database beside the service database, with a unique name.
 * `drop()` removes it (forcing other sessions off) and never throws.
 * @throws DatabaseError('no-createdb') when the role may not create databases.
 */
export async function createScratchDatabase(
  admin: pg.ClientBase,
  baseUrl: string,
  purpose: string
): Promise<ScratchDatabase> {
  const name = `msc_${purpose}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`
  try {
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE template0`)
  } catch (error) {
    const code = (error as { code?: string }).code
    if (code === '42501') {
      throw new DatabaseError(
        'no-createdb',
        'The database role may not create databases, which the drift check needs for a scratch copy of the expected schema. ' +
          `Use a role with CREATEDB (the \`postgres\` user of the standard postgres service image has it), or run \`ALTER ROLE ${roleOf(baseUrl)} CREATEDB\`.`
      )
    }
    throw new DatabaseError('query', `Could not create a scratch database: ${describePgError(error)}`)
  }
  let dropped = false
  return {
    name,
    url: withDatabase(baseUrl, name),
    drop: async () => {
      if (dropped) return
      dropped = true
      await dropDatabase(admin, name)
    }
  }
}

/** The URL's user as an SQL identifier, for a fix the reader can paste. */
function roleOf(url: string): string {
  let user = ''
  try {
    user = decodeURIComponent(new URL(url).username)
  } catch {
    // Not a URL we can read: keep the placeholder.
  }
  return user ? `"${user.replace(/"/g, '""')}"` : '<user>'
}

async function dropDatabase(admin: pg.ClientBase, name: string): Promise<void> {
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
  } catch (error) {
    // PostgreSQL before 13 has no FORCE.
    if ((error as { code?: string }).code === '42601')
      await admin.query(`DROP DATABASE IF EXISTS "${name}"`).catch(() => {})
  }
}

/**
 * Whether a pg error means the server or the connection went away (rather
 * than a bug of ours): SQLSTATE class 08 (connection exception), 57P01–57P03
 * (shutdown, crash), or the errors pg and Node raise on a closed socket.
 */
export function isConnectionLoss(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown }
  const code = typeof e?.code === 'string' ? e.code : ''
  if (/^08/.test(code) || ['57P01', '57P02', '57P03', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE'].includes(code))
    return true
  const message = typeof e?.message === 'string' ? e.message : ''
  return /Connection terminated|not queryable|connection error|ECONNREFUSED|ECONNRESET|server closed the connection|terminating connection|shutting down/i.test(
    message
  )
}

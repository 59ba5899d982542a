/**
 * Databases for tests on the shared server: each test gets its own, with a
 * unique name, dropped by `drop()`.
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'

export function serverUrl(): string {
  const url = process.env.TEST_DATABASE_URL
  if (!url)
    throw new Error(
      'TEST_DATABASE_URL is not set: run the tests through jest (global setup starts PostgreSQL)'
    )
  return url
}

export function urlFor(database: string, base = serverUrl()): string {
  const url = new URL(base)
  url.pathname = '/' + database
  return url.toString()
}

export async function adminQuery<T extends pg.QueryResultRow = pg.QueryResultRow>(
  sql: string,
  params: unknown[] = [],
  database?: string
): Promise<T[]> {
  const client = new pg.Client({ connectionString: database ? urlFor(database) : serverUrl() })
  await client.connect()
  try {
    return (await client.query<T>(sql, params)).rows
  } finally {
    await client.end()
  }
}

export interface TestDatabase {
  name: string
  url: string
  drop(): Promise<void>
}

export async function createTestDatabase(prefix = 't'): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`.toLowerCase()
  await adminQuery(`CREATE DATABASE "${name}"`)
  return {
    name,
    url: urlFor(name),
    drop: async () => {
      await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
    }
  }
}

/** Databases on the server whose names start with `prefix` (debris checks). */
export async function databasesLike(prefix: string): Promise<string[]> {
  const rows = await adminQuery<{ datname: string }>(
    `SELECT datname FROM pg_database WHERE datname LIKE $1`,
    [prefix + '%']
  )
  return rows.map((r) => r.datname)
}

/**
 * Shared steps of the drift integration tests: build a database from SQL on
 * the test server, snapshot it, compare, apply the fix migration and compare
 * again. Every database made here is dropped before the function returns.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { snapshotCatalog, type CatalogSnapshot } from '../../src/db/snapshot.js'
import { compareCatalogs } from '../../src/catalog-diff/index.js'
import { buildFixMigration } from '../../src/drift/fix-migration.js'
import type { DriftItem } from '../../src/model/drift.js'
import { createTestDatabase, type TestDatabase } from '../helpers/pg.js'

const here = path.dirname(fileURLToPath(import.meta.url))
export const repoRoot = path.resolve(here, '../..')

/** A fixture of `__tests__/fixtures/drift/`. */
export function fixture(name: string): string {
  return readFileSync(path.join(repoRoot, '__tests__/fixtures/drift', name), 'utf8')
}

/** Runs `sql` (several statements) on the database at `url`. */
export async function runSql(url: string, sql: string): Promise<void> {
  await withClient(url, (client) => client.query(sql))
}

export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

export async function snapshotOf(url: string, schemas: string[]): Promise<CatalogSnapshot> {
  return withClient(url, (client) => snapshotCatalog(client, schemas))
}

export interface DriftRun {
  items: DriftItem[]
  fixSql: string
  /** The drift left after applying `fixSql` to the migrated database. */
  afterFix: DriftItem[]
}

/**
 * Builds the expected database from `expectedSql` (Prisma's SQL for the
 * schema) and the migrated one from `actualSql`, compares them, applies the
 * fix migration to the migrated one and compares again.
 */
export async function runDrift(
  expectedSql: string,
  actualSql: string | string[],
  schemas: string[] = ['public']
): Promise<DriftRun> {
  const databases: TestDatabase[] = []
  try {
    const expectedDb = await createTestDatabase('drift_exp')
    databases.push(expectedDb)
    const actualDb = await createTestDatabase('drift_act')
    databases.push(actualDb)
    await runSql(expectedDb.url, expectedSql)
    for (const migration of [actualSql].flat()) await runSql(actualDb.url, migration)
    const expected = await snapshotOf(expectedDb.url, schemas)
    const items = compareCatalogs(expected, await snapshotOf(actualDb.url, schemas))
    const fixSql = buildFixMigration(items)
    if (fixSql) await runSql(actualDb.url, fixSql)
    const afterFix = compareCatalogs(expected, await snapshotOf(actualDb.url, schemas))
    return { items, fixSql, afterFix }
  } finally {
    for (const db of databases) await db.drop()
  }
}

/** Items that count as drift (everything but `info`). */
export const drift = (items: DriftItem[]) => items.filter((i) => i.severity !== 'info')

/** `kind change object severity`, one string per item, for compact assertions. */
export const summary = (items: DriftItem[]) =>
  items.map((i) => `${i.kind} ${i.change} ${i.object} ${i.severity}`).sort()

/** Replaces `from` by `to` in `sql`, failing loudly when the fixture no longer contains `from`. */
export function edit(sql: string, from: string, to: string): string {
  if (!sql.includes(from)) throw new Error(`fixture does not contain: ${from}`)
  return sql.replace(from, to)
}

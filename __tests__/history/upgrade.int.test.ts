/**
 * The upgrade test on a real PostgreSQL: the sample project's migrations as
 * the base, rows in every table, then a pull request's new migration.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { snapshotCatalog } from '../../src/db/snapshot.js'
import { splitSqlStatements } from '../../src/sql/script.js'
import type { Migration } from '../../src/prisma/project.js'
import { fillTables } from '../../src/upgrade/fill.js'
import { runUpgradeTest } from '../../src/upgrade/index.js'
import { createTestDatabase, serverUrl, type TestDatabase } from '../helpers/pg.js'
import { upgradeAdmin, sampleBase, newMigration } from '../helpers/upgrade.js'
import { FIXTURES, REPO_ROOT } from '../helpers/project.js'

const base = sampleBase()

const admin = upgradeAdmin()

function upgrade(newMigrations: Migration[], rowsPerTable?: number) {
  return runUpgradeTest({
    adminClient: admin(),
    databaseUrl: serverUrl(),
    baseMigrations: base,
    newMigrations,
    schemas: ['public'],
    repoRoot: REPO_ROOT,
    rowsPerTable
  })
}

const NOT_NULL = `-- AlterTable
ALTER TABLE "users" ADD COLUMN "bio" TEXT;

-- AlterTable
ALTER TABLE "users" ADD COLUMN "nickname" TEXT NOT NULL;
`

describe('upgrade test', () => {
  test('a NOT NULL column without a default fails on a table with rows, on its line', async () => {
    const outcome = await upgrade([newMigration('20250701000000_nickname', NOT_NULL)])
    expect(outcome.stage).toMatchObject({ name: 'upgrade', status: 'failed' })
    expect(outcome.problems).toHaveLength(1)
    const problem = outcome.problems[0]!
    expect(problem).toMatchObject({
      stage: 'upgrade',
      severity: 'error',
      code: '23502',
      title: 'Migration 20250701000000_nickname fails on a database with data',
      location: { file: 'prisma/migrations/20250701000000_nickname/migration.sql', line: 5 }
    })
    expect(problem.message).toContain(
      'ADD COLUMN "nickname" … NOT NULL without a default fails on a table with 3 rows ("users")'
    )
    expect(problem.message).toContain('statement 2 of 2, line 5')
  })

  test('the same migration passes on empty tables', async () => {
    const outcome = await upgrade([newMigration('20250701000000_nickname', NOT_NULL)], 0)
    expect(outcome.stage.status).toBe('passed')
    expect(outcome.problems).toEqual([])
  })

  test('a new unique index over a column the rows fill with duplicates is caught', async () => {
    const sql = `-- CreateIndex\nCREATE UNIQUE INDEX "articles_title_key" ON "articles"("title");\n`
    const outcome = await upgrade([newMigration('20250701000000_unique_title', sql)])
    expect(outcome.problems).toEqual([
      expect.objectContaining({
        severity: 'error',
        code: '23505',
        location: { file: 'prisma/migrations/20250701000000_unique_title/migration.sql', line: 2 }
      })
    ])
    expect(outcome.problems[0]?.message).toContain('duplicate values')
    expect(outcome.problems[0]?.message).toContain('"articles"')
  })

  test('SET NOT NULL over a column with NULLs is caught, and later migrations are not tried', async () => {
    const outcome = await upgrade([
      newMigration('20250701000000_fine', 'CREATE INDEX "users_name_idx" ON "users"("name");\n'),
      newMigration(
        '20250702000000_require',
        'ALTER TABLE "users" ALTER COLUMN "last_login_at" SET NOT NULL;\n'
      ),
      newMigration('20250703000000_more', 'SELECT 1;\n')
    ])
    expect(outcome.stage.summary).toContain('20250702000000_require fails on a database with data')
    expect(outcome.stage.summary).toContain('1 later migration(s) not tried')
    expect(outcome.problems[0]?.message).toContain('SET NOT NULL on "users"."last_login_at" fails')
  })

  test('a harmless new migration passes', async () => {
    const sql = `-- AlterTable
ALTER TABLE "users" ADD COLUMN "nickname" TEXT NOT NULL DEFAULT '';
-- CreateIndex
CREATE INDEX "users_nickname_idx" ON "users"("nickname");
-- AddValue
ALTER TYPE "UserRole" ADD VALUE 'GUEST';
`
    const outcome = await upgrade([newMigration('20250701000000_harmless', sql)])
    expect(outcome.problems).toEqual([])
    expect(outcome.stage).toMatchObject({ name: 'upgrade', status: 'passed' })
    expect(outcome.stage.summary).toBe(
      '1 new migration(s) applied on 2 base migration(s) with 30 row(s) in 10 table(s)'
    )
  })

  test('a migration that fails on an empty database too is left to the migrate stage (notice)', async () => {
    const outcome = await upgrade([
      newMigration('20250701000000_broken', 'ALTER TABLE "nope" ADD COLUMN "x" INT;\n')
    ])
    expect(outcome.stage.status).toBe('warning')
    expect(outcome.problems).toEqual([expect.objectContaining({ severity: 'notice', code: '42P01' })])
  })

  test('no new migrations: skipped without a database', async () => {
    const outcome = await upgrade([])
    expect(outcome.stage.status).toBe('skipped')
  })
})

describe('generated rows', () => {
  let db: TestDatabase
  let client: pg.Client
  beforeAll(async () => {
    db = await createTestDatabase('hist')
    client = new pg.Client({ connectionString: db.url })
    await client.connect()
  })
  afterAll(async () => {
    await client.end()
    await db.drop()
  })

  async function apply(sql: string): Promise<void> {
    for (const statement of splitSqlStatements(sql)) await client.query(statement.text)
  }

  test('satisfy every constraint of the sample project base schema', async () => {
    await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public')
    for (const m of base) await apply(m.sql)
    const snapshot = await snapshotCatalog(client, ['public'])
    const report = await fillTables(client, snapshot)
    expect(report.tables.filter((t) => t.error)).toEqual([])
    expect(report.tables).toHaveLength(10)
    expect(report.tables.every((t) => t.rows === 3)).toBe(true)
    // Foreign keys point at real rows, and the sparse second row leaves nullable keys NULL.
    const { rows } = await client.query<{ with_author: string; with_category: string }>(
      `SELECT count(u.id) AS with_author, count(c.id) AS with_category FROM articles a
         JOIN users u ON u.id = a.author_id LEFT JOIN categories c ON c.id = a.category_id`
    )
    expect(rows[0]).toEqual({ with_author: '3', with_category: '2' })
  })

  test('fill a schema with cycles, identity, generated, partitioned, domain, enum-array and unique-FK columns', async () => {
    await client.query('DROP SCHEMA public CASCADE; DROP SCHEMA IF EXISTS app CASCADE; CREATE SCHEMA public')
    await apply(readFileSync(path.join(FIXTURES, 'history', 'tricky.sql'), 'utf8'))
    const snapshot = await snapshotCatalog(client, ['public', 'app'])
    const report = await fillTables(client, snapshot)
    expect(report.tables.filter((t) => t.error)).toEqual([])
    expect(Object.fromEntries(report.tables.map((t) => [t.table, t.rows]))).toEqual({
      orgs: 3,
      people: 3,
      memberships: 3,
      profiles: 3,
      events: 3
    })
    const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM events_2024')
    expect(rows[0]?.n).toBe('3')
  })

  test('fill a unique index of foreign keys and one-label enums, composite foreign keys that share a column, and leave a partitioned table without partitions empty', async () => {
    await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public')
    // The shapes of a real history: preferences unique per (user, project, channel, type) where
    // channel and type are enums with one label so far; events whose (conversation_id, project_id)
    // and (run_id, project_id) must both be of one project, while project_id alone references
    // projects, and runs (with a default: the sparse row leaves it out, so it is inserted apart) reference
    // conversations the same way.
    await apply(`
      CREATE TYPE "Channel" AS ENUM ('EMAIL');
      CREATE TYPE "Kind" AS ENUM ('MENTION');
      CREATE TABLE users (id text PRIMARY KEY);
      CREATE TABLE projects (id text PRIMARY KEY);
      CREATE TABLE prefs (
        id text PRIMARY KEY,
        user_id text NOT NULL REFERENCES users,
        project_id text NOT NULL REFERENCES projects,
        channel "Channel" NOT NULL,
        kind "Kind" NOT NULL,
        enabled boolean NOT NULL DEFAULT true);
      CREATE UNIQUE INDEX prefs_key ON prefs (user_id, project_id, channel, kind);
      CREATE TABLE convs (
        id text NOT NULL,
        project_id text NOT NULL REFERENCES projects,
        created_at timestamp NOT NULL DEFAULT now(),
        PRIMARY KEY (id, project_id));
      CREATE TABLE runs (
        id text NOT NULL,
        project_id text NOT NULL REFERENCES projects,
        conversation_id text NOT NULL,
        created_at timestamp NOT NULL DEFAULT now(),
        PRIMARY KEY (id, project_id),
        FOREIGN KEY (conversation_id, project_id) REFERENCES convs (id, project_id));
      CREATE TABLE events (
        project_id text NOT NULL REFERENCES projects,
        conversation_id text NOT NULL,
        run_id text NOT NULL,
        sequence_number integer NOT NULL,
        PRIMARY KEY (project_id, conversation_id, sequence_number),
        FOREIGN KEY (conversation_id, project_id) REFERENCES convs (id, project_id),
        FOREIGN KEY (run_id, project_id) REFERENCES runs (id, project_id));
      CREATE TABLE task_events (id text NOT NULL, created_at timestamp NOT NULL, PRIMARY KEY (id, created_at))
        PARTITION BY RANGE (created_at);`)
    const snapshot = await snapshotCatalog(client, ['public'])
    const report = await fillTables(client, snapshot, { rowsPerTable: 50 })
    expect(report.tables.filter((t) => t.error)).toEqual([])
    // A partitioned table whose partitions the application makes at run time holds no row: no error.
    expect(report.tables.find((t) => t.table === 'task_events')).toMatchObject({
      rows: 0,
      empty: 'partitioned, without partitions'
    })
    expect(Object.fromEntries(report.tables.map((t) => [t.table, t.rows]))).toMatchObject({
      prefs: 50,
      convs: 50,
      runs: 50,
      events: 50
    })
    // The enum columns repeat their one label: a unique index added on them would meet duplicates.
    const { rows } = await client.query<{ channels: string; kinds: string }>(
      'SELECT count(DISTINCT channel) AS channels, count(DISTINCT kind) AS kinds FROM prefs'
    )
    expect(rows[0]).toEqual({ channels: '1', kinds: '1' })
  })
})

/**
 * The upgrade test fills only the tables the new migrations can reach (the
 * tables they name, the tables referencing those, and what those reference),
 * with the rows a full fill gives them, and everything when a migration's
 * reach cannot be read. Its findings and the review's are those of a full
 * fill, on a real PostgreSQL.
 */
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { snapshotCatalog } from '../../src/db/snapshot.js'
import { splitSqlStatements } from '../../src/sql/script.js'
import { fillTables } from '../../src/upgrade/fill.js'
import { fillScope } from '../../src/upgrade/fill-scope.js'
import { runUpgradeTest } from '../../src/upgrade/index.js'
import { MigrationReviewer } from '../../src/review/index.js'
import { createTestDatabase, serverUrl, type TestDatabase } from '../helpers/pg.js'
import { baseMigration, newMigration, upgradeAdmin } from '../helpers/upgrade.js'
import { REPO_ROOT } from '../helpers/project.js'

const BASE_SQL = `
CREATE TABLE "categories" ("id" SERIAL PRIMARY KEY, "name" TEXT NOT NULL);
CREATE TABLE "users" ("id" SERIAL PRIMARY KEY, "email" TEXT NOT NULL UNIQUE,
  "referrer_id" INTEGER REFERENCES "users"("id"));
CREATE TABLE "posts" ("id" SERIAL PRIMARY KEY,
  "author_id" INTEGER NOT NULL REFERENCES "users"("id") ON DELETE RESTRICT,
  "category_id" INTEGER REFERENCES "categories"("id"), "title" TEXT NOT NULL);
CREATE TABLE "comments" ("id" SERIAL PRIMARY KEY,
  "post_id" INTEGER NOT NULL REFERENCES "posts"("id") ON DELETE CASCADE, "body" TEXT);
CREATE TABLE "tags" ("id" SERIAL PRIMARY KEY, "label" TEXT NOT NULL);
CREATE TABLE "audit" ("id" SERIAL PRIMARY KEY, "note" TEXT);
`
const base = [baseMigration('20250101000000_init', BASE_SQL)]

/** Deleting users fails only because posts (a referencing table) hold rows pointing at them. */
const DELETE_USERS = 'DELETE FROM "users";\n'
/** The new key validates only because users (named as the key's target only) has a row 1. */
const AUDIT_KEY = `ALTER TABLE "audit" ADD COLUMN "user_id" INTEGER NOT NULL DEFAULT 1;
ALTER TABLE "audit" ADD CONSTRAINT "audit_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id");
`
/** A column and an index on posts: the review measures them on posts' rows. */
const POSTS_INDEX = `ALTER TABLE "posts" ADD COLUMN "slug" TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX "posts_title_key" ON "posts"("title");
`

const admin = upgradeAdmin()

async function upgrade(sql: string, fillEverything: boolean) {
  const reviewer = new MigrationReviewer({
    schemas: ['public'],
    repoRoot: REPO_ROOT,
    engine: 'transaction',
    safety: 'warn'
  })
  const outcome = await runUpgradeTest({
    adminClient: admin(),
    databaseUrl: serverUrl(),
    baseMigrations: base,
    newMigrations: [newMigration('20250701000000_new', sql)],
    schemas: ['public'],
    repoRoot: REPO_ROOT,
    rowsPerTable: 4,
    observer: reviewer,
    fillEverything
  })
  const review = reviewer.result()
  return {
    outcome,
    filled: (outcome.fill?.tables ?? []).map((t) => t.table).sort(),
    // What the review found, without its measured times.
    review: {
      rowsPerTable: review.rowsPerTable,
      findings: review.findings.map(({ message: _m, ...f }) => f),
      locks: review.migrations.flatMap((m) =>
        m.statements.flatMap((s) => s.locks.map((l) => `${l.table} ${l.mode} ${l.rows ?? '-'}`))
      ),
      changes: review.changes
    }
  }
}

/** The same findings as a full fill: problems, the stage's status, and the review. */
async function expectSameAsFullFill(sql: string) {
  const scoped = await upgrade(sql, false)
  const full = await upgrade(sql, true)
  expect(full.filled).toEqual(['audit', 'categories', 'comments', 'posts', 'tags', 'users'])
  expect(scoped.outcome.problems).toEqual(full.outcome.problems)
  expect(scoped.outcome.stage.status).toBe(full.outcome.stage.status)
  expect(scoped.review).toEqual(full.review)
  return { scoped, full }
}

describe('the fill of the tables the new migrations reach', () => {
  test('a DELETE that fails on a referencing table: that table is filled, unrelated ones are not', async () => {
    const { scoped } = await expectSameAsFullFill(DELETE_USERS)
    expect(scoped.outcome.problems).toEqual([expect.objectContaining({ severity: 'error', code: '23001' })])
    // users, what references it (posts, and comments through posts), what those reference (categories).
    expect(scoped.filled).toEqual(['categories', 'comments', 'posts', 'users'])
  })

  test("a foreign key's referenced table is filled, though it is named only as the key's target", async () => {
    const { scoped } = await expectSameAsFullFill(AUDIT_KEY)
    expect(scoped.outcome.stage.status).toBe('passed')
    expect(scoped.filled).toEqual(['audit', 'categories', 'comments', 'posts', 'users'])
    expect(scoped.outcome.stage.summary).toBe(
      '1 new migration(s) applied on 1 base migration(s) with 20 row(s) in 5 of 6 table(s) (those the new migrations name and their foreign-key neighbours)'
    )
  })

  test('the review measures the same locks, rows and findings', async () => {
    const { scoped } = await expectSameAsFullFill(POSTS_INDEX)
    expect(scoped.filled).toEqual(['categories', 'comments', 'posts', 'users'])
    expect(scoped.review.locks.some((l) => l.startsWith('posts ') && l.endsWith(' 4'))).toBe(true)
  })

  test('a DO block: its reach cannot be read, so every table is filled', async () => {
    const sql = `DO $$ BEGIN DELETE FROM "users"; END $$;\n`
    const { scoped } = await expectSameAsFullFill(sql)
    expect(scoped.outcome.problems).toEqual([expect.objectContaining({ severity: 'error', code: '23001' })])
    expect(scoped.filled).toHaveLength(6)
  })
})

describe('fillScope and fillTables(only)', () => {
  let db: TestDatabase
  let client: pg.Client
  beforeAll(async () => {
    db = await createTestDatabase('scope')
    client = new pg.Client({ connectionString: db.url })
    await client.connect()
    for (const s of splitSqlStatements(BASE_SQL)) await client.query(s.text)
  })
  afterAll(async () => {
    await client.end()
    await db.drop()
  })

  test('what a statement reaches, and what makes everything reachable', async () => {
    const snapshot = await snapshotCatalog(client, ['public'])
    const scope = (sql: string, routines?: string) => {
      const s = fillScope(snapshot, [{ name: 'm', sql }], routines)
      return s.kind === 'some' ? [...s.tables].sort() : s.reason
    }
    expect(scope('CREATE TABLE "new" ("id" INT);')).toEqual([])
    expect(scope('CREATE INDEX "tags_label_idx" ON "tags"("label");')).toEqual(['public.tags'])
    expect(scope('DROP INDEX "users_email_key";')).toEqual([
      'public.categories',
      'public.comments',
      'public.posts',
      'public.users'
    ])
    expect(scope('UPDATE "audit" SET "note" = (SELECT "label" FROM "tags" LIMIT 1);')).toEqual([
      'public.audit',
      'public.tags'
    ])
    expect(scope('DO $$ BEGIN NULL; END $$;')).toMatch(/^m, line 1: a Do statement/)
    expect(scope('CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;')).toMatch(
      /a CreateFunction statement/
    )
    expect(scope('CREATE TYPE "Mood" AS ENUM (\'a\'); DROP TYPE "Mood" CASCADE;')).toMatch(
      /^m, line 1: a DROP … CASCADE/
    )
    expect(
      scope('ALTER TABLE "tags" ADD COLUMN "x" INT NOT NULL;', 'the base database has 1 trigger(s)')
    ).toMatch(/^the base database has 1 trigger\(s\)/)
    expect(scope('ALTER TABLE "tags" ADD COLUMN;')).toMatch(/a statement the SQL parser rejects/)
  })

  test('a table filled alone gets the rows a full fill gives it', async () => {
    const snapshot = await snapshotCatalog(client, ['public'])
    const other = await createTestDatabase('scope_full')
    const full = new pg.Client({ connectionString: other.url })
    try {
      await full.connect()
      for (const s of splitSqlStatements(BASE_SQL)) await full.query(s.text)
      const only = new Set(['public.categories', 'public.comments', 'public.posts', 'public.users'])
      const some = await fillTables(client, snapshot, { rowsPerTable: 7, only })
      const all = await fillTables(full, snapshot, { rowsPerTable: 7 })
      expect(some.tables.map((t) => t.table).sort()).toEqual(['categories', 'comments', 'posts', 'users'])
      expect(some.tableCount).toBe(6)
      expect(all.tables).toHaveLength(6)
      for (const table of ['categories', 'comments', 'posts', 'users']) {
        const read = async (c: pg.Client) =>
          (await c.query(`SELECT * FROM "${table}" ORDER BY "id"`)).rows as unknown[]
        const rows = await read(client)
        expect(rows).toHaveLength(7)
        expect(rows).toEqual(await read(full))
      }
      expect((await client.query('SELECT count(*)::int AS n FROM "tags"')).rows[0]).toEqual({ n: 0 })
    } finally {
      await full.end()
      await other.drop()
    }
  })
})

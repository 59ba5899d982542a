/**
 * The review reads, after each rehearsed statement, only the relations its
 * transaction holds locks on (and their indexes), and takes the rest from the
 * read before; after the migration, it reads again only the tables it locked
 * (and those whose foreign keys name them) and takes the rest of the catalog
 * from before. What it finds must be what reading everything finds:
 * rewrites, index builds, dropped indexes, scans, locks, renames, new and
 * dropped tables, the catalog after the migration, also after the file's own
 * ROLLBACK undid a block (which releases that block's locks). Real
 * PostgreSQL, the sample project's migrations as the base, filled.
 */
import path from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, expect, test } from '@jest/globals'
import { snapshotCatalog, type CatalogSnapshot } from '../../src/db/snapshot.js'
import { splitSqlStatements } from '../../src/sql/script.js'
import { readMigrations } from '../../src/prisma/project.js'
import { fillTables } from '../../src/upgrade/fill.js'
import { planFor, type EngineModel } from '../../src/migrations/engine.js'
import { replayMigration, type Relation, type Replay } from '../../src/review/measure.js'
import { createTestDatabase, type TestDatabase } from '../helpers/pg.js'
import { REPO_ROOT } from '../helpers/project.js'

let db: TestDatabase
let client: pg.Client
const rows = new Map<string, number>()
beforeAll(async () => {
  db = await createTestDatabase('probe')
  client = new pg.Client({ connectionString: db.url })
  await client.connect()
  for (const m of readMigrations(path.join(REPO_ROOT, 'prisma', 'migrations')))
    for (const s of splitSqlStatements(m.sql)) await client.query(s.text)
  const fill = await fillTables(client, await snapshotCatalog(client, ['public']), { rowsPerTable: 30 })
  for (const t of fill.tables) rows.set(t.table, t.rows)
})
afterAll(async () => {
  await client.end()
  await db.drop()
})

/**
 * The replay without what differs from run to run: measured times, the file
 * number of a rewrite (whether there is one stays) and new relations' oids.
 */
function found(replay: Replay) {
  const relations = (map: Map<number, Relation>) =>
    [...map.values()]
      .map((r) => {
        const known = (oid?: number) => (oid === undefined || replay.relationsBefore.has(oid) ? oid : 'new')
        return {
          ...r,
          oid: known(r.oid),
          tableOid: known(r.tableOid),
          filenode: r.filenode === replay.relationsBefore.get(r.oid)?.filenode
        }
      })
      .sort((a, b) => `${a.schema}.${a.name}`.localeCompare(`${b.schema}.${b.name}`))
  return {
    statements: replay.statements.map(({ durationMs: _d, ...s }) => s),
    before: relations(replay.relationsBefore),
    after: relations(replay.relationsAfter),
    failed: replay.failed,
    catalog: replay.after && withoutCounts(replay.after)
  }
}

function withoutCounts({ queryCount: _q, durationMs: _d, ...catalog }: CatalogSnapshot) {
  return catalog
}

async function bothWays(sql: string, mode: 'transaction' | 'statement') {
  const engine: EngineModel =
    mode === 'transaction'
      ? { mode, engine: "Prisma's native schema engine (before 7.4)" }
      : { mode, engine: 'a driver adapter' }
  const plan = await planFor(sql, engine)
  const options = { schemas: ['public'], rows }
  const before = await snapshotCatalog(client, ['public'])
  const locked = await replayMigration(client, plan, { ...options, before })
  const every = await replayMigration(client, plan, { ...options, everyRelation: true })
  return {
    locked: found(locked),
    every: found(every),
    // One query more than a whole read: the catalog was read only where it could have changed.
    scoped: locked.after?.queryCount === every.after!.queryCount + 1
  }
}

const MIGRATION = `-- a rewrite, an index build, a dropped index, a scan, a rename, a new and a dropped table
ALTER TABLE "users" ALTER COLUMN "name" TYPE VARCHAR(500);
CREATE INDEX "articles_title_idx" ON "articles"("title");
DROP INDEX "articles_author_id_idx";
ALTER TABLE "articles" ADD CONSTRAINT "articles_title_check" CHECK ("title" <> '');
ALTER TABLE "categories" RENAME TO "groups";
CREATE TABLE "labels" ("id" SERIAL PRIMARY KEY, "user_id" TEXT REFERENCES "users"("id"));
DROP TABLE "email_logs";
BEGIN;
ALTER TABLE "sessions" RENAME TO "logins";
ALTER TABLE "notifications" ALTER COLUMN "title" TYPE VARCHAR(400);
CREATE TABLE "scratch" ("id" INT);
ROLLBACK;
CREATE INDEX "notifications_title_idx" ON "notifications"("title");
ALTER TABLE "sessions" ADD COLUMN "note" TEXT;
`

test.each(['transaction', 'statement'] as const)(
  'reading the locked relations finds what reading every relation finds (%s mode)',
  async (mode) => {
    const { locked, every, scoped } = await bothWays(MIGRATION, mode)
    expect(locked).toEqual(every)
    expect(scoped).toBe(true)
    // The migration did what it says, so the comparison is about something.
    const at = (line: number) => every.statements.find((s) => s.line === line)!
    expect(at(2).rewrites).toEqual(['users'])
    expect(at(3).indexBuilds).toEqual([{ table: 'articles', rows: 30 }])
    expect(at(4).droppedIndexes).toEqual([{ table: 'articles', index: 'articles_author_id_idx' }])
    expect(at(5).scans).toEqual([{ table: 'articles', rows: 30 }])
    expect(every.failed).toBeUndefined()
    expect(at(14).indexBuilds).toEqual([{ table: 'notifications', rows: 30 }])
    expect(at(15).locks.map((l) => l.table)).toContain('sessions')
    expect(every.after.map((r) => r.name)).toEqual(expect.arrayContaining(['groups', 'labels', 'sessions']))
    expect(every.after.map((r) => r.name)).not.toEqual(expect.arrayContaining(['logins']))
    expect(every.after.map((r) => r.name)).not.toContain('scratch')
    expect(every.after.map((r) => r.name)).not.toContain('email_logs')
    const tables = every.catalog!.tables.map((t) => t.name)
    expect(tables).toEqual(expect.arrayContaining(['groups', 'labels']))
    expect(tables).not.toContain('categories')
  }
)

test.each([
  [
    'a renamed table: the foreign keys naming it, on tables the migration did not lock, are read again',
    'ALTER TABLE "categories" RENAME TO "groups";',
    true,
    (c: CatalogSnapshot) =>
      c.tables.find((t) => t.name === 'articles')?.foreignKeys.map((f) => f.referencedTable),
    ['users', 'groups']
  ],
  [
    'a renamed column that foreign keys of other tables reference',
    'ALTER TABLE "users" RENAME COLUMN "id" TO "user_id";',
    true,
    (c: CatalogSnapshot) =>
      c.tables.find((t) => t.name === 'sessions')?.foreignKeys.map((f) => f.referencedColumns),
    [['user_id']]
  ],
  [
    "what a migration adds beside its tables (an enum, an enum's value, a function, a table using them)",
    `ALTER TYPE "ArticleStatus" ADD VALUE 'REVIEW';
CREATE TYPE "Mood" AS ENUM ('OK', 'MEH');
CREATE FUNCTION default_mood() RETURNS "Mood" LANGUAGE sql AS $$ SELECT 'OK'::"Mood" $$;
CREATE TABLE "moods" ("id" SERIAL PRIMARY KEY, "mood" "Mood" NOT NULL DEFAULT default_mood());`,
    true,
    (c: CatalogSnapshot) => c.tables.find((t) => t.name === 'moods')?.columns.map((col) => col.default),
    ["nextval('moods_id_seq'::regclass)", 'default_mood()']
  ],
  [
    'a renamed enum changes the columns of tables the migration did not lock: everything is read',
    'ALTER TYPE "UserRole" RENAME TO "Role";',
    false,
    (c: CatalogSnapshot) =>
      c.tables.find((t) => t.name === 'users')?.columns.find((col) => col.name === 'role')?.type,
    '"Role"'
  ]
] as const)('%s', async (_name, sql, scopedRead, read, changed) => {
  const { locked, every, scoped } = await bothWays(sql, 'transaction')
  expect(locked).toEqual(every)
  expect(scoped).toBe(scopedRead)
  // The migration changed what the case is about.
  expect(read(every.catalog as CatalogSnapshot)).toEqual(changed)
})

test('a rename undone by the file’s own ROLLBACK leaves the name it had (no relation added or dropped)', async () => {
  const { locked, every } = await bothWays(
    `BEGIN;
ALTER TABLE "sessions" RENAME TO "logins";
ROLLBACK;
CREATE INDEX "notifications_title_idx" ON "notifications"("title");
`,
    'transaction'
  )
  expect(locked).toEqual(every)
  expect(every.failed).toBeUndefined()
  expect(every.after.map((r) => r.name)).toContain('sessions')
  expect(every.after.map((r) => r.name)).not.toContain('logins')
})

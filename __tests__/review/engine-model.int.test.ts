/**
 * Migrations as each engine model applies them, on a real PostgreSQL: the
 * sample project's migrations as the base, rows in every table, then a pull
 * request's migration with its own BEGIN … COMMIT, several statements on one
 * table, a plain DROP INDEX, a migration that fails half-way.
 */
import { describe, expect, test } from '@jest/globals'
import { runUpgradeTest } from '../../src/upgrade/index.js'
import { engineModelOf, type EngineModel } from '../../src/migrations/engine.js'
import type { MigrationReview, StatementReview } from '../../src/model/review.js'
import { MigrationReviewer } from '../../src/review/index.js'
import { serverUrl } from '../helpers/pg.js'
import { upgradeAdmin, sampleBase, newMigration } from '../helpers/upgrade.js'
import { REPO_ROOT } from '../helpers/project.js'

const base = sampleBase()
const ROWS = 200

/** Prisma 6.19 native sends the file whole; Prisma 7.10 native splits it (prisma-engines #5767). */
const WHOLE = engineModelOf('6.19.3', undefined)
const SPLIT = engineModelOf('7.10.1', undefined)

const admin = upgradeAdmin()

async function upgrade(sql: string, engine: EngineModel) {
  const reviewer = new MigrationReviewer({ schemas: ['public'], repoRoot: REPO_ROOT, engine, safety: 'warn' })
  const outcome = await runUpgradeTest({
    adminClient: admin(),
    databaseUrl: serverUrl(),
    baseMigrations: base,
    newMigrations: [newMigration('20250701000000_pr', sql)],
    schemas: ['public'],
    repoRoot: REPO_ROOT,
    rowsPerTable: ROWS,
    observer: reviewer,
    engine
  })
  return { outcome, review: reviewer.result() }
}

function at(review: MigrationReview, line: number): StatementReview {
  const statement = review.migrations[0]?.statements.find((s) => s.line === line)
  if (!statement) throw new Error(`no statement on line ${line}`)
  return statement
}

/** The case: an explicit transaction with SET LOCAL and five statements on `users`. */
const EXPLICIT = `BEGIN;
SET LOCAL lock_timeout = '5s';
-- AlterTable
ALTER TABLE "users" ADD COLUMN "nickname" TEXT;
-- CreateIndex
CREATE INDEX "users_nickname_idx" ON "users"("nickname");
-- DropIndex
DROP INDEX "users_email_key";
-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");
COMMIT;
`

describe.each([
  ['the whole file at once (Prisma 6.19 native)', WHOLE],
  ['statement by statement (Prisma 7.10 native)', SPLIT]
])('a migration with its own BEGIN … COMMIT, %s', (_name, engine) => {
  test('passes the upgrade test; every statement is reviewed and each statement on users lists its lock, new or held', async () => {
    const { outcome, review } = await upgrade(EXPLICIT, engine)
    expect(outcome.stage.status).toBe('passed')
    expect(outcome.problems).toEqual([])
    expect(review.incomplete).toBeUndefined()
    const entry = review.migrations[0]!
    expect(entry.statements.map((s) => [s.line, s.status])).toEqual([
      [1, 'control'],
      [2, 'measured'],
      [4, 'measured'],
      [6, 'measured'],
      [8, 'measured'],
      [10, 'measured'],
      [11, 'control']
    ])
    const users = (line: number) => at(review, line).locks.find((l) => l.table === 'users')
    expect(users(4)).toMatchObject({ mode: 'AccessExclusiveLock', rows: ROWS })
    expect(users(4)?.held).toBeUndefined()
    for (const line of [6, 8, 10])
      expect(users(line)).toMatchObject({
        mode: 'AccessExclusiveLock',
        held: { since: 4, until: 11 }
      })
    for (const line of [4, 6, 8, 10])
      expect(at(review, line).transaction).toEqual({ kind: 'explicit', fromLine: 1, untilLine: 11 })
    // A plain DROP INDEX on a table with rows: a blocking lock, with its safer pattern.
    const drop = review.findings.find((f) => f.location.line === 8)
    expect(drop).toMatchObject({
      hazard: 'blocking-lock',
      title: 'DROP INDEX locks users against reads and writes',
      saferPattern: expect.stringContaining('DROP INDEX CONCURRENTLY')
    })
    // The index build's safer pattern moves it out of the file's BEGIN … COMMIT, where CONCURRENTLY is refused.
    const build = review.findings.find((f) => f.location.line === 6)
    expect(build?.saferPattern).toMatch(
      engine.mode === 'transaction' ? /in a migration of its own/ : /after the file's COMMIT/
    )
    // Held until the COMMIT: the hold time of the ALTER covers the statements after it.
    expect(at(review, 4).holdMs).toBeGreaterThanOrEqual(at(review, 10).durationMs ?? 0)
    expect(review.findings.some((f) => f.hazard === 'no-transaction' || f.hazard === 'half-applied')).toBe(
      false
    )
  })
})

const THREE_AND_THREE = `DROP INDEX "users_email_key";
CREATE INDEX "users_name_idx" ON "users"("name");
DROP INDEX "users_name_idx";
CREATE INDEX "users_name_idx" ON "users"("name");
DROP INDEX "users_name_idx";
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");
`

describe('several statements on one populated table', () => {
  test('statement by statement, each DROP INDEX and CREATE INDEX takes its own lock and each DROP INDEX is a blocking lock', async () => {
    const { outcome, review } = await upgrade(THREE_AND_THREE, SPLIT)
    expect(outcome.stage.status).toBe('passed')
    for (const line of [1, 3, 5]) {
      expect(at(review, line).locks).toContainEqual(
        expect.objectContaining({ table: 'users', mode: 'AccessExclusiveLock' })
      )
      expect(at(review, line).locks.find((l) => l.table === 'users')?.held).toBeUndefined()
      expect(at(review, line).hazards).toContain('blocking-lock')
    }
    for (const line of [2, 4, 6])
      expect(at(review, line).locks).toContainEqual(
        expect.objectContaining({ table: 'users', mode: 'ShareLock' })
      )
    expect(at(review, 3).transaction).toEqual({ kind: 'own', fromLine: 3 })
  })

  test('the whole file at once, the later statements run under the ACCESS EXCLUSIVE of line 1 until the migration ends', async () => {
    const { outcome, review } = await upgrade(THREE_AND_THREE, WHOLE)
    expect(outcome.stage.status).toBe('passed')
    expect(at(review, 1).locks).toContainEqual(
      expect.objectContaining({ table: 'users', mode: 'AccessExclusiveLock' })
    )
    for (const line of [2, 3, 4, 5, 6])
      expect(at(review, line).locks).toContainEqual(
        expect.objectContaining({ table: 'users', mode: 'AccessExclusiveLock', held: { since: 1 } })
      )
  })
})

describe('CREATE INDEX CONCURRENTLY beside other statements', () => {
  const SQL = `ALTER TABLE "users" ADD COLUMN "nickname" TEXT;
CREATE INDEX CONCURRENTLY "users_nickname_idx" ON "users"("nickname");
`
  test('statement by statement it applies, is no hazard, and its index is among the database changes', async () => {
    const { outcome, review } = await upgrade(SQL, SPLIT)
    expect(outcome.stage.status).toBe('passed')
    expect(review.findings.filter((f) => f.hazard === 'no-transaction')).toEqual([])
    expect(review.changes.map((c) => [c.change, c.object, c.location?.line])).toEqual(
      expect.arrayContaining([
        ['added', 'users.nickname', 1],
        ['added', 'users_nickname_idx', 2]
      ])
    )
  })

  test('an index dropped, then built again CONCURRENTLY under its name, is no change at all', async () => {
    const { outcome, review } = await upgrade(
      'DROP INDEX "users_email_key";\nCREATE UNIQUE INDEX CONCURRENTLY "users_email_key" ON "users"("email");\n',
      SPLIT
    )
    expect(outcome.stage.status).toBe('passed')
    expect(review.changes).toEqual([])
  })

  test('sent whole it fails (the migrate stage reports it), and the review says why', async () => {
    const { outcome, review } = await upgrade(SQL, WHOLE)
    expect(outcome.problems[0]).toMatchObject({ code: '25001', severity: 'notice' })
    expect(review.findings).toContainEqual(
      expect.objectContaining({ hazard: 'no-transaction', location: expect.objectContaining({ line: 2 }) })
    )
  })

  test('a DO block makes Prisma 7.10 send the file whole (its splitter cannot read DO): the review says so', async () => {
    const { review } = await upgrade(
      `DO $$ BEGIN PERFORM 1; END $$;\nCREATE INDEX CONCURRENTLY "users_name_idx" ON "users"("name");\n`,
      SPLIT
    )
    expect(review.migrations[0]).toMatchObject({ sent: 'whole', fallback: expect.stringContaining('DO') })
    expect(review.findings).toContainEqual(
      expect.objectContaining({ hazard: 'no-transaction', message: expect.stringContaining('sqlparser') })
    )
  })
})

describe('a migration that fails half-way on the populated database', () => {
  // The duplicates are made by the migration itself, so the failure is the data's.
  const SQL = `CREATE TABLE "tags" ("id" SERIAL PRIMARY KEY, "name" TEXT NOT NULL);
ALTER TABLE "users" ADD COLUMN "team" TEXT NOT NULL DEFAULT 'core';
CREATE UNIQUE INDEX "users_team_key" ON "users"("team");
`
  test('statement by statement, the statements before the failing one stay applied and the problem says what to do', async () => {
    const { outcome, review } = await upgrade(SQL, SPLIT)
    const problem = outcome.problems[0]!
    expect(problem).toMatchObject({ severity: 'error', code: '23505', location: { line: 3 } })
    expect(problem.message).toContain('2 statements before the failing one stay applied')
    expect(problem.message).toContain('line 1 `CREATE TABLE "tags"')
    expect(problem.message).toContain('prisma migrate resolve --rolled-back 20250701000000_pr')
    // The review warned of it before it happened.
    expect(review.findings).toContainEqual(
      expect.objectContaining({ hazard: 'half-applied', location: expect.objectContaining({ line: 3 }) })
    )
  })

  test('sent whole, the migration is rolled back whole and nothing stays applied', async () => {
    const { outcome, review } = await upgrade(SQL, WHOLE)
    const problem = outcome.problems[0]!
    expect(problem).toMatchObject({ severity: 'error', code: '23505', location: { line: 3 } })
    expect(problem.message).not.toContain('stay applied')
    expect(review.findings.filter((f) => f.hazard === 'half-applied')).toEqual([])
  })
})

describe('a backfill in its own transaction with SET TRANSACTION', () => {
  const SQL = `BEGIN;
SET TRANSACTION ISOLATION LEVEL REPEATABLE READ;
SET LOCAL statement_timeout = 0;
UPDATE "users" SET "name" = 'x' WHERE "name" IS NULL;
COMMIT;
`
  test.each([
    ['whole', WHOLE],
    ['statements', SPLIT]
  ])('is reviewed to the end and applied (%s)', async (_name, engine) => {
    const { outcome, review } = await upgrade(SQL, engine)
    expect(outcome.stage.status).toBe('passed')
    expect(review.incomplete).toBeUndefined()
    expect(at(review, 2).status).toBe('control')
    expect(at(review, 4)).toMatchObject({ status: 'measured' })
    expect(at(review, 4).locks).toContainEqual(
      expect.objectContaining({ table: 'users', mode: 'RowExclusiveLock' })
    )
  })
})

test('a dropped table lists the lock its DROP took on it, statement by statement too', async () => {
  const { review } = await upgrade(
    'DROP TABLE "email_logs";\nALTER TABLE "users" DROP COLUMN "two_factor_secret";\n',
    SPLIT
  )
  expect(at(review, 1).locks).toContainEqual(
    expect.objectContaining({ table: 'email_logs', mode: 'AccessExclusiveLock' })
  )
})

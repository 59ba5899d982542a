/**
 * The migration review on a real PostgreSQL: the sample project's migrations
 * as the base, rows in every table, then a pull request's new migration,
 * replayed statement by statement and measured.
 */
import { describe, expect, test } from '@jest/globals'
import { runUpgradeTest } from '../../src/upgrade/index.js'
import type { MigrationReview, StatementReview } from '../../src/model/review.js'
import { MigrationReviewer } from '../../src/review/index.js'
import { serverUrl } from '../helpers/pg.js'
import { upgradeAdmin, sampleBase, newMigration } from '../helpers/upgrade.js'
import { REPO_ROOT } from '../helpers/project.js'

const base = sampleBase()
const ROWS = 400

const admin = upgradeAdmin()

async function review(
  sql: string,
  engine: 'transaction' | 'statement' = 'transaction'
): Promise<MigrationReview> {
  const reviewer = new MigrationReviewer({
    schemas: ['public'],
    repoRoot: REPO_ROOT,
    engine,
    safety: 'warn'
  })
  const outcome = await runUpgradeTest({
    adminClient: admin(),
    databaseUrl: serverUrl(),
    baseMigrations: base,
    newMigrations: [newMigration('20250701000000_review', sql)],
    schemas: ['public'],
    repoRoot: REPO_ROOT,
    rowsPerTable: ROWS,
    observer: reviewer,
    engine: reviewer.engine
  })
  expect(outcome.stage.status).toBe('passed')
  return reviewer.result()
}

function statementAt(result: MigrationReview, line: number): StatementReview {
  const statement = result.migrations[0]?.statements.find((s) => s.line === line)
  if (!statement) throw new Error(`no statement on line ${line}: ${JSON.stringify(result.migrations)}`)
  return statement
}

const FILE = 'prisma/migrations/20250701000000_review/migration.sql'

describe('migration review on the populated database', () => {
  test('an index created without CONCURRENTLY on a table with rows blocks writes (SHARE)', async () => {
    const result = await review('-- CreateIndex\nCREATE INDEX "users_name_idx" ON "users"("name");\n')
    const statement = statementAt(result, 2)
    expect(statement.status).toBe('measured')
    expect(statement.locks).toContainEqual(
      expect.objectContaining({
        table: 'users',
        mode: 'ShareLock',
        blocks: 'writes',
        newTable: false,
        rows: ROWS
      })
    )
    expect(statement.indexBuilds).toEqual([{ table: 'users', rows: ROWS }])
    expect(statement.rewrites).toEqual([])
    expect(statement.hazards).toEqual(['blocking-lock'])
    expect(result.findings).toEqual([
      expect.objectContaining({
        hazard: 'blocking-lock',
        severity: 'warning',
        location: { file: FILE, line: 2 },
        saferPattern: expect.stringContaining('CREATE INDEX CONCURRENTLY')
      })
    ])
    expect(result.changes).toEqual([
      expect.objectContaining({
        table: 'users',
        kind: 'index',
        change: 'added',
        location: { file: FILE, line: 2 }
      })
    ])
  })

  test('ALTER COLUMN … TYPE that rewrites the table: ACCESS EXCLUSIVE, relfilenode changed', async () => {
    const result = await review('ALTER TABLE "users" ALTER COLUMN "name" SET DATA TYPE VARCHAR(200);\n')
    const statement = statementAt(result, 1)
    expect(statement.rewrites).toEqual(['users'])
    expect(statement.locks[0]).toMatchObject({
      table: 'users',
      mode: 'AccessExclusiveLock',
      blocks: 'reads and writes'
    })
    expect(statement.hazards).toEqual(expect.arrayContaining(['rewrite', 'blocking-lock']))
    expect(result.findings[0]).toMatchObject({ hazard: 'rewrite', title: 'Rewrites table users' })
    expect(result.changes).toEqual([
      expect.objectContaining({
        object: 'users.name',
        change: 'changed',
        dataLoss: expect.objectContaining({ rows: ROWS, affected: 0 })
      })
    ])
  })

  test('ADD COLUMN … DEFAULT 0 on PostgreSQL 11+ does not rewrite and is not reported as a rewrite', async () => {
    const result = await review('ALTER TABLE "users" ADD COLUMN "logins" INTEGER NOT NULL DEFAULT 0;\n')
    const statement = statementAt(result, 1)
    expect(statement.locks[0]).toMatchObject({ table: 'users', mode: 'AccessExclusiveLock' })
    expect(statement.rewrites).toEqual([])
    expect(statement.scans).toEqual([])
    expect(statement.hazards).toEqual([])
    expect(result.findings).toEqual([])
    expect(result.changes).toEqual([expect.objectContaining({ object: 'users.logins', change: 'added' })])
  })

  test('a foreign key added without NOT VALID scans under SHARE ROW EXCLUSIVE on both tables', async () => {
    const result = await review(
      'ALTER TABLE "articles" ADD CONSTRAINT "articles_editor_id_fkey" FOREIGN KEY ("author_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;\n'
    )
    const statement = statementAt(result, 1)
    const modes = Object.fromEntries(statement.locks.map((l) => [l.table, l.mode]))
    expect(modes).toEqual({ articles: 'ShareRowExclusiveLock', users: 'ShareRowExclusiveLock' })
    expect(statement.scans).toContainEqual({ table: 'articles', rows: ROWS })
    expect(statement.hazards).toEqual(expect.arrayContaining(['long-scan', 'blocking-lock']))
    expect(result.findings[0]?.saferPattern).toContain('NOT VALID')

    const safe = await review(
      'ALTER TABLE "articles" ADD CONSTRAINT "articles_editor_id_fkey" FOREIGN KEY ("author_id") REFERENCES "users"("id") NOT VALID;\n'
    )
    expect(statementAt(safe, 1).scans).toEqual([])
    expect(safe.findings).toEqual([])
  })

  test('DROP COLUMN with values: the data loss is counted on the populated database', async () => {
    const result = await review('-- AlterTable\nALTER TABLE "articles" DROP COLUMN "body";\n')
    expect(result.changes).toEqual([
      expect.objectContaining({
        table: 'articles',
        object: 'articles.body',
        change: 'dropped',
        dataLoss: { rows: ROWS, affected: ROWS, text: `${ROWS} of ${ROWS} rows have a value` },
        location: { file: FILE, line: 2 }
      })
    ])
    expect(statementAt(result, 2).hazards).toEqual(['data-loss'])
    expect(result.findings).toEqual([
      expect.objectContaining({
        hazard: 'data-loss',
        title: `Drops column body: ${ROWS} of ${ROWS} rows have a value`
      })
    ])
  })

  test('an index on a table the same migration creates blocks nobody', async () => {
    const result = await review(`-- CreateTable
CREATE TABLE "tags" ("id" TEXT NOT NULL, "name" TEXT NOT NULL, CONSTRAINT "tags_pkey" PRIMARY KEY ("id"));

-- CreateIndex
CREATE INDEX "tags_name_idx" ON "tags"("name");
`)
    // CREATE TABLE holds ACCESS EXCLUSIVE on the new table, which covers the index build's SHARE.
    expect(statementAt(result, 2).locks).toEqual([
      expect.objectContaining({ table: 'tags', mode: 'AccessExclusiveLock', newTable: true })
    ])
    const index = statementAt(result, 5)
    expect(index.locks.every((l) => l.newTable)).toBe(true)
    expect(index.indexBuilds).toEqual([])
    expect(index.hazards).toEqual([])
    expect(result.findings).toEqual([])
    expect(result.changes.map((c) => [c.kind, c.change, c.object])).toEqual(
      expect.arrayContaining([
        ['table', 'added', 'tags'],
        ['index', 'added', 'tags_name_idx']
      ])
    )
  })

  test('NOT VALID then VALIDATE in one migration: the ADD lock is held through the scan when Prisma runs it in one transaction', async () => {
    const sql = `ALTER TABLE "articles" ADD CONSTRAINT "articles_title_check" CHECK (length("title") > 0) NOT VALID;
ALTER TABLE "articles" VALIDATE CONSTRAINT "articles_title_check";
`
    const inOne = await review(sql, 'transaction')
    // In one transaction the VALIDATE runs under the ACCESS EXCLUSIVE that line 1 took.
    expect(statementAt(inOne, 2).locks[0]).toMatchObject({
      mode: 'AccessExclusiveLock',
      blocks: 'reads and writes',
      held: { since: 1 }
    })
    expect(statementAt(inOne, 2).scans).toEqual([{ table: 'articles', rows: ROWS }])
    expect(inOne.findings).toEqual([
      expect.objectContaining({
        hazard: 'long-scan',
        location: { file: FILE, line: 2 },
        title: expect.stringContaining('line 1')
      })
    ])
    // Statement by statement the ADD lock is gone before the scan: no long scan.
    // What remains is that a VALIDATE failing on production rows leaves the
    // committed NOT VALID constraint behind, which a retry trips over.
    const perStatement = await review(sql, 'statement')
    expect(perStatement.findings.map((f) => [f.hazard, f.location.line])).toEqual([['half-applied', 2]])
  })
})

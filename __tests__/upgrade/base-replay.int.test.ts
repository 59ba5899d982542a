/**
 * The base's migrations on the upgrade test's scratch database: a migration
 * of schema changes only goes in as one query, and when it fails there the
 * statement-by-statement replay finds and reports the failing statement, as
 * it would without the single query. Real PostgreSQL.
 */
import path from 'node:path'
import { expect, test } from '@jest/globals'
import type { BaseMigration } from '../../src/model/history.js'
import { runUpgradeTest } from '../../src/upgrade/index.js'
import { serverUrl } from '../helpers/pg.js'
import { upgradeAdmin, baseMigration } from '../helpers/upgrade.js'
import { REPO_ROOT } from '../helpers/project.js'

const admin = upgradeAdmin()

function upgrade(base: BaseMigration[], newSql: string) {
  const name = '20250701000000_new'
  return runUpgradeTest({
    adminClient: admin(),
    databaseUrl: serverUrl(),
    baseMigrations: base,
    newMigrations: [
      { name, sqlPath: path.join(REPO_ROOT, 'prisma', 'migrations', name, 'migration.sql'), sql: newSql }
    ],
    schemas: ['public'],
    repoRoot: REPO_ROOT,
    rowsPerTable: 3
  })
}

const INIT = `CREATE TABLE "users" ("id" SERIAL PRIMARY KEY, "email" TEXT NOT NULL);
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");
`

test('a base migration of schema changes that fails is reported at its failing statement', async () => {
  const broken = `CREATE TABLE "a" ("id" INT PRIMARY KEY);
-- the key points at a table that does not exist
CREATE TABLE "b" ("id" INT REFERENCES "nope"("id"));
CREATE TABLE "c" ("id" INT);
`
  const outcome = await upgrade(
    [baseMigration('20250101000000_init', INIT), baseMigration('20250102000000_broken', broken)],
    'ALTER TABLE "users" ADD COLUMN "name" TEXT;\n'
  )
  expect(outcome.stage).toMatchObject({
    status: 'warning',
    summary: 'base migration 20250102000000_broken does not apply here'
  })
  expect(outcome.problems).toEqual([
    expect.objectContaining({ severity: 'warning', title: 'Upgrade test not run', code: '42P01' })
  ])
  expect(outcome.problems[0]?.message).toContain(
    "The base commit's migration 20250102000000_broken failed on a scratch database (line 3:"
  )
})

test('base migrations of schema changes and of rows apply, and the new migration meets their rows', async () => {
  const rows = `INSERT INTO "users" ("email") VALUES ('a@example.com');
INSERT INTO "users" ("email") VALUES ('b@example.com');
`
  const outcome = await upgrade(
    [baseMigration('20250101000000_init', INIT), baseMigration('20250102000000_rows', rows)],
    'ALTER TABLE "users" ADD COLUMN "name" TEXT NOT NULL;\n'
  )
  expect(outcome.stage.status).toBe('failed')
  expect(outcome.problems).toEqual([expect.objectContaining({ severity: 'error', code: '23502' })])
})

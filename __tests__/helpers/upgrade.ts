/**
 * What the upgrade-test suites share: the connection `runUpgradeTest` makes
 * its scratch databases with (opened before a file's tests and closed after,
 * with the check that the file left no scratch database behind), base
 * migrations, and a pull request's new migration.
 */
import path from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll } from '@jest/globals'
import { migrationChecksum } from '../../src/history/checksum.js'
import type { BaseMigration } from '../../src/model/history.js'
import { readMigrations, type Migration } from '../../src/prisma/project.js'
import { checkScratchDatabasesAfterAll } from '../e2e/harness.js'
import { serverUrl } from './pg.js'
import { REPO_ROOT } from './project.js'

/** The sample project's migrations folder. */
export const SAMPLE_MIGRATIONS = path.join(REPO_ROOT, 'prisma', 'migrations')

/** Call at a file's top level: the admin connection for the file's tests, as a getter. */
export function upgradeAdmin(): () => pg.Client {
  let admin: pg.Client | undefined
  beforeAll(async () => {
    admin = new pg.Client({ connectionString: serverUrl() })
    await admin.connect()
  })
  afterAll(async () => {
    await admin?.end()
  })
  // Every scratch database made while the file ran is gone, whatever happened
  // (other files run upgrade tests of their own at the same time).
  checkScratchDatabasesAfterAll()
  return () => {
    if (!admin) throw new Error('upgradeAdmin(): the connection opens in beforeAll')
    return admin
  }
}

/** A migration of the base, with Prisma's checksum. */
export function baseMigration(name: string, sql: string): BaseMigration {
  return { name, sql, checksum: migrationChecksum(sql) }
}

/** The sample project's migrations as a base. */
export function sampleBase(): BaseMigration[] {
  return readMigrations(SAMPLE_MIGRATIONS).map((m) => baseMigration(m.name, m.sql))
}

/** A new migration of the pull request, as `readMigrations` would give it. */
export function newMigration(name: string, sql: string, dir = SAMPLE_MIGRATIONS): Migration {
  return { name, sqlPath: path.join(dir, name, 'migration.sql'), sql }
}

// Extensions that the migrations install: the schema's SQL needs them in the
// expected database too, or a healthy project would fail (a false alarm).
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { extensionsInMigrations } from '../../src/drift/expected.js'
import { createTestDatabase } from '../helpers/pg.js'
import { FIXTURES } from '../helpers/project.js'
import { check, counted, E2E_TIMEOUT, fixtureProject, SCHEMA } from './harness.js'

const MIGRATION = 'prisma/migrations/20250101000000_init/migration.sql'

test('CREATE EXTENSION statements of the migration files are found, comments ignored', () => {
  const migrations = [
    {
      name: 'a',
      sqlPath: 'a',
      sql: '-- CREATE EXTENSION "nope";\nCREATE EXTENSION IF NOT EXISTS "citext";\n'
    },
    {
      name: 'b',
      sqlPath: 'b',
      sql: 'create extension pg_trgm with schema extensions;\n/* CREATE EXTENSION postgis; */'
    }
  ]
  expect(extensionsInMigrations({ migrations })).toEqual([
    { name: 'citext', schema: 'public' },
    { name: 'pg_trgm', schema: 'extensions' }
  ])
})

test.concurrent(
  'a citext column whose extension a migration installs is no drift',
  async () => {
    const fixture = path.join(FIXTURES, 'projects/drift-column-type')
    const schema = readFileSync(path.join(fixture, SCHEMA), 'utf8').replace('@db.VarChar(40)', '@db.Citext')
    const migration =
      'CREATE EXTENSION IF NOT EXISTS "citext";\n\n' +
      readFileSync(path.join(fixture, MIGRATION), 'utf8').replace(
        /"nickname" [A-Z()0-9]+ NOT NULL/,
        '"nickname" CITEXT NOT NULL'
      )
    const project = fixtureProject('drift-column-type', { [SCHEMA]: schema, [MIGRATION]: migration })
    const db = await createTestDatabase('ext')
    try {
      const result = await check(project, db.url)
      expect(result.stages.find((s) => s.name === 'expect')?.summary).toMatch(/with citext/)
      expect(counted(result.drift)).toEqual([])
      expect(result.status).toBe('passed')
    } finally {
      await db.drop()
      project.cleanup()
    }
  },
  E2E_TIMEOUT
)

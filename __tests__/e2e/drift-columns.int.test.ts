/**
 * Drift end to end, columns: a column missing from the migrations, and a
 * column whose type, nullability or default differs. Each through the real
 * pipeline and Prisma CLI, located on its schema line, and fixed by the
 * suggested migration.
 */
import {
  checkScratchDatabasesAfterAll,
  counted,
  E2E_TIMEOUT,
  lineIn,
  SCHEMA,
  withFixture
} from './harness.js'

describe('drift e2e: columns', () => {
  checkScratchDatabasesAfterAll()

  test.concurrent(
    'a column no migration creates is a missing column, on its field line',
    () =>
      withFixture('drift-column-missing', (result, project) => {
        expect(counted(result.drift)).toEqual([
          expect.objectContaining({
            kind: 'column',
            change: 'missing',
            severity: 'error',
            object: 'accounts.name',
            target: { schema: 'public', table: 'accounts', column: 'name' },
            location: { file: SCHEMA, line: lineIn(project, SCHEMA, 'model Account {', /^\s+name\s/) }
          })
        ])
        expect(result.fixSql).toContain('ALTER TABLE "public"."accounts" ADD COLUMN "name" text;')
        expect(result.status).toBe('failed')
        expect(result.failedOn).toEqual(['drift'])
      }),
    E2E_TIMEOUT
  )

  test.concurrent(
    'a column whose type differs (TEXT instead of VARCHAR(40))',
    () =>
      withFixture('drift-column-type', (result, project) => {
        expect(counted(result.drift)).toEqual([
          expect.objectContaining({
            kind: 'column',
            change: 'different',
            severity: 'error',
            object: 'accounts.nickname',
            aspects: ['type'],
            location: { file: SCHEMA, line: lineIn(project, SCHEMA, 'model Account {', /^\s+nickname\s/) }
          })
        ])
        const [item] = counted(result.drift)
        expect(item!.expected).toContain('character varying(40)')
        expect(item!.actual).toContain('text')
      }),
    E2E_TIMEOUT
  )

  test.concurrent(
    'a column whose nullability differs (NOT NULL where the schema says String?)',
    () =>
      withFixture('drift-column-nullability', (result, project) => {
        expect(counted(result.drift)).toEqual([
          expect.objectContaining({
            kind: 'column',
            change: 'different',
            severity: 'error',
            object: 'accounts.name',
            aspects: ['nullability'],
            location: { file: SCHEMA, line: lineIn(project, SCHEMA, 'model Account {', /^\s+name\s/) }
          })
        ])
      }),
    E2E_TIMEOUT
  )

  test.concurrent(
    'a column whose default differs (DEFAULT 1 where the schema says @default(0))',
    () =>
      withFixture('drift-column-default', (result, project) => {
        expect(counted(result.drift)).toEqual([
          expect.objectContaining({
            kind: 'column',
            change: 'different',
            severity: 'error',
            object: 'accounts.score',
            aspects: ['default'],
            location: { file: SCHEMA, line: lineIn(project, SCHEMA, 'model Account {', /^\s+score\s/) }
          })
        ])
      }),
    E2E_TIMEOUT
  )
})

/**
 * Drift end to end, tables and enums: an enum value missing, a missing
 * table, a missing enum, and a table that only a migration creates (a
 * warning, located in that migration). Each through the real pipeline and
 * Prisma CLI, located on its line, and fixed by the suggested migration.
 */
import {
  checkScratchDatabasesAfterAll,
  counted,
  E2E_TIMEOUT,
  lineIn,
  lineOf,
  SCHEMA,
  summary,
  withFixture
} from './harness.js'

describe('drift e2e: tables and enums', () => {
  checkScratchDatabasesAfterAll()

  test.concurrent(
    'an enum value missing, on the value line',
    () =>
      withFixture('drift-enum-value-missing', (result, project) => {
        expect(counted(result.drift)).toEqual([
          expect.objectContaining({
            kind: 'enumValue',
            change: 'missing',
            severity: 'error',
            object: 'Role.GUEST',
            target: expect.objectContaining({ enum: 'Role', value: 'GUEST' }),
            location: { file: SCHEMA, line: lineIn(project, SCHEMA, 'enum Role {', /^\s+GUEST\s*$/) }
          })
        ])
        expect(result.fixSql).toContain(`ALTER TYPE "public"."Role" ADD VALUE 'GUEST'`)
      }),
    E2E_TIMEOUT
  )

  test.concurrent(
    'a missing table, on its model line, with its keys, indexes and foreign key on theirs',
    () =>
      withFixture('drift-table-missing', (result, project) => {
        const items = counted(result.drift)
        expect(summary(items)).toEqual([
          'foreignKey missing posts_author_id_fkey error',
          'index missing posts_title_idx error',
          'table missing posts error',
          'unique missing posts_author_id_slug_key error'
        ])
        const at = (object: string) => items.find((i) => i.object === object)?.location
        expect(at('posts')).toEqual({ file: SCHEMA, line: lineIn(project, SCHEMA, 'model Post {') })
        expect(at('posts_author_id_fkey')).toEqual({
          file: SCHEMA,
          line: lineIn(project, SCHEMA, 'model Post {', /@relation\(/)
        })
        expect(at('posts_title_idx')).toEqual({
          file: SCHEMA,
          line: lineIn(project, SCHEMA, 'model Post {', /@@index\(\[title\]\)/)
        })
        expect(at('posts_author_id_slug_key')).toEqual({
          file: SCHEMA,
          line: lineIn(project, SCHEMA, 'model Post {', /@@unique\(\[authorId, slug\]\)/)
        })
      }),
    E2E_TIMEOUT
  )

  test.concurrent(
    'a missing enum, on its enum line (and the column that uses it, on its field line)',
    () =>
      withFixture('drift-enum-missing', (result, project) => {
        const items = counted(result.drift)
        expect(summary(items)).toEqual([
          'column missing posts.visibility error',
          'enum missing Visibility error'
        ])
        expect(items.find((i) => i.kind === 'enum')).toMatchObject({
          target: expect.objectContaining({ enum: 'Visibility' }),
          location: { file: SCHEMA, line: lineIn(project, SCHEMA, 'enum Visibility {') }
        })
        expect(items.find((i) => i.kind === 'column')?.location).toEqual({
          file: SCHEMA,
          line: lineIn(project, SCHEMA, 'model Post {', /^\s+visibility\s/)
        })
        // The enum is created before the column that uses it.
        expect(result.fixSql!.indexOf('CREATE TYPE')).toBeGreaterThan(-1)
        expect(result.fixSql!.indexOf('CREATE TYPE')).toBeLessThan(result.fixSql!.indexOf('ADD COLUMN'))
      }),
    E2E_TIMEOUT
  )

  test.concurrent(
    'a table only a migration creates is a warning, located in that migration',
    () =>
      withFixture('drift-table-unexpected', (result, project) => {
        const migration = 'prisma/migrations/20250201000000_add_legacy_audit/migration.sql'
        expect(counted(result.drift)).toEqual([
          expect.objectContaining({
            kind: 'table',
            change: 'unexpected',
            severity: 'warning',
            object: 'legacy_audit',
            location: expect.objectContaining({
              file: migration,
              line: lineOf(project, migration, 'CREATE TABLE "legacy_audit"')
            })
          })
        ])
        expect(result.status).toBe('passed')
      }),
    E2E_TIMEOUT
  )
})

/**
 * Drift end to end, indexes and keys: a missing index, a missing unique
 * constraint, a foreign key whose ON DELETE differs, and an index that
 * differs only in name (a warning). Each through the real pipeline and Prisma
 * CLI, located on its schema line, and fixed by the suggested migration.
 */
import {
  checkScratchDatabasesAfterAll,
  counted,
  E2E_TIMEOUT,
  lineIn,
  SCHEMA,
  withFixture
} from './harness.js'

describe('drift e2e: indexes and keys', () => {
  checkScratchDatabasesAfterAll()

  test.concurrent(
    'a missing index, on its @@index line',
    () =>
      withFixture('drift-index-missing', (result, project) => {
        expect(counted(result.drift)).toEqual([
          expect.objectContaining({
            kind: 'index',
            change: 'missing',
            severity: 'error',
            object: 'posts_title_idx',
            location: { file: SCHEMA, line: lineIn(project, SCHEMA, 'model Post {', /@@index\(\[title\]\)/) }
          })
        ])
        // PostgreSQL's own definition of the expected index.
        expect(result.fixSql).toContain('CREATE INDEX posts_title_idx ON public.posts USING btree (title);')
      }),
    E2E_TIMEOUT
  )

  test.concurrent(
    'a missing unique constraint, on the field line with @unique',
    () =>
      withFixture('drift-unique-missing', (result, project) => {
        expect(counted(result.drift)).toEqual([
          expect.objectContaining({
            kind: 'unique',
            change: 'missing',
            severity: 'error',
            object: 'accounts_email_key',
            location: {
              file: SCHEMA,
              line: lineIn(project, SCHEMA, 'model Account {', /^\s+email\s.*@unique/)
            }
          })
        ])
      }),
    E2E_TIMEOUT
  )

  test.concurrent(
    'a foreign key whose ON DELETE differs, on its @relation line',
    () =>
      withFixture('drift-fk-on-delete', (result, project) => {
        expect(counted(result.drift)).toEqual([
          expect.objectContaining({
            kind: 'foreignKey',
            change: 'different',
            severity: 'error',
            object: 'posts_author_id_fkey',
            aspects: ['ON DELETE'],
            location: { file: SCHEMA, line: lineIn(project, SCHEMA, 'model Post {', /@relation\(/) }
          })
        ])
        const [item] = counted(result.drift)
        expect(item!.expected).toContain('ON DELETE CASCADE')
        expect(item!.actual).not.toContain('ON DELETE CASCADE')
      }),
    E2E_TIMEOUT
  )

  test.concurrent(
    'an index that differs only in name is a warning (the next migrate dev renames it), on its @@index line',
    () =>
      withFixture('drift-index-renamed', (result, project) => {
        expect(counted(result.drift)).toEqual([
          expect.objectContaining({
            kind: 'index',
            change: 'different',
            severity: 'warning',
            object: 'posts_title_idx',
            location: { file: SCHEMA, line: lineIn(project, SCHEMA, 'model Post {', /@@index\(\[title\]\)/) }
          })
        ])
        expect(result.fixSql).toContain(
          'ALTER INDEX "public"."posts_title_index" RENAME TO "posts_title_idx";'
        )
        expect(result.status).toBe('passed')
      }),
    E2E_TIMEOUT
  )
})

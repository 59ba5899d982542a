/**
 * Issue 3 acceptance, where the schema says it: a model in the second file of
 * a schema folder, and a field and model whose database names come from
 * `@map`/`@@map`. Each through the real pipeline and Prisma CLI, located on
 * its line, and fixed by the suggested migration.
 */
import { counted, E2E_TIMEOUT, lineIn, SCHEMA, withFixture } from './harness.js'

describe('drift e2e: schema sources', () => {
  test.concurrent(
    'a model in the second .prisma file of a schema folder',
    () =>
      withFixture(
        'drift-schema-folder',
        (result, project) => {
          const file = 'prisma/schema/content.prisma'
          expect(counted(result.drift)).toEqual([
            expect.objectContaining({
              kind: 'column',
              change: 'missing',
              severity: 'error',
              object: 'posts.summary',
              location: { file, line: lineIn(project, file, 'model Post {', /^\s+summary\s/) }
            })
          ])
        },
        // The fixture is a folder of .prisma files; its prisma.config.ts points at it.
        { [SCHEMA]: null }
      ),
    E2E_TIMEOUT
  )

  test.concurrent(
    'a @map field of a @@map model is found by its database names',
    () =>
      withFixture('drift-map-names', (result, project) => {
        expect(counted(result.drift)).toEqual([
          expect.objectContaining({
            kind: 'column',
            change: 'missing',
            severity: 'error',
            object: 'accounts.created_at',
            target: { schema: 'public', table: 'accounts', column: 'created_at' },
            location: {
              file: SCHEMA,
              line: lineIn(project, SCHEMA, 'model Account {', /^\s+createdAt\s.*@map\("created_at"\)/)
            }
          })
        ])
      }),
    E2E_TIMEOUT
  )
})

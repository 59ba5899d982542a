/**
 * Drift end to end, where the schema says it: a model in the second file of
 * a schema folder, and a field and model whose database names come from
 * `@map`/`@@map` (models, fields, enums, enum values). Each through the real pipeline and Prisma CLI, located on
 * its line, and fixed by the suggested migration.
 */
import {
  checkScratchDatabasesAfterAll,
  counted,
  E2E_TIMEOUT,
  lineIn,
  SCHEMA,
  summary,
  withFixture
} from './harness.js'

describe('drift e2e: schema sources', () => {
  checkScratchDatabasesAfterAll()

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
    'names from @map/@@map: a field of a mapped model, a value of a mapped enum, found by their database names',
    () =>
      withFixture('drift-map-names', (result, project) => {
        const items = counted(result.drift)
        expect(summary(items)).toEqual([
          'column missing accounts.created_at error',
          'enumValue missing account_tier.pro error'
        ])
        expect(items.find((i) => i.kind === 'column')).toMatchObject({
          target: { schema: 'public', table: 'accounts', column: 'created_at' },
          location: {
            file: SCHEMA,
            line: lineIn(project, SCHEMA, 'model Account {', /^\s+createdAt\s.*@map\("created_at"\)/)
          }
        })
        expect(items.find((i) => i.kind === 'enumValue')).toMatchObject({
          target: expect.objectContaining({ enum: 'account_tier', value: 'pro' }),
          location: { file: SCHEMA, line: lineIn(project, SCHEMA, 'enum Tier {', /^\s+PRO\s+@map\("pro"\)/) }
        })
        expect(result.fixSql).toContain(`ALTER TYPE "public"."account_tier" ADD VALUE 'pro'`)
      }),
    E2E_TIMEOUT
  )
})

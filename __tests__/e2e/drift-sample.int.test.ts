/**
 * Drift end to end on the sample project: the design doc's case (the
 * schema has the auth features, the migrations stop before
 * `add_auth_and_user_features`) and the complete sample, through the real
 * pipeline: generate, migrate deploy, the sample's seed, the expected
 * database, compare, locate, fix migration.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { createTestDatabase } from '../helpers/pg.js'
import { FIXTURES, makeProject, type FixtureProject } from '../helpers/project.js'
import {
  check,
  checkScratchDatabasesAfterAll,
  counted,
  E2E_TIMEOUT,
  expectRoundTrip,
  fixtureProject,
  lineIn,
  SCHEMA,
  summary
} from './harness.js'
import { DESIGN_DOC_DRIFT, ENUMS } from './design-doc.js'

function expectedLine(project: FixtureProject, model: string, pattern?: RegExp): number {
  return lineIn(project, SCHEMA, `model ${model} {`, pattern)
}

describe('drift e2e: the sample project', () => {
  checkScratchDatabasesAfterAll()

  test.concurrent(
    "the design doc's case: five columns, seven tables, three enums, on their lines; the seed failure explained; the fix round-trips",
    async () => {
      const project = makeProject({ dropMigrations: ['20250612143000_add_auth_and_user_features'] })
      const db = await createTestDatabase('e2e')
      try {
        // The sample's own seed (prisma.config.ts `migrations.seed`), as configured.
        const result = await check(project, db.url, { 'seed-command': '' })
        const items = counted(result.drift)

        expect(summary(items)).toEqual(
          [
            ...DESIGN_DOC_DRIFT.map(([kind, object]) => `${kind} missing ${object} error`),
            ...ENUMS.map((name) => `enum missing ${name} error`)
          ].sort()
        )
        for (const [kind, object, model, pattern] of DESIGN_DOC_DRIFT) {
          const item = items.find((i) => i.kind === kind && i.object === object)
          expect({ object, location: item?.location }).toEqual({
            object,
            location: { file: SCHEMA, line: expectedLine(project, model, pattern) }
          })
        }
        for (const name of ENUMS) {
          const item = items.find((i) => i.kind === 'enum' && i.object === name)
          expect({ name, location: item?.location }).toEqual({
            name,
            location: { file: SCHEMA, line: lineIn(project, SCHEMA, `enum ${name} {`) }
          })
        }

        // The seed fails on a users column that no migration creates, and says so.
        expect(result.stages.find((s) => s.name === 'seed')?.status).toBe('failed')
        const seedProblem = result.problems.find((p) => p.stage === 'seed' && p.severity === 'error')
        expect(seedProblem).toBeDefined()
        const columns = DESIGN_DOC_DRIFT.filter(([kind]) => kind === 'column').map(([, object]) => object)
        expect(seedProblem!.explainedBy?.length).toBeGreaterThan(0)
        for (const object of seedProblem!.explainedBy!) expect(columns).toContain(object)
        const because =
          /seed failed because `(users\.\w+)` is declared at prisma\/schema\.prisma:(\d+) but no migration creates it/i.exec(
            seedProblem!.message
          )
        expect(because).not.toBeNull()
        expect(seedProblem!.explainedBy).toContain(because![1])
        const [, , , pattern] = DESIGN_DOC_DRIFT.find(([, object]) => object === because![1])!
        expect(Number(because![2])).toBe(expectedLine(project, 'User', pattern))

        expect(result.status).toBe('failed')
        expect(result.failedOn).toEqual(expect.arrayContaining(['seed', 'drift']))
        await expectRoundTrip(project, db.url, result)
      } finally {
        await db.drop()
        project.cleanup()
      }
    },
    E2E_TIMEOUT
  )

  test.concurrent(
    'the complete sample reports no drift at all and passes, seed included',
    async () => {
      const project = makeProject()
      const db = await createTestDatabase('e2e')
      try {
        const result = await check(project, db.url, { 'seed-command': '' })
        expect(summary(counted(result.drift))).toEqual([])
        expect(result.fixSql).toBeUndefined()
        // Nothing to fix or to look at (a notice from another stage, such as
        // "no base commit" of the migration history, is not about drift).
        expect(result.problems.filter((p) => p.severity === 'error' || p.severity === 'warning')).toEqual([])
        const stages = ['connect', 'generate', 'migrate', 'seed', 'expect', 'inspect', 'compare'] as const
        expect(stages.map((name) => [name, result.stages.find((s) => s.name === name)?.status])).toEqual(
          stages.map((name) => [name, 'passed'])
        )
        expect(result.status).toBe('passed')
      } finally {
        await db.drop()
        project.cleanup()
      }
    },
    E2E_TIMEOUT
  )

  test.concurrent(
    'a run whose expected database cannot be built still drops its scratch database',
    async () => {
      // The schema says citext, which no migration installs: Prisma's SQL for
      // the schema fails in the scratch database after it was created.
      const project = fixtureProject('drift-column-type', {
        [SCHEMA]: readFileSync(path.join(FIXTURES, 'projects/drift-column-type', SCHEMA), 'utf8').replace(
          '@db.VarChar(40)',
          '@db.Citext'
        )
      })
      const db = await createTestDatabase('e2e')
      try {
        const result = await check(project, db.url)
        expect(result.stages.find((s) => s.name === 'expect')?.status).toBe('failed')
        expect(result.problems.filter((p) => p.severity === 'error')).toEqual([
          expect.objectContaining({ stage: 'expect', severity: 'error' })
        ])
        // The message names the missing extension and the fix.
        expect(result.problems.find((p) => p.stage === 'expect')?.message).toMatch(
          /uses the type `citext`, which an extension provides, but no migration installs/
        )
        expect(result.status).toBe('failed')
      } finally {
        await db.drop()
        project.cleanup()
      }
    },
    E2E_TIMEOUT
  )
})

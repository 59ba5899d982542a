/**
 * The cases every Prisma version of the matrix must pass, through the real
 * pipeline (`runCheck` from a parsed config) and the version's real CLI:
 * the sample passes; the design doc's drift gives its 35 errors on their
 * schema lines and its fix round-trips; a migration that fails half-way is
 * located on its migration.sql line; a failing seed and a missing seed
 * configuration are reported; the history and upgrade stages run.
 */
import { execFileSync } from 'node:child_process'
import { cpSync, readFileSync } from 'node:fs'
import path from 'node:path'
import type { CheckResult } from '../../src/model/result.js'
import { AUTH_MIGRATION, DESIGN_DOC_DRIFT, ENUMS } from '../e2e/design-doc.js'
import { counted, lineIn, SCHEMA, summary } from '../e2e/harness.js'
import { adminQuery, createTestDatabase } from '../helpers/pg.js'
import type { FixtureProject, ProjectOptions } from '../helpers/project.js'
import { makeVersionProject, VERSIONS, versionEnv, type VersionName } from '../helpers/versions.js'
import { runPipeline } from '../pipeline/run.js'
import type { RawInputs } from '../../src/config.js'

/** Several pipeline runs share two cores with the rest of the suite. */
export const MATRIX_TIMEOUT = 420_000

const MIGRATION_2 = `prisma/migrations/${AUTH_MIGRATION}/migration.sql`

function lineOfText(text: string, needle: string): number {
  const index = text.indexOf(needle)
  if (index < 0) throw new Error(`fixture lacks ${needle}`)
  return text.slice(0, index).split('\n').length
}

/**
 * Runs the check on a fresh copy of the sample for `version`, with the copy
 * as the repository root (locations read `prisma/…`), on a fresh database;
 * everything is dropped and removed afterwards.
 */
async function onVersion(
  version: VersionName,
  options: ProjectOptions & { prepare?: (project: FixtureProject) => void; inputs?: RawInputs },
  assertions: (
    result: CheckResult,
    ctx: { project: FixtureProject; dbName: string; url: string }
  ) => Promise<void>
): Promise<void> {
  const project = makeVersionProject(version, options)
  const db = await createTestDatabase(version.replaceAll('-', '_'))
  try {
    options.prepare?.(project)
    const { result } = await runPipeline(
      { 'database-url': db.url, 'working-directory': '.', ...options.inputs },
      { repoRoot: project.dir, env: versionEnv(version) }
    )
    await assertions(result, { project, dbName: db.name, url: db.url })
  } finally {
    await db.drop()
    project.cleanup()
  }
}

function statuses(result: CheckResult): Record<string, string> {
  return Object.fromEntries(result.stages.map((s) => [s.name, s.status]))
}

export function describeVersion(version: VersionName): void {
  const info = VERSIONS[version]
  const diffFlag = Number(info.prisma.split('.')[0]) >= 7 ? '--to-schema' : '--to-schema-datamodel'
  /** The schema's SQL came from this version's own flag, on the schema file Prisma reported. */
  const expectSchemaCommand = (result: CheckResult) => {
    const command = result.stages.find((s) => s.name === 'expect')?.command ?? []
    expect(command).toContain(diffFlag)
    expect(command[command.indexOf(diffFlag) + 1]).toMatch(/[/\\]prisma[/\\]schema\.prisma$/)
  }

  test.concurrent(
    `${version}: the sample passes every stage, seed included, with ${diffFlag}`,
    () =>
      onVersion(version, {}, async (result, { dbName }) => {
        expect(result.prismaVersion).toBe(info.prisma)
        expect(statuses(result)).toEqual({
          history: 'skipped',
          connect: 'passed',
          generate: 'passed',
          migrate: 'passed',
          seed: 'passed',
          // Prisma's differ changes nothing: in normal mode there is nothing for the catalogs to explain.
          expect: info.mode === 'native' ? 'skipped' : 'passed',
          inspect: info.mode === 'native' ? 'skipped' : 'passed',
          compare: 'passed'
        })
        expect(result.problems.map((p) => [p.stage, p.severity])).toEqual([['history', 'notice']])
        // In normal mode Prisma's own differ is the verdict; with a driver adapter it refuses.
        const minor = info.prisma.split('.').slice(0, 2).join('.')
        expect(result.verdict).toEqual(
          info.mode === 'native'
            ? { source: 'prisma', summary: `Prisma ${minor}'s differ` }
            : {
                source: 'catalog',
                summary:
                  'catalog comparison: Prisma cannot diff from a database when a driver adapter is configured (its WebAssembly engine)'
              }
        )
        expect(result.stages.find((s) => s.name === 'migrate')?.summary).toBe('2 migration(s) applied')
        if (info.mode === 'native')
          expect(result.stages.find((s) => s.name === 'expect')?.summary).toBe(
            "Prisma's differ changes nothing: nothing to explain"
          )
        else expectSchemaCommand(result)
        const users = await adminQuery<{ email: string }>(
          'SELECT email FROM users ORDER BY email',
          [],
          dbName
        )
        expect(users.map((u) => u.email)).toEqual(['admin@example.com', 'editor@example.com'])
        expect(result.status).toBe('passed')
      }),
    MATRIX_TIMEOUT
  )

  test.concurrent(
    `${version}: the design doc's drift gives its 35 errors on their schema lines, and its fix round-trips`,
    () =>
      onVersion(version, { dropMigrations: [AUTH_MIGRATION] }, async (result, { project, url }) => {
        const items = counted(result.drift)
        expect(summary(items)).toEqual(
          [
            ...DESIGN_DOC_DRIFT.map(([kind, object]) => `${kind} missing ${object} error`),
            ...ENUMS.map((name) => `enum missing ${name} error`)
          ].sort()
        )
        expect(items).toHaveLength(35)
        expectSchemaCommand(result)
        for (const [kind, object, model, pattern] of DESIGN_DOC_DRIFT) {
          const item = items.find((i) => i.kind === kind && i.object === object)
          expect({ object, location: item?.location }).toEqual({
            object,
            location: { file: SCHEMA, line: lineIn(project, SCHEMA, `model ${model} {`, pattern) }
          })
        }
        for (const name of ENUMS) {
          const item = items.find((i) => i.kind === 'enum' && i.object === name)
          expect(item?.location).toEqual({ file: SCHEMA, line: lineIn(project, SCHEMA, `enum ${name} {`) })
        }
        // The seed fails on a users column no migration creates, and the drift explains it.
        const seedProblem = result.problems.find((p) => p.stage === 'seed' && p.severity === 'error')
        expect(seedProblem?.explainedBy?.length).toBeGreaterThan(0)
        expect(seedProblem?.message).toMatch(
          /seed failed because `users\.\w+` is declared at prisma\/schema\.prisma:\d+/i
        )
        expect(result.failedOn).toEqual(expect.arrayContaining(['seed', 'drift']))

        // In normal mode the fix is Prisma's own script, with our header.
        if (info.mode === 'native')
          expect(result.fixSql).toMatch(
            /^-- Suggested by migrate-seed-check[^\n]*\n-- Written by Prisma's own migrate diff/
          )
        // The fix migration, committed as a new migration and applied by this
        // version's `prisma migrate deploy`, leaves nothing to report.
        expect(result.fixSql).toBeTruthy()
        const folder = path.dirname(result.fixSqlPath!)
        cpSync(folder, path.join(project.dir, 'prisma', 'migrations', path.basename(folder)), {
          recursive: true
        })
        const { result: again } = await runPipeline(
          {
            'database-url': url,
            'working-directory': '.',
            'allow-non-empty-database': 'true',
            generate: 'false',
            'seed-command': 'none'
          },
          { repoRoot: project.dir, env: versionEnv(version) }
        )
        expect(again.stages.find((s) => s.name === 'migrate')).toMatchObject({
          status: 'passed',
          summary: '1 migration(s) applied'
        })
        expect(summary(counted(again.drift))).toEqual([])
        expect(again.status).toBe('passed')
      }),
    MATRIX_TIMEOUT
  )

  test.concurrent(
    `${version}: a migration that fails half-way is located on its migration.sql line`,
    () => {
      let broken = ''
      return onVersion(
        version,
        {
          prepare(project) {
            const file = path.join(project.dir, MIGRATION_2)
            broken = readFileSync(file, 'utf8').replace(
              'CREATE INDEX "sessions_user_id_idx" ON "sessions"("user_id");',
              'CREATE INDEX "sessions_user_id_idx" ON "sesions"("user_id");'
            )
            project.write(MIGRATION_2, broken)
          }
        },
        async (result, { dbName }) => {
          expect(result.status).toBe('failed')
          expect(result.failedOn).toEqual(['migrate'])
          const problem = result.problems.find((p) => p.stage === 'migrate')
          expect(problem?.title).toBe(`Migration ${AUTH_MIGRATION} failed`)
          expect(problem?.location).toEqual({ file: MIGRATION_2, line: lineOfText(broken, 'ON "sesions"') })
          expect(problem?.message).toMatch(/relation "sesions" does not exist/)
          expect(problem?.code).toBe('42P01')
          // Prisma's own output named the migration and the database's complaint.
          const migrate = result.stages.find((s) => s.name === 'migrate')
          expect(migrate?.output).toContain(AUTH_MIGRATION)
          expect(migrate?.output).toMatch(/sesions/)
          const tables = await adminQuery<{ relname: string }>(
            "SELECT relname FROM pg_class WHERE relkind = 'r' AND relname IN ('users', 'sessions', 'audit_logs')",
            [],
            dbName
          )
          if (info.mode === 'native' && Number(info.prisma.split('.')[0]) < 7) {
            // The native engine before 7.4 runs a migration as one script: PostgreSQL rolled all of it back.
            expect(tables.map((t) => t.relname)).toEqual(['users'])
            expect(problem?.message).toMatch(/left nothing behind/)
          } else {
            // Native engines from 7.4 and the WebAssembly engine run it statement by statement:
            // what ran before stays, and the problem lists it with what to do before resolving.
            expect(tables.map((t) => t.relname).sort()).toEqual(['audit_logs', 'sessions', 'users'])
            expect(problem?.message).toMatch(/statements before the failing one stay applied/)
            expect(problem?.message).toContain(`prisma migrate resolve --rolled-back ${AUTH_MIGRATION}`)
          }
          expect(statuses(result).seed).toBe('skipped')
        }
      )
    },
    MATRIX_TIMEOUT
  )

  test.concurrent(
    `${version}: a seed that throws is a seed failure on the seed file's line`,
    () => {
      let seed = ''
      return onVersion(
        version,
        {
          prepare(project) {
            seed = readFileSync(path.join(project.dir, 'prisma/seed.ts'), 'utf8').replace(
              '  console.log(`Seeded users',
              "  throw new Error('the seed exploded on purpose')\n  console.log(`Seeded users"
            )
            project.write('prisma/seed.ts', seed)
          }
        },
        async (result) => {
          expect(result.status).toBe('failed')
          expect(result.failedOn).toEqual(['seed'])
          const problem = result.problems.find((p) => p.stage === 'seed')
          expect(problem?.title).toBe('Seed failed')
          expect(problem?.message).toContain('the seed exploded on purpose')
          expect(problem?.location).toMatchObject({
            file: 'prisma/seed.ts',
            line: lineOfText(seed, 'throw new Error')
          })
          expect(statuses(result).compare).toBe('passed')
        }
      )
    },
    MATRIX_TIMEOUT
  )

  test.concurrent(
    `${version}: no seed configured (${info.seedConfig}) is a warning, never a pass`,
    () =>
      onVersion(
        version,
        {
          prepare(project) {
            if (info.seedConfig === 'package.json') {
              const pkg = JSON.parse(readFileSync(path.join(project.dir, 'package.json'), 'utf8'))
              delete pkg.prisma
              project.write('package.json', JSON.stringify(pkg, null, 2) + '\n')
            } else {
              const config = readFileSync(path.join(project.dir, 'prisma.config.ts'), 'utf8')
              const without = config.replace(/\n\s*seed: .*\n/, '\n')
              expect(without).not.toBe(config)
              project.write('prisma.config.ts', without)
            }
          },
          inputs: { 'fail-on': 'migrate,seed,drift,warning' }
        },
        async (result) => {
          const seed = result.stages.find((s) => s.name === 'seed')
          expect(seed?.status).toBe('warning')
          expect(seed?.summary).toBe('no seed configured')
          expect(
            result.problems.filter((p) => p.severity !== 'notice').map((p) => [p.severity, p.title])
          ).toEqual([['warning', 'No seed configured']])
          expect(result.failedOn).toEqual(['warning'])
        }
      ),
    MATRIX_TIMEOUT
  )

  test.concurrent(
    `${version}: the history and upgrade stages run against the base commit`,
    () =>
      onVersion(
        version,
        {
          prepare(project) {
            const git = (...args: string[]) =>
              execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
                cwd: project.dir
              })
            git('init', '-q', '-b', 'main')
            git('add', '-A')
            git('commit', '-qm', 'base')
            const schema = readFileSync(path.join(project.dir, SCHEMA), 'utf8').replace(
              '  name             String\n',
              '  name             String\n  nickname         String\n'
            )
            project.write(SCHEMA, schema)
            project.write(
              'prisma/migrations/20250701000000_add_nickname/migration.sql',
              '-- AlterTable\nALTER TABLE "users" ADD COLUMN "nickname" TEXT NOT NULL;\n'
            )
            git('add', '-A')
            git('commit', '-qm', 'head')
          },
          inputs: { 'base-ref': 'HEAD~1', 'seed-command': 'none' }
        },
        async (result) => {
          expect(statuses(result)).toMatchObject({
            history: 'passed',
            migrate: 'passed',
            upgrade: 'failed',
            compare: 'passed'
          })
          const problem = result.problems.find((p) => p.stage === 'upgrade')
          expect(problem?.location).toMatchObject({
            file: 'prisma/migrations/20250701000000_add_nickname/migration.sql',
            line: 2
          })
          expect(problem?.message).toMatch(/NOT NULL/)
          expect(result.failedOn).toEqual(['migrate'])
        }
      ),
    MATRIX_TIMEOUT
  )
}

/**
 * Real-project shapes (__tests__/fixtures/real-shapes/), each run as a new
 * user would run it: nothing but a database URL. In sync, a shape passes;
 * with one column added to its schema and no migration, that column is the
 * drift error (with Prisma's own fix in normal mode). Normal mode runs the
 * version fixture's CLI through the schema-engine stand-in; WebAssembly mode
 * the repository's Prisma 6.19 with the pg adapter, where the shape applies.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { RawInputs } from '../../src/config.js'
import { renderTerminal } from '../../src/report/terminal.js'
import type { CheckResult } from '../../src/model/result.js'
import { counted, summary } from '../e2e/harness.js'
import { adminQuery, createTestDatabase } from '../helpers/pg.js'
import type { FixtureProject } from '../helpers/project.js'
import { makeShapeProject, VERSIONS, versionEnv, type VersionName } from '../helpers/versions.js'
import { runPipeline } from '../pipeline/run.js'
import { MATRIX_TIMEOUT } from './matrix.js'

const SCHEMA = 'prisma/schema.prisma'

interface ShapeRun {
  result: CheckResult
  log: string
  db: { name: string; url: string }
}

/** Runs the check on a fresh copy of `shape` with only `database-url`, after `prepare`. */
async function runShape(
  shape: string,
  version: VersionName,
  prepare?: (project: FixtureProject) => void,
  inputs: RawInputs = {}
): Promise<ShapeRun> {
  const project = makeShapeProject(shape, version)
  const db = await createTestDatabase(shape.replaceAll('-', '_'))
  try {
    prepare?.(project)
    const { result, log } = await runPipeline(
      { 'database-url': db.url, 'working-directory': '.', ...inputs },
      { repoRoot: project.dir, env: versionEnv(version) }
    )
    return { result, log, db }
  } finally {
    await db.drop()
    project.cleanup()
  }
}

/** Adds `driftProbe String?` to `model` in the schema, with no migration for it. */
function addColumn(model: string): (project: FixtureProject) => void {
  return (project) => {
    const schema = readFileSync(path.join(project.dir, SCHEMA), 'utf8')
    const changed = schema.replace(`model ${model} {\n`, `model ${model} {\n  driftProbe String?\n`)
    expect(changed).not.toBe(schema)
    project.write(SCHEMA, changed)
  }
}

function stage(result: CheckResult, name: string) {
  return result.stages.find((s) => s.name === name)
}

/**
 * The shape passes: nothing failed, no drift error or warning beyond
 * `allowed`. The catalogs are read when they are the verdict (WebAssembly
 * mode) or when Prisma's verdict has something to explain; when Prisma's
 * differ changes nothing they are not.
 */
function expectInSync(result: CheckResult, allowed: string[] = []): void {
  const read = result.verdict?.source !== 'prisma' || allowed.length > 0 ? 'passed' : 'skipped'
  expect({
    status: result.status,
    driftStages: ['expect', 'inspect', 'compare'].map((name) => `${name} ${stage(result, name)?.status}`),
    failed: result.stages.filter((s) => s.status === 'failed').map((s) => `${s.name}: ${s.summary}`),
    errors: result.problems.filter((p) => p.severity === 'error').map((p) => `${p.title}: ${p.message}`),
    drift: summary(counted(result.drift))
  }).toEqual({
    status: 'passed',
    driftStages: [`expect ${read}`, `inspect ${read}`, `compare ${allowed.length ? 'warning' : 'passed'}`],
    failed: [],
    errors: [],
    drift: allowed
  })
}

/** The added column is the one drift error, on its schema line, with Prisma's statement in normal mode. */
function expectColumnError(result: CheckResult, version: VersionName, table: string, other: string[] = []) {
  expect(summary(counted(result.drift))).toEqual(
    [`column missing ${table}.driftProbe error`, ...other].sort()
  )
  const item = result.drift.find((i) => i.kind === 'column' && i.target.column === 'driftProbe')
  expect(item?.location?.file).toBe(SCHEMA)
  expect(result.status).toBe('failed')
  expect(result.failedOn).toEqual(['drift'])
  if (VERSIONS[version].mode === 'native') {
    expect(result.verdict?.source).toBe('prisma')
    expect(item?.fixSql).toBe(`ALTER TABLE "${table}" ADD COLUMN     "driftProbe" TEXT;`)
  }
  // Explained by the catalogs in both modes: the expected database was built.
  expect(stage(result, 'expect')?.status).toBe('passed')
}

test.concurrent(
  'Prisma 7 whose config loads dotenv 17 (a line on stdout): in sync it passes, an unmigrated column is its error',
  async () => {
    const inSync = await runShape('prisma-7-dotenv', 'prisma-7')
    expectInSync(inSync.result)
    expect(inSync.result.verdict).toEqual({ source: 'prisma', summary: "Prisma 7.10's differ" })
    // dotenv's line was printed by every Prisma command and went to the log, not into the SQL.
    expect(inSync.log).toMatch(/◇ injected env \(\d+\) from \.env\.local/)

    const drifted = await runShape('prisma-7-dotenv', 'prisma-7', addColumn('Group'))
    expectColumnError(drifted.result, 'prisma-7', 'Group')
  },
  MATRIX_TIMEOUT
)

test.concurrent(
  "Prisma 7 reading Vercel's POSTGRES_URL_NON_POOLING ?? POSTGRES_PRISMA_URL: both get the URL",
  async () => {
    const inSync = await runShape('prisma-7-vercel', 'prisma-7')
    expectInSync(inSync.result)
    expect(stage(inSync.result, 'connect')?.summary).toBe(
      'database reachable and empty; DATABASE_URL, POSTGRES_URL_NON_POOLING, POSTGRES_PRISMA_URL set to the database URL'
    )
    const drifted = await runShape('prisma-7-vercel', 'prisma-7', addColumn('Account'))
    expectColumnError(drifted.result, 'prisma-7', 'Account')
  },
  MATRIX_TIMEOUT
)

test.concurrent(
  'a database-url-env that misses the variables the config reads: the error names them and the input, and quotes Prisma once',
  async () => {
    const { result } = await runShape('prisma-7-vercel', 'prisma-7', undefined, {
      'database-url-env': 'DATABASE_URL'
    })
    expect(result.failedOn).toEqual(['migrate'])
    const problem = result.problems.find((p) => p.stage === 'migrate')
    expect(problem?.message).toContain(
      "Prisma found no database URL. The project's datasource reads POSTGRES_URL_NON_POOLING, POSTGRES_PRISMA_URL (prisma.config.ts); this run set DATABASE_URL to the database URL. Set the `database-url-env` input to the variables that should receive it, e.g. `database-url-env: POSTGRES_URL_NON_POOLING, POSTGRES_PRISMA_URL`."
    )
    // Prisma's own line once in the problem, no banner in it.
    const terminal = renderTerminal(result, { color: false })
    expect(terminal.split('Connection url is empty').length - 1).toBe(1)
    expect(problem?.message).not.toMatch(/Loaded Prisma config|Prisma schema loaded/)
  },
  MATRIX_TIMEOUT
)

test.concurrent(
  "Prisma 6 with the schema's url, directUrl and shadowDatabaseUrl in variables of their own: the shadow is a scratch database, dropped",
  async () => {
    const inSync = await runShape('prisma-6-three-urls', 'prisma-6-native')
    expectInSync(inSync.result)
    expect(stage(inSync.result, 'connect')?.summary).toBe(
      'database reachable and empty; DATABASE_URL, APP_DATABASE_URL, DIRECT_URL set to the database URL; SHADOW_DATABASE_URL to a scratch shadow database'
    )
    // The seed prints the database each variable names.
    const seed = stage(inSync.result, 'seed')?.output ?? ''
    expect(seed).toContain(`APP_DATABASE_URL database: ${inSync.db.name}`)
    expect(seed).toContain(`DIRECT_URL database: ${inSync.db.name}`)
    const shadow = /SHADOW_DATABASE_URL database: (\S+)/.exec(seed)?.[1]
    expect(shadow).toMatch(/^msc_shadow_/)
    const left = await adminQuery('SELECT 1 FROM pg_database WHERE datname = $1', [shadow])
    expect(left).toEqual([])

    const drifted = await runShape('prisma-6-three-urls', 'prisma-6-native', addColumn('Note'))
    expectColumnError(drifted.result, 'prisma-6-native', 'Note')
  },
  MATRIX_TIMEOUT
)

describe.each(['prisma-6-native', 'prisma-6-wasm'] as const)('%s', (version) => {
  test.concurrent(
    "a dbgenerated() default calling a migration's function: the expected database is built, the column is the error",
    async () => {
      const inSync = await runShape('function-default', version)
      expectInSync(inSync.result)
      // Where the catalogs are the verdict, the function is the migrations' own: listed for information.
      if (VERSIONS[version].mode === 'wasm')
        expect(
          inSync.result.drift.filter((i) => i.kind === 'function').map((i) => [i.object, i.severity])
        ).toEqual([['generate_prefixed_cuid(prefix text)', 'info']])

      // The expected database is built with the function first (expectColumnError: expect passed).
      const drifted = await runShape('function-default', version, addColumn('Organization'))
      expectColumnError(drifted.result, version, 'Organization')
      expect(
        drifted.result.drift.filter((i) => i.kind === 'function').map((i) => [i.object, i.severity])
      ).toEqual([['generate_prefixed_cuid(prefix text)', 'info']])
    },
    MATRIX_TIMEOUT
  )

  test.concurrent(
    version === 'prisma-6-native'
      ? "a schema SQL that cannot be built even so: Prisma's verdict stands, and the report says the explanation was skipped"
      : 'a schema SQL that cannot be built even so: the expect stage fails with the reason',
    async () => {
      // A default calling a function that returns an enum of the schema: the function cannot
      // exist before Prisma's SQL creates the enum, and Prisma's SQL needs the function.
      const withPlan = (project: FixtureProject) => {
        const schema = readFileSync(path.join(project.dir, SCHEMA), 'utf8')
        project.write(
          SCHEMA,
          schema.replace(
            '  name      String\n',
            '  name      String\n  plan      Plan     @default(dbgenerated("default_plan()"))\n'
          ) + '\nenum Plan {\n  FREE\n  PRO\n}\n'
        )
        project.write(
          'prisma/migrations/20250101000200_plans/migration.sql',
          [
            `CREATE TYPE "Plan" AS ENUM ('FREE', 'PRO');`,
            `CREATE FUNCTION default_plan() RETURNS "Plan" LANGUAGE sql AS $$ SELECT 'FREE'::"Plan" $$;`,
            `ALTER TABLE "Organization" ADD COLUMN "plan" "Plan" NOT NULL DEFAULT default_plan();`
          ].join('\n') + '\n'
        )
      }
      if (VERSIONS[version].mode === 'native') {
        // In sync there is nothing to explain: the schema's SQL is never applied.
        const inSync = (await runShape('function-default', version, withPlan)).result
        expectInSync(inSync)
        expect(inSync.problems.filter((p) => p.stage === 'expect')).toEqual([])
        // With drift to explain, it is, and fails: Prisma's verdict stands, unexplained.
        const { result } = await runShape('function-default', version, (project) => {
          withPlan(project)
          addColumn('Organization')(project)
        })
        const explanation = result.problems.filter((p) => p.stage === 'expect')
        expect(result.failedOn).toEqual(['drift'])
        expect(stage(result, 'expect')).toMatchObject({ status: 'skipped' })
        expect(explanation.map((p) => [p.severity, p.title])).toEqual([
          ['notice', 'Drift explanation skipped']
        ])
        expect(explanation[0]?.message).toMatch(/function default_plan\(\) does not exist/)
        expect(result.verdict?.source).toBe('prisma')
        expect(summary(counted(result.drift))).toEqual(['column missing Organization.driftProbe error'])
      } else {
        const { result } = await runShape('function-default', version, withPlan)
        const explanation = result.problems.filter((p) => p.stage === 'expect')
        expect(result.status).toBe('failed')
        expect(stage(result, 'expect')?.status).toBe('failed')
        expect(explanation.map((p) => [p.severity, p.title])).toEqual([
          ['error', "Prisma's SQL for the schema failed to apply"]
        ])
        expect(explanation[0]?.message).toMatch(/function default_plan\(\) does not exist/)
      }
    },
    MATRIX_TIMEOUT
  )

  test.concurrent(
    "hand-written covering indexes (INCLUDE, fillfactor, CONCURRENTLY IF NOT EXISTS) are judged as Prisma's differ judges them",
    async () => {
      // Prisma's WebAssembly engine applies a migration inside a transaction, where PostgreSQL
      // refuses CONCURRENTLY (the native engine sends a one-statement migration as it is).
      const engineCopes = (project: FixtureProject) => {
        if (VERSIONS[version].mode === 'native') return
        const file = 'prisma/migrations/20250101000200_title_index_concurrently/migration.sql'
        const sql = readFileSync(path.join(project.dir, file), 'utf8')
        project.write(file, sql.replace('CREATE INDEX CONCURRENTLY', 'CREATE INDEX'))
      }
      // Prisma would drop the covering index the schema does not declare: a warning, not a failure.
      const covering = 'index unexpected article_slug_covering warning'
      const inSync = await runShape('include-index', version, engineCopes)
      expectInSync(inSync.result, [covering])

      const drifted = await runShape('include-index', version, (project) => {
        engineCopes(project)
        addColumn('Article')(project)
      })
      expectColumnError(drifted.result, version, 'Article', [covering])

      // A declared index rebuilt with INCLUDE columns is one Prisma recreates.
      const rebuilt = await runShape('include-index', version, (project) => {
        engineCopes(project)
        project.write(
          'prisma/migrations/20250101000300_cover_slug/migration.sql',
          'DROP INDEX "Article_slug_idx";\nCREATE INDEX "Article_slug_idx" ON "Article"("slug") INCLUDE ("title");\n'
        )
      })
      expect(summary(counted(rebuilt.result.drift))).toEqual(
        [covering, 'index different Article_slug_idx error'].sort()
      )
    },
    MATRIX_TIMEOUT
  )
})

/**
 * The check, stage by stage: connect → generate → migrate → (seed ∥ expected
 * database) → inspect → compare. Each stage returns data; the result is one
 * `CheckResult`. Nothing here knows about GitHub: the entries pass a logger.
 */
import path from 'node:path'
import type pg from 'pg'
import type { Config } from '../config.js'
import {
  assertEmpty,
  connectWithRetry,
  createScratchDatabase,
  DatabaseError,
  describePgError,
  findExistingObjects,
  withDatabase,
  type ScratchDatabase
} from '../db/connect.js'
import {
  checkDrift,
  connectionLostProblem,
  isConnectionLoss,
  startExpectedBuild,
  startSchemaDiff,
  type DriftOutcome
} from '../drift/index.js'
import { startPrismaVerdict } from '../drift/verdict.js'
import { diagnoseMigrateFailure } from '../prisma/deploy-failure.js'
import { loadSqlParser } from '../sql/script.js'
import { repoPath } from '../util/paths.js'
import { diagnoseSeedFailure } from '../prisma/seed-failure.js'
import { withoutForeignCodeExcerpts } from '../prisma/seed-output.js'
import {
  parseAppliedMigrations,
  parseLoadedSchema,
  runCommand,
  runPrisma,
  schemaArgs,
  seedCommandRan,
  toolEnv,
  type RunContext
} from '../prisma/cli.js'
import type { ExecResult } from '../util/exec.js'
import { missingUrlVariable, prismaErrorText } from '../prisma/output.js'
import { discoverProject, ProjectError, type Project } from '../prisma/project.js'
import { DEFAULT_URL_ENV, discoverDatasourceEnv, type DatasourceEnv } from '../prisma/datasource.js'
import { redact, secretsOfUrl } from '../util/secrets.js'
import type { CheckResult, FailOn } from '../model/result.js'
import type { Problem, Severity, StageName, StageResult } from '../model/findings.js'
import { writeReportFiles } from '../report/artifacts.js'
import { runHistory, runUpgradeTest, type HistoryOutcome } from '../history/index.js'
import { AUTO_UPGRADE_ROWS } from '../config.js'
import { MigrationReviewer, type MigrationReview } from '../review/index.js'
import { engineModelOf } from '../migrations/engine.js'
import { safetyProblem } from '../report/review.js'

/** What the pipeline needs from its caller. */
export interface PipelinePorts {
  /** A heading per stage; the action maps it to `core.group`. */
  group<T>(name: string, fn: () => Promise<T>): Promise<T>
  info(message: string): void
  /** Child output as it arrives (already redacted). */
  output?(chunk: string): void
  env: NodeJS.ProcessEnv
  signal?: AbortSignal
}

/** Mutable state while the stages run; frozen into a CheckResult at the end. */
class Run {
  readonly stages: StageResult[] = []
  readonly problems: Problem[] = []
  readonly secrets: string[]
  review?: MigrationReview
  /** What the datasource's variables receive in every child process (set once connected). */
  env?: DatabaseEnv
  /** The scratch database the datasource's shadow variables point at; dropped when the run ends. */
  shadow?: ScratchDatabase
  constructor(readonly config: Config) {
    this.secrets = secretsOfUrl(config.databaseUrl)
  }
  clean(text: string): string {
    return redact(text, this.secrets)
  }
  stage(stage: StageResult): StageResult {
    const cleaned = {
      ...stage,
      summary: this.clean(stage.summary),
      output: stage.output && this.clean(stage.output)
    }
    this.stages.push(cleaned)
    return cleaned
  }
  problem(problem: Problem): void {
    this.problems.push({ ...problem, title: this.clean(problem.title), message: this.clean(problem.message) })
  }
  skip(name: StageName, why: string): void {
    this.stage({ name, status: 'skipped', durationMs: 0, summary: why })
  }
}

/** Stages finish out of order (some overlap); the report lists them in this order. */
const STAGE_ORDER: StageName[] = [
  'project',
  'history',
  'connect',
  'generate',
  'migrate',
  'upgrade',
  'seed',
  'expect',
  'inspect',
  'compare'
]

const SEVERITY_ORDER: Severity[] = ['error', 'warning', 'notice', 'info']

const RUNNERS = { npm: 'npx', pnpm: 'pnpm exec', yarn: 'yarn', bun: 'bunx' } as const

/** Runs the whole check. Never throws for a finding; only for a bug. */
export async function runCheck(config: Config, ports: PipelinePorts): Promise<CheckResult> {
  const started = performance.now()
  // PostgreSQL's SQL parser (WebAssembly) is loaded here, not when the bundle is imported.
  await loadSqlParser()
  const run = new Run(config)
  let project: Project | undefined
  let drift: DriftOutcome | undefined
  let client: pg.Client | undefined
  try {
    project = discover(run, config)
    if (project) {
      // Reading the base's migrations needs only git, and finding the
      // datasource's variables only the project: both overlap the connection.
      const history = historyStage(config, project, ports.env)
      const datasource = discoverDatasourceEnv(project, {
        env: toolEnv(project, ports.env),
        timeoutMs: config.stepTimeoutMs,
        signal: ports.signal
      })
      client = await ports.group('Connect to the database', () => connect(run, config, ports, datasource))
      const outcome = await ports.group('Migration history', () => history)
      run.stage(outcome.stage)
      for (const problem of outcome.problems) run.problem(problem)
      if (client) drift = await runStages(run, config, project, client, ports, outcome)
    }
  } finally {
    await run.shadow?.drop()
    await client?.end().catch(() => {})
  }
  const result = finish(run, config, project, drift, Math.round(performance.now() - started))
  return writeReportFiles(result, config.reportDir, (text) => run.clean(text))
}

function historyStage(config: Config, project: Project, env: NodeJS.ProcessEnv): Promise<HistoryOutcome> {
  return runHistory({
    repoRoot: config.repoRoot,
    migrationsDir: project.migrationsDir,
    head: project.migrations,
    eventPath: env.GITHUB_EVENT_PATH,
    eventName: env.GITHUB_EVENT_NAME,
    baseRef: config.baseRef,
    env
  })
}

function discover(run: Run, config: Config): Project | undefined {
  try {
    return discoverProject(config)
  } catch (error) {
    if (!(error instanceof ProjectError)) throw error
    run.problem({
      stage: 'project',
      severity: 'error',
      title: 'Prisma project not usable',
      message: error.message,
      code: error.code
    })
    const why =
      error.code === 'prisma-unsupported' ? 'this Prisma version is not supported' : 'project not found'
    for (const name of ['generate', 'migrate', 'seed'] as const) run.skip(name, why)
    return undefined
  }
}

async function connect(
  run: Run,
  config: Config,
  ports: PipelinePorts,
  datasource: Promise<DatasourceEnv>
): Promise<pg.Client | undefined> {
  const started = performance.now()
  try {
    const client = await connectWithRetry(config.databaseUrl, {
      timeoutMs: config.connectTimeoutMs,
      signal: ports.signal,
      onRetry: (attempt, error) =>
        ports.info(run.clean(`Database not ready (attempt ${attempt}): ${error}; retrying…`))
    })
    let summary = 'database reachable and empty'
    try {
      if (!config.allowNonEmptyDatabase) await assertEmpty(client, config.databaseUrl)
      else summary = describeContents((await findExistingObjects(client, 1)).total)
      run.env = await databaseEnv(run, config, client, await datasource)
    } catch (error) {
      await run.shadow?.drop()
      await client.end().catch(() => {})
      throw error
    }
    run.stage({
      name: 'connect',
      status: 'passed',
      durationMs: elapsed(started),
      summary: `${summary}; ${describeDatabaseEnv(run.env)}`
    })
    return client
  } catch (error) {
    if (!(error instanceof DatabaseError)) throw error
    await datasource.catch(() => undefined)
    run.stage({
      name: 'connect',
      status: 'failed',
      durationMs: elapsed(started),
      summary: error.code === 'not-empty' ? 'database not empty' : 'database unreachable'
    })
    run.problem({
      stage: 'connect',
      severity: 'error',
      title: error.code === 'not-empty' ? 'Database is not empty' : 'Database unreachable',
      message: error.message,
      code: error.code
    })
    for (const name of ['generate', 'migrate', 'seed'] as const) run.skip(name, 'no usable database')
    return undefined
  }
}

/** What the run puts into the environment of every child process. */
interface DatabaseEnv {
  /** Variables set to the database URL. */
  url: string[]
  /** Variables set to the shadow scratch database (never the main database: Prisma resets a shadow). */
  shadow: string[]
  shadowUrl?: string
  /** The datasource as discovered, for messages. */
  datasource: DatasourceEnv
  /** Whether `database-url-env` chose the URL variables. */
  overridden: boolean
}

/**
 * The datasource's URL variables (with DATABASE_URL, which seeds read too) or
 * the `database-url-env` override, and a scratch database for its shadow
 * variables, created now and dropped when the run ends.
 */
async function databaseEnv(
  run: Run,
  config: Config,
  client: pg.Client,
  datasource: DatasourceEnv
): Promise<DatabaseEnv> {
  const url = config.databaseUrlEnv ?? [...new Set([DEFAULT_URL_ENV, ...datasource.url])]
  const shadow = datasource.shadow.filter((name) => !url.includes(name))
  if (datasource.probeError)
    run.problem({
      stage: 'project',
      severity: 'notice',
      title: "Prisma's config loader could not read the config",
      message: `Asking Prisma's config loader which variables the datasource reads failed (${datasource.probeError}); the names written in its datasource block were used.`,
      code: 'config-probe'
    })
  const env: DatabaseEnv = { url, shadow, datasource, overridden: config.databaseUrlEnv !== undefined }
  if (shadow.length === 0) return env
  try {
    run.shadow = await createScratchDatabase(client, config.databaseUrl, 'shadow')
    env.shadowUrl = run.shadow.url
  } catch (error) {
    if (!(error instanceof DatabaseError) || error.code !== 'no-createdb') throw error
    // Without CREATEDB no shadow database can exist; the commands this check runs do not use one,
    // so a name that exists nowhere keeps Prisma from ever resetting the main database.
    env.shadowUrl = withDatabase(config.databaseUrl, 'msc_shadow_unavailable')
  }
  return env
}

/** "DATABASE_URL, DIRECT_URL set to the database URL; SHADOW_DATABASE_URL to a scratch database" (names only). */
function describeDatabaseEnv(env: DatabaseEnv): string {
  const url = `${env.url.join(', ')} set to the database URL${env.overridden ? ' (database-url-env)' : ''}`
  return env.shadow.length ? `${url}; ${env.shadow.join(', ')} to a scratch shadow database` : url
}

/** What the connect stage says when `allow-non-empty-database` let it skip the emptiness check. */
function describeContents(objects: number): string {
  if (objects === 0) return 'database reachable and empty'
  return `database reachable; it already holds ${objects} table(s) or view(s) (allow-non-empty-database)`
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started)
}

/** Stage result for a finished child process. */
function childStage(
  run: Run,
  name: StageName,
  result: ExecResult,
  argv: string[],
  passed: boolean,
  summary: string
): StageResult {
  return run.stage({
    name,
    status: passed ? 'passed' : 'failed',
    durationMs: result.durationMs,
    summary,
    command: argv,
    exitCode: result.exitCode,
    timedOut: result.timedOut,
    output: result.output
  })
}

function failureSummary(result: ExecResult, timeoutMs: number): string {
  if (result.spawnError) return result.spawnError
  if (result.timedOut)
    return `timed out after ${Math.round(timeoutMs / 1000)}s (step-timeout); the process tree was killed`
  if (result.signal) return `killed by ${result.signal}`
  return `exit code ${result.exitCode}`
}

async function runStages(
  run: Run,
  config: Config,
  project: Project,
  client: pg.Client,
  ports: PipelinePorts,
  history: HistoryOutcome
): Promise<DriftOutcome | undefined> {
  const ctx: RunContext = {
    project,
    urlEnv: run.env?.url ?? [DEFAULT_URL_ENV],
    shadowEnv: run.env?.shadowUrl ? { names: run.env.shadow, url: run.env.shadowUrl } : undefined,
    databaseUrl: config.databaseUrl,
    timeoutMs: config.stepTimeoutMs,
    baseEnv: ports.env,
    signal: ports.signal,
    onOutput: ports.output && ((chunk) => ports.output?.(run.clean(chunk)))
  }
  const schema = schemaArgs(config.schema)
  // The schema's SQL needs neither the client nor the migrations: it runs
  // beside generate and migrate. Stopped if they fail (nothing left running).
  const diffAbort = new AbortController()
  ports.signal?.addEventListener('abort', () => diffAbort.abort(), { once: true })
  const diff = startSchemaDiff({ ...ctx, signal: diffAbort.signal }, project.schemaPath)
  const stopDiff = async (): Promise<undefined> => {
    diffAbort.abort()
    await diff.result
    return undefined
  }

  if (config.generate) {
    const ok = await ports.group('prisma generate', () => generate(run, ctx, schema, config.repoRoot))
    if (!ok) {
      run.skip('migrate', 'prisma generate failed')
      run.skip('seed', 'prisma generate failed')
      return stopDiff()
    }
  } else run.skip('generate', 'generate: false')

  // The expected database is PostgreSQL work in another database: it is built
  // while `migrate deploy` runs (dropped below if the migrations fail).
  const expected = startExpectedBuild({ ...ctx, signal: diffAbort.signal }, config.databaseUrl, diff)
  const migrated = await ports.group('prisma migrate deploy', () =>
    migrate(run, ctx, schema, client, config.repoRoot)
  )
  if (!migrated) {
    if (wantsUpgradeTest(config, history)) run.skip('upgrade', 'a migration failed on the empty database')
    run.skip('seed', 'a migration failed')
    for (const name of ['expect', 'inspect', 'compare'] as const)
      run.skip(name, 'a migration failed: the database is incomplete')
    await stopDiff()
    await expected.dispose()
    return undefined
  }
  // Prisma's own verdict reads the migrated catalog only: it runs beside the
  // seed, as does the expected database, which does not depend on the seed either.
  const verdict = startPrismaVerdict({ ...ctx, signal: diffAbort.signal }, migrated.schemaPath)
  const driftWork = checkDrift({
    run: ctx,
    config,
    project,
    client,
    schemaPath: migrated.schemaPath,
    clean: (t) => run.clean(t),
    diff,
    expected,
    verdict
  })
  const upgradeWork = upgradeStage(run, config, project, client, history)
  // Both are awaited below, after the seed; until then a rejection must not
  // count as unhandled (it is rethrown where they are awaited).
  driftWork.catch(() => undefined)
  upgradeWork.catch(() => undefined)
  await ports.group('Seed', () => seed(run, ctx, config))
  await ports.group('Upgrade test on a populated database', () => upgradeWork)
  const drift = await ports.group('Compare the migrated database with the schema', () => driftWork)
  for (const stage of drift.stages) run.stage(stage)
  for (const problem of drift.problems) run.problem(problem)
  const seedProblem = run.problems.find((p) => p.stage === 'seed' && p.severity === 'error')
  if (seedProblem) linkSeedToDrift(seedProblem, drift)
  await confirmDatabaseAlive(run, client)
  return drift
}

/**
 * The drift check may finish while the seed still runs; if the server went
 * away meanwhile (a seed that passed without touching it, a crashed service
 * container), the run must not pass as if nothing happened.
 */
async function confirmDatabaseAlive(run: Run, client: pg.Client): Promise<void> {
  if (run.problems.some((p) => p.code === 'connection-lost')) return
  try {
    await client.query('SELECT 1')
  } catch (error) {
    if (!isConnectionLoss(error)) throw error
    run.problem(connectionLostProblem('before the check ended', run.clean(describePgError(error))))
  }
}

/** `upgrade-test: auto` runs it when the base is known and the pull request adds migrations. */
function wantsUpgradeTest(config: Config, history: HistoryOutcome): boolean {
  if (config.upgradeTest === 'false') return false
  if (config.upgradeTest === 'true') return true
  return history.baseMigrations !== undefined && history.added.length > 0
}

async function upgradeStage(
  run: Run,
  config: Config,
  project: Project,
  client: pg.Client,
  history: HistoryOutcome
): Promise<void> {
  if (!wantsUpgradeTest(config, history)) return
  if (!history.baseMigrations) {
    run.skip('upgrade', 'no base commit to upgrade from')
    return
  }
  const started = performance.now()
  const engine = engineModelOf(project.prisma.version, project.configFile)
  const reviewer =
    config.migrationSafety === 'off'
      ? undefined
      : new MigrationReviewer({
          schemas: project.dbSchemas,
          repoRoot: config.repoRoot,
          engine,
          safety: config.migrationSafety
        })
  let outcome: Awaited<ReturnType<typeof runUpgradeTest>>
  try {
    outcome = await runUpgradeTest({
      adminClient: client,
      databaseUrl: config.databaseUrl,
      baseMigrations: history.baseMigrations,
      newMigrations: history.added,
      schemas: project.dbSchemas,
      repoRoot: config.repoRoot,
      rowsPerTable: config.upgradeRows === 'auto' ? AUTO_UPGRADE_ROWS : config.upgradeRows,
      observer: reviewer,
      engine
    })
  } catch (error) {
    // A database error outside the migrations themselves (a lost connection…)
    // fails the stage; it must neither crash the run nor pass unnoticed.
    run.stage({
      name: 'upgrade',
      status: 'failed',
      durationMs: elapsed(started),
      summary: 'the upgrade test could not run'
    })
    run.problem({
      stage: 'upgrade',
      severity: 'error',
      title: 'Upgrade test could not run',
      message: `The upgrade test stopped on a database error: ${describePgError(error)}`
    })
    return
  }
  run.stage(outcome.stage)
  for (const problem of outcome.problems) run.problem(problem)
  if (reviewer && outcome.fill) {
    run.review = reviewer.result()
    const problem = safetyProblem(run.review)
    if (problem) run.problem(problem)
  }
}

async function generate(run: Run, ctx: RunContext, schema: string[], repoRoot: string): Promise<boolean> {
  const argv = ['prisma', 'generate', ...schema]
  const result = await runPrisma(ctx, argv.slice(1))
  const ok = result.exitCode === 0 && !result.timedOut
  childStage(
    run,
    'generate',
    result,
    argv,
    ok,
    ok ? 'client generated' : failureSummary(result, ctx.timeoutMs)
  )
  if (!ok) {
    run.problem({
      stage: 'generate',
      severity: 'error',
      title: 'prisma generate failed',
      message:
        `\`prisma generate\` failed (${failureSummary(result, ctx.timeoutMs)}):\n${prismaErrorText(result.output)}` +
        urlHint(run, result.output),
      ...schemaErrorLocation(result.output, ctx.project, repoRoot)
    })
  }
  return ok
}

/** Prisma's validation errors name `--> prisma/schema.prisma:12`; point at that line. */
function schemaErrorLocation(output: string, project: Project, repoRoot: string): Pick<Problem, 'location'> {
  const match = /-->\s+(.+?\.prisma):(\d+)/.exec(output)
  if (!match?.[1]) return {}
  return {
    location: { file: repoPath(repoRoot, path.resolve(project.root, match[1])), line: Number(match[2]) }
  }
}

async function migrate(
  run: Run,
  ctx: RunContext,
  schema: string[],
  client: pg.Client,
  repoRoot: string
): Promise<{ schemaPath: string } | undefined> {
  const argv = ['prisma', 'migrate', 'deploy', ...schema]
  const result = await runPrisma(ctx, argv.slice(1))
  const ok = result.exitCode === 0 && !result.timedOut
  const applied = parseAppliedMigrations(result.output)
  const count = ctx.project.migrations.length
  childStage(
    run,
    'migrate',
    result,
    argv,
    ok,
    ok ? appliedSummary(applied.length, count, result.output) : failureSummary(result, ctx.timeoutMs)
  )
  if (!ok) {
    const problem = await diagnoseMigrateFailure(
      result,
      ctx.project,
      client,
      repoRoot,
      failureSummary(result, ctx.timeoutMs)
    )
    run.problem({ ...problem, message: problem.message + urlHint(run, result.output) })
    return undefined
  }
  if (count === 0) {
    run.problem({
      stage: 'migrate',
      severity: 'warning',
      title: 'No migrations',
      message: `No migration folders in ${ctx.project.migrationsDir}: the database was not built by migrations. Create the first one with \`prisma migrate dev --name init\`.`
    })
  }
  const loaded = parseLoadedSchema(result.output)
  return { schemaPath: loaded ? path.resolve(ctx.project.root, loaded) : ctx.project.schemaPath }
}

/** "2 migration(s) applied", or that none was pending (a database migrated before, with allow-non-empty-database). */
function appliedSummary(applied: number, found: number, output: string): string {
  if (applied > 0 || found === 0) return `${applied} migration(s) applied`
  if (/No pending migrations to apply/.test(output)) return `no pending migration (${found} already applied)`
  return `${found} migration(s) applied`
}

async function seed(run: Run, ctx: RunContext, config: Config): Promise<void> {
  if (config.seed.kind === 'none') {
    run.skip('seed', 'seed-command: none')
    return
  }
  const argv = config.seed.kind === 'command' ? config.seed.argv : ['prisma', 'db', 'seed']
  const result =
    config.seed.kind === 'command' ? await runCommand(ctx, argv) : await runPrisma(ctx, argv.slice(1))
  const ok = result.exitCode === 0 && !result.timedOut
  if (ok && config.seed.kind === 'configured' && !seedCommandRan(result.output)) {
    run.stage({
      name: 'seed',
      status: 'warning',
      durationMs: result.durationMs,
      summary: 'no seed configured',
      command: argv,
      exitCode: 0
    })
    run.problem({
      stage: 'seed',
      severity: 'warning',
      title: 'No seed configured',
      message:
        '`prisma db seed` found no seed command, so nothing was seeded and the seed was not tested. Configure one (`migrations.seed` in prisma.config.ts, or `prisma.seed` in package.json), give the `seed-command` input, or set `seed-command: none` to skip the seed on purpose.',
      code: 'no-seed'
    })
    return
  }
  const source = ctx.project.seed.command ? ` (${ctx.project.seed.command})` : ''
  const shown = ok
    ? result
    : {
        ...result,
        output: withoutForeignCodeExcerpts(result.output, {
          repoRoot: config.repoRoot,
          projectRoot: ctx.project.root
        })
      }
  childStage(run, 'seed', shown, argv, ok, ok ? `seeded${source}` : failureSummary(result, ctx.timeoutMs))
  if (!ok)
    run.problem(
      diagnoseSeedFailure(result, ctx.project, config.repoRoot, failureSummary(result, ctx.timeoutMs))
    )
}

/** A seed that failed on a missing table or column is explained by the drift item for it. */
function linkSeedToDrift(problem: Problem, drift: DriftOutcome): void {
  const missing = problem.missingObject
  if (!missing) return
  const items = drift.items.filter(
    (item) =>
      item.change === 'missing' &&
      ((missing.column &&
        item.kind === 'column' &&
        item.target.column === missing.column &&
        (!missing.table || item.target.table === missing.table)) ||
        (!missing.column && missing.table && item.kind === 'table' && item.target.table === missing.table))
  )
  if (items.length === 0) return
  problem.explainedBy = items.map((i) => i.object)
  const item = items[0]!
  const where = item.location
    ? ` is declared at ${item.location.file}:${item.location.line}`
    : ' is in the schema'
  problem.message = `The seed failed because \`${item.object}\`${where} but no migration creates it.\n\n${problem.message}`
}

/**
 * When Prisma found no database URL: which variables the datasource reads,
 * which ones this run set, and the input that chooses them. Empty otherwise.
 */
function urlHint(run: Run, output: string): string {
  const missing = missingUrlVariable(output)
  if (missing === undefined || !run.env) return ''
  const { datasource, url } = run.env
  const reads = [...new Set([...datasource.url, ...datasource.read, ...(missing ? [missing] : [])])]
  const where = datasource.sources.length ? ` (${datasource.sources.join(', ')})` : ''
  const readsText = reads.length
    ? `The project's datasource reads ${reads.join(', ')}${where}`
    : "No variable of the project's datasource could be found"
  const example = reads.filter((name) => !datasource.shadow.includes(name))
  return (
    `\n\n${missing ? `Prisma found no value in ${missing}` : 'Prisma found no database URL'}. ${readsText}; this run set ${url.join(', ')} to the database URL. ` +
    `Set the \`database-url-env\` input to the variables that should receive it${example.length ? `, e.g. \`database-url-env: ${example.join(', ')}\`` : ''}.`
  )
}

function finish(
  run: Run,
  config: Config,
  project: Project | undefined,
  drift: DriftOutcome | undefined,
  durationMs: number
): CheckResult {
  const failedOn = new Set<FailOn>()
  let unusable = false
  for (const p of run.problems) {
    if (p.severity === 'warning' && config.failOn.includes('warning')) failedOn.add('warning')
    if (p.severity !== 'error') continue
    // An edited or reordered migration, or one that breaks a populated database, is a migration failure.
    if (['migrate', 'generate', 'history', 'upgrade'].includes(p.stage)) failedOn.add('migrate')
    else if (p.stage === 'seed') failedOn.add('seed')
    else if (p.stage === 'connect' || p.stage === 'project') unusable = true
    else if (['expect', 'inspect', 'compare'].includes(p.stage)) failedOn.add('drift')
  }
  const items = drift?.items ?? []
  if (items.some((i) => i.severity === 'error')) failedOn.add('drift')
  if (items.some((i) => i.severity === 'warning') && config.failOn.includes('warning'))
    failedOn.add('warning')
  const failing = [...failedOn].filter((f) => config.failOn.includes(f))
  return {
    status: unusable || failing.length > 0 ? 'failed' : 'passed',
    workingDirectory: path.relative(config.repoRoot, config.workingDirectory) || '.',
    prismaVersion: project?.prisma.version,
    runner: project ? RUNNERS[project.packageManager] : undefined,
    stages: [...run.stages].sort((a, b) => STAGE_ORDER.indexOf(a.name) - STAGE_ORDER.indexOf(b.name)),
    // Errors first: they are why the run failed; notices (no base commit…) last.
    problems: [...run.problems].sort(
      (a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity)
    ),
    drift: items,
    fixSql: drift?.fixSql || undefined,
    verdict: drift?.verdict,
    failedOn: failing,
    durationMs,
    ...(run.review ? { review: run.review } : {})
  }
}

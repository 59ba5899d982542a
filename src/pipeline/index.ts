/**
 * The check, in one screen. Each stage records what it found in the run's
 * state; the result is one `CheckResult`. Nothing here knows about GitHub:
 * the entries pass a logger and a way to group the log.
 *
 * What runs at the same time (each line starts when the one it hangs from
 * has ended; the seed waits for both generate and migrate):
 *
 *   project ─┬─ history (git) ──┐
 *            ├─ datasource ─────┤
 *            └─ connect ────────┴─┬─ upgrade test (base + rows + new migrations) ─────┐
 *                                 ├─ generate ──────────┐                             │
 *                                 ├─ migrate deploy ────┴─┬─ seed ────────────────────┼─ result
 *                                 │                       └─ drift: verdict ─ explain ┘
 *                                 └─ (driver adapter) schema SQL ─ expected db ┘
 *
 * The drift check asks Prisma's differ (the verdict) and explains what it
 * would change from the catalogs of the migrated database and of one built
 * from the schema; a verdict that changes nothing needs no explaining. With
 * a driver adapter Prisma gives no verdict: the catalogs are the verdict,
 * and the expected database is built beside deploy.
 *
 * A failed generate still reports deploy and the drift check (neither needs
 * the client); only the seed is skipped. A failed deploy skips the seed, the
 * upgrade test's report and the drift check.
 */
import type pg from 'pg'
import type { Config } from '../config.js'
import { describePgError, isConnectionLoss } from '../db/connect.js'
import { connectionLostProblem, startDrift, type DriftOutcome } from '../drift/index.js'
import { runHistory, type HistoryOutcome } from '../history/index.js'
import type { CheckResult } from '../model/result.js'
import { schemaArgs, toolEnv, type PrismaContext } from '../prisma/cli.js'
import { DEFAULT_URL_ENV, discoverDatasourceEnv } from '../prisma/datasource.js'
import { discoverProject, ProjectError, type Project } from '../prisma/project.js'
import { writeReportFiles } from '../report/artifacts.js'
import { loadSqlParser } from '../sql/script.js'
import { connectStage } from './connect.js'
import { finish } from './outcome.js'
import { LogLanes, type LaneOutput } from './lanes.js'
import { generateStage, migrateStage, seedStage, type PrismaSteps } from './prisma-steps.js'
import { RunState } from './state.js'
import { upgradeStage, wantsUpgradeTest } from './upgrade.js'

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

/** Runs the whole check. Never throws for a finding; only for a bug. */
export async function runCheck(config: Config, ports: PipelinePorts): Promise<CheckResult> {
  const started = performance.now()
  // PostgreSQL's SQL parser (WebAssembly) is loaded here, not when the bundle is imported.
  await loadSqlParser()
  const run = new RunState(config.databaseUrl, started)
  const project = discover(run, config)
  let client: pg.Client | undefined
  let drift: DriftOutcome | undefined
  try {
    if (project) {
      // Reading the base's migrations needs only git, and finding the
      // datasource's variables only the project: both overlap the connection.
      // Stamped when it ends: it is recorded only after the connection.
      const history = readHistory(config, project, ports.env).then((outcome) => ({
        ...outcome,
        stage: { ...outcome.stage, endMs: run.now() }
      }))
      const datasource = discoverDatasourceEnv(project, {
        env: toolEnv(project, ports.env),
        timeoutMs: config.stepTimeoutMs,
        signal: ports.signal
      })
      client = await ports.group('Connect to the database', () =>
        connectStage(run, config, datasource, ports)
      )
      const outcome = await ports.group('Migration history', () => history)
      run.record(outcome)
      if (client) drift = await runProject(run, config, project, client, ports, outcome)
    }
  } finally {
    await run.shadow?.drop()
    await client?.end().catch(() => {})
  }
  const result = finish(run, config, project, drift, run.now())
  return writeReportFiles(result, config.reportDir, (text) => run.clean(text), new Date(), {
    repoRoot: config.repoRoot,
    pullRequest: config.pullRequest
  })
}

/**
 * generate ∥ migrate deploy (∥ the upgrade test, ∥ the drift check's own
 * work), then the seed once both passed, on a connected, usable database.
 */
async function runProject(
  run: RunState,
  config: Config,
  project: Project,
  client: pg.Client,
  ports: PipelinePorts,
  history: HistoryOutcome
): Promise<DriftOutcome | undefined> {
  const lanes = new LogLanes(ports)
  try {
    return await runStages(run, config, project, client, ports, history, lanes)
  } finally {
    // Every stage's log is printed before the result: nothing may print after the report.
    await lanes.drain()
  }
}

async function runStages(
  run: RunState,
  config: Config,
  project: Project,
  client: pg.Client,
  ports: PipelinePorts,
  history: HistoryOutcome,
  lanes: LogLanes
): Promise<DriftOutcome | undefined> {
  const stepsFor = (output: LaneOutput): PrismaSteps => prismaSteps(run, config, project, ports, output)

  // The upgrade test needs only the base's migrations and the server, not the
  // migrated database: it starts now, in databases of its own. Its findings
  // are kept apart until it is known whether the migrations passed.
  const upgrade = run.fork(config.databaseUrl)
  const upgradeWork = wantsUpgradeTest(config, history)
    ? lanes.run(
        'Upgrade test on a populated database',
        () => upgradeStage(upgrade, config, project, history),
        {
          background: true
        }
      )
    : Promise.resolve()
  // Awaited below on every path; until then a rejection must not count as
  // unhandled (it is rethrown where it is awaited).
  upgradeWork.catch(() => undefined)

  // The schema's SQL needs neither the client nor the migrations, and the
  // expected database is PostgreSQL work in another database: both start now.
  const driftLane = lanes.open('Compare the migrated database with the schema', { background: true })
  const drift = startDrift({
    prisma: stepsFor(driftLane.output).prisma,
    project,
    databaseUrl: config.databaseUrl,
    repoRoot: config.repoRoot,
    clean: (text) => run.clean(text),
    now: () => run.now()
  })
  drift.migrating()

  // `prisma generate` needs the schema, `migrate deploy` the database: neither waits for the other.
  const deploy = run.fork(config.databaseUrl)
  const generating = config.generate
    ? lanes.run('prisma generate', (output) => generateStage(run, stepsFor(output)))
    : Promise.resolve(true)
  if (!config.generate) run.skip('generate', 'generate: false')
  const migrating = lanes.run('prisma migrate deploy', (output) =>
    migrateStage(deploy, stepsFor(output), client)
  )
  migrating.catch(() => undefined)
  const generated = await generating
  const migrated = await migrating
  // A schema Prisma cannot read fails generate (P1012, on the schema's line);
  // deploy may fail on it too (reported once, at generate) or pass (it needs
  // only the datasource), but nothing can be compared with such a schema.
  const schemaInvalid = !generated && failedOnSchema(run, 'generate')
  if (schemaInvalid && failedOnSchema(deploy, 'migrate'))
    run.skip('migrate', 'the schema is invalid (see prisma generate)')
  else run.adopt(deploy)

  if (!migrated || schemaInvalid) {
    await upgradeWork
    if (migrated) run.adopt(upgrade)
    else if (wantsUpgradeTest(config, history))
      run.skip(
        'upgrade',
        schemaInvalid ? 'the schema is invalid' : 'a migration failed on the empty database'
      )
    run.skip('seed', generated ? 'a migration failed' : 'prisma generate failed')
    for (const name of ['expect', 'inspect', 'compare'] as const)
      run.skip(
        name,
        schemaInvalid
          ? 'the schema is invalid (see prisma generate)'
          : 'a migration failed: the database is incomplete'
      )
    await drift.stop()
    driftLane.end()
    return undefined
  }

  // Prisma's verdict and the catalogs depend on the migrated database, not on
  // the generated client or the seed: they run beside the seed, and still run
  // when only generate failed (a generator's failure says nothing of the database).
  const driftWork = drift.migrated(client, migrated.schemaPath)
  driftWork.then(driftLane.end, driftLane.end)
  driftWork.catch(() => undefined)
  if (generated) await lanes.run('Seed', (output) => seedStage(run, stepsFor(output), config.seed))
  else run.skip('seed', 'prisma generate failed: the seed needs the generated client')
  await upgradeWork
  run.adopt(upgrade)
  const outcome = await driftWork
  run.record(outcome)
  await confirmDatabaseAlive(run, client)
  return outcome
}

/** Whether the stage failed on Prisma's schema validation (P1012). */
function failedOnSchema(state: RunState, name: 'generate' | 'migrate'): boolean {
  return state.stages.some(
    (s) => s.name === name && s.status === 'failed' && /\bP1012\b/.test(s.output ?? '')
  )
}

function discover(run: RunState, config: Config): Project | undefined {
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

function readHistory(config: Config, project: Project, env: NodeJS.ProcessEnv): Promise<HistoryOutcome> {
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

/** How the project's commands run: its folder, the database variables the connect stage chose, our timeout. */
function prismaSteps(
  run: RunState,
  config: Config,
  project: Project,
  ports: PipelinePorts,
  output: LaneOutput
): PrismaSteps {
  const prisma: PrismaContext = {
    project,
    urlEnv: run.env?.url ?? [DEFAULT_URL_ENV],
    shadowEnv: run.env?.shadowUrl ? { names: run.env.shadow, url: run.env.shadowUrl } : undefined,
    databaseUrl: config.databaseUrl,
    timeoutMs: config.stepTimeoutMs,
    baseEnv: ports.env,
    signal: ports.signal,
    onOutput: output && ((chunk) => output(run.clean(chunk)))
  }
  return { prisma, schemaArgs: schemaArgs(config.schema), repoRoot: config.repoRoot }
}

/**
 * The drift check may finish while the seed still runs; if the server went
 * away meanwhile (a seed that passed without touching it, a crashed service
 * container), the run must not pass as if nothing happened.
 */
async function confirmDatabaseAlive(run: RunState, client: pg.Client): Promise<void> {
  if (run.problems.some((p) => p.code === 'connection-lost')) return
  try {
    await client.query('SELECT 1')
  } catch (error) {
    if (!isConnectionLoss(error)) throw error
    run.problem(connectionLostProblem('before the check ended', run.clean(describePgError(error))))
  }
}

/**
 * The check, in one screen. Each stage records what it found in the run's
 * state; the result is one `CheckResult`. Nothing here knows about GitHub:
 * the entries pass a logger and a way to group the log.
 *
 *   project ─┬─ history (git) ───────────────────────────────┐
 *            └─ connect ── generate ── migrate ─┬─ seed       ├─ result
 *               drift: schema SQL ─ expected db ┼─ upgrade ───┤
 *                                               └─ verdict, inspect, compare
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
  const run = new RunState(config.databaseUrl)
  const project = discover(run, config)
  let client: pg.Client | undefined
  let drift: DriftOutcome | undefined
  try {
    if (project) {
      // Reading the base's migrations needs only git, and finding the
      // datasource's variables only the project: both overlap the connection.
      const history = readHistory(config, project, ports.env)
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
  const result = finish(run, config, project, drift, Math.round(performance.now() - started))
  return writeReportFiles(result, config.reportDir, (text) => run.clean(text), new Date(), {
    repoRoot: config.repoRoot,
    pullRequest: config.pullRequest
  })
}

/** generate → migrate → (seed ∥ upgrade test ∥ drift check), on a connected, usable database. */
async function runProject(
  run: RunState,
  config: Config,
  project: Project,
  client: pg.Client,
  ports: PipelinePorts,
  history: HistoryOutcome
): Promise<DriftOutcome | undefined> {
  const steps = prismaSteps(run, config, project, ports)
  // The schema's SQL needs neither the client nor the migrations: it starts now.
  const drift = startDrift({
    prisma: steps.prisma,
    project,
    databaseUrl: config.databaseUrl,
    repoRoot: config.repoRoot,
    clean: (text) => run.clean(text)
  })

  if (!config.generate) run.skip('generate', 'generate: false')
  else if (!(await ports.group('prisma generate', () => generateStage(run, steps)))) {
    for (const name of ['migrate', 'seed'] as const) run.skip(name, 'prisma generate failed')
    await drift.stop()
    return undefined
  }

  // The expected database is PostgreSQL work in another database: built while `migrate deploy` runs.
  drift.migrating()
  const migrated = await ports.group('prisma migrate deploy', () => migrateStage(run, steps, client))
  if (!migrated) {
    if (wantsUpgradeTest(config, history)) run.skip('upgrade', 'a migration failed on the empty database')
    run.skip('seed', 'a migration failed')
    for (const name of ['expect', 'inspect', 'compare'] as const)
      run.skip(name, 'a migration failed: the database is incomplete')
    await drift.stop()
    return undefined
  }

  // Prisma's verdict and the catalogs depend on the migrated database, not on
  // the seed; the upgrade test works in databases of its own. All three run beside the seed.
  const driftWork = drift.migrated(client, migrated.schemaPath)
  const upgradeWork = upgradeStage(run, config, project, client, history)
  // Both are awaited below, after the seed; until then a rejection must not
  // count as unhandled (it is rethrown where they are awaited).
  driftWork.catch(() => undefined)
  upgradeWork.catch(() => undefined)
  await ports.group('Seed', () => seedStage(run, steps, config.seed))
  await ports.group('Upgrade test on a populated database', () => upgradeWork)
  const outcome = await ports.group('Compare the migrated database with the schema', () => driftWork)
  run.record(outcome)
  await confirmDatabaseAlive(run, client)
  return outcome
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
function prismaSteps(run: RunState, config: Config, project: Project, ports: PipelinePorts): PrismaSteps {
  const prisma: PrismaContext = {
    project,
    urlEnv: run.env?.url ?? [DEFAULT_URL_ENV],
    shadowEnv: run.env?.shadowUrl ? { names: run.env.shadow, url: run.env.shadowUrl } : undefined,
    databaseUrl: config.databaseUrl,
    timeoutMs: config.stepTimeoutMs,
    baseEnv: ports.env,
    signal: ports.signal,
    onOutput: ports.output && ((chunk) => ports.output?.(run.clean(chunk)))
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

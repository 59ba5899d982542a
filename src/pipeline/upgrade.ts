/**
 * The upgrade stage: the pull request's new migrations tried on a database
 * built from the base's migrations and filled with rows, with the migration
 * review riding along (unless `migration-safety: off`).
 */
import pg from 'pg'
import { AUTO_UPGRADE_ROWS, type Config } from '../config.js'
import { describePgError } from '../db/connect.js'
import type { HistoryOutcome } from '../history/index.js'
import { engineModelOf } from '../migrations/engine.js'
import type { Project } from '../prisma/project.js'
import { MigrationReviewer, safetyProblem } from '../review/index.js'
import { runUpgradeTest } from '../upgrade/index.js'
import { elapsed, type RunState } from './state.js'

/** `upgrade-test: auto` runs it when the base is known and the pull request adds migrations. */
export function wantsUpgradeTest(config: Config, history: HistoryOutcome): boolean {
  if (config.upgradeTest === 'false') return false
  if (config.upgradeTest === 'true') return true
  return history.baseMigrations !== undefined && history.added.length > 0
}

/**
 * Needs only the base's migrations and the server, never the migrated
 * database: it starts as soon as both are known, beside generate and
 * deploy. It works on a connection of its own, so its CREATE and DROP
 * DATABASE never fall inside a transaction another stage has open on the
 * run's connection (a failed migration is replayed there).
 */
export async function upgradeStage(
  run: RunState,
  config: Config,
  project: Project,
  history: HistoryOutcome
): Promise<void> {
  if (!wantsUpgradeTest(config, history)) return
  if (!history.baseMigrations) {
    run.skip('upgrade', 'no base commit to upgrade from')
    return
  }
  const started = performance.now()
  // Its own duration leaves out the scratch database's drop: the timeline shows when it really ran.
  const startMs = run.now()
  const admin = new pg.Client({
    connectionString: config.databaseUrl,
    connectionTimeoutMillis: 10_000,
    application_name: 'migrate-seed-check'
  })
  // A connection dropped while idle must not crash the process; the next query reports it.
  admin.on('error', () => {})
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
    await admin.connect()
    outcome = await runUpgradeTest({
      adminClient: admin,
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
      startMs,
      summary: 'the upgrade test could not run'
    })
    run.problem({
      stage: 'upgrade',
      severity: 'error',
      title: 'Upgrade test could not run',
      message: `The upgrade test stopped on a database error: ${describePgError(error)}`
    })
    return
  } finally {
    await admin.end().catch(() => {})
  }
  run.stage({ ...outcome.stage, startMs })
  for (const problem of outcome.problems) run.problem(problem)
  if (reviewer && outcome.fill) {
    run.review = reviewer.result()
    const problem = safetyProblem(run.review)
    if (problem) run.problem(problem)
  }
}

/**
 * The drift stages: expect (the database the schema describes), inspect (both
 * catalogs) and compare (the catalog items, judged by Prisma's own verdict
 * when its differ gave one, located, with the fix migration). Never throws
 * for a finding; the scratch database is always dropped.
 */
import type pg from 'pg'
import { describePgError, isConnectionLoss } from '../db/connect.js'
import { snapshotCatalog, type CatalogSnapshot } from '../db/snapshot.js'
import { compareCatalogs } from '../catalog-diff/index.js'
import type { DriftItem, DriftVerdict } from '../model/drift.js'
import type { Problem, StageResult } from '../model/findings.js'
import type { PrismaContext } from '../prisma/cli.js'
import { prismaErrorText } from '../prisma/output.js'
import { splitSqlStatements } from '../sql/script.js'
import type { Project } from '../prisma/project.js'
import {
  buildExpected,
  disposeBuilt,
  installedExtensions,
  createExtension,
  missingExtensionHint,
  startSchemaDiff,
  withoutCopies,
  type Built,
  type ExpectedBuild,
  type SchemaDiff
} from './expected.js'
import { buildFixMigration, prismaFixMigration } from './fix-migration.js'
import { locateItems } from './locate.js'
import { hasPrerequisites, readPrerequisites } from './prerequisites.js'
import { describeVerdict, judgeDrift, type PrismaVerdict, type PrismaVerdictRun } from './verdict.js'

export interface DriftOutcome {
  stages: StageResult[]
  problems: Problem[]
  items: DriftItem[]
  /** The fix migration; empty when nothing needs fixing. */
  fixSql: string
  /** Snapshot figures, for the benchmark. */
  metrics?: { expectedQueries: number; actualQueries: number; compareMs: number }
  /** Whose verdict the items are, once the compare stage ran. */
  verdict?: DriftVerdict
}

export interface DriftArgs {
  prisma: PrismaContext
  project: Project
  /** The service database's URL: scratch databases are made beside it, and its `?schema=` is Prisma's default schema. */
  databaseUrl: string
  /** Report paths are relative to it. */
  repoRoot: string
  /** Connected to the migrated service database. */
  client: pg.Client
  /** The schema Prisma reported loading (file or folder). */
  schemaPath: string
  clean(text: string): string
  /** The schema diff, when the caller started it early (see {@link startSchemaDiff}). */
  diff?: SchemaDiff
  /** The expected database, when the caller started building it early (see {@link startExpectedBuild}). */
  expected?: ExpectedBuild
  /** Prisma's own diff from the migrated database, when the caller started it (see {@link startPrismaVerdict}). */
  verdict?: PrismaVerdictRun
  /**
   * The catalogs only explain Prisma's verdict: when it changes nothing,
   * expect and inspect are skipped (nothing the catalogs could show would be drift).
   */
  explainOnly?: boolean
  /** The run's clock (milliseconds since it started), to stamp the stages' start and end. */
  now?: () => number
}

class StageClock {
  private started = performance.now()
  /** @param now The run's clock, to stamp each stage's start and end. */
  constructor(private readonly now?: () => number) {}
  lap(): number {
    const ms = Math.round(performance.now() - this.started)
    this.started = performance.now()
    return ms
  }
  /** Adds a stage that ends now. */
  push(stages: StageResult[], stage: StageResult): void {
    const endMs = this.now?.()
    stages.push(
      endMs === undefined ? stage : { ...stage, startMs: Math.max(0, endMs - stage.durationMs), endMs }
    )
  }
}

/** Runs expect → inspect → compare. Never throws for a finding; the scratch database is always dropped. */
export async function checkDrift(args: DriftArgs): Promise<DriftOutcome> {
  const out: DriftOutcome = { stages: [], problems: [], items: [], fixSql: '' }
  const clock = new StageClock(args.now)
  // Without the catalogs, Prisma's own verdict (when it gave one) is still the drift.
  const skipRest = async (from: 'inspect' | 'compare', why: string): Promise<DriftOutcome> => {
    if (from === 'inspect')
      clock.push(out.stages, { name: 'inspect', status: 'skipped', durationMs: 0, summary: why })
    const prisma = await args.verdict?.result
    clock.lap()
    if (prisma?.kind === 'script' || prisma?.kind === 'unreadable')
      return compare(args, out, clock, [], prisma, false)
    clock.push(out.stages, { name: 'compare', status: 'skipped', durationMs: 0, summary: why })
    return out
  }

  if (args.explainOnly && args.verdict) {
    const prisma = await args.verdict.result
    // The wait for Prisma's verdict (it runs beside the seed) is no stage's work.
    clock.lap()
    if (prisma.kind === 'script' && splitSqlStatements(prisma.script).length === 0) {
      const why = "Prisma's differ changes nothing: nothing to explain"
      clock.push(out.stages, { name: 'expect', status: 'skipped', durationMs: 0, summary: why })
      clock.push(out.stages, { name: 'inspect', status: 'skipped', durationMs: 0, summary: why })
      return compare(args, out, clock, [], prisma, false)
    }
  }

  // Prisma's SQL for the schema: started by the caller as early as possible
  // (it needs no migrated database), or here.
  const started =
    args.diff?.schemaPath === args.schemaPath
      ? args.diff
      : startSchemaDiff(args.prisma, args.schemaPath, { background: false })
  const { args: diffArgs, result: diffing } = started

  const early = args.expected?.schemaPath === args.schemaPath ? args.expected : undefined
  let built: Built | undefined
  try {
    const installed = await installedExtensions(args.client)
    built = early
      ? await early.result
      : await buildExpected(args.client, args.databaseUrl, started, installed)
    // Prisma's SQL may need what the migrations created beside the schema:
    // extensions installed in a way their files do not say (a DO block), the
    // functions a default calls, sequences. If it failed without them, build
    // again with them, read from the migrated database's catalog.
    if (!built.ok && built.kind === 'apply' && !(built.cause && isConnectionLoss(built.cause))) {
      const prerequisites = await readPrerequisites(args.client)
      const moreExtensions = installed.some((e) => !built!.extensions.includes(e.name))
      if (moreExtensions || hasPrerequisites(prerequisites)) {
        if (early) await early.dispose()
        else await disposeBuilt(built)
        built = await buildExpected(args.client, args.databaseUrl, started, installed, prerequisites)
      }
    }
    if (!built.ok && built.kind === 'scratch') {
      const error = built.error
      if (isConnectionLoss(error)) throw error
      // Only a role without CREATEDB skips the drift check (a warning, with the
      // fix). Any other failure here (a full disk…) must not turn into a pass.
      const noCreatedb = error.code === 'no-createdb'
      clock.push(out.stages, {
        name: 'expect',
        status: noCreatedb ? 'skipped' : 'failed',
        durationMs: clock.lap(),
        summary: 'cannot create a scratch database'
      })
      out.problems.push({
        stage: 'expect',
        severity: noCreatedb ? 'warning' : 'error',
        title: noCreatedb ? 'Drift check skipped' : 'Could not create the scratch database',
        message: error.message,
        code: error.code
      })
      return await skipRest('inspect', 'no expected database')
    }
    if (!built.ok && built.kind === 'diff') {
      const diff = built.diff
      const unreadable = diff.kind === 'unreadable'
      clock.push(out.stages, {
        name: 'expect',
        status: 'failed',
        durationMs: clock.lap(),
        summary: unreadable ? "Prisma's SQL for the schema could not be read" : 'prisma migrate diff failed',
        command: ['prisma', ...diffArgs],
        exitCode: diff.result.exitCode
      })
      out.problems.push({
        stage: 'expect',
        severity: 'error',
        title: unreadable
          ? "Prisma's SQL for the schema could not be read"
          : 'Could not get the SQL of the schema',
        message: unreadable
          ? `Prisma's SQL for the schema could not be read: ${diff.reason}.`
          : `\`prisma ${diffArgs.join(' ')}\` failed (${diff.result.timedOut ? 'timed out' : `exit code ${diff.result.exitCode}`}):\n${prismaErrorText(diff.result.output)}`
      })
      return await skipRest('inspect', 'no expected database')
    }
    if (!built.ok) {
      if (built.cause && isConnectionLoss(built.cause)) throw built.cause
      const reason = built.error + missingExtensionHint(built.error)
      const durationMs = clock.lap()
      // With Prisma's own verdict the drift is known without the expected
      // database: only the explanation of its statements is missing.
      const prisma = await args.verdict?.result
      if (prisma?.kind === 'script') {
        clock.push(out.stages, {
          name: 'expect',
          status: 'skipped',
          durationMs,
          summary: "the schema SQL did not apply; Prisma's verdict stands unexplained"
        })
        out.problems.push({
          stage: 'expect',
          severity: 'notice',
          title: 'Drift explanation skipped',
          message: `Prisma's SQL for the schema did not apply to a scratch database (${reason.trim()}), so the catalog comparison that explains Prisma's verdict (the schema line, the expected and actual definitions) was skipped. The drift is Prisma's own verdict.`,
          code: 'explanation-skipped'
        })
        return await skipRest('inspect', 'no expected database')
      }
      clock.push(out.stages, {
        name: 'expect',
        status: 'failed',
        durationMs,
        summary: 'the schema SQL did not apply'
      })
      out.problems.push({
        stage: 'expect',
        severity: 'error',
        title: "Prisma's SQL for the schema failed to apply",
        message: reason
      })
      return await skipRest('inspect', 'no expected database')
    }
    const scratchClient = built.client
    // Extensions only the run showed (installed by a migration in a way its
    // text does not say) still belong in the expected database's extension list.
    for (const ext of installed.filter((e) => !built!.extensions.includes(e.name))) {
      await createExtension(scratchClient, ext).catch(() => undefined)
    }
    const extensions = installed
    clock.push(out.stages, {
      name: 'expect',
      status: 'passed',
      durationMs: clock.lap(),
      summary: `schema SQL applied to a scratch database${extensions.length ? ` (with ${extensions.map((e) => e.name).join(', ')})` : ''}`,
      command: ['prisma', ...diffArgs]
    })

    const schemas = args.project.dbSchemas
    let expected: CatalogSnapshot
    let actual: CatalogSnapshot
    try {
      ;[expected, actual] = await Promise.all([
        snapshotCatalog(scratchClient, schemas).then((c) => withoutCopies(c, built!)),
        snapshotCatalog(args.client, schemas)
      ])
    } catch (error) {
      // A server that went away is a lost database (handled below), not a catalog problem.
      if (isConnectionLoss(error)) throw error
      clock.push(out.stages, {
        name: 'inspect',
        status: 'failed',
        durationMs: clock.lap(),
        summary: 'catalog query failed'
      })
      out.problems.push({
        stage: 'inspect',
        severity: 'error',
        title: 'Could not read the database catalog',
        message: describePgError(error)
      })
      return await skipRest('compare', 'no catalog')
    }
    clock.push(out.stages, {
      name: 'inspect',
      status: 'passed',
      durationMs: clock.lap(),
      summary: `${expected.tables.length} expected and ${actual.tables.length} migrated table(s) read in ${expected.queryCount + actual.queryCount} queries`
    })

    const prisma = await args.verdict?.result
    // The wait for Prisma's verdict (it runs beside the seed) is no stage's work.
    clock.lap()
    const catalog = compareCatalogs(expected, actual)
    out.metrics = { expectedQueries: expected.queryCount, actualQueries: actual.queryCount, compareMs: 0 }
    return await compare(args, out, clock, catalog, prisma)
  } catch (error) {
    if (!isConnectionLoss(error)) throw error
    // A query failed outside the stages' own handling: in practice the server
    // stopped or the connection dropped while the seed ran. Report it as a
    // lost database (stage `connect`: the run is unusable whatever `fail-on`
    // says), never as a crash of the whole check or as a pass.
    // The stage that was running when the database went away fails; the rest are skipped.
    const done = new Set(out.stages.map((s) => s.name))
    const pending = (['expect', 'inspect', 'compare'] as const).filter((name) => !done.has(name))
    pending.forEach((name, i) =>
      clock.push(out.stages, {
        name,
        status: i === 0 ? 'failed' : 'skipped',
        durationMs: i === 0 ? clock.lap() : 0,
        summary: i === 0 ? 'lost the database connection' : 'no database'
      })
    )
    out.problems.push(connectionLostProblem('during the drift check', args.clean(describePgError(error))))
    return out
  } finally {
    if (built) await disposeBuilt(built)
    await early?.dispose()
    // An early build for another schema path than Prisma reported must go too,
    // and no Prisma process may be left running.
    if (args.expected && args.expected !== early) await args.expected.dispose()
    await diffing.catch(() => undefined)
    await args.diff?.result.catch(() => undefined)
    await args.verdict?.result.catch(() => undefined)
  }
}

/**
 * The compare stage: the catalog items, judged by Prisma's own verdict when
 * its differ gave one, located, with the fix migration (Prisma's script, or
 * the items' SQL in dependency order).
 */
async function compare(
  args: DriftArgs,
  out: DriftOutcome,
  clock: StageClock,
  catalog: DriftItem[],
  prisma: PrismaVerdict | undefined,
  catalogRan = true
): Promise<DriftOutcome> {
  out.verdict = describeVerdict(args.project.prisma.version, prisma)
  if (prisma?.kind === 'failed') out.problems.push(differFailed(prisma, args.clean))
  if (prisma?.kind === 'unreadable') out.problems.push(verdictUnreadable(prisma, args.clean))
  const judged = judgeDrift(catalog, prisma, defaultSchema(args.databaseUrl), catalogRan)
  out.items = locateItems(judged, args.project, args.repoRoot).map((item) => ({
    ...item,
    expected: item.expected && args.clean(item.expected),
    actual: item.actual && args.clean(item.actual)
  }))
  const counted = out.items.filter((i) => i.severity !== 'info')
  out.fixSql =
    prisma?.kind === 'script'
      ? counted.length
        ? prismaFixMigration(args.clean(prisma.script))
        : ''
      : buildFixMigration(out.items)
  const compareMs = clock.lap()
  if (out.metrics) out.metrics.compareMs = compareMs
  // A verdict that could not be read is never "no drift": the stage fails, whatever the catalog says.
  const unreadable = prisma?.kind === 'unreadable'
  clock.push(out.stages, {
    name: 'compare',
    status:
      unreadable || counted.some((i) => i.severity === 'error')
        ? 'failed'
        : counted.length
          ? 'warning'
          : 'passed',
    durationMs: compareMs,
    summary: unreadable
      ? `Prisma's verdict could not be read${counted.length ? `; the catalog comparison found ${counted.length} difference(s)` : ''}`
      : counted.length
        ? `${counted.length} difference(s)`
        : 'the migrated database matches the schema',
    ...(prisma?.kind === 'script' || unreadable ? { command: ['prisma', ...prisma.args] } : {})
  })
  return out
}

/** Prisma answered with something that is not SQL: an error of the compare stage, with what the parser said. */
function verdictUnreadable(
  prisma: Extract<PrismaVerdict, { kind: 'unreadable' }>,
  clean: (t: string) => string
): Problem {
  return {
    stage: 'compare',
    severity: 'error',
    title: "Prisma's verdict could not be read",
    message: clean(
      `Prisma's verdict could not be read: ${prisma.reason}. \`prisma ${prisma.args.join(' ')}\` succeeded, but what it wrote is not SQL, so whether the migrated database matches the schema is not known; any drift listed comes from the catalog comparison alone.`
    ),
    code: 'verdict-unreadable'
  }
}

/** Where Prisma puts names it writes without a schema: the URL's `?schema=`, else public. */
function defaultSchema(databaseUrl: string): string {
  try {
    return new URL(databaseUrl).searchParams.get('schema') || 'public'
  } catch {
    return 'public'
  }
}

/** Prisma's differ failed for a reason of its own: the catalog comparison stands in, and the reader is told. */
function differFailed(
  prisma: Extract<PrismaVerdict, { kind: 'failed' }>,
  clean: (t: string) => string
): Problem {
  return {
    stage: 'compare',
    severity: 'warning',
    title: "Prisma's differ could not compare the database",
    message: clean(
      `\`prisma ${prisma.args.join(' ')}\` failed (${prisma.timedOut ? 'timed out' : `exit code ${prisma.exitCode}`}), so the drift comes from the catalog comparison alone:\n${prismaErrorText(prisma.output, 15)}`
    ),
    code: 'differ-failed'
  }
}

/**
 * The problem for a database that went away mid-run. Stage `connect`: the run
 * is unusable whatever `fail-on` says; `reason` is already redacted.
 */
export function connectionLostProblem(when: string, reason: string): Problem {
  return {
    stage: 'connect',
    severity: 'error',
    title: 'Lost the connection to the database',
    message: `The connection to the database was lost ${when}: ${reason}. The server stopped or the network dropped; the run cannot tell whether the migrated database is right. Make sure the postgres service stays up for the whole job.`,
    code: 'connection-lost'
  }
}

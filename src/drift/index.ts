/**
 * The drift check as one handle. It owns its concurrent work: Prisma's own
 * verdict beside the seed once the migrations passed, and the expected
 * database that explains it. Whatever happens, `migrated()` or `stop()`
 * leaves no Prisma process running and no scratch database behind.
 *
 * When the verdict is Prisma's, the expected database only explains it: it
 * is built once the verdict has something to explain, so a project in sync
 * costs one `prisma migrate diff`. With a driver adapter Prisma's differ
 * cannot read a database and the catalog comparison is the verdict: Prisma's
 * SQL for the schema is asked for at once (it needs no database) and the
 * expected database is built while `migrate deploy` runs.
 */
import type pg from 'pg'
import type { PrismaContext } from '../prisma/cli.js'
import type { Project } from '../prisma/project.js'
import { usesDriverAdapter } from '../migrations/engine.js'
import { checkDrift, type DriftOutcome } from './check.js'
import { startExpectedBuild, startSchemaDiff, type ExpectedBuild } from './expected.js'
import { startPrismaVerdict } from './verdict.js'

export { connectionLostProblem, type DriftOutcome } from './check.js'

export interface DriftOptions {
  /** How the project's Prisma CLI runs (its folder, environment, timeout). */
  prisma: PrismaContext
  project: Project
  /** The service database's URL: scratch databases are made beside it. */
  databaseUrl: string
  /** Report paths are relative to it. */
  repoRoot: string
  /** Removes secrets from text that reaches the report. */
  clean(text: string): string
  /** The run's clock (milliseconds since it started), to stamp the stages' start and end. */
  now?: () => number
}

export interface DriftCheck {
  /** `migrate deploy` is starting: build the expected database beside it when the catalogs are the verdict. */
  migrating(): void
  /**
   * The migrations passed: start Prisma's verdict on the migrated database
   * and run expect → inspect → compare (expect and inspect only when there
   * is a verdict to explain, or none). The outcome comes when all of it is
   * done and cleaned up.
   */
  migrated(client: pg.Client, schemaPath: string): Promise<DriftOutcome>
  /** Generate or migrate failed: stop every Prisma process and drop the scratch database. */
  stop(): Promise<void>
}

/** Starts the drift check (with a driver adapter, Prisma's SQL for the schema is asked for at once). */
export function startDrift(options: DriftOptions): DriftCheck {
  // Stopped when the run is cancelled or when generate or migrate fails.
  const abort = new AbortController()
  options.prisma.signal?.addEventListener('abort', () => abort.abort(), { once: true })
  const prisma: PrismaContext = { ...options.prisma, signal: abort.signal }
  const catalogVerdict = usesDriverAdapter(options.project.configFile)
  const diff = catalogVerdict ? startSchemaDiff(prisma, options.project.schemaPath) : undefined
  let expected: ExpectedBuild | undefined
  return {
    migrating() {
      if (diff) expected ??= startExpectedBuild(prisma, options.databaseUrl, diff)
    },
    migrated(client, schemaPath) {
      return checkDrift({
        prisma,
        project: options.project,
        databaseUrl: options.databaseUrl,
        repoRoot: options.repoRoot,
        client,
        schemaPath,
        clean: options.clean,
        diff,
        expected,
        verdict: startPrismaVerdict(prisma, schemaPath),
        explainOnly: !catalogVerdict,
        now: options.now
      })
    },
    async stop() {
      abort.abort()
      await diff?.result.catch(() => undefined)
      await expected?.dispose()
    }
  }
}

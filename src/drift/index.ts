/**
 * The drift check as one handle. It owns its concurrent work: Prisma's SQL
 * for the schema from the start (it needs no database), the expected
 * database while `migrate deploy` runs, and Prisma's own verdict beside the
 * seed once the migrations passed. Whatever happens, `migrated()` or `stop()`
 * leaves no Prisma process running and no scratch database behind.
 */
import type pg from 'pg'
import type { PrismaContext } from '../prisma/cli.js'
import type { Project } from '../prisma/project.js'
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
  /** `migrate deploy` is starting: build the expected database beside it. */
  migrating(): void
  /**
   * The migrations passed: start Prisma's verdict on the migrated database
   * and run expect → inspect → compare. The outcome comes when all of it is
   * done and cleaned up.
   */
  migrated(client: pg.Client, schemaPath: string): Promise<DriftOutcome>
  /** Generate or migrate failed: stop every Prisma process and drop the scratch database. */
  stop(): Promise<void>
}

/** Starts the drift check: Prisma's SQL for the schema is asked for at once. */
export function startDrift(options: DriftOptions): DriftCheck {
  // Stopped when the run is cancelled or when generate or migrate fails.
  const abort = new AbortController()
  options.prisma.signal?.addEventListener('abort', () => abort.abort(), { once: true })
  const prisma: PrismaContext = { ...options.prisma, signal: abort.signal }
  const diff = startSchemaDiff(prisma, options.project.schemaPath)
  let expected: ExpectedBuild | undefined
  return {
    migrating() {
      expected ??= startExpectedBuild(prisma, options.databaseUrl, diff)
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
        now: options.now
      })
    },
    async stop() {
      abort.abort()
      await diff.result.catch(() => undefined)
      await expected?.dispose()
    }
  }
}

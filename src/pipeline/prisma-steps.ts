/**
 * The stages that run the project's own commands: `prisma generate`,
 * `prisma migrate deploy` and the seed. Each records its stage and, when it
 * fails, one problem that says where and why.
 */
import path from 'node:path'
import type pg from 'pg'
import type { SeedChoice } from '../config.js'
import type { Problem, StageName, StageResult } from '../model/findings.js'
import {
  DEPLOY_DONE,
  parseAppliedMigrations,
  parseLoadedSchema,
  runCommand,
  runPrisma,
  seedCommandRan,
  type PrismaContext
} from '../prisma/cli.js'
import { diagnoseMigrateFailure } from '../prisma/deploy-failure.js'
import { missingUrlVariable, prismaErrorText } from '../prisma/output.js'
import type { Project } from '../prisma/project.js'
import { diagnoseSeedFailure } from '../prisma/seed-failure.js'
import { withoutForeignCodeExcerpts } from '../prisma/seed-output.js'
import type { ExecResult } from '../util/exec.js'
import { repoPath } from '../util/paths.js'
import type { RunState } from './state.js'

/** What the Prisma stages share. */
export interface PrismaSteps {
  /** How the project's Prisma CLI and the seed run (folder, environment, timeout, output). */
  prisma: PrismaContext
  /** `--schema <path>` when the `schema` input names it. */
  schemaArgs: string[]
  /** Report paths are relative to it. */
  repoRoot: string
}

/** `prisma generate`: whether the client was generated. */
export async function generateStage(run: RunState, steps: PrismaSteps): Promise<boolean> {
  const { prisma: ctx, repoRoot } = steps
  const argv = ['prisma', 'generate', ...steps.schemaArgs]
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

/**
 * `prisma migrate deploy`: the schema Prisma loaded when every migration
 * applied, or undefined when one failed (located by replaying it on `client`).
 */
export async function migrateStage(
  run: RunState,
  steps: PrismaSteps,
  client: pg.Client
): Promise<{ schemaPath: string } | undefined> {
  const { prisma: ctx, repoRoot } = steps
  const argv = ['prisma', 'migrate', 'deploy', ...steps.schemaArgs]
  const result = await runPrisma(ctx, argv.slice(1), { doneWhen: DEPLOY_DONE })
  // Ended by us after it reported every migration applied: as good as exit code 0.
  const ok = (result.exitCode === 0 || result.endedWhenDone === true) && !result.timedOut
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

/** The seed: Prisma's configured one (`prisma db seed`), the `seed-command`, or none. */
export async function seedStage(run: RunState, steps: PrismaSteps, seed: SeedChoice): Promise<void> {
  const { prisma: ctx, repoRoot } = steps
  if (seed.kind === 'none') {
    run.skip('seed', 'seed-command: none')
    return
  }
  const argv = seed.kind === 'command' ? seed.argv : ['prisma', 'db', 'seed']
  const result = seed.kind === 'command' ? await runCommand(ctx, argv) : await runPrisma(ctx, argv.slice(1))
  const ok = result.exitCode === 0 && !result.timedOut
  if (ok && seed.kind === 'configured' && !seedCommandRan(result.output)) {
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
          repoRoot: repoRoot,
          projectRoot: ctx.project.root
        })
      }
  childStage(run, 'seed', shown, argv, ok, ok ? `seeded${source}` : failureSummary(result, ctx.timeoutMs))
  if (!ok)
    run.problem(diagnoseSeedFailure(result, ctx.project, repoRoot, failureSummary(result, ctx.timeoutMs)))
}

/**
 * When Prisma found no database URL: which variables the datasource reads,
 * which ones this run set, and the input that chooses them. Empty otherwise.
 */
function urlHint(run: RunState, output: string): string {
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

/** Stage result for a finished child process. */
function childStage(
  run: RunState,
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

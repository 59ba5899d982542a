/**
 * Turns a failed `prisma migrate deploy` into a located problem: which
 * migration, which statement, which line of its migration.sql.
 *
 * Prisma's output names the migration and the database error; the native
 * engine adds PostgreSQL's position, the WebAssembly engine does not. So the
 * statement is found by asking PostgreSQL itself: the failing migration is
 * replayed statement by statement inside a transaction that is rolled back,
 * and the first statement that fails there (with its error position) is the
 * one. Statements that fail only because they already ran (an engine that
 * applied part of the migration before failing) count as applied.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import type pg from 'pg'
import type { ExecResult } from '../util/exec.js'
import { repoPath } from '../util/paths.js'
import { lineAtOffset, lineStarts, offsetOfCharPosition } from '../sql/script.js'
import { engineModelOf, planFor, planMigration, type MigrationPlan } from '../migrations/engine.js'
import { halfAppliedAdvice } from '../migrations/half-applied.js'
import { rehearseMigration } from '../migrations/replay.js'
import { parseMigrateDeployFailure } from '../migrations/locate.js'
import type { Migration, Project } from './project.js'
import type { Problem } from '../model/findings.js'
import { prismaErrorText } from './output.js'

/** SQLSTATEs meaning "this object is already there": the statement ran before. */
const ALREADY_THERE = new Set(['42P07', '42710', '42701', '42P06', '42723', '42P16'])

export interface ReplayOutcome {
  /** 0-based index of the failing statement. */
  statementIndex: number
  line: number
  message: string
  sqlState?: string
  /** How many statements before it apply cleanly or were already applied. */
  appliedBefore: number
  /**
   * How many of those failed on the replay only because their object is
   * already there: the engine applied them and did not roll them back (the
   * WebAssembly engine runs a migration statement by statement).
   */
  alreadyApplied: number
}

/**
 * Replays `migration` on `client` inside a transaction that is always rolled
 * back (the one replay, migrations/replay.ts), each statement under a
 * savepoint. Returns where it fails, or undefined if every statement runs.
 */
export async function replayMigration(
  client: pg.ClientBase,
  migration: Migration,
  plan?: MigrationPlan
): Promise<ReplayOutcome | undefined> {
  plan ??= planMigration(migration.sql, engineModelOf(undefined, undefined))
  const starts = lineStarts(migration.sql)
  let alreadyApplied = 0
  const failure = await rehearseMigration(
    client,
    plan,
    {
      failed: (_step, error) => {
        if (error.code && ALREADY_THERE.has(error.code)) {
          alreadyApplied++
          return 'continue'
        }
        return 'stop'
      }
    },
    { savepoints: true }
  )
  if (!failure) return undefined
  const statement = plan.statements[failure.index]!.statement
  const e = failure.error
  const offset = e.position
    ? statement.startOffset + offsetOfCharPosition(statement.text, Number(e.position))
    : statement.startOffset
  return {
    statementIndex: failure.index,
    line: lineAtOffset(starts, offset),
    message: e.message ?? 'the statement failed',
    sqlState: e.code,
    appliedBefore: failure.index,
    alreadyApplied
  }
}

/** Builds the problem for a failed `migrate deploy`. */
export async function diagnoseMigrateFailure(
  result: ExecResult,
  project: Project,
  client: pg.ClientBase,
  repoRoot: string,
  failure: string
): Promise<Problem> {
  const parsed = parseMigrateDeployFailure(result.output)
  const migration = project.migrations.find((m) => m.name === parsed.migration)
  // Without a located statement, Prisma's own error lines are the best explanation.
  const tail = prismaErrorText(result.output, 12)
  if (result.timedOut || !migration) {
    return {
      stage: 'migrate',
      severity: 'error',
      title: parsed.migration ? `Migration ${parsed.migration} failed` : 'prisma migrate deploy failed',
      message: `\`prisma migrate deploy\` failed (${failure}).${parsed.message ? `\n${parsed.message}` : ''}\n\n${tail}`,
      code: parsed.code ?? parsed.databaseCode,
      location: migration
        ? { file: repoPath(repoRoot, migration.sqlPath), line: 1 }
        : lockFileLocation(parsed.code, project, repoRoot)
    }
  }
  const plan = await planFor(migration.sql, engineModelOf(project.prisma.version, project.configFile)).catch(
    () => planMigration(migration.sql, engineModelOf(undefined, undefined))
  )
  const replay = await replayMigration(client, migration, plan).catch(() => undefined)
  const file = repoPath(repoRoot, migration.sqlPath)
  const statements = plan.statements
  const message = replay?.message ?? parsed.message ?? 'the migration failed'
  const applied = replay ? appliedMessage(replay, statements.length, migration.name, plan) : ''
  const where = replay
    ? `statement ${replay.statementIndex + 1}, line ${replay.line}`
    : 'the statement could not be replayed'
  return {
    stage: 'migrate',
    severity: 'error',
    title: `Migration ${migration.name} failed`,
    message:
      `${message}${replay?.sqlState ? ` (SQLSTATE ${replay.sqlState})` : ''}\nIn ${file}, ${where}. ${applied}`.trim(),
    code: parsed.code ?? replay?.sqlState ?? parsed.databaseCode,
    location: { file, line: replay?.line ?? 1 }
  }
}

/**
 * P3019: `migration_lock.toml` names another provider than the schema (the
 * migrations were written for another database). Point at its `provider` line.
 */
function lockFileLocation(
  code: string | undefined,
  project: Project,
  repoRoot: string
): Problem['location'] | undefined {
  if (code !== 'P3019') return undefined
  const lock = path.join(project.migrationsDir, 'migration_lock.toml')
  let text: string
  try {
    text = readFileSync(lock, 'utf8')
  } catch {
    return undefined
  }
  const index = text.split('\n').findIndex((line) => /^\s*provider\s*=/.test(line))
  return { file: repoPath(repoRoot, lock), line: index >= 0 ? index + 1 : 1 }
}

/**
 * What the statements before the failing one left. The replay tells: a
 * statement that fails there only because its object exists was applied by
 * the engine and is still in the database (the WebAssembly engine runs a
 * migration statement by statement, without a transaction around it).
 */
function appliedMessage(replay: ReplayOutcome, total: number, name: string, plan: MigrationPlan): string {
  const before = replay.appliedBefore
  if (before === 0) return `It is statement 1 of ${total}.`
  // The engine committed statement by statement: those outside the failing
  // statement's transaction stay, and the replay confirms them (already there).
  const planned = plan.statements[replay.statementIndex]
  if (plan.sent === 'statements' && planned && replay.alreadyApplied > 0) {
    const committed = plan.statements
      .map((p, i) => ({ p, i }))
      .filter(({ p, i }) => i < replay.statementIndex && (p.until ?? Infinity) < planned.from)
      .map(({ i }) => i)
    const advice = halfAppliedAdvice(plan, replay.statementIndex, committed, name)
    if (advice) return advice
  }
  const range = before === 1 ? `Statement 1 of ${total}` : `Statements 1–${before} of ${total}`
  const resolve = `\`prisma migrate resolve --rolled-back ${name}\``
  if (replay.alreadyApplied === before)
    return `${range} ${before === 1 ? 'was' : 'were'} applied and ${before === 1 ? 'is' : 'are'} still in the database: the engine did not roll the migration back. Undo what ${before === 1 ? 'it' : 'they'} created, or fix the migration so that it can run again, then mark it rolled back (${resolve}) before retrying.`
  if (replay.alreadyApplied === 0)
    return `${range} ran before it and left nothing behind (the engine rolled the migration back, or they create nothing); fix the statement and mark the migration rolled back (${resolve}) before retrying.`
  return `${range} ran before it; ${replay.alreadyApplied} of them ${replay.alreadyApplied === 1 ? 'is' : 'are'} still in the database (the engine did not roll the migration back). Check \`_prisma_migrations\` and the database, then mark it rolled back (${resolve}) before retrying.`
}

/**
 * The SQL scripts we take from Prisma (the schema from nothing, the verdict
 * and its fix) are written by Prisma to a file and read from there: stdout
 * belongs to whatever the CLI and the project's `prisma.config.ts` print
 * (dotenv 17 prints `◇ injected env (0) from .env // tip: …` there when the
 * config calls `config()`), and a banner taken for SQL once made an
 * unreadable verdict look like an empty one.
 *
 * `prisma migrate diff --output <file>` exists from Prisma 5.13 on (5.x, 6.x
 * and 7.x alike): the CLI captures only what the schema engine prints while
 * it diffs and writes that to the file. Prisma 5.0–5.12 have no `--output`;
 * there the script is read from stdout alone (stderr apart), which is safe on
 * those versions: they load no `prisma.config.ts` and load `.env` without a
 * message for `migrate diff`, so nothing else writes to their stdout.
 *
 * Either way the script must parse with PostgreSQL's own parser; one that
 * does not is reported as unreadable, never read as "no change".
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { ExecResult } from '../util/exec.js'
import { parseSql } from '../sql/parser.js'
import { runPrisma, type PrismaContext } from './cli.js'

/** What came of asking Prisma for a script. */
export type DiffScript =
  | { kind: 'script'; script: string; result: ExecResult }
  /** The CLI failed (exit code, timeout, signal). */
  | { kind: 'failed'; result: ExecResult }
  /** The CLI succeeded but what it gave is not SQL PostgreSQL can read. */
  | { kind: 'unreadable'; reason: string; result: ExecResult }

/** Whether `prisma migrate diff` of this version writes its script to a file (`--output`, 5.13 and later). */
export function diffHasOutputFlag(version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map((n) => Number.parseInt(n, 10))
  return major > 5 || (major === 5 && minor >= 13)
}

/**
 * Runs `prisma <args>` (a `migrate diff … --script`) and reads its script:
 * from the file Prisma writes, or from stdout on versions without
 * `--output`. The CLI's other output is kept in `result.output` for the log.
 * Requires `loadSqlParser()` to have resolved.
 */
export async function runDiffScript(
  ctx: PrismaContext,
  args: string[],
  options: { niceness?: number } = {}
): Promise<DiffScript> {
  if (!diffHasOutputFlag(ctx.project.prisma.version)) {
    const result = await runPrisma(ctx, args, { keepStdout: true, quiet: true, ...options })
    return read(result, result.stdout)
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'msc-diff-'))
  try {
    const file = path.join(dir, 'diff.sql')
    const result = await runPrisma(ctx, [...args, '--output', file], { quiet: true, ...options })
    // What else the CLI and the project's config printed (banners, warnings) goes to the log, once.
    if (result.output.trim()) ctx.onOutput?.(`prisma ${args.join(' ')}:\n${result.output.trimEnd()}\n`)
    const script = await readFile(file, 'utf8').catch(() => undefined)
    if (result.exitCode === 0 && !result.timedOut && script === undefined)
      return { kind: 'unreadable', reason: `Prisma wrote no script to ${file}`, result }
    return read(result, script)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

function read(result: ExecResult, script: string | undefined): DiffScript {
  if (result.exitCode !== 0 || result.timedOut || script === undefined) return { kind: 'failed', result }
  const reason = unreadableReason(script)
  return reason ? { kind: 'unreadable', reason, result } : { kind: 'script', script, result }
}

/** Why PostgreSQL's parser rejects a script (with the line it stops on), or undefined when it reads it. */
export function unreadableReason(script: string): string | undefined {
  const parsed = parseSql(script)
  if (parsed.ok) return undefined
  const lineNumber = script.slice(0, parsed.offset).split('\n').length
  const line = (script.split('\n')[lineNumber - 1] ?? '').trim()
  const shown = line.length > 120 ? `${line.slice(0, 117)}…` : line
  return `${parsed.message} (line ${lineNumber}${shown ? `: ${shown}` : ''})`
}

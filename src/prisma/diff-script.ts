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
  const failed = firstParseError(script)
  if (!failed) return undefined
  const lineNumber = script.slice(0, failed.offset).split('\n').length
  const line = (script.split('\n')[lineNumber - 1] ?? '').trim()
  const shown = line.length > 120 ? `${line.slice(0, 117)}…` : line
  return `${failed.message} (line ${lineNumber}${shown ? `: ${shown}` : ''})`
}

/**
 * Characters parsed at a time. The parser's WebAssembly memory grows to hold
 * the largest text it was given and never shrinks: the 1.6 MB script of a
 * 1,000-model schema, parsed whole, keeps 106 MB more in the process for the
 * rest of the run; in pieces of 64 KiB 47 MB, of 8 KiB 29 MB.
 */
const PIECE_CHARS = 8 * 1024

/**
 * PostgreSQL's first parse error in `script` (its offset in the script), read
 * piece by piece. A piece ends at a `;` that ends a line; one that does not
 * parse (cut inside a string, a body or a statement) is joined to the next
 * and parsed again, so a piece that parses ends where a statement does, and
 * the error is the one the whole script gives.
 */
export function firstParseError(
  script: string,
  pieceChars = PIECE_CHARS
): { message: string; offset: number } | undefined {
  const pieceEnd = (from: number): number => {
    if (from >= script.length) return script.length
    const at = script.indexOf(';\n', from)
    return at < 0 ? script.length : at + 2
  }
  for (let start = 0; start < script.length;) {
    let end = pieceEnd(start + pieceChars)
    for (;;) {
      const parsed = parseSql(script.slice(start, end))
      if (parsed.ok) break
      if (end >= script.length) return { message: parsed.message, offset: start + parsed.offset }
      end = pieceEnd(end + pieceChars)
    }
    start = end
  }
  return undefined
}

/**
 * Reading a failed seed's output: the error, its code, the seed file's line
 * from the stack trace, and the table or column that was missing (which the
 * pipeline links to the drift item that explains the failure).
 */
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { SourceLocation } from '../model/findings.js'
import { plainText } from '../util/text.js'

/** A table or column the seed's error says does not exist. */
export interface MissingObject {
  schema?: string
  table?: string
  column?: string
}

/** What a failed seed's output tells. */
export interface SeedFailure {
  /** The error's message (`The column \`users.x\` does not exist in the current database.`). */
  message: string
  /** Error class as printed (`PrismaClientKnownRequestError`, `Error`, `error` for pg). */
  errorName?: string
  /** Prisma's code (`P2022`) or, without one, the SQLSTATE (`42703`). */
  code?: string
  /** The SQLSTATE when the output shows it. */
  databaseCode?: string
  /** First stack frame inside the project, outside node_modules and the generated client. */
  location?: SourceLocation
  /** For P2021/P2022/42P01/42703: what was missing. */
  missingObject?: MissingObject
}

/** How to resolve the paths of a stack trace. */
export interface SeedFailureOptions {
  /** Absolute repository root: locations are made relative to it. */
  repoRoot: string
  /** Absolute project root, when the project is a sub-folder: frames outside it are not the seed's. */
  projectRoot?: string
  /** Repo-relative path prefixes that are generated code (a custom Prisma client `output`). */
  ignore?: string[]
}

/** One `at …` line (or a `path:line:col` header) of a stack trace. */
export interface StackFrame {
  /** As printed: absolute path, `file://` URL, or `node:internal/…`. */
  file: string
  line: number
  column?: number
}

// `at fn (path:1:2)`, `at async path:1:2`; Node's inspect may append ` {` when the error has own properties.
const FRAME =
  /^\s*at (?:async )?(?:.*? \()?((?:file:\/\/|\/|[A-Za-z]:[\\/]|\.{1,2}\/|node:)[^()]*?):(\d+)(?::(\d+))?\)?(?: \{)?\s*$/
const CODES_MISSING = new Set(['P2021', 'P2022', '42P01', '42703'])

/** Reads a failed seed's output (Node, tsx, Prisma Client and pg errors). */
export function parseSeedFailure(output: string, options: SeedFailureOptions): SeedFailure {
  const text = plainText(output)
  const lines = text.split('\n')
  const headline = errorHeadline(lines)
  const failure: SeedFailure = { message: headline.message }
  if (headline.name) failure.errorName = headline.name
  const codes = errorCodes(text)
  const code = codes.prisma ?? codes.sqlState
  if (code) failure.code = code
  if (codes.sqlState) failure.databaseCode = codes.sqlState
  const location = firstProjectFrame(text, options)
  if (location) failure.location = location
  const missing = missingObjectOf(failure, text)
  if (missing) failure.missingObject = missing
  return failure
}

/** Where the first stack trace starts (its first `at` line), or -1. */
function firstFrameIndex(lines: string[]): number {
  return lines.findIndex((l) => FRAME.test(l))
}

/**
 * The message is the paragraph just above the first stack frame: for Prisma
 * errors that is the line after the code excerpt, for others the `Error: …`
 * line (possibly behind the seed's own log prefix, e.g. `Seeding failed:`).
 */
function errorHeadline(lines: string[]): { message: string; name?: string } {
  const first = firstFrameIndex(lines)
  if (first < 0) return lastErrorLine(lines)
  const paragraph: string[] = []
  for (let i = first - 1; i >= 0; i--) {
    const line = lines[i] ?? ''
    if (!line.trim() || isCodeExcerpt(line)) break
    paragraph.unshift(line.trim())
  }
  return splitName(paragraph.join('\n'), lines.slice(0, first))
}

/** Prisma's code excerpt lines (`  12   const a = …`, `→ 12 …`) and Node's caret line. */
function isCodeExcerpt(line: string): boolean {
  return /^\s*(?:→\s*)?\d+\s/.test(line) || /^\s*\^+\s*$/.test(line)
}

/** Without a stack, the last line that looks like an error. */
function lastErrorLine(lines: string[]): { message: string; name?: string } {
  const line =
    [...lines].reverse().find((l) => /\b\w*Error\b|\berror:/i.test(l)) ?? lines.find((l) => l.trim()) ?? ''
  return splitName(line.trim(), [])
}

/**
 * Separates `SomeError: message` and drops the seed's own prefix. When the
 * paragraph is Prisma's message line, its class name is on an earlier line.
 */
function splitName(paragraph: string, before: string[]): { message: string; name?: string } {
  const match = /(?:^|\s)([A-Za-z]*Error|error)(?: \[[^\]]+\])?: ([\s\S]*)$/.exec(paragraph)
  if (match && match[2]) return { name: match[1] ?? '', message: match[2].trim() }
  const earlier = before.map((l) => /\b(Prisma\w*Error)\b/.exec(l)?.[1]).filter(Boolean)
  const name = earlier.at(-1)
  return name ? { name, message: paragraph } : { message: paragraph }
}

/** Prisma's `code: 'P2022'` and a SQLSTATE from pg's dump or Prisma's raw-query message. */
function errorCodes(text: string): { prisma?: string; sqlState?: string } {
  const codes = [...text.matchAll(/^\s*["']?code["']?: ["']([^"']+)["']/gm)].map((m) => m[1] ?? '')
  const prisma = codes.find((c) => /^P\d{4}$/.test(c))
  const sqlState =
    codes.find((c) => /^[0-9A-Z]{5}$/.test(c) && !/^P\d{4}$/.test(c)) ??
    /Code: `([0-9A-Z]{5})`/.exec(text)?.[1] ??
    /Database error code: ([0-9A-Z]{5})/.exec(text)?.[1]
  const result: { prisma?: string; sqlState?: string } = {}
  if (prisma) result.prisma = prisma
  if (sqlState) result.sqlState = sqlState
  return result
}

/** Splits `schema.table.column`-style names printed by Prisma. */
function splitDotted(name: string): string[] {
  return name.split('.').filter(Boolean)
}

/**
 * The missing table or column, from Prisma's sentences (`The column
 * \`users.x\` does not exist…`, `The table \`public.t\` does not exist…`),
 * Prisma's `meta`, or PostgreSQL's messages (`column "x" of relation "t" does
 * not exist`, `relation "t" does not exist`).
 */
function missingObjectOf(failure: SeedFailure, text: string): MissingObject | undefined {
  if (
    !(failure.code && CODES_MISSING.has(failure.code)) &&
    !(failure.databaseCode && CODES_MISSING.has(failure.databaseCode))
  )
    return undefined
  return prismaColumn(text) ?? prismaTable(text) ?? metaColumn(text) ?? pgColumn(text) ?? pgRelation(text)
}

function prismaColumn(text: string): MissingObject | undefined {
  const name = /The column `([^`]+)` does not exist/.exec(text)?.[1]
  if (!name || name === '(not available)') return undefined
  // Through the pg driver adapter Prisma repeats PostgreSQL's wording:
  // "The column `two_factor_enabled of relation users` does not exist".
  const relation = /^"?([^"\s]+)"? of relation "?([^"\s]+)"?$/.exec(name)
  if (relation) return dropEmpty({ table: relation[2], column: relation[1] })
  const parts = splitDotted(name)
  const column = parts.pop()
  const table = parts.pop()
  const schema = parts.pop()
  return dropEmpty({ schema, table, column })
}

function prismaTable(text: string): MissingObject | undefined {
  const name = /The table `([^`]+)` does not exist/.exec(text)?.[1]
  if (!name) return undefined
  const parts = splitDotted(name)
  const table = parts.pop()
  return dropEmpty({ schema: parts.pop(), table })
}

/** Older Prisma versions put the column in `meta: { column: 'users.x' }`. */
function metaColumn(text: string): MissingObject | undefined {
  const name = /\bcolumn: '([^']+)'/.exec(text)?.[1]
  if (!name || name === '(not available)') return undefined
  const parts = splitDotted(name)
  const column = parts.pop()
  return dropEmpty({ table: parts.pop(), column })
}

function pgColumn(text: string): MissingObject | undefined {
  const match = /column "?([^"\s]+)"?(?: of relation "([^"]+)")? does not exist/.exec(text)
  if (!match) return undefined
  // `column u.name does not exist`: the prefix is an alias, not a table.
  const column = splitDotted(match[1] ?? '').pop()
  return dropEmpty({ table: match[2], column })
}

function pgRelation(text: string): MissingObject | undefined {
  const name = /relation "([^"]+)" does not exist/.exec(text)?.[1]
  if (!name) return undefined
  const parts = splitDotted(name)
  const table = parts.pop()
  return dropEmpty({ schema: parts.pop(), table })
}

function dropEmpty(object: Record<string, string | undefined>): MissingObject | undefined {
  const entries = Object.entries(object).filter(([, v]) => v)
  return entries.length ? (Object.fromEntries(entries) as MissingObject) : undefined
}

/**
 * Every frame in the output, in order: `at …` lines, Prisma's `invocation
 * in\n<path>:line:col` call site, and Node's `<path>:line` header above an
 * uncaught error's source excerpt.
 */
export function stackFrames(output: string): StackFrame[] {
  const frames: StackFrame[] = []
  const lines = plainText(output).split('\n')
  lines.forEach((line, i) => {
    const frame = FRAME.exec(line)
    const header = /invocation in$/.test(lines[i - 1]?.trim() ?? '') || isUncaughtHeader(lines, i)
    const bare = header ? /^\s*((?:file:\/\/|\/|[A-Za-z]:[\\/])\S*?):(\d+)(?::(\d+))?\s*$/.exec(line) : null
    const match = frame ?? bare
    if (!match) return
    const parsed: StackFrame = { file: match[1] ?? '', line: Number(match[2]) }
    if (match[3]) parsed.column = Number(match[3])
    frames.push(parsed)
  })
  return frames
}

/** Node prints `<path>:<line>` then the source line and a caret for an uncaught error. */
function isUncaughtHeader(lines: string[], i: number): boolean {
  return /^\s*\^+\s*$/.test(lines[i + 2] ?? '')
}

/** A path as a stack prints it, made absolute (file URLs decoded). */
function absolutePath(file: string): string | undefined {
  if (file.startsWith('node:')) return undefined
  if (file.startsWith('file://')) {
    try {
      return fileURLToPath(file)
    } catch {
      return undefined
    }
  }
  return file
}

/**
 * Makes a stack path repo-relative with `/`; undefined when it is outside the
 * repository or not a file (`node:internal/…`).
 */
export function toRepoRelative(file: string, repoRoot: string): string | undefined {
  const absolute = absolutePath(file)
  if (absolute === undefined) return undefined
  const windows = /^[A-Za-z]:[\\/]/.test(absolute) || /^[A-Za-z]:[\\/]/.test(repoRoot)
  const p = windows ? path.win32 : path.posix
  const relative = p.relative(repoRoot, p.resolve(repoRoot, absolute)).split(p.sep).join('/')
  if (relative === '' || relative.startsWith('..') || relative === '..' || p.isAbsolute(relative))
    return undefined
  return relative
}

/** Generated Prisma Client code lives in the project but is not where the seed went wrong. */
function isGenerated(relative: string, ignore: string[]): boolean {
  if (ignore.some((prefix) => relative === prefix || relative.startsWith(prefix.replace(/\/?$/, '/'))))
    return true
  return /(^|\/)runtime\/[^/]+\.(?:c|m)?js$/.test(relative) || /(^|\/)\.prisma\//.test(relative)
}

function firstProjectFrame(text: string, options: SeedFailureOptions): SourceLocation | undefined {
  const projectPrefix = options.projectRoot
    ? toRepoRelative(options.projectRoot, options.repoRoot)
    : undefined
  for (const frame of stackFrames(text)) {
    const relative = toRepoRelative(frame.file, options.repoRoot)
    if (!relative || relative.split('/').includes('node_modules')) continue
    if (isGenerated(relative, options.ignore ?? [])) continue
    if (projectPrefix && !relative.startsWith(`${projectPrefix}/`)) continue
    const location: SourceLocation = { file: relative, line: frame.line }
    if (frame.column) location.column = frame.column
    return location
  }
  return undefined
}

/** Prisma's code excerpt after `invocation in\n<path>:line:col`: blank lines, then `  24 …` / `→ 27 …` lines. */
const EXCERPT_LINE = /^\s*(?:→\s*)?\d+\s/

/**
 * The seed's output without the code excerpts Prisma Client prints from its
 * own files: when the call site it names is under node_modules, in a
 * generated client or outside the repository, those lines are minified
 * runtime source (kilobytes a line) that tell the reader nothing. Prisma's
 * message, the stack and the excerpts of the user's own files are kept.
 */
export function withoutForeignCodeExcerpts(output: string, options: SeedFailureOptions): string {
  const lines = output.split('\n')
  const kept: string[] = []
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? ''
    kept.push(line)
    const callSite = /invocation in$/.test(plainText(lines[i - 1] ?? '').trim())
      ? /^\s*((?:file:\/\/|\/|[A-Za-z]:[\\/])\S*?):\d+(?::\d+)?\s*$/.exec(plainText(line))?.[1]
      : undefined
    if (!callSite || !isForeign(callSite, options)) continue
    let end = i + 1
    while (end < lines.length && !plainText(lines[end] ?? '').trim()) end++
    const first = end
    while (end < lines.length && EXCERPT_LINE.test(plainText(lines[end] ?? ''))) end++
    if (end === first) continue
    kept.push('', `  (${end - first} lines of Prisma's own code left out)`)
    i = end - 1
  }
  return kept.join('\n')
}

/** A file that is not the project's own source: outside the repository, in node_modules or generated. */
function isForeign(file: string, options: SeedFailureOptions): boolean {
  const relative = toRepoRelative(file, options.repoRoot)
  return (
    !relative || relative.split('/').includes('node_modules') || isGenerated(relative, options.ignore ?? [])
  )
}

/**
 * SQL scripts read with PostgreSQL's own parser: a migration.sql split into
 * statements with their lines, each with its parse tree. A statement the
 * parser rejects (a syntax error is what a failing migration often has) is
 * still split and located: it runs from the end of the statement before it to
 * the first `;` after the error, as PostgreSQL's scanner reads the text.
 *
 * `loadSqlParser()` must have resolved before any function here is called.
 */
import { parseSql, scanSql, type Node, type ParseOutcome, type SqlToken } from './parser.js'

export { loadSqlParser, identifierName, scanSql, type Node, type SqlToken } from './parser.js'

/** One statement of a SQL script, with where it sits in the script. */
export interface SqlStatement {
  /** 0-based position among the script's statements. */
  index: number
  /** The statement text from its first significant character to its terminating `;` (included when present). */
  text: string
  /** Offset (UTF-16 index) of the first significant character, comments before it excluded. */
  startOffset: number
  /** Offset just past the statement's last character. */
  endOffset: number
  /** 1-based line of the first significant character. */
  startLine: number
  /** 1-based line of the last character. */
  endLine: number
}

/** A statement with what PostgreSQL's parser made of it. */
export interface ParsedStatement extends SqlStatement {
  /** The parse tree; absent when the parser rejected the statement. */
  node?: Node
  /** Why the parser rejected it, and where (UTF-16 offset in the script). */
  error?: { message: string; offset: number }
  /** The script offset of a parse-tree `location` (those count UTF-8 bytes of the text parsed). */
  offsetOf?: (location: number) => number
}

/** A script, read once. */
export interface ParsedScript {
  sql: string
  statements: ParsedStatement[]
  /** Offsets at which each line starts. */
  lines: number[]
  /** Every token of the script, comments included (scanned on first use). */
  tokens(): SqlToken[]
  /** 1-based line of a UTF-16 offset. */
  lineAt(offset: number): number
}

/**
 * Scripts already read, by text: the failing migration is split by several
 * stages. Bounded, as parse trees take about twenty times the SQL's size.
 */
const cache = new Map<string, ParsedScript>()
const CACHE_CHARS = 2_000_000
let cachedChars = 0

/** Reads a script into statements (cached by its text). */
export function parseSqlScript(sql: string): ParsedScript {
  const hit = cache.get(sql)
  if (hit) {
    cache.delete(sql)
    cache.set(sql, hit)
    return hit
  }
  const script = readScript(sql)
  cache.set(sql, script)
  cachedChars += sql.length
  for (const [key] of cache) {
    if (cachedChars <= CACHE_CHARS || cache.size <= 1) break
    cache.delete(key)
    cachedChars -= key.length
  }
  return script
}

/**
 * Reads a script without keeping it: for reading many scripts once (the
 * index of what every migration creates), whose trees are garbage after.
 */
export function readScript(sql: string): ParsedScript {
  const lines = lineStarts(sql)
  let tokens: SqlToken[] | undefined
  const script: ParsedScript = {
    sql,
    statements: [],
    lines,
    tokens: () => (tokens ??= scanSql(sql)),
    lineAt: (offset) => lineAtOffset(lines, offset)
  }
  const add: AddStatement = (start, end, parsed, error) => {
    if (end <= start) return
    script.statements.push({
      index: script.statements.length,
      text: sql.slice(start, end),
      startOffset: start,
      endOffset: end,
      startLine: lineAtOffset(lines, start),
      endLine: lineAtOffset(lines, Math.max(start, end - 1)),
      ...(parsed ? { node: parsed.node, offsetOf: parsed.offsetOf } : {}),
      ...(error ? { error } : {})
    })
  }
  let pos = 0
  while (pos < sql.length) {
    const parsed = parseSql(sql.slice(pos))
    if (parsed.ok) {
      addParsed(sql, pos, parsed, add)
      break
    }
    const errorAt = pos + parsed.offset
    const end = addRejected(sql, addStatementsBefore(sql, pos, errorAt, add), errorAt, parsed.message, add)
    if (end === undefined) break
    pos = end
  }
  return script
}

type AddStatement = (
  start: number,
  end: number,
  parsed?: { node: Node; offsetOf: (location: number) => number },
  error?: ParsedStatement['error']
) => void

/** Adds the statements of a parse of the text from `base` on. */
function addParsed(
  sql: string,
  base: number,
  parsed: Extract<ParseOutcome, { ok: true }>,
  add: AddStatement
): void {
  const offsetOf = (location: number): number => base + parsed.offsetOf(location)
  for (const s of parsed.statements) {
    const [start, end] = statementSpan(sql, base + s.start, base + s.end)
    add(start, end, { node: s.node, offsetOf })
  }
}

/**
 * The span of an accepted statement, with its `;`. The parser's span runs up
 * to the `;`; a last statement without one runs to the end of the text, less
 * the whitespace and comments after it.
 */
function statementSpan(sql: string, start: number, end: number): [number, number] {
  if (sql[end] === ';') return [start, end + 1]
  const code = scanSql(sql.slice(start, end)).filter((t) => t.kind !== 'comment')
  return [start, start + (code.at(-1)?.end ?? 0)]
}

/**
 * Adds the statements that end before `errorAt` (the parser stopped there)
 * and returns where the rejected statement starts. The text up to the error
 * scans cleanly; the last `;` before it whose prefix parses ends the good part
 * (a `;` inside a `BEGIN ATOMIC` body does not).
 */
function addStatementsBefore(sql: string, pos: number, errorAt: number, add: AddStatement): number {
  const tokens = scanSql(sql.slice(pos, errorAt))
  const semicolons = tokens.filter((t) => t.kind === 'semicolon')
  for (let i = semicolons.length - 1; i >= 0; i--) {
    const cut = pos + (semicolons[i] as SqlToken).end
    const parsed = parseSql(sql.slice(pos, cut))
    if (!parsed.ok) continue
    addParsed(sql, pos, parsed, add)
    return cut
  }
  return pos
}

/**
 * Adds the statement the parser rejected, from `start` (where the statement
 * before it ended) to the first `;` after the error, or to the end of the
 * script. Returns where the next statement may start, if anything follows.
 */
function addRejected(
  sql: string,
  start: number,
  errorAt: number,
  message: string,
  add: AddStatement
): number | undefined {
  const tokens = scanSql(sql.slice(start))
  const semicolon = tokens.find((t) => t.kind === 'semicolon' && start + t.start >= errorAt)
  const code = tokens.filter((t) => t.kind !== 'comment')
  const last = code.at(-1)
  // An unterminated quote runs to the end of the file: its trailing blank lines are not the statement's.
  const lastEnd = last
    ? last.start + (last.kind === 'invalid' ? last.text.trimEnd().length : last.text.length)
    : 0
  const end = start + (semicolon?.end ?? lastEnd)
  const first = start + (code[0]?.start ?? 0)
  add(first, end, undefined, { message, offset: Math.min(Math.max(errorAt, first), sql.length) })
  return semicolon ? end : undefined
}

/**
 * Whether PostgreSQL refuses to run the statement inside a transaction block
 * (`CREATE INDEX CONCURRENTLY`, `VACUUM`, `ALTER SYSTEM`, `CREATE DATABASE`…).
 */
export function refusedInTransaction(statement: ParsedStatement): boolean {
  const node = statement.node
  if (!node) return false
  if ('IndexStmt' in node) return node.IndexStmt.concurrent === true
  if ('DropStmt' in node) return node.DropStmt.concurrent === true
  if ('ReindexStmt' in node) {
    const r = node.ReindexStmt
    const concurrently = (r.params ?? []).some((p) => 'DefElem' in p && p.DefElem.defname === 'concurrently')
    return concurrently || r.kind === 'REINDEX_OBJECT_DATABASE' || r.kind === 'REINDEX_OBJECT_SYSTEM'
  }
  if ('VacuumStmt' in node) return node.VacuumStmt.is_vacuumcmd === true
  if ('AlterTableStmt' in node)
    return (node.AlterTableStmt.cmds ?? []).some((c) => {
      const def = 'AlterTableCmd' in c ? c.AlterTableCmd.def : undefined
      return def !== undefined && 'PartitionCmd' in def && def.PartitionCmd.concurrent === true
    })
  return (
    'AlterSystemStmt' in node ||
    'CreatedbStmt' in node ||
    'DropdbStmt' in node ||
    'CreateTableSpaceStmt' in node ||
    'DropTableSpaceStmt' in node
  )
}

/**
 * The script with every comment replaced by spaces (newlines kept), so that
 * searches never match commented-out SQL and offsets stay those of the file.
 */
export function blankComments(sql: string): string {
  let out = ''
  let at = 0
  for (const token of parseSqlScript(sql).tokens()) {
    if (token.kind !== 'comment') continue
    out += sql.slice(at, token.start) + token.text.replace(/[^\n\r]/g, ' ')
    at = token.end
  }
  return out + sql.slice(at)
}

/** The tokens of one statement of `script`, comments included. */
export function statementTokens(script: ParsedScript, statement: SqlStatement): SqlToken[] {
  const tokens = script.tokens()
  let lo = 0
  let hi = tokens.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if ((tokens[mid] as SqlToken).end <= statement.startOffset) lo = mid + 1
    else hi = mid
  }
  const out: SqlToken[] = []
  for (let i = lo; i < tokens.length && (tokens[i] as SqlToken).start < statement.endOffset; i++)
    out.push(tokens[i] as SqlToken)
  return out
}

/** Offsets at which each line starts (line 1 starts at 0). */
export function lineStarts(text: string): number[] {
  const starts = [0]
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1)
  return starts
}

/** 1-based line of a UTF-16 offset, by binary search over `lineStarts`. */
export function lineAtOffset(starts: number[], offset: number): number {
  let lo = 0
  let hi = starts.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if ((starts[mid] ?? 0) <= offset) lo = mid
    else hi = mid - 1
  }
  return lo + 1
}

/**
 * PostgreSQL reports error positions in characters (code points), 1-based;
 * JavaScript strings index UTF-16 units. Returns the 0-based string offset.
 */
export function offsetOfCharPosition(text: string, position: number): number {
  let offset = 0
  for (let chars = 1; chars < position && offset < text.length; chars++) {
    const code = text.charCodeAt(offset)
    offset += code >= 0xd800 && code <= 0xdbff ? 2 : 1
  }
  return Math.min(offset, text.length)
}

/**
 * Splits a SQL script into statements. Comments before a statement are not
 * part of it (its start line is where its SQL starts); a script that ends
 * without `;` still yields its last statement.
 */
export function splitSqlStatements(sql: string): SqlStatement[] {
  return parseSqlScript(sql).statements.map((s) => ({
    index: s.index,
    text: s.text,
    startOffset: s.startOffset,
    endOffset: s.endOffset,
    startLine: s.startLine,
    endLine: s.endLine
  }))
}

/**
 * `ALTER TABLE t ADD COLUMN a …, ADD COLUMN b …;` read as its head
 * (`ALTER TABLE t `) and one clause per subcommand, split at the commas
 * outside parentheses by PostgreSQL's scanner. Undefined for any other
 * statement.
 */
export function alterTableClauses(text: string): { head: string; clauses: string[] } | undefined {
  const tokens = scanSql(text).filter((t) => t.kind !== 'comment' && t.kind !== 'semicolon')
  const word = (i: number) => (tokens[i]?.kind === 'keyword' ? tokens[i]?.text.toUpperCase() : undefined)
  if (word(0) !== 'ALTER' || word(1) !== 'TABLE') return undefined
  let i = 2
  if (word(i) === 'IF' && word(i + 1) === 'EXISTS') i += 2
  if (word(i) === 'ONLY') i += 1
  // The table's name: identifiers joined by dots.
  i += 1
  while (tokens[i]?.text === '.' && tokens[i + 1]) i += 2
  const first = tokens[i]
  if (!first) return undefined
  // Each clause from its first token to its last: comments between clauses stay out.
  const clauses: string[] = []
  let depth = 0
  let start: number | undefined
  let end = first.start
  for (const token of tokens.slice(i)) {
    if (token.text === ',' && depth === 0) {
      clauses.push(text.slice(start ?? token.start, end))
      start = undefined
      continue
    }
    if (token.text === '(') depth++
    else if (token.text === ')') depth--
    start ??= token.start
    end = token.end
  }
  clauses.push(text.slice(start ?? end, end))
  return { head: text.slice(0, first.start), clauses }
}

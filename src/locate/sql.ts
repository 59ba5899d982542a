/**
 * A small PostgreSQL lexer: just enough to split a migration.sql into
 * statements and to search it without matching inside comments. It knows the
 * tokens that can hide a semicolon: 'strings' (and E'…' escapes), "quoted
 * identifiers", -- line comments, nested block comments and $tag$ dollar
 * quotes.
 */

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

/** What the lexer found at a given offset, used to blank comments and find statement ends. */
type Region = 'code' | 'comment' | 'string'

/** A piece of the script: its kind and span. */
interface Span {
  region: Region
  start: number
  end: number
}

const IDENT_CHAR = /[A-Za-z0-9_$]/

/** Scans the script once into code, comment and quoted spans. */
function scanSpans(sql: string): Span[] {
  const spans: Span[] = []
  let codeStart = 0
  let i = 0
  const push = (region: Region, start: number, end: number): void => {
    if (codeStart < start) spans.push({ region: 'code', start: codeStart, end: start })
    spans.push({ region, start, end })
    codeStart = end
  }
  while (i < sql.length) {
    const quoted = quotedEnd(sql, i)
    if (quoted !== undefined) {
      push(quoted.region, i, quoted.end)
      i = quoted.end
    } else {
      i++
    }
  }
  if (codeStart < sql.length) spans.push({ region: 'code', start: codeStart, end: sql.length })
  return spans
}

/** If a comment or quoted token starts at `i`, where it ends. */
function quotedEnd(sql: string, i: number): { region: Region; end: number } | undefined {
  const ch = sql[i]
  const next = sql[i + 1]
  if (ch === '-' && next === '-') return { region: 'comment', end: lineCommentEnd(sql, i) }
  if (ch === '/' && next === '*') return { region: 'comment', end: blockCommentEnd(sql, i) }
  if (ch === "'") return { region: 'string', end: singleQuotedEnd(sql, i, isEscapeString(sql, i)) }
  if (ch === '"') return { region: 'string', end: doubleQuotedEnd(sql, i) }
  if (ch === '$') {
    const tag = dollarTagAt(sql, i)
    if (tag !== undefined) {
      const close = sql.indexOf(tag, i + tag.length)
      return { region: 'string', end: close < 0 ? sql.length : close + tag.length }
    }
  }
  return undefined
}

function lineCommentEnd(sql: string, i: number): number {
  const nl = sql.indexOf('\n', i)
  return nl < 0 ? sql.length : nl
}

/** PostgreSQL block comments nest, unlike the SQL standard's. */
function blockCommentEnd(sql: string, i: number): number {
  let depth = 0
  let j = i
  while (j < sql.length) {
    if (sql.startsWith('/*', j)) {
      depth++
      j += 2
    } else if (sql.startsWith('*/', j)) {
      depth--
      j += 2
      if (depth === 0) return j
    } else {
      j++
    }
  }
  return sql.length
}

/** `E'…'` strings take backslash escapes; a plain `'…'` does not (standard_conforming_strings). */
function isEscapeString(sql: string, quote: number): boolean {
  const prefix = sql[quote - 1]
  if (prefix !== 'E' && prefix !== 'e') return false
  return quote < 2 || !IDENT_CHAR.test(sql[quote - 2] ?? '')
}

function singleQuotedEnd(sql: string, i: number, backslashEscapes: boolean): number {
  let j = i + 1
  while (j < sql.length) {
    const ch = sql[j]
    if (backslashEscapes && ch === '\\') {
      j += 2
    } else if (ch === "'") {
      if (sql[j + 1] !== "'") return j + 1
      j += 2
    } else {
      j++
    }
  }
  return sql.length
}

function doubleQuotedEnd(sql: string, i: number): number {
  let j = i + 1
  while (j < sql.length) {
    if (sql[j] === '"') {
      if (sql[j + 1] !== '"') return j + 1
      j += 2
    } else {
      j++
    }
  }
  return sql.length
}

/**
 * The `$tag$` opening a dollar-quoted string at `i`, if any. `$1` (a
 * parameter) and `a$b` (an identifier containing `$`) are not dollar quotes.
 */
function dollarTagAt(sql: string, i: number): string | undefined {
  if (i > 0 && IDENT_CHAR.test(sql[i - 1] ?? '')) return undefined
  const match = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(sql.slice(i, i + 64))
  return match ? match[0] : undefined
}

/**
 * The script with every comment replaced by spaces (newlines kept), so that
 * searches never match commented-out SQL and offsets stay those of the file.
 */
export function blankComments(sql: string): string {
  let out = ''
  for (const span of scanSpans(sql)) {
    const text = sql.slice(span.start, span.end)
    out += span.region === 'comment' ? text.replace(/[^\n\r]/g, ' ') : text
  }
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
 * Splits a SQL script into statements at top-level semicolons. Comments before
 * a statement are not part of it (its start line is where its SQL starts);
 * a script that ends without `;` still yields its last statement.
 */
export function splitSqlStatements(sql: string): SqlStatement[] {
  const starts = lineStarts(sql)
  const statements: SqlStatement[] = []
  let first: number | undefined
  const close = (end: number): void => {
    if (first === undefined) return
    statements.push({
      index: statements.length,
      text: sql.slice(first, end),
      startOffset: first,
      endOffset: end,
      startLine: lineAtOffset(starts, first),
      endLine: lineAtOffset(starts, Math.max(first, end - 1))
    })
    first = undefined
  }
  for (const span of scanSpans(sql)) {
    if (span.region === 'comment') continue
    if (span.region === 'string') {
      first ??= span.start
      continue
    }
    for (let i = span.start; i < span.end; i++) {
      const ch = sql[i] ?? ''
      if (ch === ';') close(i + 1)
      else if (first === undefined && !/\s/.test(ch)) first = i
    }
  }
  close(trimmedEnd(sql, statements))
  return statements
}

/** End of the last unterminated statement, without trailing whitespace and comments. */
function trimmedEnd(sql: string, statements: SqlStatement[]): number {
  const blank = blankComments(sql)
  let end = blank.length
  const floor = statements.at(-1)?.endOffset ?? 0
  while (end > floor && /\s/.test(blank[end - 1] ?? '')) end--
  return end
}

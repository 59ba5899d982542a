/**
 * PostgreSQL's own parser and scanner (libpg-query, WebAssembly), with
 * offsets in JavaScript string units.
 *
 * The WebAssembly module is loaded by `loadSqlParser()`, which the pipeline
 * awaits once when it starts; everything else here is synchronous. It is not
 * loaded when the bundle is imported: starting the action must stay cheap.
 *
 * libpg-query reports positions in UTF-8 bytes (`stmt_location`, `stmt_len`,
 * every node's `location`, token offsets) and error positions in characters;
 * this module turns both into UTF-16 offsets of the text it was given.
 */
import type { Node } from 'libpg-query'
import { errorMessage } from '../util/errors.js'
import { useBaselineWasmCompiler } from '../util/wasm.js'

export type { Node } from 'libpg-query'

type LibPgQuery = typeof import('libpg-query')

let library: LibPgQuery | undefined
let loading: Promise<void> | undefined

/**
 * Loads the parser. Safe to call more than once and from several callers at
 * a time; the functions of this module throw until it has resolved.
 */
export function loadSqlParser(): Promise<void> {
  useBaselineWasmCompiler()
  loading ??= import('libpg-query')
    .then(async (module) => {
      await module.loadModule()
      library = module
    })
    .catch((error: unknown) => {
      loading = undefined
      throw new Error(`Cannot load PostgreSQL's SQL parser (libpg-query): ${String(error)}`)
    })
  return loading
}

function pg(): LibPgQuery {
  if (!library) throw new Error('The SQL parser is not loaded: await loadSqlParser() first.')
  return library
}

/** What a token is, as far as splitting and searching SQL needs to know. */
export type TokenKind = 'comment' | 'string' | 'identifier' | 'keyword' | 'semicolon' | 'other' | 'invalid'

/** A token of PostgreSQL's scanner. Offsets are UTF-16 indexes into the scanned text. */
export interface SqlToken {
  start: number
  end: number
  text: string
  kind: TokenKind
}

/** A statement the parser accepted: its parse tree and span (UTF-16, before its `;`). */
export interface RawStatement {
  node: Node
  /** Offset of its first token. */
  start: number
  /** Offset just past its last character before the terminating `;` (or the end of the text). */
  end: number
}

/** A parse: every statement, or PostgreSQL's first error and where it is (UTF-16 offset). */
export type ParseOutcome =
  | { ok: true; statements: RawStatement[]; offsetOf: (byteOffset: number) => number }
  | { ok: false; message: string; offset: number; lexical: boolean }

// Token numbers of PostgreSQL's grammar (gram.h) as libpg-query reports them.
const IDENT = 258
const UIDENT = 259
const SCONST = 261
const USCONST = 262
const BCONST = 263
const XCONST = 264
const SQL_COMMENT = 275
const C_COMMENT = 276
const SEMICOLON = 59
const STRING_TOKENS = new Set([SCONST, USCONST, BCONST, XCONST])

/**
 * Maps UTF-8 byte offsets of `text` to UTF-16 offsets. Plain ASCII (most SQL)
 * needs no table.
 */
function byteOffsets(text: string): (byteOffset: number) => number {
  if (Buffer.byteLength(text) === text.length) return (b) => b
  const table = new Int32Array(Buffer.byteLength(text) + 1)
  let bytes = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    const width = code < 0x80 ? 1 : code < 0x800 ? 2 : code >= 0xd800 && code <= 0xdbff ? 4 : 3
    for (let k = 0; k < width; k++) table[bytes + k] = i
    bytes += width
    if (width === 4) i++
  }
  table[bytes] = text.length
  return (b) => table[Math.max(0, Math.min(b, bytes))] ?? text.length
}

/**
 * PostgreSQL counts error positions in characters (code points); returns the
 * UTF-16 offset of the 0-based character `chars`.
 */
function offsetOfChars(text: string, chars: number): number {
  let offset = 0
  for (let n = 0; n < chars && offset < text.length; n++) {
    const code = text.charCodeAt(offset)
    offset += code >= 0xd800 && code <= 0xdbff ? 2 : 1
  }
  return offset
}

/** Parses `text` with PostgreSQL's grammar. */
export function parseSql(text: string): ParseOutcome {
  if (text.trim() === '') return { ok: true, statements: [], offsetOf: (b) => b }
  try {
    const result = pg().parseSync(text)
    const offsetOf = byteOffsets(text)
    const statements = (result.stmts ?? []).map((raw): RawStatement => {
      const location = raw.stmt_location ?? 0
      // A zero length means "to the end of the text" (the last statement).
      const end = raw.stmt_len ? offsetOf(location + raw.stmt_len) : text.length
      return { node: raw.stmt as Node, start: offsetOf(location), end }
    })
    return { ok: true, statements, offsetOf }
  } catch (error) {
    const details = (error as { sqlDetails?: { cursorPosition?: number; fileName?: string } }).sqlDetails
    const message = errorMessage(error)
    if (!details) throw error
    return {
      ok: false,
      message,
      offset: offsetOfChars(text, details.cursorPosition ?? 0),
      // The scanner's own errors (an unterminated quote, trailing junk after a number); the
      // grammar's "syntax error" goes through the scanner's error function too.
      lexical: details.fileName === 'scan.l' && !message.startsWith('syntax error')
    }
  }
}

function kindOf(tokenType: number, keywordKind: number): TokenKind {
  if (tokenType === SQL_COMMENT || tokenType === C_COMMENT) return 'comment'
  if (STRING_TOKENS.has(tokenType)) return 'string'
  if (tokenType === IDENT || tokenType === UIDENT) return 'identifier'
  if (keywordKind > 0) return 'keyword'
  if (tokenType === SEMICOLON) return 'semicolon'
  return 'other'
}

/** libpg-query's scan, or undefined when the scanner stops at a token it cannot read. */
function scanOnce(text: string, shift: number, into: SqlToken[]): boolean {
  if (text === '') return true
  let tokens
  try {
    tokens = pg().scanSync(text).tokens
  } catch {
    return false
  }
  const offsetOf = byteOffsets(text)
  for (const t of tokens) {
    const start = offsetOf(t.start)
    const end = offsetOf(t.end)
    into.push({
      start: start + shift,
      end: end + shift,
      text: text.slice(start, end),
      kind: kindOf(t.tokenType, t.keywordKind)
    })
  }
  return true
}

/**
 * Every token of `text`, comments included. SQL that the scanner cannot read
 * still yields tokens: up to the bad token, the bad token as `invalid`, then
 * the rest. An unterminated quote, dollar quote or comment runs to the end of
 * the text (PostgreSQL reads it that way too); other bad tokens are the text
 * PostgreSQL quotes in its message. The scanner gives no position, so the
 * parser, which reads with the same scanner, tells where it stopped.
 */
export function scanSql(text: string): SqlToken[] {
  const tokens: SqlToken[] = []
  let pos = 0
  while (pos < text.length) {
    const rest = text.slice(pos)
    if (scanOnce(rest, pos, tokens)) break
    const parsed = parseSql(rest)
    if (parsed.ok) {
      tokens.push({ start: pos, end: text.length, text: rest, kind: 'invalid' })
      break
    }
    // Up to the reported position the scanner read the text without error.
    const before = rest.slice(0, parsed.offset)
    if (!scanOnce(before, pos, tokens)) {
      tokens.push({ start: pos, end: text.length, text: rest, kind: 'invalid' })
      break
    }
    const at = pos + parsed.offset
    const near = /at or near "([\s\S]*)"$/.exec(parsed.message)?.[1]
    if (parsed.lexical) {
      const unterminated = parsed.message.startsWith('unterminated') || near === undefined
      const end = unterminated ? text.length : Math.min(text.length, at + Math.max(1, near.length))
      tokens.push({ start: at, end, text: text.slice(at, end), kind: 'invalid' })
      pos = end
      continue
    }
    // A grammar error comes first: the token it names was read; look for the scanner's error after it.
    if (near === undefined || near.length === 0 || !text.startsWith(near, at)) {
      tokens.push({ start: at, end: text.length, text: text.slice(at), kind: 'invalid' })
      break
    }
    if (!scanOnce(near, at, tokens))
      tokens.push({ start: at, end: at + near.length, text: near, kind: 'invalid' })
    pos = at + near.length
  }
  return tokens
}

/**
 * The name an identifier or keyword token stands for: quoted names as
 * written (`""` undoubled), unquoted ones folded to lower case as PostgreSQL
 * folds them. Undefined for other tokens.
 */
export function identifierName(token: SqlToken): string | undefined {
  if (token.kind !== 'identifier' && token.kind !== 'keyword') return undefined
  if (token.text.startsWith('"')) return token.text.slice(1, -1).replace(/""/g, '"')
  if (/^u&"/i.test(token.text)) return undefined
  return token.text.replace(/[A-Z]+/g, (s) => s.toLowerCase())
}

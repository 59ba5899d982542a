/**
 * Locating things in migrations: the statement and line where `prisma migrate
 * deploy` failed, and the migration that creates an object the schema does
 * not describe.
 */
import type { SourceLocation } from '../model/findings.js'
import { plainText } from '../util/text.js'
import { MigrationIndex, type CreatedObject } from './migration-index.js'
import {
  identifierName,
  offsetOfCharPosition,
  parseSqlScript,
  scanSql,
  splitSqlStatements,
  statementTokens,
  type ParsedScript,
  type SqlStatement,
  type SqlToken
} from '../sql/script.js'

export { splitSqlStatements, type SqlStatement } from '../sql/script.js'

/** What `prisma migrate deploy` said about a failed migration. */
export interface MigrateDeployFailure {
  /** The migration folder name (`20250612143000_add_auth`). */
  migration?: string
  /** Prisma's error code (`P3018`, `P3009`…), when it printed one. */
  code?: string
  /** The database's message (`ERROR: relation "x" does not exist`, `No such table: x`). */
  message?: string
  /** The failing statement's text, when the output shows it. */
  statement?: string
  /**
   * PostgreSQL's error position: a 1-based character offset into the text
   * the engine sent. The native engine sends the whole migration.sql at once,
   * so there it is an offset into the file.
   */
  position?: number
  /** SQLSTATE (`42P01`), printed by the native engine or inferred from a message whose code is certain. */
  databaseCode?: string
  /** The migration.sql line Prisma pointed at under `Position:` (native engine). */
  line?: number
  /** Which schema engine produced the output; the WASM engine runs statements one by one. */
  engine?: 'native' | 'wasm'
}

/** Where in a migration.sql a failure happened. */
export interface MigrationErrorLocation {
  /** 1-based line in migration.sql. */
  line: number
  /** Index of the failing statement among `splitSqlStatements(sql)`. */
  statementIndex: number
}

/** Hints about the failing statement; any subset may be known. */
export interface MigrationErrorInfo {
  /** Text of the failing statement. */
  statement?: string
  /**
   * PostgreSQL's 1-based character position: within `statement` when that is
   * given, else within the whole script (what the native engine sends).
   */
  position?: number
  /** A line already known (Prisma's `Position:` block). */
  line?: number
  /** The database message, used to find the statement when nothing else is known. */
  message?: string
}

/** A migration as found on disk. */
export interface MigrationSource {
  /** Folder name, e.g. `20250612143000_add_auth_and_user_features`. */
  name: string
  /** Repo-relative path of its migration.sql. */
  path: string
  sql: string
}

/**
 * Reads the output of a failed `prisma migrate deploy`. Handles both engines:
 * the native one prints `Error: P3018`, `Migration name:`, `Database error
 * code:`, `Database error:`, a `Position:` excerpt with file line numbers and a
 * `DbError {… position: Some(Original(N)) …}` dump; the WASM one prints
 * `Error: external connector error`, the message, and a backtrace naming
 * `migration_name="…"`.
 */
export function parseMigrateDeployFailure(output: string): MigrateDeployFailure {
  const text = plainText(output)
  const failure: MigrateDeployFailure = {}
  failure.code = /^Error: (P\d{4})\b/m.exec(text)?.[1]
  failure.migration =
    /^Migration name: (\S+)/m.exec(text)?.[1] ?? /migration_name="([^"]+)"/.exec(text)?.[1] ?? p3009Name(text)
  failure.databaseCode = /^Database error code: (\S+)/m.exec(text)?.[1]
  failure.message = nativeMessage(text) ?? wasmMessage(text)
  const position = /\bposition: Some\(Original\((\d+)\)\)/.exec(text)?.[1]
  if (position) failure.position = Number(position)
  failure.line = positionBlockLine(text)
  failure.engine = engineOf(text)
  if (!failure.databaseCode && failure.message) failure.databaseCode = inferSqlState(failure.message)
  return dropUndefined(failure)
}

/** P3009 (a failed migration blocks new ones) names the migration in prose. */
function p3009Name(text: string): string | undefined {
  return /The `([^`]+)` migration started at .* failed/.exec(text)?.[1]
}

/** The native engine's `Database error:` paragraph, up to `Position:` or the `DbError` dump. */
function nativeMessage(text: string): string | undefined {
  const match = /^Database error:\n([\s\S]*?)(?:\n\s*\n|$)/m.exec(text)
  return match?.[1]?.trim() || undefined
}

/** The WASM engine's message: the lines after `external connector error`, before the backtrace. */
function wasmMessage(text: string): string | undefined {
  const match = /Error: external connector error\n([\s\S]*?)(?=\n\s+0: |\n\s*\n|$)/.exec(text)
  const message = match?.[1]?.trim()
  return message ? message.replace(/^Error querying the database: /, '') : undefined
}

/** The last numbered line of the native engine's `Position:` excerpt: the failing line. */
function positionBlockLine(text: string): number | undefined {
  const block = /^Position:\n((?:[ \t]*\d+(?: .*)?\n?)+)/m.exec(text)?.[1]
  if (!block) return undefined
  const numbers = block
    .split('\n')
    .map((line) => /^\s*(\d+)/.exec(line)?.[1])
    .filter((n): n is string => n !== undefined)
  const last = numbers.at(-1)
  return last ? Number(last) : undefined
}

function engineOf(text: string): 'native' | 'wasm' | undefined {
  if (/schema_engine_wasm|external connector error/.test(text)) return 'wasm'
  if (/\bP3018\b|DbError \{|schema_core::/.test(text)) return 'native'
  return undefined
}

/**
 * Without the native engine's `Database error code:` the SQLSTATE is only
 * inferred for messages that belong to exactly one code: the driver adapter's
 * own renderings and PostgreSQL's fixed message texts.
 */
function inferSqlState(message: string): string | undefined {
  const rules: [RegExp, string][] = [
    [/^No such table: /, '42P01'],
    [/column not found: /, '42703'],
    [/\brelation "[^"]+" does not exist/, '42P01'],
    [/\bcolumn "?[^"\s]+"?(?: of relation "[^"]+")? does not exist/, '42703'],
    [/\btype "[^"]+" does not exist/, '42704'],
    [/\bsyntax error at /, '42601'],
    [/\brelation "[^"]+" already exists/, '42P07'],
    [/\btype "[^"]+" already exists/, '42710'],
    [/\bcolumn "[^"]+" of relation "[^"]+" already exists/, '42701']
  ]
  return rules.find(([pattern]) => pattern.test(message))?.[1]
}

function dropUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key]
  return value
}

/**
 * Finds the failing statement and line of a migration.sql. Tries, in order:
 * the statement text, the position (exact), a line Prisma printed, and last
 * the database message (the WASM engine prints nothing else): for a syntax
 * error, the statement PostgreSQL's parser rejects; else the statement that
 * names the objects the message names.
 */
export function locateMigrationError(
  sql: string,
  info: MigrationErrorInfo
): MigrationErrorLocation | undefined {
  const script = parseSqlScript(sql)
  const { statements } = script
  if (statements.length === 0) return undefined
  const byStatement = info.statement ? findStatementText(script, info.statement) : undefined
  if (byStatement) return withinStatement(script, byStatement, info.position)
  if (info.position !== undefined && info.position > 0) {
    return atOffset(script, offsetOfCharPosition(sql, info.position))
  }
  if (info.line !== undefined) return atLine(statements, info.line)
  return info.message ? fromMessage(script, info.message) : undefined
}

/** A statement's tokens as one string, comments and the final `;` left out: equal for equal SQL. */
function tokenKey(tokens: SqlToken[]): string {
  const code = tokens.filter((t) => t.kind !== 'comment')
  if (code.at(-1)?.kind === 'semicolon') code.pop()
  return code.map((t) => t.text).join('\u0000')
}

/** The statement whose tokens are those of `text` (or, failing that, contain them). */
function findStatementText(script: ParsedScript, text: string): SqlStatement | undefined {
  const wanted = tokenKey(scanSql(text))
  if (wanted === '') return undefined
  const keys = script.statements.map((s) => tokenKey(statementTokens(script, s)))
  const exact = keys.findIndex((k) => k === wanted)
  const index =
    exact >= 0 ? exact : keys.findIndex((k) => `\u0000${k}\u0000`.includes(`\u0000${wanted}\u0000`))
  return script.statements[index]
}

function withinStatement(
  script: ParsedScript,
  statement: SqlStatement,
  position: number | undefined
): MigrationErrorLocation {
  if (position === undefined || position < 1)
    return { line: statement.startLine, statementIndex: statement.index }
  const offset = statement.startOffset + offsetOfCharPosition(statement.text, position)
  return { line: script.lineAt(Math.min(offset, script.sql.length)), statementIndex: statement.index }
}

function atOffset(script: ParsedScript, offset: number): MigrationErrorLocation {
  const { statements } = script
  const statement =
    statements.find((s) => offset < s.endOffset) ?? (statements[statements.length - 1] as SqlStatement)
  return { line: script.lineAt(offset), statementIndex: statement.index }
}

function atLine(statements: SqlStatement[], line: number): MigrationErrorLocation {
  const statement =
    statements.find((s) => line <= s.endLine) ?? (statements[statements.length - 1] as SqlStatement)
  return { line, statementIndex: statement.index }
}

/** The names an error message mentions, and how to look for them. */
export interface MessageClue {
  names: string[]
  /** `already exists`: the failing statement is the one that creates it a second time. */
  duplicate: boolean
  /** A token quoted from the SQL as written (`syntax error at or near "…"`), matched literally. */
  literal: boolean
}

/**
 * Pulls the object names out of a database message: the WASM engine gives no
 * position, so the statement is found by the names it mentions.
 */
export function namesInMessage(message: string): MessageClue {
  const near = /syntax error at or near "(.*)"$/m.exec(message)?.[1]
  if (near !== undefined) return { names: [near], duplicate: false, literal: true }
  const column = /column not found: (\S+) of relation (\S+)/.exec(message)
  if (column) return { names: [column[1] ?? '', column[2] ?? ''], duplicate: false, literal: false }
  const table = /^No such table: (\S+)/.exec(message)?.[1]
  if (table) return { names: [lastPart(table)], duplicate: false, literal: false }
  const quoted = [...message.matchAll(/"((?:[^"]|"")+)"/g)].map((m) => (m[1] ?? '').replace(/""/g, '"'))
  const bare = quoted.length ? [] : [/column (\S+) does not exist/.exec(message)?.[1] ?? ''].filter(Boolean)
  return {
    names: [...quoted, ...bare].map(lastPart),
    duplicate: /already exists/.test(message),
    literal: false
  }
}

/** `u.nickname` → `nickname`, `public.users` → `users`: statements rarely repeat the qualifier. */
function lastPart(name: string): string {
  return /^[^."]+\.[^."]+$/.test(name) ? (name.split('.')[1] ?? name) : name
}

function fromMessage(script: ParsedScript, message: string): MigrationErrorLocation | undefined {
  const clue = namesInMessage(message)
  const [primary] = clue.names
  if (primary === undefined || primary === '') return undefined
  if (clue.literal) {
    const rejected = rejectedStatement(script, message) ?? inBody(script, primary)
    if (rejected) return rejected
  }
  // Only code counts: a name in a comment or a string literal is not the statement's.
  const find = (s: SqlStatement, name: string): SqlToken | undefined =>
    statementTokens(script, s).find((t) =>
      clue.literal
        ? t.kind !== 'comment' && t.text.toLowerCase() === name.toLowerCase()
        : identifierName(t) === name
    )
  const hits = script.statements.filter((s) => clue.names.every((n) => find(s, n)))
  const candidates = hits.length ? hits : script.statements.filter((s) => find(s, primary))
  const chosen = clue.duplicate && candidates.length > 1 ? candidates[1] : candidates[0]
  const token = chosen && find(chosen, primary)
  if (!chosen || !token) return undefined
  return { line: script.lineAt(token.start), statementIndex: chosen.index }
}

/**
 * For a syntax error in SQL the parser accepts: the error is in a body that
 * PostgreSQL parses when it runs (`DO`, a PL/pgSQL function). The first such
 * body that holds the quoted token, at that token's line.
 */
function inBody(script: ParsedScript, near: string): MigrationErrorLocation | undefined {
  for (const statement of script.statements) {
    const node = statement.node
    if (!node || !('DoStmt' in node || 'CreateFunctionStmt' in node)) continue
    for (const token of statementTokens(script, statement)) {
      const at = token.kind === 'string' ? token.text.indexOf(near) : -1
      if (at >= 0) return { line: script.lineAt(token.start + at), statementIndex: statement.index }
    }
  }
  return undefined
}

/**
 * For a syntax error: the statement PostgreSQL's parser rejects, at the
 * token it stopped at (the one whose message is the database's, else the
 * first one rejected). None when the parser accepts every statement (the
 * error was in a function body, parsed when it runs).
 */
function rejectedStatement(script: ParsedScript, message: string): MigrationErrorLocation | undefined {
  const rejected = script.statements.filter((s) => s.error)
  const same = rejected.find((s) => s.error && message.endsWith(s.error.message))
  const chosen = same ?? rejected[0]
  if (!chosen?.error) return undefined
  return { line: script.lineAt(chosen.error.offset), statementIndex: chosen.index }
}

/**
 * The statements that ran before the failing one. The WASM engine runs them
 * one by one, so they stay applied; the native engine sends the script as one
 * implicit transaction, so (unless the script commits itself) none stay.
 */
export function appliedStatements(
  sql: string,
  failingIndex: number,
  engine: 'native' | 'wasm' = 'wasm'
): SqlStatement[] {
  if (engine === 'native') return []
  return splitSqlStatements(sql).slice(0, Math.max(0, failingIndex))
}

export type { CreatedObject } from './migration-index.js'

/**
 * Where the migrations create an object: the migration.sql and the line of
 * its creating statement (for a column: the column's own line, in CREATE
 * TABLE or ADD COLUMN; for an enum value: the value's line). When several
 * migrations create it (dropped and recreated), the last one wins: that is
 * the definition the database has. The migrations are read once per list.
 */
export function findCreatingMigration(
  migrations: MigrationSource[],
  target: CreatedObject
): SourceLocation | undefined {
  const found = MigrationIndex.of(migrations).find(target)
  const migration = found && migrations[found.migration]
  return migration && found ? { file: migration.path, line: found.line } : undefined
}

/**
 * Locating things in migrations: the statement and line where `prisma migrate
 * deploy` failed, and the migration that creates an object the schema does
 * not describe.
 */
import type { DriftItem, SourceLocation } from '../types.js'
import { plainText } from './text.js'
import {
  blankComments,
  lineAtOffset,
  lineStarts,
  offsetOfCharPosition,
  splitSqlStatements,
  type SqlStatement
} from './sql.js'

export { splitSqlStatements, type SqlStatement } from './sql.js'

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
 * the position (exact), the statement text, a line Prisma printed, and last
 * the names in the database message (the WASM engine prints nothing else).
 */
export function locateMigrationError(
  sql: string,
  info: MigrationErrorInfo
): MigrationErrorLocation | undefined {
  const statements = splitSqlStatements(sql)
  if (statements.length === 0) return undefined
  const starts = lineStarts(sql)
  const byStatement = info.statement ? findStatementText(statements, info.statement) : undefined
  if (byStatement) return withinStatement(sql, starts, byStatement, info.position)
  if (info.position !== undefined && info.position > 0) {
    return atOffset(statements, starts, offsetOfCharPosition(sql, info.position))
  }
  if (info.line !== undefined) return atLine(statements, info.line)
  return info.message ? fromMessage(sql, statements, starts, info.message) : undefined
}

/** The statement whose text matches, ignoring whitespace differences. */
function findStatementText(statements: SqlStatement[], text: string): SqlStatement | undefined {
  const squash = (s: string): string => s.replace(/\s+/g, ' ').replace(/;\s*$/, '').trim()
  const wanted = squash(text)
  return (
    statements.find((s) => squash(s.text) === wanted) ??
    statements.find((s) => wanted.length > 0 && squash(s.text).includes(wanted))
  )
}

function withinStatement(
  sql: string,
  starts: number[],
  statement: SqlStatement,
  position: number | undefined
): MigrationErrorLocation {
  if (position === undefined || position < 1)
    return { line: statement.startLine, statementIndex: statement.index }
  const offset = statement.startOffset + offsetOfCharPosition(statement.text, position)
  return { line: lineAtOffset(starts, Math.min(offset, sql.length)), statementIndex: statement.index }
}

function atOffset(statements: SqlStatement[], starts: number[], offset: number): MigrationErrorLocation {
  const statement =
    statements.find((s) => offset < s.endOffset) ?? (statements[statements.length - 1] as SqlStatement)
  return { line: lineAtOffset(starts, offset), statementIndex: statement.index }
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

function fromMessage(
  sql: string,
  statements: SqlStatement[],
  starts: number[],
  message: string
): MigrationErrorLocation | undefined {
  const clue = namesInMessage(message)
  const [primary] = clue.names
  if (primary === undefined || primary === '') return undefined
  const blank = blankComments(sql)
  const find = (s: SqlStatement, name: string): number => findToken(blank, s, name, clue.literal)
  const hits = statements.filter((s) => clue.names.every((n) => find(s, n) >= 0))
  const candidates = hits.length ? hits : statements.filter((s) => find(s, primary) >= 0)
  const chosen = clue.duplicate && candidates.length > 1 ? candidates[1] : candidates[0]
  if (!chosen) return undefined
  return { line: lineAtOffset(starts, find(chosen, primary)), statementIndex: chosen.index }
}

/**
 * Offset in the script of `name` used as a token of `statement`, or -1. A
 * name is found quoted exactly or unquoted in any case (PostgreSQL folds
 * unquoted names), never as part of a longer identifier.
 */
function findToken(blank: string, statement: SqlStatement, name: string, literal: boolean): number {
  const text = blank.slice(statement.startOffset, statement.endOffset)
  const source = literal ? escapeRegExp(name) : nameSource(name)
  const match = new RegExp(source, literal ? 'i' : '').exec(text)
  return match ? statement.startOffset + match.index : -1
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** `abc` → `[aA][bB][cC]`, so one pattern can be case-sensitive in its quoted part only. */
function caseless(name: string): string {
  return [...name]
    .map((c) => (/[a-z]/i.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : escapeRegExp(c)))
    .join('')
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

/** The object that `findCreatingMigration` looks for. */
export type CreatedObject = Pick<DriftItem, 'kind' | 'target'> & { object?: string }

/**
 * Where the migrations create an object: the migration.sql and the line of
 * its creating statement (for a column: the column's own line, in CREATE
 * TABLE or ADD COLUMN; for an enum value: the value's line). When several
 * migrations create it (dropped and recreated), the last one wins: that is
 * the definition the database has.
 */
export function findCreatingMigration(
  migrations: MigrationSource[],
  target: CreatedObject
): SourceLocation | undefined {
  let found: SourceLocation | undefined
  for (const migration of migrations) {
    const blank = blankComments(migration.sql)
    const starts = lineStarts(migration.sql)
    for (const statement of splitSqlStatements(migration.sql)) {
      const offset = creationOffset(blank.slice(statement.startOffset, statement.endOffset), target)
      if (offset >= 0)
        found = { file: migration.path, line: lineAtOffset(starts, statement.startOffset + offset) }
    }
  }
  return found
}

/** Regex source for a possibly schema-qualified, possibly quoted name. */
function qualified(name: string): string {
  const part = `(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)`
  return `(?:${part}\\s*\\.\\s*)?${nameSource(name)}`
}

/**
 * Regex source for one name: `"name"` exactly, or, when PostgreSQL would fold
 * it to this name, unquoted in any case and never as part of a longer word.
 */
function nameSource(name: string): string {
  const quoted = `"${escapeRegExp(name.replace(/"/g, '""'))}"`
  const foldable = /^[a-z_][a-z0-9_$]*$/.test(name)
  return foldable ? `(?:${quoted}|(?<![A-Za-z0-9_$"])${caseless(name)}(?![A-Za-z0-9_$"]))` : quoted
}

/** Keywords, case-insensitive without the `i` flag (which would also fold quoted names): `k('ADD VALUE')`. */
function k(words: string): string {
  return words.split(' ').map(caseless).join('\\s+')
}

const IF_NOT_EXISTS = `(?:${k('IF NOT EXISTS')}\\s+)?`
const OR_REPLACE = `(?:${k('OR REPLACE')}\\s+)?`
const CREATE_TABLE = `^${k('CREATE')}\\s+(?:${k('UNLOGGED')}\\s+)?${k('TABLE')}\\s+${IF_NOT_EXISTS}`

/** Offset within the statement where it creates the target, or -1. */
function creationOffset(text: string, target: CreatedObject): number {
  const t = target.target
  const name = t.constraint ?? target.object ?? ''
  switch (target.kind) {
    case 'table':
      return t.table ? firstMatch(text, `${CREATE_TABLE}${qualified(t.table)}`) : -1
    case 'view':
      return t.table
        ? firstMatch(
            text,
            `^${k('CREATE')}\\s+${OR_REPLACE}(?:${k('MATERIALIZED')}\\s+)?${k('VIEW')}\\s+${IF_NOT_EXISTS}${qualified(t.table)}`
          )
        : -1
    case 'column':
      return t.table && t.column ? columnOffset(text, t.table, t.column) : -1
    case 'enum':
      return t.enum ? firstMatch(text, `^${k('CREATE TYPE')}\\s+${qualified(t.enum)}\\s+${k('AS ENUM')}`) : -1
    case 'enumValue':
      return t.enum && t.value ? enumValueOffset(text, t.enum, t.value) : -1
    case 'index':
    case 'unique':
    case 'primaryKey':
    case 'foreignKey':
    case 'check':
      return t.constraint ? constraintOffset(text, t.constraint) : -1
    case 'sequence':
      return name
        ? firstMatch(
            text,
            `^${k('CREATE')}\\s+(?:${k('TEMPORARY')}\\s+|${k('TEMP')}\\s+)?${k('SEQUENCE')}\\s+${IF_NOT_EXISTS}${qualified(name)}`
          )
        : -1
    case 'extension':
      return name ? firstMatch(text, `^${k('CREATE EXTENSION')}\\s+${IF_NOT_EXISTS}${qualified(name)}`) : -1
    case 'function':
      return name
        ? firstMatch(
            text,
            `^${k('CREATE')}\\s+${OR_REPLACE}(?:${k('FUNCTION')}|${k('PROCEDURE')})\\s+${qualified(name)}\\s*\\(`
          )
        : -1
    case 'trigger':
      return name
        ? firstMatch(
            text,
            `^${k('CREATE')}\\s+${OR_REPLACE}(?:${k('CONSTRAINT')}\\s+)?${k('TRIGGER')}\\s+${nameSource(name)}`
          )
        : -1
  }
}

/** Offset of the first match, or -1. */
function firstMatch(text: string, source: string): number {
  const match = new RegExp(source).exec(text)
  return match ? match.index : -1
}

/** A column is created by its CREATE TABLE or by ALTER TABLE … ADD [COLUMN]. */
function columnOffset(text: string, table: string, column: string): number {
  const head = new RegExp(`${CREATE_TABLE}${qualified(table)}\\s*\\(`).exec(text)
  if (head) {
    const bodyStart = head.index + head[0].length
    const def = new RegExp(`(?:^|,)\\s*(${nameSource(column)})\\s`).exec(text.slice(bodyStart))
    return def ? bodyStart + def.index + def[0].indexOf(def[1] ?? '') : -1
  }
  const alter = `^${k('ALTER TABLE')}\\s+(?:${k('IF EXISTS')}\\s+)?(?:${k('ONLY')}\\s+)?${qualified(table)}\\s`
  if (!new RegExp(alter).test(text)) return -1
  return firstMatch(text, `\\b${k('ADD')}\\s+(?:${k('COLUMN')}\\s+)?${IF_NOT_EXISTS}${nameSource(column)}\\s`)
}

/** An enum value comes from CREATE TYPE … AS ENUM (…) or ALTER TYPE … ADD VALUE. */
function enumValueOffset(text: string, enumName: string, value: string): number {
  const literal = `'${escapeRegExp(value.replace(/'/g, "''"))}'`
  const create = new RegExp(`^${k('CREATE TYPE')}\\s+${qualified(enumName)}\\s+${k('AS ENUM')}\\s*\\(`).exec(
    text
  )
  if (create) {
    const at = text.slice(create.index).search(new RegExp(literal))
    return at >= 0 ? create.index + at : -1
  }
  return firstMatch(
    text,
    `^${k('ALTER TYPE')}\\s+${qualified(enumName)}\\s+${k('ADD VALUE')}\\s+${IF_NOT_EXISTS}${literal}`
  )
}

/** Constraints and indexes are created by name: CREATE INDEX name, [ADD] CONSTRAINT name. */
function constraintOffset(text: string, name: string): number {
  const index = `^${k('CREATE')}\\s+(?:${k('UNIQUE')}\\s+)?${k('INDEX')}\\s+(?:${k('CONCURRENTLY')}\\s+)?${IF_NOT_EXISTS}${nameSource(name)}`
  const at = firstMatch(text, index)
  if (at >= 0) return at
  if (
    !new RegExp(`^(?:${k('CREATE')}\\s+(?:${k('UNLOGGED')}\\s+)?${k('TABLE')}|${k('ALTER TABLE')})\\b`).test(
      text
    )
  )
    return -1
  return firstMatch(text, `\\b${k('CONSTRAINT')}\\s+${nameSource(name)}`)
}

/**
 * Small SQL-writing helpers shared by the drift comparison and the fix
 * migration: identifier and literal quoting, and a statement splitter.
 */
import { splitSqlStatements } from '../locate/sql.js'

/** Quotes an identifier the way Prisma does: always, doubling embedded quotes. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`
}

/** `"schema"."name"`: fix SQL is always schema-qualified so it does not depend on search_path. */
export function qualified(schema: string, name: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(name)}`
}

/** A string literal, with embedded quotes doubled. */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`
}

/**
 * Splits SQL into statements with the project's one SQL lexer (quotes,
 * comments, dollar quotes): trimmed, without their semicolon and without
 * comment lines, as the fix migration regroups them.
 */
export function splitStatements(sql: string): string[] {
  return splitSqlStatements(sql)
    .map((statement) =>
      statement.text
        .replace(/;$/, '')
        .split('\n')
        .filter((line) => !line.trim().startsWith('--'))
        .join('\n')
        .trim()
    )
    .filter(Boolean)
}

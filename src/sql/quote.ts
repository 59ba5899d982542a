/**
 * Small SQL-writing helpers shared by the drift comparison and the fix
 * migration: identifier and literal quoting, and a statement splitter.
 */
import { parseSqlScript, statementTokens } from './script.js'

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
 * Splits SQL into statements with PostgreSQL's parser: trimmed, without their
 * semicolon and without comments, as the fix migration regroups them.
 */
export function splitStatements(sql: string): string[] {
  const script = parseSqlScript(sql)
  return script.statements
    .map((statement) => {
      let text = ''
      let at = statement.startOffset
      for (const token of statementTokens(script, statement)) {
        if (token.kind !== 'comment' && !(token.kind === 'semicolon' && token.end === statement.endOffset))
          continue
        // A comment alone on its line goes with its line.
        const lineStart = sql.lastIndexOf('\n', token.start - 1) + 1
        const alone =
          token.kind === 'comment' && sql.slice(Math.max(lineStart, at), token.start).trim() === ''
        const cut = alone && lineStart >= at ? lineStart : token.start
        const after = alone && sql[token.end] === '\n' ? token.end + 1 : token.end
        text += sql.slice(at, cut)
        at = Math.max(at, after)
      }
      text += sql.slice(at, statement.endOffset)
      return text.trim()
    })
    .filter(Boolean)
}

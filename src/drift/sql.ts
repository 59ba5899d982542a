/**
 * Small SQL-writing helpers shared by the drift comparison and the fix
 * migration: identifier and literal quoting, and a statement splitter.
 */

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
 * Splits SQL into statements on semicolons outside quotes, comments and
 * dollar-quoted bodies. Statements come back trimmed, without their semicolon.
 */
export function splitStatements(sql: string): string[] {
  const statements: string[] = []
  let start = 0
  let i = 0
  while (i < sql.length) {
    const ch = sql[i]!
    if (ch === "'" || ch === '"') i = skipQuoted(sql, i, ch)
    else if (ch === '-' && sql[i + 1] === '-') i = lineEnd(sql, i)
    else if (ch === '$') i = skipDollarQuoted(sql, i)
    else if (ch === ';') {
      pushStatement(statements, sql.slice(start, i))
      start = ++i
    } else i++
  }
  pushStatement(statements, sql.slice(start))
  return statements
}

function pushStatement(statements: string[], text: string): void {
  const withoutComments = text
    .split('\n')
    .filter((line) => !line.trim().startsWith('--'))
    .join('\n')
    .trim()
  if (withoutComments) statements.push(withoutComments)
}

function skipQuoted(sql: string, open: number, quote: string): number {
  let i = open + 1
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) i += 2
      else return i + 1
    } else i++
  }
  return i
}

function lineEnd(sql: string, from: number): number {
  const end = sql.indexOf('\n', from)
  return end === -1 ? sql.length : end + 1
}

function skipDollarQuoted(sql: string, open: number): number {
  const tag = /^\$[A-Za-z_]*\$/.exec(sql.slice(open))?.[0]
  if (!tag) return open + 1
  const close = sql.indexOf(tag, open + tag.length)
  return close === -1 ? sql.length : close + tag.length
}

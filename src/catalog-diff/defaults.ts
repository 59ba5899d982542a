/**
 * Column defaults compared by meaning, not spelling. PostgreSQL stores the
 * default as an expression whose text depends on how it was written:
 * `'{}'::text[]` and `ARRAY[]::text[]`, `'x'::text` and `'x'::character varying`,
 * `now()` and `CURRENT_TIMESTAMP`, `1.50` and `1.5` are the same default to
 * Prisma, so they must be to us.
 */
import type { ColumnInfo } from '../db/catalog.js'

/** The value every autoincrement spelling (serial's nextval, identity) stands for. */
export const AUTOINCREMENT = 'autoincrement()'

const NUMERIC_TYPE = /^(smallint|integer|bigint|real|double precision|numeric|money)\b/
const NOW = /^(now\(\)|current_timestamp(\(\d*\))?|transaction_timestamp\(\)|localtimestamp(\(\d*\))?)$/i

/**
 * A canonical form of the column's default: two columns have the same
 * default exactly when their canonical forms are equal. `undefined` when the
 * column has no default.
 */
export function canonicalDefault(column: ColumnInfo): string | undefined {
  if (column.identity) return AUTOINCREMENT
  if (column.default === undefined) return undefined
  const expr = stripParens(column.default.trim())
  if (/^nextval\(/i.test(expr)) return AUTOINCREMENT
  if (NOW.test(expr)) return 'now()'
  const array = arrayElements(expr)
  if (array) return 'array:' + JSON.stringify(array.map((e) => canonicalScalar(e, column, true)))
  const literal = literalValue(expr)
  if (literal !== undefined) return canonicalScalar(literal, column, false)
  return 'expr:' + normalizeExpression(expr)
}

/** The value of a scalar, given the column type (numbers, booleans and JSON have several spellings). */
function canonicalScalar(value: string, column: ColumnInfo, element: boolean): string {
  const type = element ? column.type.replace(/\[\]$/, '') : column.type
  if (NUMERIC_TYPE.test(type) && isNumber(value)) return 'number:' + canonicalNumber(value)
  if (type === 'boolean') {
    const lower = value.toLowerCase()
    if (['t', 'true', 'y', 'yes', 'on', '1'].includes(lower)) return 'bool:true'
    if (['f', 'false', 'n', 'no', 'off', '0'].includes(lower)) return 'bool:false'
  }
  if (type === 'json' || type === 'jsonb') {
    try {
      return 'json:' + JSON.stringify(JSON.parse(value))
    } catch {
      // not JSON after all: compare as text
    }
  }
  return 'text:' + value
}

/**
 * The text of a literal default: `'x'` with any casts after it (`::text`,
 * `::"Theme"`, `::character varying`), a bare number, or `true`/`false`.
 */
function literalValue(expr: string): string | undefined {
  const quoted = /^'((?:[^']|'')*)'((?:::[^':()]+(?:\(\d+(?:,\s*\d+)?\))?(?:\[\])*)*)$/.exec(expr)
  if (quoted && !quoted[2]!.includes('[]')) return quoted[1]!.replace(/''/g, "'")
  const bare = /^(-?[\d.]+(?:e[+-]?\d+)?|true|false)((?:::[a-z ]+(?:\(\d+(?:,\s*\d+)?\))?)*)$/i.exec(expr)
  if (bare) return bare[1]!
  return undefined
}

/**
 * The elements of an array default, whether written `ARRAY[…]::t[]` or as the
 * text form `'{…}'::t[]`; `undefined` for anything else.
 */
function arrayElements(expr: string): string[] | undefined {
  const constructor = /^ARRAY\[(.*?)\](?:::[^']+)?$/is.exec(expr)
  if (constructor) {
    const inner = constructor[1]!.trim()
    if (inner === '') return []
    const parts = splitTopLevel(inner)
    const values = parts.map((p) => literalValue(stripParens(p.trim())))
    return values.every((v) => v !== undefined) ? (values as string[]) : undefined
  }
  const text = /^'(\{.*\})'::[^']+\[\]$/s.exec(expr)
  if (text) return parseArrayText(text[1]!.replace(/''/g, "'"))
  return undefined
}

/** Splits on commas that are not inside quotes or parentheses. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = []
  let depth = 0
  let quoted = false
  let current = ''
  for (const ch of text) {
    if (ch === "'") quoted = !quoted
    else if (!quoted && ch === '(') depth++
    else if (!quoted && ch === ')') depth--
    if (ch === ',' && !quoted && depth === 0) {
      parts.push(current)
      current = ''
    } else current += ch
  }
  parts.push(current)
  return parts
}

/** Reads PostgreSQL's array text form `{a,"b c",NULL}` (one dimension). */
function parseArrayText(text: string): string[] {
  const body = text.slice(1, -1)
  if (body.trim() === '') return []
  const items: string[] = []
  let current = ''
  let quoted = false
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!
    if (quoted && ch === '\\') current += body[++i] ?? ''
    else if (ch === '"') quoted = !quoted
    else if (ch === ',' && !quoted) {
      items.push(current.trim())
      current = ''
    } else current += ch
  }
  items.push(current.trim())
  return items
}

function stripParens(expr: string): string {
  let text = expr
  while (text.startsWith('(') && text.endsWith(')') && balanced(text.slice(1, -1)))
    text = text.slice(1, -1).trim()
  return text
}

function balanced(text: string): boolean {
  let depth = 0
  for (const ch of text) {
    if (ch === '(') depth++
    else if (ch === ')' && --depth < 0) return false
  }
  return depth === 0
}

function isNumber(value: string): boolean {
  return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(value.trim())
}

/** `1.50` → `1.5`, `+7` → `7`, `1e2` → `100`: exact for the decimals defaults are written with. */
function canonicalNumber(value: string): string {
  const text = value.trim().replace(/^\+/, '')
  if (/e/i.test(text)) return String(Number(text))
  const negative = text.startsWith('-')
  let [whole = '', fraction = ''] = text.replace(/^-/, '').split('.')
  whole = whole.replace(/^0+(?=\d)/, '') || '0'
  fraction = fraction.replace(/0+$/, '')
  const magnitude = fraction ? `${whole}.${fraction}` : whole
  return negative && magnitude !== '0' ? '-' + magnitude : magnitude
}

/** Whitespace and letter case outside quotes do not change an expression's meaning. */
function normalizeExpression(expr: string): string {
  return expr
    .split(/('(?:[^']|'')*'|"(?:[^"]|"")*")/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/\s+/g, ' ').toLowerCase()))
    .join('')
}

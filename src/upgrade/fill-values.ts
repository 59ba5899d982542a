/**
 * The value a column of a built-in type or an enum gets in row `i` of the
 * fill, as text for PostgreSQL to cast. Non-unique columns repeat one value
 * (the second row another), so a new unique index meets duplicates; text is
 * letters only, so a cast to a number fails as it would on real text.
 */

/** A value as text, or NULL. */
export type Value = string | null

/** First value in every row (duplicates), the last in the second row; distinct values when unique. */
export function enumValue(values: string[], i: number, unique: boolean): Value | undefined {
  if (unique) return values[i]
  return i === 1 ? values.at(-1) : values[0]
}

/** `2024-01-01` for n = 1, one day later for each n. */
function dayOf(n: number): string {
  return new Date(Date.UTC(2024, 0, n)).toISOString().slice(0, 10)
}

/** `12:00:01` for n = 1, one second later for each n (wrapping at midnight). */
function secondOfDay(n: number): string {
  const s = (12 * 3600 + n) % 86400
  const pad = (x: number) => String(x).padStart(2, '0')
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`
}

/** Declared length of `varchar(n)`, `char(n)`, `bit(n)`. */
function lengthOf(type: string): number | undefined {
  const match = /^(?:character varying|character|bit varying|bit|varchar|char)\((\d+)\)/.exec(type)
  return match ? Number(match[1]) : undefined
}

/**
 * A value of a built-in type. Non-unique columns repeat one value (the
 * second row a different one); unique ones count up with the row.
 */
export function scalarValue(
  typeName: string,
  type: string,
  column: string,
  i: number,
  unique: boolean
): Value | undefined {
  const n = unique ? i + 1 : i === 1 ? 2 : 1
  switch (typeName) {
    case 'text':
    case 'varchar':
    case 'bpchar':
    case 'citext':
    case 'name': {
      const limit = lengthOf(type) ?? (typeName === 'bpchar' ? 1 : 63)
      // Letters only, so a cast to a number fails as it would on real text.
      const word = column.replace(/[^A-Za-z]/g, '').toLowerCase() || 'value'
      const full = unique || i === 1 ? `${word}-${n}` : word
      if (full.length <= limit) return full
      // Too long for the column: a short code that is still distinct per row when it must be.
      return unique || i === 1
        ? n.toString(36).padStart(Math.min(limit, 2), 'a').slice(-limit)
        : 'v'.slice(0, limit)
    }
    case 'int2':
    case 'int4':
    case 'int8':
    case 'numeric':
    case 'float4':
    case 'float8':
    case 'money':
    case 'oid':
      return String(n)
    case 'bool':
      return unique ? (i < 2 ? String(i === 0) : undefined) : String(i !== 1)
    case 'uuid':
      return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`
    // Day n counted from 2024-01-01, second n from noon: distinct for as many rows as a table gets.
    case 'date':
      return dayOf(n)
    case 'timestamp':
      return `${dayOf(n)} 12:00:00`
    case 'timestamptz':
      return `${dayOf(n)} 12:00:00+00`
    case 'time':
      return secondOfDay(n)
    case 'timetz':
      return `${secondOfDay(n)}+00`
    case 'interval':
      return `${n} days`
    case 'json':
    case 'jsonb':
      return unique || i === 1 ? `{"n": ${n}}` : '{}'
    case 'bytea': {
      const hex = n.toString(16)
      return `\\x${hex.padStart(hex.length + (hex.length % 2), '0')}`
    }
    case 'inet':
      return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`
    case 'cidr':
      return `10.${(n >> 8) & 255}.${n & 255}.0/24`
    case 'macaddr':
      return `08:00:2b:${[(n >> 16) & 255, (n >> 8) & 255, n & 255].map((b) => b.toString(16).padStart(2, '0')).join(':')}`
    case 'bit':
    case 'varbit': {
      const len = lengthOf(type) ?? 8
      return (n % 2 ** Math.min(len, 30)).toString(2).padStart(len, '0').slice(-len)
    }
    case 'tsvector':
      return unique ? `word${n}` : 'word'
    case 'xml':
      return `<v n="${n}"/>`
    case 'point':
      return `(${n},${n})`
    default:
      return undefined
  }
}

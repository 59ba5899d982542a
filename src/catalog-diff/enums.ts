/**
 * Enums and their values: a type one catalog has and the other lacks, and
 * values compared as sets (order alone is not a difference).
 */
import type { CatalogSnapshot } from '../db/snapshot.js'
import type { EnumInfo } from '../db/catalog.js'
import type { DriftItem } from '../model/drift.js'
import { qualified, quoteIdent, quoteLiteral } from '../sql/quote.js'
import { byKey, display, key } from './naming.js'

/** Enum types paired by schema and name; a pair's values compared as sets. */
export function compareEnums(expected: CatalogSnapshot, actual: CatalogSnapshot): DriftItem[] {
  const items: DriftItem[] = []
  const actualEnums = byKey(actual.enums, (e) => key(e.schema, e.name))
  const expectedEnums = byKey(expected.enums, (e) => key(e.schema, e.name))
  for (const enumType of expected.enums) {
    const other = actualEnums.get(key(enumType.schema, enumType.name))
    if (other) items.push(...compareEnumValues(enumType, other, actual))
    else items.push(missingEnum(enumType))
  }
  for (const enumType of actual.enums)
    if (!expectedEnums.has(key(enumType.schema, enumType.name))) items.push(unexpectedEnum(enumType))
  return items
}

const enumDefinition = (e: EnumInfo) => `enum (${e.values.join(', ')})`

function missingEnum(e: EnumInfo): DriftItem {
  return {
    kind: 'enum',
    change: 'missing',
    object: display(e.schema, e.name),
    target: { schema: e.schema, enum: e.name },
    severity: 'error',
    expected: enumDefinition(e),
    fixSql: `CREATE TYPE ${qualified(e.schema, e.name)} AS ENUM (${e.values.map(quoteLiteral).join(', ')});`
  }
}

function unexpectedEnum(e: EnumInfo): DriftItem {
  return {
    kind: 'enum',
    change: 'unexpected',
    object: display(e.schema, e.name),
    target: { schema: e.schema, enum: e.name },
    severity: 'warning',
    actual: enumDefinition(e),
    fixSql: `DROP TYPE ${qualified(e.schema, e.name)};`
  }
}

/**
 * Values are compared as sets: `ALTER TYPE … ADD VALUE` appends, so order
 * alone is not a difference. Missing values are added; extra values can only go by
 * recreating the type, as Prisma does, and every value item of that enum then
 * carries the same recreate script (the fix migration writes it once).
 */
function compareEnumValues(
  expected: EnumInfo,
  actual: EnumInfo,
  actualCatalog: CatalogSnapshot
): DriftItem[] {
  const missing = expected.values.filter((v) => !actual.values.includes(v))
  const extra = actual.values.filter((v) => !expected.values.includes(v))
  if (missing.length === 0 && extra.length === 0) return []
  const recreate = extra.length > 0 ? recreateEnumSql(expected, actualCatalog) : undefined
  const item = (value: string, change: 'missing' | 'unexpected'): DriftItem => ({
    kind: 'enumValue',
    change,
    object: display(expected.schema, expected.name, value),
    target: { schema: expected.schema, enum: expected.name, value },
    severity: change === 'missing' ? 'error' : 'warning',
    ...(change === 'missing'
      ? { expected: `${quoteLiteral(value)} in ${enumDefinition(expected)}` }
      : { actual: `${quoteLiteral(value)} in ${enumDefinition(actual)}` }),
    fixSql:
      recreate ?? `ALTER TYPE ${qualified(expected.schema, expected.name)} ADD VALUE ${quoteLiteral(value)};`
  })
  return [...missing.map((v) => item(v, 'missing')), ...extra.map((v) => item(v, 'unexpected'))]
}

/** Prisma's way of removing enum values: a new type, every column moved to it, the old type dropped. */
function recreateEnumSql(e: EnumInfo, actual: CatalogSnapshot): string {
  const type = qualified(e.schema, e.name)
  const newType = qualified(e.schema, `${e.name}_new`)
  const lines = [`CREATE TYPE ${newType} AS ENUM (${e.values.map(quoteLiteral).join(', ')});`]
  const restoreDefaults: string[] = []
  for (const table of actual.tables) {
    for (const column of table.columns) {
      if (!column.isEnum || column.typeSchema !== e.schema || column.typeName !== e.name) continue
      const alter = `ALTER TABLE ${qualified(table.schema, table.name)} ALTER COLUMN ${quoteIdent(column.name)}`
      const suffix = column.isArray ? '[]' : ''
      if (column.default !== undefined) {
        lines.push(`${alter} DROP DEFAULT;`)
        restoreDefaults.push(`${alter} SET DEFAULT ${column.default};`)
      }
      lines.push(
        `${alter} TYPE ${newType}${suffix} USING (${quoteIdent(column.name)}::text${suffix}::${newType}${suffix});`
      )
    }
  }
  lines.push(
    `ALTER TYPE ${type} RENAME TO ${quoteIdent(`${e.name}_old`)};`,
    `ALTER TYPE ${newType} RENAME TO ${quoteIdent(e.name)};`,
    `DROP TYPE ${qualified(e.schema, `${e.name}_old`)};`,
    ...restoreDefaults
  )
  return lines.join('\n')
}

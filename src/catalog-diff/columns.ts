/**
 * Columns: type, nullability and default compared as Prisma's differ compares
 * them, and the column definitions a missing table or column is created with.
 */
import type { CatalogSnapshot } from '../db/snapshot.js'
import type { ColumnInfo, TableInfo } from '../db/catalog.js'
import type { DriftItem, DriftTarget } from '../model/drift.js'
import { qualified, quoteIdent, quoteLiteral } from '../sql/quote.js'
import { AUTOINCREMENT, canonicalDefault } from './defaults.js'
import { byKey, display } from './naming.js'

/** The columns of two tables of one name, paired by name. */
export function compareColumns(
  expected: TableInfo,
  actual: TableInfo,
  catalog: CatalogSnapshot
): DriftItem[] {
  const items: DriftItem[] = []
  const actualColumns = byKey(actual.columns, (c) => c.name)
  const expectedNames = new Set(expected.columns.map((c) => c.name))
  for (const column of expected.columns) {
    const other = actualColumns.get(column.name)
    if (!other) items.push(missingColumn(expected, column, catalog))
    else {
      const item = differentColumn(expected, column, other)
      if (item) items.push(item)
    }
  }
  for (const column of actual.columns)
    if (!expectedNames.has(column.name)) items.push(unexpectedColumn(actual, column))
  return items
}

const columnTarget = (table: TableInfo, column: ColumnInfo): DriftTarget => ({
  schema: table.schema,
  table: table.name,
  column: column.name
})

/** `character varying(500) NOT NULL DEFAULT 'x'::character varying`, for people. */
function describeColumn(column: ColumnInfo): string {
  const parts = [column.type, column.notNull ? 'NOT NULL' : 'NULL']
  if (column.identity) parts.push(`GENERATED ${column.identity} AS IDENTITY`)
  else if (column.default !== undefined) parts.push(`DEFAULT ${column.default}`)
  if (column.generated) parts.push(`GENERATED ALWAYS AS (${column.generated}) STORED`)
  return parts.join(' ')
}

function missingColumn(table: TableInfo, column: ColumnInfo, catalog: CatalogSnapshot): DriftItem {
  return {
    kind: 'column',
    change: 'missing',
    object: display(table.schema, table.name, column.name),
    target: columnTarget(table, column),
    severity: 'error',
    expected: describeColumn(column),
    fixSql: `ALTER TABLE ${qualified(table.schema, table.name)} ADD COLUMN ${columnDefinition(column, table, catalog)};`
  }
}

function unexpectedColumn(table: TableInfo, column: ColumnInfo): DriftItem {
  return {
    kind: 'column',
    change: 'unexpected',
    object: display(table.schema, table.name, column.name),
    target: columnTarget(table, column),
    severity: 'warning',
    actual: describeColumn(column),
    fixSql: `ALTER TABLE ${qualified(table.schema, table.name)} DROP COLUMN ${quoteIdent(column.name)};`
  }
}

/**
 * Type, nullability and default (by value; serial and identity are both
 * autoincrement, as for Prisma). A list column's nullability is not compared:
 * Prisma writes lists without NOT NULL and its differ never changes it.
 */
function differentColumn(table: TableInfo, expected: ColumnInfo, actual: ColumnInfo): DriftItem | undefined {
  const aspects: string[] = []
  if (expected.type !== actual.type) aspects.push('type')
  if (expected.notNull !== actual.notNull && !(expected.isArray && actual.isArray))
    aspects.push('nullability')
  if (canonicalDefault(expected) !== canonicalDefault(actual)) aspects.push('default')
  if (aspects.length === 0) return undefined
  return {
    kind: 'column',
    change: 'different',
    object: display(table.schema, table.name, expected.name),
    target: columnTarget(table, expected),
    severity: 'error',
    expected: describeColumn(expected),
    actual: describeColumn(actual),
    aspects,
    fixSql: alterColumnSql(table, expected, actual, aspects)
  }
}

/**
 * ALTER COLUMN statements in a safe order: the old default goes before a type
 * change (it may not cast), the new one comes after.
 */
function alterColumnSql(
  table: TableInfo,
  expected: ColumnInfo,
  actual: ColumnInfo,
  aspects: string[]
): string {
  const alter = `ALTER TABLE ${qualified(table.schema, table.name)} ALTER COLUMN ${quoteIdent(expected.name)}`
  const typeChanges = aspects.includes('type')
  const defaultChanges = aspects.includes('default') || (typeChanges && actual.default !== undefined)
  const lines: string[] = []
  if (defaultChanges && actual.identity) lines.push(`${alter} DROP IDENTITY IF EXISTS;`)
  else if (defaultChanges && actual.default !== undefined) lines.push(`${alter} DROP DEFAULT;`)
  if (typeChanges) lines.push(`${alter} SET DATA TYPE ${expected.type} USING (${castTo(expected, actual)});`)
  if (defaultChanges) lines.push(...setDefaultSql(table, expected, alter))
  if (aspects.includes('nullability')) lines.push(`${alter} ${expected.notNull ? 'SET' : 'DROP'} NOT NULL;`)
  return lines.join('\n')
}

/** Enums only convert through text; other types cast directly. */
function castTo(expected: ColumnInfo, actual: ColumnInfo): string {
  const column = quoteIdent(expected.name)
  if (!expected.isEnum && !actual.isEnum) return `${column}::${expected.type}`
  return `${column}::text${actual.isArray ? '[]' : ''}::${expected.type}`
}

function setDefaultSql(table: TableInfo, expected: ColumnInfo, alter: string): string[] {
  if (expected.default === undefined && !expected.identity) return []
  if (canonicalDefault(expected) !== AUTOINCREMENT) return [`${alter} SET DEFAULT ${expected.default};`]
  // An autoincrement needs its own sequence, owned by the column as serial's is.
  const sequence = qualified(table.schema, `${table.name}_${expected.name}_seq`)
  return [
    `CREATE SEQUENCE IF NOT EXISTS ${sequence} OWNED BY ${qualified(table.schema, table.name)}.${quoteIdent(expected.name)};`,
    `${alter} SET DEFAULT nextval(${quoteLiteral(sequence)});`
  ]
}

const SERIAL_TYPES: Record<string, string> = {
  smallint: 'SMALLSERIAL',
  integer: 'SERIAL',
  bigint: 'BIGSERIAL'
}

/**
 * One column of a CREATE TABLE / ADD COLUMN, from the expected catalog. A
 * default drawing from the column's own sequence is written as serial, which
 * creates that sequence (the nextval text names one that does not exist yet).
 */
export function columnDefinition(column: ColumnInfo, table: TableInfo, catalog: CatalogSnapshot): string {
  const serial = SERIAL_TYPES[column.type]
  const parts = [quoteIdent(column.name)]
  if (serial && column.default && ownsSequence(catalog, table, column)) parts.push(serial)
  else {
    parts.push(column.type)
    if (column.identity) parts.push(`GENERATED ${column.identity} AS IDENTITY`)
    else if (column.generated) parts.push(`GENERATED ALWAYS AS (${column.generated}) STORED`)
    else if (column.default !== undefined) parts.push(`DEFAULT ${column.default}`)
  }
  if (column.notNull) parts.splice(2, 0, 'NOT NULL')
  return parts.join(' ')
}

function ownsSequence(catalog: CatalogSnapshot, table: TableInfo, column: ColumnInfo): boolean {
  return (
    /^nextval\(/i.test(column.default ?? '') &&
    catalog.sequences.some(
      (s) => s.schema === table.schema && s.ownedBy?.table === table.name && s.ownedBy.column === column.name
    )
  )
}

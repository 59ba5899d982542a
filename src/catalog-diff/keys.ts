/**
 * Primary keys and foreign keys. A key that differs only by name is a rename
 * (a warning); any other difference drops and re-adds it.
 */
import type { ForeignKeyInfo, KeyInfo, TableInfo } from '../db/catalog.js'
import type { DriftItem, DriftTarget } from '../model/drift.js'
import { qualified, quoteIdent } from '../sql/quote.js'
import { display, identList, sameList } from './naming.js'

/** The primary keys of two tables of one name. */
export function comparePrimaryKeys(expected: TableInfo, actual: TableInfo): DriftItem[] {
  const want = expected.primaryKey
  const have = actual.primaryKey
  if (!want && !have) return []
  const tableName = qualified(expected.schema, expected.name)
  const pk = (k: KeyInfo) => ({
    kind: 'primaryKey' as const,
    object: display(expected.schema, k.name),
    target: { schema: expected.schema, table: expected.name, constraint: k.name, columns: k.columns }
  })
  const addSql = (k: KeyInfo) =>
    `ALTER TABLE ${tableName} ADD CONSTRAINT ${quoteIdent(k.name)} PRIMARY KEY (${identList(k.columns)});`
  const dropSql = (k: KeyInfo) => `ALTER TABLE ${tableName} DROP CONSTRAINT ${quoteIdent(k.name)};`
  if (want && !have)
    return [
      { ...pk(want), change: 'missing', severity: 'error', expected: want.definition, fixSql: addSql(want) }
    ]
  if (!want && have)
    return [
      {
        ...pk(have),
        change: 'unexpected',
        severity: 'warning',
        actual: have.definition,
        fixSql: dropSql(have)
      }
    ]
  if (!want || !have) return []
  if (sameList(want.columns, have.columns)) {
    if (want.name === have.name) return []
    return [
      {
        ...pk(want),
        change: 'different',
        severity: 'warning',
        expected: `${want.name}: ${want.definition}`,
        actual: `${have.name}: ${have.definition}`,
        aspects: ['name'],
        fixSql: `ALTER TABLE ${tableName} RENAME CONSTRAINT ${quoteIdent(have.name)} TO ${quoteIdent(want.name)};`
      }
    ]
  }
  return [
    {
      ...pk(want),
      change: 'different',
      severity: 'error',
      expected: `${want.name}: ${want.definition}`,
      actual: `${have.name}: ${have.definition}`,
      aspects: want.name === have.name ? ['columns'] : ['columns', 'name'],
      fixSql: `${dropSql(have)}\n${addSql(want)}`
    }
  ]
}

/** The foreign keys of two tables of one name, paired by name, then by relation (same columns, same table). */
export function compareForeignKeys(expected: TableInfo, actual: TableInfo): DriftItem[] {
  const items: DriftItem[] = []
  const unmatched = new Map(actual.foreignKeys.map((fk) => [fk.name, fk]))
  const pending: ForeignKeyInfo[] = []
  for (const fk of expected.foreignKeys) {
    const sameName = unmatched.get(fk.name)
    if (sameName) {
      unmatched.delete(fk.name)
      const item = differentForeignKey(expected, fk, sameName)
      if (item) items.push(item)
    } else pending.push(fk)
  }
  // Second pass: the same columns pointing at the same table is the same relation under another name.
  for (const fk of pending) {
    const relation = relationKey(fk)
    const other = [...unmatched.values()].find((candidate) => relationKey(candidate) === relation)
    if (other) {
      unmatched.delete(other.name)
      const item = differentForeignKey(expected, fk, other)
      if (item) items.push(item)
    } else items.push(missingForeignKey(expected, fk))
  }
  for (const fk of unmatched.values()) items.push(unexpectedForeignKey(actual, fk))
  return items
}

const relationKey = (fk: ForeignKeyInfo) =>
  JSON.stringify([fk.columns, fk.referencedSchema, fk.referencedTable])

function foreignKeyTarget(table: TableInfo, fk: ForeignKeyInfo): DriftTarget {
  return {
    schema: table.schema,
    table: table.name,
    constraint: fk.name,
    columns: fk.columns,
    referencedTable: fk.referencedTable
  }
}

/** Written out in full (schema-qualified, both actions) rather than pg_get_constraintdef's search_path-relative text. */
function addForeignKeySql(table: TableInfo, fk: ForeignKeyInfo): string {
  const deferrable = fk.deferrable
    ? ` DEFERRABLE INITIALLY ${fk.initiallyDeferred ? 'DEFERRED' : 'IMMEDIATE'}`
    : ''
  return (
    `ALTER TABLE ${qualified(table.schema, table.name)} ADD CONSTRAINT ${quoteIdent(fk.name)} ` +
    `FOREIGN KEY (${identList(fk.columns)}) REFERENCES ${qualified(fk.referencedSchema, fk.referencedTable)}` +
    `(${identList(fk.referencedColumns)}) ON DELETE ${fk.onDelete} ON UPDATE ${fk.onUpdate}${deferrable};`
  )
}

const dropForeignKeySql = (table: TableInfo, fk: ForeignKeyInfo) =>
  `ALTER TABLE ${qualified(table.schema, table.name)} DROP CONSTRAINT ${quoteIdent(fk.name)};`

const describeForeignKey = (fk: ForeignKeyInfo) =>
  `${fk.name}: FOREIGN KEY (${fk.columns.join(', ')}) REFERENCES ${display(fk.referencedSchema, fk.referencedTable)}` +
  `(${fk.referencedColumns.join(', ')}) ON DELETE ${fk.onDelete} ON UPDATE ${fk.onUpdate}`

export function missingForeignKey(table: TableInfo, fk: ForeignKeyInfo): DriftItem {
  return {
    kind: 'foreignKey',
    change: 'missing',
    object: display(table.schema, fk.name),
    target: foreignKeyTarget(table, fk),
    severity: 'error',
    expected: describeForeignKey(fk),
    fixSql: addForeignKeySql(table, fk)
  }
}

function unexpectedForeignKey(table: TableInfo, fk: ForeignKeyInfo): DriftItem {
  return {
    kind: 'foreignKey',
    change: 'unexpected',
    object: display(table.schema, fk.name),
    target: foreignKeyTarget(table, fk),
    severity: 'warning',
    actual: describeForeignKey(fk),
    fixSql: dropForeignKeySql(table, fk)
  }
}

/**
 * Deferrability is not compared: Prisma cannot express it and does not diff it.
 * A difference in name only is a rename (a warning: the next `prisma migrate dev` writes it); anything else is dropped and re-added.
 */
function differentForeignKey(
  table: TableInfo,
  expected: ForeignKeyInfo,
  actual: ForeignKeyInfo
): DriftItem | undefined {
  const aspects: string[] = []
  if (!sameList(expected.columns, actual.columns)) aspects.push('columns')
  if (
    expected.referencedSchema !== actual.referencedSchema ||
    expected.referencedTable !== actual.referencedTable
  )
    aspects.push('referenced table')
  if (!sameList(expected.referencedColumns, actual.referencedColumns)) aspects.push('referenced columns')
  if (expected.onDelete !== actual.onDelete) aspects.push('ON DELETE')
  if (expected.onUpdate !== actual.onUpdate) aspects.push('ON UPDATE')
  const renamed = expected.name !== actual.name
  if (aspects.length === 0 && !renamed) return undefined
  const base = {
    kind: 'foreignKey' as const,
    change: 'different' as const,
    object: display(table.schema, expected.name),
    target: foreignKeyTarget(table, expected),
    expected: describeForeignKey(expected),
    actual: describeForeignKey(actual)
  }
  if (aspects.length === 0)
    return {
      ...base,
      severity: 'warning',
      aspects: ['name'],
      fixSql: `ALTER TABLE ${qualified(table.schema, table.name)} RENAME CONSTRAINT ${quoteIdent(actual.name)} TO ${quoteIdent(expected.name)};`
    }
  return {
    ...base,
    severity: 'error',
    aspects: renamed ? [...aspects, 'name'] : aspects,
    fixSql: `${dropForeignKeySql(table, actual)}\n${addForeignKeySql(table, expected)}`
  }
}

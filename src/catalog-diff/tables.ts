/**
 * Tables: each table of one catalog paired by name with the other's, and the
 * pairs compared part by part (columns, keys, indexes, foreign keys,
 * partitioning). Partitions are not modelled by Prisma and are compared with
 * the other objects.
 */
import type { CatalogSnapshot } from '../db/snapshot.js'
import type { TableInfo } from '../db/catalog.js'
import type { DriftItem } from '../model/drift.js'
import { qualified, quoteIdent } from '../sql/quote.js'
import { columnDefinition, compareColumns } from './columns.js'
import { secondaryIndexes } from './index-rules.js'
import { compareIndexes, missingIndex } from './indexes.js'
import { compareForeignKeys, comparePrimaryKeys, missingForeignKey } from './keys.js'
import { byKey, display, identList, key } from './naming.js'
import { comparePartitioning } from './other-objects.js'

/** Tables paired by schema and name (partitions left to the other objects), then each pair part by part. */
export function compareTables(expected: CatalogSnapshot, actual: CatalogSnapshot): DriftItem[] {
  const items: DriftItem[] = []
  const modelled = (t: TableInfo) => !t.partitionOf
  const actualTables = byKey(actual.tables.filter(modelled), (t) => key(t.schema, t.name))
  const expectedTables = byKey(expected.tables.filter(modelled), (t) => key(t.schema, t.name))
  for (const table of expectedTables.values()) {
    const other = actualTables.get(key(table.schema, table.name))
    if (other) items.push(...compareTable(table, other, expected))
    else items.push(missingTable(table, expected), ...tableChildren(table))
  }
  for (const table of actualTables.values())
    if (!expectedTables.has(key(table.schema, table.name))) items.push(unexpectedTable(table))
  return items
}

/** A missing table is created with its columns and primary key; its indexes and foreign keys are items of their own. */
function tableChildren(table: TableInfo): DriftItem[] {
  return [
    ...secondaryIndexes(table).map((index) => missingIndex(table, index)),
    ...table.foreignKeys.map((fk) => missingForeignKey(table, fk))
  ]
}

function missingTable(table: TableInfo, catalog: CatalogSnapshot): DriftItem {
  const definitions = table.columns.map((c) => '    ' + columnDefinition(c, table, catalog))
  if (table.primaryKey)
    definitions.push(
      `    CONSTRAINT ${quoteIdent(table.primaryKey.name)} PRIMARY KEY (${identList(table.primaryKey.columns)})`
    )
  return {
    kind: 'table',
    change: 'missing',
    object: display(table.schema, table.name),
    target: { schema: table.schema, table: table.name },
    severity: 'error',
    expected: `table (${table.columns.map((c) => c.name).join(', ')})`,
    fixSql: `CREATE TABLE ${qualified(table.schema, table.name)} (\n${definitions.join(',\n')}\n);`
  }
}

/**
 * Drops the foreign keys first (as their own statements) so that unexpected
 * tables referencing each other can be dropped in any order.
 */
function unexpectedTable(table: TableInfo): DriftItem {
  const name = qualified(table.schema, table.name)
  const dropKeys = table.foreignKeys.map(
    (fk) => `ALTER TABLE ${name} DROP CONSTRAINT ${quoteIdent(fk.name)};`
  )
  return {
    kind: 'table',
    change: 'unexpected',
    object: display(table.schema, table.name),
    target: { schema: table.schema, table: table.name },
    severity: 'warning',
    actual: `table (${table.columns.map((c) => c.name).join(', ')})`,
    fixSql: [...dropKeys, `DROP TABLE ${name};`].join('\n')
  }
}

function compareTable(expected: TableInfo, actual: TableInfo, expectedCatalog: CatalogSnapshot): DriftItem[] {
  return [
    ...compareColumns(expected, actual, expectedCatalog),
    ...comparePrimaryKeys(expected, actual),
    ...compareIndexes(expected, actual),
    ...compareForeignKeys(expected, actual),
    ...comparePartitioning(expected, actual)
  ]
}

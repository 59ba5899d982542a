/**
 * Indexes and unique constraints: paired by name, then by definition (a
 * rename), with the SQL that creates, drops, recreates or renames each.
 */
import type { IndexInfo, TableInfo } from '../db/catalog.js'
import type { DriftItem, DriftTarget } from '../model/drift.js'
import { qualified, quoteIdent } from '../sql/quote.js'
import { indexAspects, indexSignature, prismaCanExpress, secondaryIndexes } from './index-rules.js'
import { display } from './naming.js'

/** The indexes of two tables of one name (the primary key's aside), paired by name, then by definition. */
export function compareIndexes(expected: TableInfo, actual: TableInfo): DriftItem[] {
  const items: DriftItem[] = []
  const unmatched = new Map(secondaryIndexes(actual).map((i) => [i.name, i]))
  const pending: IndexInfo[] = []
  for (const index of secondaryIndexes(expected)) {
    const sameName = unmatched.get(index.name)
    if (!sameName) {
      pending.push(index)
      continue
    }
    unmatched.delete(index.name)
    const aspects = indexAspects(index, sameName)
    if (aspects.length > 0) items.push(differentIndex(expected, index, sameName, aspects))
  }
  // Second pass, by definition: an index that only differs by name is a rename.
  for (const index of pending) {
    const signature = indexSignature(index)
    const renamed = [...unmatched.values()].find((i) => indexSignature(i) === signature)
    if (renamed) {
      unmatched.delete(renamed.name)
      items.push(renamedIndex(expected, index, renamed))
    } else items.push(missingIndex(expected, index))
  }
  // Prisma pairs an index of the database with any declared index of the same
  // definition: a second copy under another name is not dropped.
  const declared = new Set(secondaryIndexes(expected).map(indexSignature))
  for (const index of unmatched.values()) {
    if (!prismaCanExpress(index)) items.push(ignoredIndex(actual, index))
    else if (declared.has(indexSignature(index))) items.push(duplicateIndex(actual, index))
    else items.push(unexpectedIndex(actual, index))
  }
  return items
}

function duplicateIndex(table: TableInfo, index: IndexInfo): DriftItem {
  return {
    ...ignoredIndex(table, index),
    note: "Prisma's differ leaves alone a second index with the definition of one the schema declares."
  }
}

const indexKind = (index: IndexInfo) => (index.unique ? ('unique' as const) : ('index' as const))

function indexTarget(table: TableInfo, index: IndexInfo): DriftTarget {
  return {
    schema: table.schema,
    table: table.name,
    constraint: index.name,
    columns: index.columns.map((c) => c.column ?? c.expression)
  }
}

/** The expected database's own DDL: pg_get_indexdef, or ADD CONSTRAINT when a constraint owns the index. */
function createIndexSql(table: TableInfo, index: IndexInfo): string {
  if (index.constraint)
    return `ALTER TABLE ${qualified(table.schema, table.name)} ADD CONSTRAINT ${quoteIdent(index.constraint.name)} ${index.constraint.definition};`
  return `${index.definition};`
}

function dropIndexSql(table: TableInfo, index: IndexInfo): string {
  if (index.constraint)
    return `ALTER TABLE ${qualified(table.schema, table.name)} DROP CONSTRAINT ${quoteIdent(index.constraint.name)};`
  return `DROP INDEX ${qualified(table.schema, index.name)};`
}

export function missingIndex(table: TableInfo, index: IndexInfo): DriftItem {
  return {
    kind: indexKind(index),
    change: 'missing',
    object: display(table.schema, index.name),
    target: indexTarget(table, index),
    severity: 'error',
    expected: index.definition,
    fixSql: createIndexSql(table, index)
  }
}

function unexpectedIndex(table: TableInfo, index: IndexInfo): DriftItem {
  return {
    kind: indexKind(index),
    change: 'unexpected',
    object: display(table.schema, index.name),
    target: indexTarget(table, index),
    severity: 'warning',
    actual: index.definition,
    fixSql: dropIndexSql(table, index)
  }
}

function ignoredIndex(table: TableInfo, index: IndexInfo): DriftItem {
  return {
    kind: indexKind(index),
    change: 'unexpected',
    object: display(table.schema, index.name),
    target: indexTarget(table, index),
    severity: 'info',
    actual: index.constraint ? `${index.constraint.name}: ${index.constraint.definition}` : index.definition
  }
}

function differentIndex(
  table: TableInfo,
  expected: IndexInfo,
  actual: IndexInfo,
  aspects: string[]
): DriftItem {
  const perpetual = aspects.length === 1 && aspects[0] === 'operator class'
  return {
    kind: indexKind(expected),
    change: 'different',
    object: display(table.schema, expected.name),
    target: indexTarget(table, expected),
    // The same index recreated changes nothing: Prisma's limitation, worth knowing, not an error.
    severity: perpetual ? 'warning' : 'error',
    expected: expected.definition,
    actual: actual.definition,
    aspects,
    fixSql: `${dropIndexSql(table, actual)}\n${createIndexSql(table, expected)}`,
    ...(perpetual
      ? {
          note: "Prisma does not read a B-tree index's operator class back from the database, so its differ recreates this index on every diff (each `prisma migrate dev` writes it again)."
        }
      : {})
  }
}

/** Renaming a constraint renames its index too; a plain index is renamed directly. */
function renamedIndex(table: TableInfo, expected: IndexInfo, actual: IndexInfo): DriftItem {
  const fixSql = actual.constraint
    ? `ALTER TABLE ${qualified(table.schema, table.name)} RENAME CONSTRAINT ${quoteIdent(actual.name)} TO ${quoteIdent(expected.name)};`
    : `ALTER INDEX ${qualified(table.schema, actual.name)} RENAME TO ${quoteIdent(expected.name)};`
  return {
    kind: indexKind(expected),
    change: 'different',
    object: display(table.schema, expected.name),
    target: indexTarget(table, expected),
    severity: 'warning',
    expected: expected.definition,
    actual: actual.definition,
    aspects: ['name'],
    fixSql
  }
}

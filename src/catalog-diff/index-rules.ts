/**
 * How Prisma's differ sees an index: which indexes it can express at all, what
 * makes two indexes the same index under different names, and which
 * differences between two indexes of one name it acts on.
 */
import type { IndexInfo, TableInfo } from '../db/catalog.js'
import { sameList } from './naming.js'

/** Indexes other than the primary key's (which belongs to the key). */
export const secondaryIndexes = (table: TableInfo) => table.indexes.filter((i) => !i.primary)

/**
 * Indexes Prisma cannot write (expressions, partial, exclusion constraints) are
 * not Prisma's to drop or rename: they are listed for information only.
 */
export function prismaCanExpress(index: IndexInfo): boolean {
  return (
    index.constraint?.type !== 'exclusion' &&
    index.predicate === undefined &&
    index.columns.every((c) => c.column !== undefined)
  )
}

/**
 * What an index does, without its name. A unique constraint and a unique
 * index over the same columns have the same signature: for Prisma they are
 * the same thing.
 */
export function indexSignature(index: IndexInfo): string {
  return JSON.stringify([
    index.unique,
    index.method,
    index.predicate ?? null,
    keyColumns(index),
    index.include ?? []
  ])
}

/**
 * Each key as Prisma's differ compares it: the column (or expression) and its
 * order. Nulls placement and collation are not compared; an operator class
 * only for methods other than B-tree, whose operator classes Prisma does not
 * read back from a database.
 */
function keyColumns(index: IndexInfo): unknown[] {
  return index.columns.map((c) => [
    c.expression,
    c.descending,
    index.method === 'btree' ? null : (c.opclass ?? null)
  ])
}

/**
 * A B-tree index the schema gives an operator class (`ops: raw(…)`): Prisma
 * reads no B-tree operator class back from the database, so its differ
 * recreates such an index on every diff, whatever the database holds.
 */
const recreatedByPrisma = (index: IndexInfo) =>
  index.method === 'btree' && index.columns.some((c) => c.opclass)

/** What differs between two indexes of the same name. */
export function indexAspects(expected: IndexInfo, actual: IndexInfo): string[] {
  const aspects: string[] = []
  const names = (i: IndexInfo) => i.columns.map((c) => c.expression)
  if (!sameList(names(expected), names(actual))) aspects.push('columns')
  else if (JSON.stringify(keyColumns(expected)) !== JSON.stringify(keyColumns(actual)))
    aspects.push('column options')
  else if (recreatedByPrisma(expected)) aspects.push('operator class')
  if (expected.unique !== actual.unique) aspects.push('uniqueness')
  if (expected.method !== actual.method) aspects.push('method')
  if ((expected.predicate ?? '') !== (actual.predicate ?? '')) aspects.push('predicate')
  // Prisma cannot declare non-key columns, and its differ recreates an index that has them.
  if (!sameList(expected.include ?? [], actual.include ?? [])) aspects.push('included columns')
  return aspects
}

/**
 * The fill's foreign-key graph: the order it visits tables in (every table
 * after the tables it references, cycles broken at a nullable foreign key
 * where there is one) and the columns whose values later tables point at.
 */
import type { ForeignKeyInfo, TableInfo } from '../db/catalog.js'

/** Lookup key of a schema-qualified object (table, enum, domain). */
export const objectKey = (schema: string, name: string): string => `${schema}.${name}`

/** Columns that foreign keys point at, per table: the only values kept of the inserted rows. */
export function referencedColumns(tables: TableInfo[]): Map<string, Set<string>> {
  const map = new Map<string, Set<string>>()
  for (const t of tables)
    for (const fk of t.foreignKeys) {
      const k = objectKey(fk.referencedSchema, fk.referencedTable)
      const set = map.get(k) ?? new Set<string>()
      for (const c of fk.referencedColumns) set.add(c)
      map.set(k, set)
    }
  return map
}

/**
 * Tables so that every table comes after the tables it references. A cycle is
 * broken at a foreign key whose columns may be NULL (those columns stay NULL);
 * a cycle of NOT NULL keys is broken anyway and its table reports the error.
 * Kahn's algorithm rather than a depth-first walk: a walk meets a cycle at
 * whichever key it happens to follow last, not at the nullable one.
 */
export function dependencyOrder(tables: TableInfo[]): { order: TableInfo[]; broken: Set<ForeignKeyInfo> } {
  const byKey = new Map(tables.map((t) => [objectKey(t.schema, t.name), t]))
  const broken = new Set<ForeignKeyInfo>()
  const target = (fk: ForeignKeyInfo) => byKey.get(objectKey(fk.referencedSchema, fk.referencedTable))
  const remaining = new Set(tables)
  const order: TableInfo[] = []
  const pending = (t: TableInfo) =>
    t.foreignKeys.filter((fk) => {
      const to = target(fk)
      return to && to !== t && remaining.has(to) && !broken.has(fk)
    })
  while (remaining.size > 0) {
    const ready = [...remaining].filter((t) => pending(t).length === 0)
    for (const t of ready) {
      order.push(t)
      remaining.delete(t)
    }
    if (ready.length > 0) continue
    const waiting = [...remaining].flatMap((t) => pending(t).map((fk) => ({ t, fk })))
    const cut = waiting.find(({ t, fk }) => nullable(t, fk)) ?? waiting[0]
    if (cut) broken.add(cut.fk)
  }
  return { order, broken }
}

/** A foreign key whose columns may all be NULL. */
export const nullable = (table: TableInfo, fk: ForeignKeyInfo): boolean =>
  fk.columns.every((c) => !table.columns.find((col) => col.name === c)?.notNull)

/**
 * The catalog after one migration's rehearsal, read only where the migration
 * can have changed it. A statement changes no table it does not lock, so the
 * tables read again are those the rehearsal's transaction holds a lock on
 * (new ones included), and the tables whose foreign keys name one of those (a
 * renamed table or column changes how they read); every other table is taken
 * from the catalog before the migration. At a thousand tables this is a
 * fraction of a whole read, in time and in memory.
 *
 * What can change a table's definition without locking it (a renamed enum
 * or enum value, sequence or function that a column or default names, a
 * renamed schema) shows as something gone from the kinds that are always
 * read whole, or in the number of tables: then the whole catalog is read.
 * What a migration adds there (a new enum, value, function or sequence)
 * cannot be named by a table it did not lock.
 */
import type pg from 'pg'
import type { TableInfo } from '../db/catalog.js'
import { TABLE_COUNT_SQL } from '../db/catalog-queries.js'
import { snapshotCatalog, type CatalogSnapshot } from '../db/snapshot.js'

/** What a probe of the rehearsal saw (measure.ts): relations by OID, and the OIDs our transaction locks. */
interface Seen {
  relations: Map<number, { schema: string; name: string; kind: string }>
  locks: Map<number, unknown>
}

const TABLE_KINDS = new Set(['r', 'p'])
const key = (schema: string, name: string) => `${schema}\u0000${name}`

/**
 * `before`: the catalog before the migration; `first`: the probe taken before
 * its first statement (every relation); `last`: the probe after its last
 * statement (the relations and locks as they are now, in the same transaction).
 */
export async function catalogAfter(
  client: pg.ClientBase,
  schemas: string[],
  before: CatalogSnapshot,
  first: Seen,
  last: Seen
): Promise<CatalogSnapshot> {
  const touched = new Set<number>()
  for (const oid of last.locks.keys()) {
    const relation = last.relations.get(oid) ?? first.relations.get(oid)
    if (relation && TABLE_KINDS.has(relation.kind)) touched.add(oid)
  }
  for (const [oid, relation] of last.relations)
    if (TABLE_KINDS.has(relation.kind) && !first.relations.has(oid)) touched.add(oid)

  // Tables by name before the migration, and the names the touched ones had.
  const oidByName = new Map<string, number>()
  for (const [oid, r] of first.relations)
    if (TABLE_KINDS.has(r.kind)) oidByName.set(key(r.schema, r.name), oid)
  const stale = new Set<string>()
  for (const oid of touched) {
    const r = first.relations.get(oid)
    if (r) stale.add(key(r.schema, r.name))
  }
  for (const table of before.tables) {
    if (stale.has(key(table.schema, table.name))) continue
    if (!table.foreignKeys.some((fk) => stale.has(key(fk.referencedSchema, fk.referencedTable)))) continue
    const oid = oidByName.get(key(table.schema, table.name))
    if (oid === undefined) return snapshotCatalog(client, schemas)
    touched.add(oid)
    stale.add(key(table.schema, table.name))
  }

  const read = await snapshotCatalog(client, schemas, { tables: [...touched] })
  const { rows } = await client.query<{ count: number }>(TABLE_COUNT_SQL, [schemas])
  const tables = [...before.tables.filter((t) => !stale.has(key(t.schema, t.name))), ...read.tables]
  for (const t of read.tables) stale.add(key(t.schema, t.name))
  if (tables.length !== rows[0]?.count || lostOutsideTables(before, read, stale))
    return snapshotCatalog(client, schemas)
  tables.sort(byName)
  return { ...read, tables, queryCount: read.queryCount + 1 }
}

/**
 * Whether an enum, enum value, function, extension or sequence that was
 * there before is gone or renamed (a sequence of a table read again may be:
 * that table was read as it is now).
 */
function lostOutsideTables(before: CatalogSnapshot, after: CatalogSnapshot, readAgain: Set<string>): boolean {
  const enums = new Map(after.enums.map((e) => [key(e.schema, e.name), new Set(e.values)]))
  for (const e of before.enums) {
    const values = enums.get(key(e.schema, e.name))
    if (!values || e.values.some((v) => !values.has(v))) return true
  }
  const functions = new Set(after.functions.map((f) => `${key(f.schema, f.name)}(${f.arguments})`))
  if (before.functions.some((f) => !functions.has(`${key(f.schema, f.name)}(${f.arguments})`))) return true
  const extensions = new Set(after.extensions.map((e) => e.name))
  if (before.extensions.some((e) => !extensions.has(e.name))) return true
  const sequences = new Set(after.sequences.map((q) => JSON.stringify(q)))
  return before.sequences.some(
    (q) => !sequences.has(JSON.stringify(q)) && !(q.ownedBy && readAgain.has(key(q.schema, q.ownedBy.table)))
  )
}

/** The order of the catalog query (`ORDER BY schema, name`, byte order). */
function byName(a: TableInfo, b: TableInfo): number {
  return compareBytes(a.schema, b.schema) || compareBytes(a.name, b.name)
}

function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b))
}

/**
 * Which tables the upgrade test must fill for the new migrations to meet the
 * same data as in a database where every table is filled: the tables their
 * statements name, every table that references those (transitively: a DELETE
 * cascades, a key change re-checks the referencing rows), and every table
 * those reference (transitively: their rows need the rows they point at).
 * Each of those tables gets exactly the rows a full fill would give it, so
 * the migrations and the review meet the same rows.
 *
 * Everything is filled when the reach of the new migrations cannot be read
 * from their statements: a statement the parser rejects, a kind of statement
 * that can run arbitrary code or reach tables it does not name (DO blocks,
 * functions, triggers, DROP … CASCADE of a type), a view named, or a base
 * database with functions, triggers, rules or policies (code that a statement
 * on one table can run against another).
 */
import type pg from 'pg'
import type { CatalogSnapshot } from '../db/snapshot.js'
import type { TableInfo } from '../db/catalog.js'
import { droppedNames, relationsIn, type NamedRelation } from '../sql/relations.js'
import { parseSqlScript, type ParsedStatement } from '../sql/script.js'
import { objectKey } from './fill-order.js'

/** The tables to fill (object keys), or every table and why. */
export type FillScope = { kind: 'some'; tables: Set<string> } | { kind: 'all'; reason: string }

/**
 * Statements whose every table is named in their parse tree, and that run no
 * code of the database's (beyond built-in functions and the triggers,
 * rules and policies that `baseRoutines` looks for).
 */
const SCOPED_KINDS = new Set([
  'CreateStmt',
  'IndexStmt',
  'AlterTableStmt',
  'RenameStmt',
  'DropStmt',
  'TruncateStmt',
  'InsertStmt',
  'UpdateStmt',
  'DeleteStmt',
  'SelectStmt',
  'CreateEnumStmt',
  'AlterEnumStmt',
  'CreateSeqStmt',
  'AlterSeqStmt',
  'CreateSchemaStmt',
  'CreateExtensionStmt',
  'CreateDomainStmt',
  'CompositeTypeStmt',
  'CommentStmt',
  'GrantStmt',
  'AlterOwnerStmt',
  'AlterObjectSchemaStmt',
  'ViewStmt',
  'TransactionStmt',
  'VariableSetStmt',
  'LockStmt'
])

/** Drops whose CASCADE stays within the tables named and their referencing tables. */
const CASCADE_WITHIN_TABLES = new Set(['OBJECT_TABLE', 'OBJECT_INDEX'])

/**
 * Functions, triggers, rules and policies of the base database (outside
 * extensions and the system schemas): a statement on one table can run them
 * against any other table.
 */
export async function baseRoutines(client: pg.ClientBase): Promise<string | undefined> {
  const { rows } = await client.query<{ kind: string; n: string }>(
    `WITH user_ns AS (
       SELECT oid FROM pg_namespace
        WHERE nspname NOT IN ('pg_catalog', 'information_schema') AND nspname NOT LIKE 'pg\\_%'
     ), ext AS (SELECT objid, classid FROM pg_depend WHERE deptype = 'e')
     SELECT 'function' AS kind, count(*) AS n FROM pg_proc p
      WHERE p.pronamespace IN (SELECT oid FROM user_ns)
        AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.objid = p.oid AND ext.classid = 'pg_proc'::regclass)
     UNION ALL
     SELECT 'trigger', count(*) FROM pg_trigger t WHERE NOT t.tgisinternal
     UNION ALL
     SELECT 'rule', count(*) FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class
      WHERE c.relnamespace IN (SELECT oid FROM user_ns) AND r.rulename <> '_RETURN'
     UNION ALL
     SELECT 'policy', count(*) FROM pg_policy`
  )
  const found = rows.filter((r) => Number(r.n) > 0).map((r) => `${r.n} ${r.kind}(s)`)
  return found.length ? `the base database has ${found.join(', ')}` : undefined
}

/**
 * The tables to fill for `migrations` on the base database `snapshot`;
 * `routines` is what `baseRoutines` found (everything is filled then).
 */
export function fillScope(
  snapshot: CatalogSnapshot,
  migrations: readonly { name: string; sql: string }[],
  routines?: string
): FillScope {
  if (routines) return { kind: 'all', reason: `${routines}, which can reach any table` }
  const tables = snapshot.tables
  // A name resolves to the tables of that name in any schema (unqualified, it
  // depends on the search path), and to the table of an index of that name.
  const byName = new Map<string, TableInfo[]>()
  const add = (name: string, t: TableInfo) => byName.set(name, [...(byName.get(name) ?? []), t])
  for (const t of tables) {
    add(t.name, t)
    for (const index of t.indexes) add(index.name, t)
  }
  const views = new Set(snapshot.views.map((v) => objectKey(v.schema, v.name)))
  const viewNames = new Set(snapshot.views.map((v) => v.name))
  const named = new Set<string>()
  for (const migration of migrations) {
    for (const statement of parseSqlScript(migration.sql).statements) {
      const where = `${migration.name}, line ${statement.startLine}`
      const refused = outOfScope(statement)
      if (refused) return { kind: 'all', reason: `${where}: ${refused}` }
      for (const ref of relationsNamed(statement)) {
        if (ref.schema ? views.has(objectKey(ref.schema, ref.name)) : viewNames.has(ref.name))
          return { kind: 'all', reason: `${where} names the view ${ref.name}, whose tables are not named` }
        const found = (byName.get(ref.name) ?? []).filter((t) => !ref.schema || t.schema === ref.schema)
        for (const t of found) named.add(objectKey(t.schema, t.name))
      }
    }
  }
  return { kind: 'some', tables: neighbourhood(tables, named) }
}

/** Why the statement's reach cannot be read from it; undefined when it can. */
function outOfScope(statement: ParsedStatement): string | undefined {
  const node = statement.node
  if (!node) return 'a statement the SQL parser rejects'
  const kind = Object.keys(node)[0] ?? ''
  if (!SCOPED_KINDS.has(kind)) return `a ${kind.replace(/Stmt$/, '')} statement, whose reach is not read here`
  if ('DropStmt' in node) {
    const drop = node.DropStmt
    if (drop.behavior === 'DROP_CASCADE' && !CASCADE_WITHIN_TABLES.has(drop.removeType ?? ''))
      return 'a DROP … CASCADE, which reaches every table that uses the object'
  }
  if ('AlterEnumStmt' in node && node.AlterEnumStmt.oldVal)
    return 'an enum value renamed, which changes the rows of every table that uses it'
  return undefined
}

/**
 * Every relation the statement names: RangeVars wherever they sit (FROM,
 * the target, a foreign key's referenced table, ATTACH PARTITION…) and the
 * tables and indexes a DROP lists.
 */
function relationsNamed(statement: ParsedStatement): NamedRelation[] {
  return [...relationsIn(statement.node, 'every'), ...droppedNames(statement.node)]
}

/**
 * The named tables, with the tables that reference them (transitively), then
 * with every table those reference (transitively). A partition brings its
 * parent, which fills it.
 */
function neighbourhood(tables: TableInfo[], named: Set<string>): Set<string> {
  const key = (t: TableInfo) => objectKey(t.schema, t.name)
  const byKey = new Map(tables.map((t) => [key(t), t]))
  const start = new Set<string>()
  for (const t of tables) {
    const k = key(t)
    if (!named.has(k)) continue
    start.add(k)
    if (t.partitionOf) start.add(t.partitionOf)
  }
  // Tables that reference a table of the set, until none is added.
  const set = new Set(start)
  for (let grew = true; grew;) {
    grew = false
    for (const t of tables) {
      const k = key(t)
      if (set.has(k)) continue
      if (t.foreignKeys.some((fk) => set.has(objectKey(fk.referencedSchema, fk.referencedTable)))) {
        set.add(k)
        grew = true
      }
    }
  }
  // Then what they reference, so that their rows can point at rows.
  const queue = [...set]
  while (queue.length) {
    const t = byKey.get(queue.pop()!)
    if (!t) continue
    for (const fk of t.foreignKeys) {
      const k = objectKey(fk.referencedSchema, fk.referencedTable)
      if (set.has(k)) continue
      set.add(k)
      queue.push(k)
    }
    if (t.partitionOf && !set.has(t.partitionOf)) {
      set.add(t.partitionOf)
      queue.push(t.partitionOf)
    }
  }
  return set
}

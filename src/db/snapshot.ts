/**
 * Reads the PostgreSQL catalog of a database into plain data (a `CatalogSnapshot`)
 * that the drift comparison works on.
 *
 * The number of queries is fixed: one per kind of object, each aggregating
 * over every table of the requested schemas, so a 1,000-table database costs
 * the same round trips as a 10-table one.
 */
import type pg from 'pg'

/** One column of a table, as PostgreSQL reports it. */
export interface ColumnInfo {
  name: string
  /** 1-based attribute number (column order is informative only, never drift). */
  position: number
  /** `format_type()` of the column: `character varying(500)`, `timestamp(3) without time zone`, `"Theme"[]`. */
  type: string
  /** Schema and name of the column's type (of the element type for arrays). */
  typeSchema: string
  typeName: string
  /** The column's type (or array element type) is an enum. */
  isEnum: boolean
  isArray: boolean
  notNull: boolean
  /** `pg_get_expr()` of the default; absent when there is none (and for generated columns). */
  default?: string
  /** `ALWAYS` / `BY DEFAULT` for identity columns. */
  identity?: 'ALWAYS' | 'BY DEFAULT'
  /** Expression of a `GENERATED ALWAYS AS (…) STORED` column. */
  generated?: string
}

/** One key column (or expression) of an index, in index order. */
export interface IndexColumn {
  /** The column name, or the expression text for expression indexes. */
  expression: string
  /** Set when the key is a plain column. */
  column?: string
  /** Operator class when it is not the type's default. */
  opclass?: string
  descending: boolean
  nullsFirst: boolean
  /** Collation when it differs from the column's. */
  collation?: string
}

/** An index, including the ones that back primary keys and unique constraints. */
export interface IndexInfo {
  name: string
  columns: IndexColumn[]
  unique: boolean
  primary: boolean
  /** Access method: `btree`, `gin`, `gist`, `hash`, `brin`… */
  method: string
  /** `WHERE` clause of a partial index. */
  predicate?: string
  /** Non-key columns (`INCLUDE (…)`), in order; absent when there are none. */
  include?: string[]
  /** `pg_get_indexdef()`: the full `CREATE INDEX` statement. */
  definition: string
  /** The constraint that owns the index (primary key, unique or exclusion constraint), if any. */
  constraint?: { name: string; type: 'primaryKey' | 'unique' | 'exclusion'; definition: string }
}

export interface KeyInfo {
  name: string
  columns: string[]
  /** `pg_get_constraintdef()`. */
  definition: string
}

/** Referential action as PostgreSQL spells it in DDL. */
export type ReferentialAction = 'NO ACTION' | 'RESTRICT' | 'CASCADE' | 'SET NULL' | 'SET DEFAULT'

export interface ForeignKeyInfo {
  name: string
  columns: string[]
  referencedSchema: string
  referencedTable: string
  referencedColumns: string[]
  onDelete: ReferentialAction
  onUpdate: ReferentialAction
  deferrable: boolean
  initiallyDeferred: boolean
  /** `pg_get_constraintdef()`: `FOREIGN KEY (…) REFERENCES …`. */
  definition: string
}

export interface CheckInfo {
  name: string
  definition: string
}

export interface TableInfo {
  schema: string
  name: string
  /** A partitioned (parent) table. */
  partitioned: boolean
  /** `pg_get_partkeydef()` of a partitioned table. */
  partitionKey?: string
  /** For a partition: the parent table (`schema.table`). Partitions are listed but Prisma does not model them. */
  partitionOf?: string
  /** Columns in attribute order. */
  columns: ColumnInfo[]
  primaryKey?: KeyInfo
  /** Unique constraints (`ALTER TABLE … ADD CONSTRAINT … UNIQUE`); their indexes are in `indexes` too. */
  uniques: KeyInfo[]
  /** Every index of the table, including those of the primary key and unique constraints. */
  indexes: IndexInfo[]
  foreignKeys: ForeignKeyInfo[]
  checks: CheckInfo[]
}

export interface EnumInfo {
  schema: string
  name: string
  /** Values in declared order (`enumsortorder`). */
  values: string[]
}

export interface SequenceInfo {
  schema: string
  name: string
  dataType: string
  /** The column that owns the sequence (`serial`, identity), when there is one. */
  ownedBy?: { table: string; column: string }
}

export interface ViewInfo {
  schema: string
  name: string
  materialized: boolean
  definition: string
}

export interface ExtensionInfo {
  name: string
  schema: string
  version: string
}

export interface FunctionInfo {
  schema: string
  name: string
  /** `pg_get_function_identity_arguments()`. */
  arguments: string
  /** `function`, `procedure`, `aggregate` or `window`. */
  kind: string
}

export interface TriggerInfo {
  schema: string
  table: string
  name: string
  /** `pg_get_triggerdef()`. */
  definition: string
}

/** The catalog of the requested schemas of one database. */
export interface CatalogSnapshot {
  schemas: string[]
  tables: TableInfo[]
  enums: EnumInfo[]
  sequences: SequenceInfo[]
  views: ViewInfo[]
  extensions: ExtensionInfo[]
  functions: FunctionInfo[]
  triggers: TriggerInfo[]
  /** How many queries the snapshot took (constant, whatever the size of the database). */
  queryCount: number
  durationMs: number
}

/** Prisma's own bookkeeping table is not part of the schema. */
const MIGRATIONS_TABLE = '_prisma_migrations'

/**
 * Objects that belong to an extension (PostGIS's `spatial_ref_sys`, pgcrypto's
 * functions…) are not the project's: every query leaves them out with this test.
 */
const notExtensionMember = (classTable: string, oid: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.classid = '${classTable}'::regclass AND dep.objid = ${oid} AND dep.deptype = 'e')`

const TABLES_SQL = `
SELECT n.nspname AS schema, c.relname AS name, c.relkind = 'p' AS partitioned,
       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partition_key,
       CASE WHEN c.relispartition THEN (
         SELECT pn.nspname || '.' || pc.relname FROM pg_inherits i
         JOIN pg_class pc ON pc.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = pc.relnamespace
         WHERE i.inhrelid = c.oid LIMIT 1) END AS partition_of
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p') AND c.relname <> '${MIGRATIONS_TABLE}'
  AND ${notExtensionMember('pg_class', 'c.oid')}
ORDER BY 1, 2`

const COLUMNS_SQL = `
SELECT n.nspname AS schema, c.relname AS table, a.attname AS name, a.attnum AS position,
       format_type(a.atttypid, a.atttypmod) AS type,
       COALESCE(en.nspname, tn.nspname) AS type_schema, COALESCE(et.typname, t.typname) AS type_name,
       COALESCE(et.typtype, t.typtype) = 'e' AS is_enum, et.oid IS NOT NULL AS is_array,
       a.attnotnull AS not_null,
       pg_get_expr(d.adbin, d.adrelid) AS default_expr,
       a.attidentity AS identity, a.attgenerated AS generated
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
JOIN pg_namespace tn ON tn.oid = t.typnamespace
LEFT JOIN pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'
LEFT JOIN pg_namespace en ON en.oid = et.typnamespace
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p') AND c.relname <> '${MIGRATIONS_TABLE}'
  AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY 1, 2, 4`

// Primary key, unique, foreign key and check constraints. PostgreSQL 18 also
// stores NOT NULL as constraints (contype 'n'); nullability comes from the columns.
const CONSTRAINTS_SQL = `
SELECT n.nspname AS schema, c.relname AS table, con.conname AS name, con.contype AS type,
       pg_get_constraintdef(con.oid) AS definition,
       (SELECT array_agg(a.attname::text ORDER BY k.i) FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, i)
          JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum) AS columns,
       rn.nspname AS ref_schema, rc.relname AS ref_table,
       (SELECT array_agg(a.attname::text ORDER BY k.i) FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, i)
          JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum) AS ref_columns,
       con.confdeltype AS on_delete, con.confupdtype AS on_update,
       con.condeferrable AS deferrable, con.condeferred AS deferred
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class rc ON rc.oid = con.confrelid
LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p') AND c.relname <> '${MIGRATIONS_TABLE}'
  AND con.contype IN ('p', 'u', 'f', 'c')
ORDER BY 1, 2, 3`

// One row per index with its key columns aggregated in index order. indkey,
// indclass and indoption are 0-based vectors; bit 1 of indoption is DESC and
// bit 2 is NULLS FIRST.
const INDEXES_SQL = `
SELECT n.nspname AS schema, t.relname AS table, i.relname AS name,
       ix.indisunique AS unique, ix.indisprimary AS primary, am.amname AS method,
       pg_get_expr(ix.indpred, ix.indrelid) AS predicate, pg_get_indexdef(ix.indexrelid) AS definition,
       con.conname AS constraint_name, con.contype AS constraint_type,
       CASE WHEN con.oid IS NOT NULL THEN pg_get_constraintdef(con.oid) END AS constraint_definition,
       (SELECT json_agg(json_build_object(
                 'expression', pg_get_indexdef(ix.indexrelid, k.n, true),
                 'column', a.attname,
                 'opclass', CASE WHEN NOT opc.opcdefault THEN opc.opcname END,
                 'descending', (ix.indoption[k.n - 1] & 1) <> 0,
                 'nullsFirst', (ix.indoption[k.n - 1] & 2) <> 0,
                 'collation', CASE WHEN ix.indcollation[k.n - 1] <> 0
                                    AND ix.indcollation[k.n - 1] IS DISTINCT FROM a.attcollation
                                   THEN (SELECT collname FROM pg_collation WHERE oid = ix.indcollation[k.n - 1]) END
               ) ORDER BY k.n)
          FROM generate_series(1, ix.indnkeyatts) AS k(n)
          LEFT JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = ix.indkey[k.n - 1] AND ix.indkey[k.n - 1] <> 0
          LEFT JOIN pg_opclass opc ON opc.oid = ix.indclass[k.n - 1]) AS columns,
       (SELECT array_agg(a.attname::text ORDER BY k.n)
          FROM generate_series(ix.indnkeyatts + 1, ix.indnatts) AS k(n)
          JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = ix.indkey[k.n - 1]) AS include
FROM pg_index ix
JOIN pg_class i ON i.oid = ix.indexrelid
JOIN pg_class t ON t.oid = ix.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
JOIN pg_am am ON am.oid = i.relam
LEFT JOIN pg_constraint con ON con.conindid = ix.indexrelid AND con.conrelid = ix.indrelid AND con.contype IN ('p', 'u', 'x')
WHERE n.nspname = ANY($1) AND t.relkind IN ('r', 'p') AND t.relname <> '${MIGRATIONS_TABLE}'
ORDER BY 1, 2, 3`

const ENUMS_SQL = `
SELECT n.nspname AS schema, t.typname AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS values
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
JOIN pg_enum e ON e.enumtypid = t.oid
WHERE n.nspname = ANY($1) AND ${notExtensionMember('pg_type', 't.oid')}
GROUP BY 1, 2
ORDER BY 1, 2`

const SEQUENCES_SQL = `
SELECT n.nspname AS schema, c.relname AS name, format_type(s.seqtypid, NULL) AS data_type,
       owner.relname AS owner_table, oa.attname AS owner_column
FROM pg_sequence s
JOIN pg_class c ON c.oid = s.seqrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid
                     AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
LEFT JOIN pg_class owner ON owner.oid = d.refobjid
LEFT JOIN pg_attribute oa ON oa.attrelid = d.refobjid AND oa.attnum = d.refobjsubid
WHERE n.nspname = ANY($1) AND ${notExtensionMember('pg_class', 'c.oid')}
ORDER BY 1, 2`

const VIEWS_SQL = `
SELECT n.nspname AS schema, c.relname AS name, c.relkind = 'm' AS materialized,
       pg_get_viewdef(c.oid, true) AS definition
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY($1) AND c.relkind IN ('v', 'm') AND ${notExtensionMember('pg_class', 'c.oid')}
ORDER BY 1, 2`

// Extensions are database-wide, wherever their objects live.
const EXTENSIONS_SQL = `
SELECT e.extname AS name, n.nspname AS schema, e.extversion AS version
FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
WHERE e.extname <> 'plpgsql'
ORDER BY 1`

const FUNCTIONS_SQL = `
SELECT n.nspname AS schema, p.proname AS name, pg_get_function_identity_arguments(p.oid) AS arguments,
       CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' WHEN 'w' THEN 'window' ELSE 'function' END AS kind
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = ANY($1) AND ${notExtensionMember('pg_proc', 'p.oid')}
ORDER BY 1, 2, 3`

const TRIGGERS_SQL = `
SELECT n.nspname AS schema, c.relname AS table, tg.tgname AS name, pg_get_triggerdef(tg.oid) AS definition
FROM pg_trigger tg
JOIN pg_class c ON c.oid = tg.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY($1) AND NOT tg.tgisinternal AND c.relname <> '${MIGRATIONS_TABLE}'
ORDER BY 1, 2, 3`

const REFERENTIAL_ACTIONS: Record<string, ReferentialAction> = {
  a: 'NO ACTION',
  r: 'RESTRICT',
  c: 'CASCADE',
  n: 'SET NULL',
  d: 'SET DEFAULT'
}

/**
 * Reads the catalog of `schemas` through `client`: tables with their columns,
 * keys, indexes, foreign keys and checks; enums; sequences; views; extensions;
 * functions and triggers. `_prisma_migrations` and objects owned by
 * extensions are left out. Always the same number of queries (`queryCount`).
 */
export async function snapshotCatalog(client: pg.ClientBase, schemas: string[]): Promise<CatalogSnapshot> {
  const started = performance.now()
  let queryCount = 0
  const rows = async (sql: string, params: unknown[] = [schemas]): Promise<Row[]> => {
    queryCount++
    return (await client.query<Row>(sql, params)).rows
  }

  // The queries go one after another: a pg client runs them serially anyway.
  const tableRows = await rows(TABLES_SQL)
  const columnRows = await rows(COLUMNS_SQL)
  const constraintRows = await rows(CONSTRAINTS_SQL)
  const indexRows = await rows(INDEXES_SQL)
  const enumRows = await rows(ENUMS_SQL)
  const sequenceRows = await rows(SEQUENCES_SQL)
  const viewRows = await rows(VIEWS_SQL)
  const extensionRows = await rows(EXTENSIONS_SQL, [])
  const functionRows = await rows(FUNCTIONS_SQL)
  const triggerRows = await rows(TRIGGERS_SQL)

  const tables = assembleTables(tableRows, columnRows, constraintRows, indexRows)
  return {
    schemas: [...schemas],
    tables,
    enums: enumRows.map((r) => ({ schema: r.schema, name: r.name, values: pgArray(r.values) })),
    sequences: sequenceRows.map(toSequence),
    views: viewRows.map((r) => ({
      schema: r.schema,
      name: r.name,
      materialized: r.materialized,
      definition: r.definition
    })),
    extensions: extensionRows.map((r) => ({ name: r.name, schema: r.schema, version: r.version })),
    functions: functionRows.map((r) => ({
      schema: r.schema,
      name: r.name,
      arguments: r.arguments,
      kind: r.kind
    })),
    triggers: triggerRows.map((r) => ({
      schema: r.schema,
      table: r.table,
      name: r.name,
      definition: r.definition
    })),
    queryCount,
    durationMs: Math.round(performance.now() - started)
  }
}

// Catalog rows are untyped by nature; each converter below gives them a shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Row = Record<string, any>

/** Joins the flat per-kind rows into one `TableInfo` per table. */
function assembleTables(
  tableRows: Row[],
  columnRows: Row[],
  constraintRows: Row[],
  indexRows: Row[]
): TableInfo[] {
  const byKey = new Map<string, TableInfo>()
  const tables = tableRows.map((r): TableInfo => {
    const table: TableInfo = {
      schema: r.schema,
      name: r.name,
      partitioned: r.partitioned,
      columns: [],
      uniques: [],
      indexes: [],
      foreignKeys: [],
      checks: []
    }
    if (r.partition_key) table.partitionKey = r.partition_key
    if (r.partition_of) table.partitionOf = r.partition_of
    byKey.set(tableKey(r.schema, r.name), table)
    return table
  })
  for (const r of columnRows) byKey.get(tableKey(r.schema, r.table))?.columns.push(toColumn(r))
  for (const r of constraintRows) {
    const table = byKey.get(tableKey(r.schema, r.table))
    if (table) addConstraint(table, r)
  }
  for (const r of indexRows) byKey.get(tableKey(r.schema, r.table))?.indexes.push(toIndex(r))
  return tables
}

const tableKey = (schema: string, name: string) => `${schema}\u0000${name}`

function toColumn(r: Row): ColumnInfo {
  const column: ColumnInfo = {
    name: r.name,
    position: r.position,
    type: r.type,
    typeSchema: r.type_schema,
    typeName: r.type_name,
    isEnum: r.is_enum,
    isArray: r.is_array,
    notNull: r.not_null
  }
  // pg_attrdef holds the expression of a generated column, which is not a default.
  if (r.generated === 's') column.generated = r.default_expr
  else if (r.default_expr !== null) column.default = r.default_expr
  if (r.identity === 'a') column.identity = 'ALWAYS'
  if (r.identity === 'd') column.identity = 'BY DEFAULT'
  return column
}

function addConstraint(table: TableInfo, r: Row): void {
  const columns = pgArray(r.columns)
  switch (r.type) {
    case 'p':
      table.primaryKey = { name: r.name, columns, definition: r.definition }
      break
    case 'u':
      table.uniques.push({ name: r.name, columns, definition: r.definition })
      break
    case 'c':
      table.checks.push({ name: r.name, definition: r.definition })
      break
    case 'f':
      table.foreignKeys.push({
        name: r.name,
        columns,
        referencedSchema: r.ref_schema,
        referencedTable: r.ref_table,
        referencedColumns: pgArray(r.ref_columns),
        onDelete: REFERENTIAL_ACTIONS[r.on_delete] ?? 'NO ACTION',
        onUpdate: REFERENTIAL_ACTIONS[r.on_update] ?? 'NO ACTION',
        deferrable: r.deferrable,
        initiallyDeferred: r.deferred,
        definition: r.definition
      })
      break
  }
}

const CONSTRAINT_TYPES = { p: 'primaryKey', u: 'unique', x: 'exclusion' } as const

function toIndex(r: Row): IndexInfo {
  const index: IndexInfo = {
    name: r.name,
    columns: ((r.columns ?? []) as Row[]).map(toIndexColumn),
    unique: r.unique,
    primary: r.primary,
    method: r.method,
    definition: r.definition
  }
  if (r.predicate) index.predicate = r.predicate
  const include = pgArray(r.include)
  if (include.length) index.include = include
  const type = CONSTRAINT_TYPES[r.constraint_type as keyof typeof CONSTRAINT_TYPES]
  if (r.constraint_name && type)
    index.constraint = { name: r.constraint_name, type, definition: r.constraint_definition }
  return index
}

function toIndexColumn(r: Row): IndexColumn {
  const column: IndexColumn = { expression: r.expression, descending: r.descending, nullsFirst: r.nullsFirst }
  if (r.column) column.column = r.column
  if (r.opclass) column.opclass = r.opclass
  if (r.collation) column.collation = r.collation
  return column
}

function toSequence(r: Row): SequenceInfo {
  const sequence: SequenceInfo = { schema: r.schema, name: r.name, dataType: r.data_type }
  if (r.owner_table && r.owner_column) sequence.ownedBy = { table: r.owner_table, column: r.owner_column }
  return sequence
}

/** Arrays come back parsed (the queries cast names to `text[]`); a missing aggregate is `NULL`. */
function pgArray(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : []
}

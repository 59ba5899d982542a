/**
 * Reads the PostgreSQL catalog of a database into plain data (a `CatalogSnapshot`)
 * that the catalog comparison works on.
 *
 * The number of queries is fixed: one per kind of object (catalog-queries.ts),
 * each aggregating over every table of the requested schemas, so a 1,000-table
 * database costs the same round trips as a 10-table one.
 */
import type pg from 'pg'
import type {
  ColumnInfo,
  EnumInfo,
  ExtensionInfo,
  FunctionInfo,
  IndexColumn,
  IndexInfo,
  ReferentialAction,
  SequenceInfo,
  TableInfo,
  TriggerInfo,
  ViewInfo
} from './catalog.js'
import {
  COLUMNS_SQL,
  CONSTRAINTS_SQL,
  ENUMS_SQL,
  EXTENSIONS_SQL,
  FUNCTIONS_SQL,
  INDEXES_SQL,
  SEQUENCES_SQL,
  TABLES_SQL,
  TRIGGERS_SQL,
  VIEWS_SQL
} from './catalog-queries.js'

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
 * With `tables` (OIDs), only those tables are read; every other kind of
 * object is read whole.
 */
export async function snapshotCatalog(
  client: pg.ClientBase,
  schemas: string[],
  options: { tables?: number[] } = {}
): Promise<CatalogSnapshot> {
  const started = performance.now()
  let queryCount = 0
  const rows = async (sql: string, params: unknown[] = [schemas]): Promise<Row[]> => {
    queryCount++
    return (await client.query<Row>(sql, params)).rows
  }
  const only = [schemas, options.tables ?? null]

  // The queries go one after another: a pg client runs them serially anyway.
  const tableRows = await rows(TABLES_SQL, only)
  const columnRows = await rows(COLUMNS_SQL, only)
  const constraintRows = await rows(CONSTRAINTS_SQL, only)
  const indexRows = await rows(INDEXES_SQL, only)
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

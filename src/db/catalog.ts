/**
 * The objects of a PostgreSQL catalog as plain data: tables with their
 * columns, keys, indexes, foreign keys and checks; enums, sequences, views,
 * extensions, functions and triggers. `snapshotCatalog` (snapshot.ts) reads
 * them; the catalog comparison works on them.
 */

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

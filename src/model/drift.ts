/**
 * Drift: how the migrated database differs from the database the schema
 * describes, one item per object, and whose verdict that is.
 */
import type { Severity, SourceLocation } from './findings.js'

/** Every kind of object drift is reported for. */
export const DRIFT_KINDS = [
  'table',
  'column',
  'enum',
  'enumValue',
  'index',
  'unique',
  'primaryKey',
  'foreignKey',
  'check',
  'view',
  'sequence',
  'extension',
  'function',
  'trigger'
] as const

export type DriftKind = (typeof DRIFT_KINDS)[number]

/**
 * `missing`: the schema needs it and no migration creates it.
 * `unexpected`: only the migrations create it.
 * `different`: both have it, with different definitions.
 */
export const DRIFT_CHANGES = ['missing', 'unexpected', 'different'] as const
export type DriftChange = (typeof DRIFT_CHANGES)[number]

/** Whose verdict the drift is: Prisma's differ, or the catalog comparison. */
export const VERDICT_SOURCES = ['prisma', 'catalog'] as const

/** Which database object an item is about, in database names (after @map/@@map). */
export interface DriftTarget {
  schema: string
  /** Table (or view) name, for table-level objects and the table itself. */
  table?: string
  column?: string
  /** Enum type name. */
  enum?: string
  /** Enum value. */
  value?: string
  /** Constraint or index name. */
  constraint?: string
  /** Columns of an index / key, in order. */
  columns?: string[]
  /** For a foreign key: the referenced table. */
  referencedTable?: string
}

export interface DriftItem {
  kind: DriftKind
  change: DriftChange
  /** Display name: `users`, `users.profile_picture`, `Theme`, `Theme.DARK`, `sessions_token_key`. */
  object: string
  target: DriftTarget
  severity: Severity
  /** Expected definition (from the schema), human-readable; absent for `unexpected`. */
  expected?: string
  /** Actual definition (from the migrations); absent for `missing`. */
  actual?: string
  /** What differs, for `different` ("type", "nullability", "default", "ON DELETE"…). */
  aspects?: string[]
  location?: SourceLocation
  /** SQL that makes the migrated database match the schema for this item (Prisma's own statements when its differ gave the verdict). */
  fixSql?: string
  /** Why the item has its severity when that is not obvious ("Prisma's differ does not change this…"). */
  note?: string
}

/** Whose verdict the drift items are. */
export interface DriftVerdict {
  /** `prisma`: the project's own `prisma migrate diff` from the migrated database; `catalog`: the catalog comparison alone. */
  source: (typeof VERDICT_SOURCES)[number]
  /** For the report: "Prisma 7.10's differ", "catalog comparison: Prisma cannot diff from a database when …". */
  summary: string
}

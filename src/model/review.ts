/**
 * Shapes of the migration review: what a pull request's new migrations
 * change in the database, and what each of their statements cost when it
 * was replayed on the upgrade test's populated database.
 */
import type { DriftKind } from './drift.js'
import type { Severity, SourceLocation } from './findings.js'

/** `migration-safety`: how hazards are reported. */
export const MIGRATION_SAFETIES = ['warn', 'fail', 'off'] as const
export type MigrationSafety = (typeof MIGRATION_SAFETIES)[number]

/**
 * How the project's Prisma applies one migration (migrations/engine.ts).
 * `transaction`: the native schema engine before Prisma 7.4 sends
 * migration.sql as one script, which PostgreSQL runs in one implicit
 * transaction: every lock is held until the migration ends, and a failure
 * rolls the whole migration back.
 * `statement`: native engines from 7.4 and driver adapters (`engine: 'js'`)
 * run the statements one by one, each committed on its own: a lock is held
 * for its statement only, and a failure leaves the statements before it
 * applied. In both, an explicit `BEGIN … COMMIT` of the file is one transaction.
 */
export const ENGINE_MODES = ['transaction', 'statement'] as const
export type EngineMode = (typeof ENGINE_MODES)[number]

/** PostgreSQL's table lock modes, weakest first, as `pg_locks.mode` names them. */
export type LockMode =
  | 'AccessShareLock'
  | 'RowShareLock'
  | 'RowExclusiveLock'
  | 'ShareUpdateExclusiveLock'
  | 'ShareLock'
  | 'ShareRowExclusiveLock'
  | 'ExclusiveLock'
  | 'AccessExclusiveLock'

/** What other sessions cannot do on the table while the lock is held. */
export const BLOCKS = ['reads and writes', 'writes', 'schema changes'] as const
export type Blocks = (typeof BLOCKS)[number]

/**
 * The hazard classes a statement is judged on. `no-transaction`: a statement
 * PostgreSQL refuses in a transaction, in a migration the engine runs as one.
 * `half-applied`: a statement that can fail on production data after
 * statements that were committed one by one and cannot simply run again.
 */
export const HAZARD_CLASSES = [
  'rewrite',
  'blocking-lock',
  'long-scan',
  'data-loss',
  'no-transaction',
  'half-applied'
] as const
export type HazardClass = (typeof HAZARD_CLASSES)[number]

/** What became of a statement in the review. */
export const STATEMENT_STATUSES = [
  'measured',
  'not-in-transaction',
  'failed',
  'not-measured',
  'control'
] as const

/** The transaction a statement runs in: the file's BEGIN … COMMIT, the whole file, or its own. */
export const TRANSACTION_KINDS = ['explicit', 'implicit', 'own'] as const

/** How the engine sends a migration: the file whole, or statement by statement. */
export const SENT_AS = ['whole', 'statements'] as const

/** What a migration does to an object of the database. */
export const DATABASE_CHANGE_KINDS = ['added', 'dropped', 'changed', 'renamed'] as const

/** A lock one statement took on a table, measured in `pg_locks` of our own backend. */
export interface StatementLock {
  /** Display name of the table (`users`, `app.users`). */
  table: string
  /** The strongest mode this statement took on it. */
  mode: LockMode
  blocks: Blocks
  /** The table was created earlier in the same migration: no other session can see it yet. */
  newTable: boolean
  /** Rows the table held before the migration (as filled by the upgrade test), when known. */
  rows?: number
  /**
   * The lock was already held when the statement started: taken by the
   * statement on line `since` of the same transaction, and held until the
   * COMMIT on line `until` (undefined: until the migration ends).
   */
  held?: { since: number; until?: number }
}

/** One statement of a new migration as the review replayed it. */
export interface StatementReview {
  /** 0-based among the migration's statements. */
  index: number
  /** Lines of the statement in migration.sql. */
  line: number
  endLine: number
  /** The statement's first line, shortened, for tables. */
  summary: string
  /**
   * `measured`: run in our transaction and read back; `not-in-transaction`:
   * PostgreSQL refuses it in a transaction (`CREATE INDEX CONCURRENTLY`), so it
   * is described by the lock its command takes; `failed`: it raised an error;
   * `not-measured`: a statement before it failed; `control`: the file's own
   * BEGIN, COMMIT or ROLLBACK.
   */
  status: (typeof STATEMENT_STATUSES)[number]
  /**
   * The transaction the engine runs it in: `explicit` (the file's BEGIN …
   * COMMIT), `implicit` (the whole file at once), `own` (committed alone),
   * from line `fromLine` to the COMMIT on `untilLine` (undefined: the end).
   */
  transaction?: { kind: (typeof TRANSACTION_KINDS)[number]; fromLine: number; untilLine?: number }
  /** Wall time of the statement at the upgrade test's rows. */
  durationMs?: number
  /** How long its strongest lock is held when Prisma applies the migration (see `EngineMode`). */
  holdMs?: number
  locks: StatementLock[]
  /** Tables whose storage was rewritten (`pg_class.relfilenode` changed). */
  rewrites: string[]
  /** Tables read in full without a rewrite (validation of a constraint, SET NOT NULL), with the rows read. */
  scans: { table: string; rows: number }[]
  /** Tables an index was built on (not concurrently), with the rows read. */
  indexBuilds: { table: string; rows: number }[]
  /** Indexes of tables that existed before the migration that the statement removed. */
  droppedIndexes?: { table: string; index: string }[]
  /** Hazards found for this statement. */
  hazards: HazardClass[]
  error?: string
}

/** One new migration of the pull request, reviewed. */
export interface MigrationReviewEntry {
  name: string
  /** migration.sql, relative to the repository root. */
  file: string
  statements: StatementReview[]
  /** Total time of its statements. */
  durationMs: number
  /** Whether PostgreSQL can run it in one transaction (it cannot with `CREATE INDEX CONCURRENTLY`). */
  transactional: boolean
  /** How the engine sends it: the whole file at once, or statement by statement. */
  sent: (typeof SENT_AS)[number]
  /** Why an engine that splits files sends this one whole: its splitter's error. */
  fallback?: string
}

/** What a change did to rows that were there, counted on the populated database. */
export interface DataLoss {
  /** Rows of the table. */
  rows: number
  /** Rows whose value is lost or changed. */
  affected: number
  /** "1,000 of 1,000 rows have a value". */
  text: string
}

/** One change a pull request's migrations make in the database. */
export interface DatabaseChange {
  /** The table it belongs to (display name), or undefined for types and other objects. */
  table?: string
  kind: DriftKind
  change: (typeof DATABASE_CHANGE_KINDS)[number]
  /** Display name of the object. */
  object: string
  /** "adds column `nickname` text NOT NULL DEFAULT ''". */
  description: string
  before?: string
  after?: string
  dataLoss?: DataLoss
  /** The migration and statement that made the change, when known. */
  location?: SourceLocation
  migration?: string
}

/** A hazard as the reviewer reads it: annotated on the statement's line. */
export interface ReviewFinding {
  hazard: HazardClass
  severity: Severity
  title: string
  message: string
  /** The safer way to do the same. */
  saferPattern?: string
  location: SourceLocation
  migration: string
  statementIndex: number
}

/** The migration review of one run. */
export interface MigrationReview {
  safety: MigrationSafety
  engine: EngineMode
  /** Who applies migrations: "Prisma 7.10.1's native schema engine". */
  engineName?: string
  /** Rows per table the upgrade test inserted before replaying the migrations. */
  rowsPerTable: number
  migrations: MigrationReviewEntry[]
  changes: DatabaseChange[]
  findings: ReviewFinding[]
  /** Set when the review could not finish (a statement failed, a database error). */
  incomplete?: string
}

import type { MigrationReview } from './review/types.js'

/**
 * The types that flow through the pipeline. Every stage returns plain data of
 * these shapes; reports are built from a `CheckResult` and nothing else.
 */

/** How much a finding matters. `error` fails the check (subject to `fail-on`). */
export type Severity = 'error' | 'warning' | 'notice' | 'info'

/** A place in a file of the repository, relative to the working directory's repo root. */
export interface SourceLocation {
  /** Path relative to the repository root (GitHub annotations need that), with `/` separators. */
  file: string
  /** 1-based line. */
  line: number
  /** Last line, when the finding spans several. */
  endLine?: number
  /** 1-based column, when known. */
  column?: number
}

export type StageName =
  | 'project'
  | 'history'
  | 'connect'
  | 'generate'
  | 'migrate'
  | 'upgrade'
  | 'seed'
  | 'expect'
  | 'inspect'
  | 'compare'
export type StageStatus = 'passed' | 'failed' | 'skipped' | 'warning'

/** One step of the pipeline as the report shows it. */
export interface StageResult {
  name: StageName
  status: StageStatus
  durationMs: number
  /** One line for the stage table ("2 migrations applied", "no seed configured"). */
  summary: string
  /** The command that ran, as an argument array (already redacted). */
  command?: string[]
  exitCode?: number | null
  timedOut?: boolean
  /** Size-capped tail of the child's combined output (redacted). */
  output?: string
}

/** A failure or a finding that is not a drift item (migration error, seed error, no seed…). */
export interface Problem {
  stage: StageName
  severity: Severity
  /** Short title for an annotation ("Migration 20250612_add_auth failed"). */
  title: string
  /** What happened and what to do, plain text. */
  message: string
  location?: SourceLocation
  /** Machine-readable code: a Prisma code (P3018), a PostgreSQL SQLSTATE (42703), or ours. */
  code?: string
  /** Object names of the drift items that explain this problem (see drift `object`). */
  explainedBy?: string[]
  /** For a seed failure on a missing table/column (P2021, P2022, 42P01, 42703): what was missing. */
  missingObject?: { table?: string; column?: string }
}

export type DriftKind =
  | 'table'
  | 'column'
  | 'enum'
  | 'enumValue'
  | 'index'
  | 'unique'
  | 'primaryKey'
  | 'foreignKey'
  | 'check'
  | 'view'
  | 'sequence'
  | 'extension'
  | 'function'
  | 'trigger'

/**
 * `missing`: the schema needs it and no migration creates it.
 * `unexpected`: only the migrations create it.
 * `different`: both have it, with different definitions.
 */
export type DriftChange = 'missing' | 'unexpected' | 'different'

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
  source: 'prisma' | 'catalog'
  /** For the report: "Prisma 7.10's differ", "catalog comparison: Prisma cannot diff from a database when …". */
  summary: string
}

export type CheckStatus = 'passed' | 'failed'

/** Everything a run found; the input of every report. */
export interface CheckResult {
  status: CheckStatus
  /** Working directory relative to the repository root ("." for the root). */
  workingDirectory: string
  prismaVersion?: string
  /** How the project runs package binaries: `npx`, `pnpm exec`, `yarn`, `bunx` (for the commands a report suggests). */
  runner?: string
  stages: StageResult[]
  problems: Problem[]
  drift: DriftItem[]
  /** Path of the suggested fix migration, when drift produced one. */
  fixSqlPath?: string
  /** Path of report.json, once written. */
  reportJsonPath?: string
  /** The suggested fix migration's SQL, when drift produced one. */
  fixSql?: string
  /** Whose verdict the drift is, when the drift check ran. */
  verdict?: DriftVerdict
  /** Which finding kinds failed the check (subset of fail-on that happened). */
  failedOn: FailOn[]
  durationMs: number
  /** The migration review of the pull request's new migrations, when the upgrade test ran it. */
  review?: MigrationReview
}

export type FailOn = 'migrate' | 'seed' | 'drift' | 'warning'

/**
 * What a run finds besides drift: the stages as the report shows them and the
 * problems (failures and findings) they raise.
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

/**
 * The stages of a run, in the order the report lists them (some overlap, so
 * they finish in another order): read the project, compare the history with
 * the base, connect, generate, migrate, try the new migrations on a populated
 * database, seed, build the database the schema describes, read both
 * catalogs, compare them.
 */
export const STAGES = [
  'project',
  'history',
  'connect',
  'generate',
  'migrate',
  'upgrade',
  'seed',
  'expect',
  'inspect',
  'compare'
] as const

export type StageName = (typeof STAGES)[number]
export const STAGE_STATUSES = ['passed', 'failed', 'skipped', 'warning'] as const
export type StageStatus = (typeof STAGE_STATUSES)[number]

/** One step of the pipeline as the report shows it. */
export interface StageResult {
  name: StageName
  status: StageStatus
  durationMs: number
  /**
   * When the stage started and ended, in milliseconds since the run started
   * (stages overlap: these show which ran at the same time).
   */
  startMs?: number
  endMs?: number
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

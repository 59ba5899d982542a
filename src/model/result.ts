/**
 * The result of a whole run: every report is built from a `CheckResult` and
 * nothing else.
 */
import type { DriftItem, DriftVerdict } from './drift.js'
import type { Problem, StageResult } from './findings.js'
import type { MigrationReview } from './review.js'

export const CHECK_STATUSES = ['passed', 'failed'] as const
export type CheckStatus = (typeof CHECK_STATUSES)[number]

/** How a project runs package binaries, for the commands a report suggests. */
export const RUNNERS = ['npx', 'pnpm exec', 'yarn', 'bunx'] as const
export type Runner = (typeof RUNNERS)[number]

/** Everything a run found; the input of every report. */
export interface CheckResult {
  status: CheckStatus
  /** Working directory relative to the repository root ("." for the root). */
  workingDirectory: string
  prismaVersion?: string
  /** How the project runs package binaries: `npx`, `pnpm exec`, `yarn`, `bunx` (for the commands a report suggests). */
  runner?: Runner
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

export const FAIL_ON = ['migrate', 'seed', 'drift', 'warning'] as const
export type FailOn = (typeof FAIL_ON)[number]

/**
 * The machine-readable result (`--json`, the `report-json` output). Its shape
 * is a contract with scripts that read it, so it is built field by field
 * rather than by dumping `CheckResult`: internal fields can change without
 * breaking anyone, and optional fields are omitted rather than `null`.
 */
import type { CheckResult, CheckStatus, FailOn } from '../model/result.js'
import type { DriftChange, DriftKind, DriftVerdict } from '../model/drift.js'
import type { Severity, SourceLocation, StageName, StageStatus } from '../model/findings.js'
import { countBySeverity } from './facts.js'
import { reviewJson } from './review.js'
import type { MigrationReview } from '../model/review.js'

/** Bumped when a field changes meaning or disappears; new fields do not bump it. */
export const JSON_REPORT_VERSION = 1

/** One stage in the JSON report. */
export interface JsonStage {
  name: StageName
  status: StageStatus
  durationMs: number
  /** Start and end in milliseconds since the run started. */
  startMs?: number
  endMs?: number
  summary: string
  exitCode?: number | null
  timedOut?: boolean
}

/** One drift item in the JSON report. */
export interface JsonDriftItem {
  kind: DriftKind
  change: DriftChange
  object: string
  severity: Severity
  expected?: string
  actual?: string
  aspects?: string[]
  location?: SourceLocation
  /** Why the item has its severity ("Prisma's differ does not change this…"). */
  note?: string
  fixSql?: string
}

/** One problem (a failed migration, a failed seed…) in the JSON report. */
export interface JsonProblem {
  stage: StageName
  severity: Severity
  title: string
  message: string
  code?: string
  location?: SourceLocation
  explainedBy?: string[]
}

/** The whole JSON report. */
export interface JsonReport {
  version: number
  status: CheckStatus
  workingDirectory: string
  prismaVersion?: string
  /** Whose verdict the drift is: Prisma's own differ, or the catalog comparison. */
  verdict?: DriftVerdict
  durationMs: number
  failedOn: FailOn[]
  counts: Record<Severity, number>
  stages: JsonStage[]
  problems: JsonProblem[]
  drift: JsonDriftItem[]
  fixSqlPath?: string
  /** The migration review: database changes, per-statement measurements, findings. */
  review?: MigrationReview
}

/** The JSON report of a result, ready for `JSON.stringify`. Redact the result first. */
export function toJson(result: CheckResult): JsonReport {
  return withoutUndefined({
    version: JSON_REPORT_VERSION,
    status: result.status,
    workingDirectory: result.workingDirectory,
    prismaVersion: result.prismaVersion,
    verdict: result.verdict,
    durationMs: result.durationMs,
    failedOn: [...result.failedOn],
    counts: countBySeverity(result.drift),
    stages: result.stages.map((stage) =>
      withoutUndefined({
        name: stage.name,
        status: stage.status,
        durationMs: stage.durationMs,
        startMs: stage.startMs,
        endMs: stage.endMs,
        summary: stage.summary,
        exitCode: stage.exitCode,
        timedOut: stage.timedOut
      })
    ),
    problems: result.problems.map((problem) =>
      withoutUndefined({
        stage: problem.stage,
        severity: problem.severity,
        title: problem.title,
        message: problem.message,
        code: problem.code,
        location: problem.location,
        explainedBy: problem.explainedBy
      })
    ),
    drift: result.drift.map((item) =>
      withoutUndefined({
        kind: item.kind,
        change: item.change,
        object: item.object,
        severity: item.severity,
        expected: item.expected,
        actual: item.actual,
        aspects: item.aspects,
        location: item.location,
        note: item.note,
        fixSql: item.fixSql
      })
    ),
    fixSqlPath: result.fixSqlPath,
    review: reviewJson(result.review)
  })
}

/** {@link toJson}, serialized with two-space indentation and a final newline. */
export function toJsonString(result: CheckResult): string {
  return `${JSON.stringify(toJson(result), null, 2)}\n`
}

/** Drops keys whose value is `undefined`, so optional fields are absent rather than present-but-empty. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T
}

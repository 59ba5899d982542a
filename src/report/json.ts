/**
 * The machine-readable result (`--json`, the `report-json` output). Its shape
 * is a contract with scripts that read it, so it is built field by field
 * rather than by dumping `CheckResult`: internal fields can change without
 * breaking anyone, and optional fields are omitted rather than `null`.
 */
import path from 'node:path'
import type { CheckResult, CheckStatus, FailOn } from '../model/result.js'
import type { DriftChange, DriftKind, DriftVerdict } from '../model/drift.js'
import type { Severity, SourceLocation, StageName, StageStatus } from '../model/findings.js'
import { countBySeverity } from './facts.js'
import { reviewJson } from './review.js'
import type { MigrationReview } from '../model/review.js'

/** Bumped when a field changes meaning or disappears; new fields do not bump it. */
export const JSON_REPORT_VERSION = 1

/** Says a file is this tool's report (`mode: publish` refuses any other). */
export const JSON_REPORT_FORMAT = 'migrate-seed-check/report'

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
  /** The command that ran, as arguments (redacted). */
  command?: string[]
  /** Size-capped tail of the command's output (redacted). */
  output?: string
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
  /** For a seed failure on a missing table or column: what was missing. */
  missingObject?: { table?: string; column?: string }
}

/** The pull request a run checked, recorded by the action so a publishing workflow can find it again. */
export interface JsonPullRequest {
  number: number
  headSha: string
}

/** The whole JSON report. */
export interface JsonReport {
  /** Always {@link JSON_REPORT_FORMAT}. */
  format: string
  version: number
  status: CheckStatus
  workingDirectory: string
  prismaVersion?: string
  /** How the project runs package binaries (`npx`, `pnpm exec`…), for the commands the report suggests. */
  runner?: string
  /** Whose verdict the drift is: Prisma's own differ, or the catalog comparison. */
  verdict?: DriftVerdict
  durationMs: number
  failedOn: FailOn[]
  counts: Record<Severity, number>
  stages: JsonStage[]
  problems: JsonProblem[]
  drift: JsonDriftItem[]
  fixSqlPath?: string
  /** `fixSqlPath` relative to the repository root, as the job summary shows it. */
  fixSqlFile?: string
  /** The suggested fix migration's SQL. */
  fixSql?: string
  pullRequest?: JsonPullRequest
  /** The migration review: database changes, per-statement measurements, findings. */
  review?: MigrationReview
}

/** What the report knows besides the result. */
export interface JsonContext {
  /** The repository root, for {@link JsonReport.fixSqlFile}. */
  repoRoot?: string
  pullRequest?: JsonPullRequest
}

/** The JSON report of a result, ready for `JSON.stringify`. Redact the result first. */
export function toJson(result: CheckResult, context: JsonContext = {}): JsonReport {
  const fixSqlFile =
    result.fixSqlPath && context.repoRoot
      ? path.relative(context.repoRoot, result.fixSqlPath).split(path.sep).join('/')
      : undefined
  return withoutUndefined({
    format: JSON_REPORT_FORMAT,
    version: JSON_REPORT_VERSION,
    status: result.status,
    workingDirectory: result.workingDirectory,
    prismaVersion: result.prismaVersion,
    runner: result.runner,
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
        timedOut: stage.timedOut,
        command: stage.command,
        output: stage.output
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
        explainedBy: problem.explainedBy,
        missingObject: problem.missingObject
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
    fixSqlFile,
    fixSql: result.fixSql,
    pullRequest: context.pullRequest,
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

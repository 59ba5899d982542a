/**
 * Reads a report.json back into a `CheckResult`, for `mode: publish`. The
 * file comes from a pull request's run, possibly from a fork: it is untrusted
 * data. Every field is checked for its type and its allowed values (zod)
 * before anything uses it, unknown fields are dropped, and nothing in it is
 * treated as a path to open or a command to run: it only becomes text, which
 * the renderers escape like any repository text.
 */
import { z } from 'zod'
import { DRIFT_CHANGES, DRIFT_KINDS, VERDICT_SOURCES } from '../model/drift.js'
import { STAGE_STATUSES, STAGES } from '../model/findings.js'
import { CHECK_STATUSES, FAIL_ON, RUNNERS, type CheckResult } from '../model/result.js'
import {
  BLOCKS,
  DATABASE_CHANGE_KINDS,
  ENGINE_MODES,
  HAZARD_CLASSES,
  MIGRATION_SAFETIES,
  SENT_AS,
  STATEMENT_STATUSES,
  TRANSACTION_KINDS
} from '../model/review.js'
import { LOCK_MODES } from '../review/locks.js'
import { SEVERITIES } from './facts.js'
import { JSON_REPORT_FORMAT, JSON_REPORT_VERSION, type JsonReport } from './json.js'

/** Report versions this reader understands. */
export const READABLE_VERSIONS: readonly number[] = [JSON_REPORT_VERSION]

/** A report that is not ours, of an unknown version, or malformed: `message` says which and what to do. */
export class ReportFormatError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ReportFormatError'
  }
}

const severity = z.enum(SEVERITIES)
const stageName = z.enum(STAGES)
const driftKind = z.enum(DRIFT_KINDS)
const count = z.number().int().nonnegative()
const line = z.number().int().positive()
const ms = z.number().nonnegative()

/** A repository path as annotations need it: relative, `/`-separated, never leaving the repository. */
const repoPath = z
  .string()
  .min(1)
  .max(1024)
  .refine(
    (p) => !p.startsWith('/') && !p.includes('\\') && !p.split('/').includes('..') && !p.includes('\0'),
    {
      message: 'must be a path inside the repository'
    }
  )

const location = z.object({ file: repoPath, line, endLine: line.optional(), column: line.optional() })

const lockMode = z.enum(LOCK_MODES)
const hazard = z.enum(HAZARD_CLASSES)
const tableRows = z.object({ table: z.string(), rows: count })

const statement = z.object({
  index: count,
  line,
  endLine: line,
  summary: z.string(),
  status: z.enum(STATEMENT_STATUSES),
  transaction: z
    .object({ kind: z.enum(TRANSACTION_KINDS), fromLine: line, untilLine: line.optional() })
    .optional(),
  durationMs: ms.optional(),
  holdMs: ms.optional(),
  locks: z.array(
    z.object({
      table: z.string(),
      mode: lockMode,
      blocks: z.enum(BLOCKS),
      newTable: z.boolean(),
      rows: count.optional(),
      held: z.object({ since: line, until: line.optional() }).optional()
    })
  ),
  rewrites: z.array(z.string()),
  scans: z.array(tableRows),
  indexBuilds: z.array(tableRows),
  droppedIndexes: z.array(z.object({ table: z.string(), index: z.string() })).optional(),
  hazards: z.array(hazard),
  error: z.string().optional()
})

const review = z.object({
  safety: z.enum(MIGRATION_SAFETIES),
  engine: z.enum(ENGINE_MODES),
  engineName: z.string().optional(),
  rowsPerTable: count,
  migrations: z.array(
    z.object({
      name: z.string(),
      file: repoPath,
      statements: z.array(statement),
      durationMs: ms,
      transactional: z.boolean(),
      sent: z.enum(SENT_AS),
      fallback: z.string().optional()
    })
  ),
  changes: z.array(
    z.object({
      table: z.string().optional(),
      kind: driftKind,
      change: z.enum(DATABASE_CHANGE_KINDS),
      object: z.string(),
      description: z.string(),
      before: z.string().optional(),
      after: z.string().optional(),
      dataLoss: z.object({ rows: count, affected: count, text: z.string() }).optional(),
      location: location.optional(),
      migration: z.string().optional()
    })
  ),
  findings: z.array(
    z.object({
      hazard,
      severity,
      title: z.string(),
      message: z.string(),
      saferPattern: z.string().optional(),
      location,
      migration: z.string(),
      statementIndex: count
    })
  ),
  incomplete: z.string().optional()
})

const report = z.object({
  format: z.literal(JSON_REPORT_FORMAT),
  version: z.number().int(),
  status: z.enum(CHECK_STATUSES),
  workingDirectory: z.string().max(1024),
  prismaVersion: z.string().max(100).optional(),
  runner: z.enum(RUNNERS).optional(),
  verdict: z.object({ source: z.enum(VERDICT_SOURCES), summary: z.string() }).optional(),
  durationMs: ms,
  failedOn: z.array(z.enum(FAIL_ON)),
  counts: z.object({ error: count, warning: count, notice: count, info: count }),
  stages: z.array(
    z.object({
      name: stageName,
      status: z.enum(STAGE_STATUSES),
      durationMs: ms,
      startMs: ms.optional(),
      endMs: ms.optional(),
      summary: z.string(),
      exitCode: z.number().int().nullable().optional(),
      timedOut: z.boolean().optional(),
      command: z.array(z.string()).optional(),
      output: z.string().optional()
    })
  ),
  problems: z.array(
    z.object({
      stage: stageName,
      severity,
      title: z.string(),
      message: z.string(),
      code: z.string().max(100).optional(),
      location: location.optional(),
      explainedBy: z.array(z.string()).optional(),
      missingObject: z.object({ table: z.string().optional(), column: z.string().optional() }).optional()
    })
  ),
  drift: z.array(
    z.object({
      kind: driftKind,
      change: z.enum(DRIFT_CHANGES),
      object: z.string(),
      severity,
      expected: z.string().optional(),
      actual: z.string().optional(),
      aspects: z.array(z.string()).optional(),
      location: location.optional(),
      note: z.string().optional(),
      fixSql: z.string().optional()
    })
  ),
  fixSqlPath: z.string().optional(),
  fixSqlFile: repoPath.optional(),
  fixSql: z.string().optional(),
  pullRequest: z
    .object({ number: z.number().int().positive(), headSha: z.string().regex(/^[0-9a-f]{40}$/) })
    .optional(),
  review: review.optional()
})

/** The report as read: the result to render, and the pull request the run recorded. */
export interface ReadReport {
  result: CheckResult
  pullRequest?: JsonReport['pullRequest']
}

/**
 * Parses and validates a report.json's text.
 * @throws ReportFormatError when it is not JSON, not ours, of a version this
 * reader does not know, or has a field of the wrong type or value.
 */
export function readJsonReport(text: string): ReadReport {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw new ReportFormatError(`it is not JSON (${(error as Error).message}).`)
  }
  const format = (data as { format?: unknown } | null)?.format
  if (typeof data !== 'object' || data === null || format !== JSON_REPORT_FORMAT) {
    throw new ReportFormatError(
      `it is not a migrate-seed-check report (no "format": "${JSON_REPORT_FORMAT}"). Give the report.json the check wrote (its report-json output).`
    )
  }
  const version = (data as { version?: unknown }).version
  if (typeof version !== 'number' || !READABLE_VERSIONS.includes(version)) {
    throw new ReportFormatError(
      `its version ${JSON.stringify(version)} is not one this action reads (${READABLE_VERSIONS.join(', ')}). Use the same version of migrate-seed-check in both workflows.`
    )
  }
  const parsed = report.safeParse(data)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue?.path.length ? issue.path.join('.') : 'the report'
    throw new ReportFormatError(
      `${where}: ${issue?.message ?? 'invalid'}. The file was changed or is damaged.`
    )
  }
  return { result: toResult(parsed.data), pullRequest: parsed.data.pullRequest }
}

function toResult(json: z.infer<typeof report>): CheckResult {
  return {
    status: json.status,
    workingDirectory: json.workingDirectory,
    prismaVersion: json.prismaVersion,
    runner: json.runner,
    stages: json.stages,
    problems: json.problems,
    // The target is what the comparison worked on; no report section reads it.
    drift: json.drift.map((item) => ({ ...item, target: { schema: '' } })),
    fixSqlPath: json.fixSqlFile,
    fixSql: json.fixSql,
    verdict: json.verdict,
    failedOn: json.failedOn,
    durationMs: json.durationMs,
    review: json.review
  }
}

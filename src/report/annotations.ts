/**
 * Plans the annotations of a run. GitHub keeps at most 10 annotations of each
 * level from one step and silently drops the rest, so a naive loop over 40
 * drift items would hide 30 of them without a word. Here findings on one line
 * become one annotation, the most severe come first, and the last annotation a
 * level may have says how many more there are and where they are listed.
 * Pure: the caller turns each plan into `core.error` / `core.warning` / `core.notice`.
 */
import type { CheckResult } from '../model/result.js'
import type { DriftItem } from '../model/drift.js'
import type { Problem, Severity, SourceLocation } from '../model/findings.js'
import {
  clip,
  compareLocations,
  describeChange,
  explainItem,
  explainingItems,
  formatLocation,
  plural,
  severityRank
} from './facts.js'
import { reviewAnnotations } from './review.js'

/** The levels GitHub annotates; `info` findings appear only in the summary and the comment. */
export type AnnotationLevel = 'error' | 'warning' | 'notice'

/** One annotation, in the shape of `core.AnnotationProperties` plus its level and text. */
export interface Annotation {
  level: AnnotationLevel
  message: string
  title: string
  /** Path from the repository root. */
  file?: string
  startLine?: number
  endLine?: number
}

/** GitHub's limit of annotations per level and step. */
export const ANNOTATIONS_PER_LEVEL = 10

/** Fix SQL longer than this is cut in an annotation; the summary has all of it. */
const FIX_SQL_CHARS = 600

/** A problem or a drift item reduced to what an annotation needs. */
interface Finding {
  severity: AnnotationLevel
  title: string
  message: string
  location?: SourceLocation
  /** Failures before drift at the same severity: they are why the run stopped. */
  isProblem: boolean
}

/** Findings that share a file and line. */
interface Group {
  findings: Finding[]
  level: AnnotationLevel
  location?: SourceLocation
}

/** Options of {@link planAnnotations}. */
export interface PlanOptions {
  /**
   * Error annotations the caller emits after these. The action ends a failed
   * run with `core.setFailed`, whose `::error::` line GitHub counts among the
   * step's 10 (and keeps the first 10), so by default a failed result leaves
   * one error slot free: otherwise the last annotation, the one that says how
   * many more there are, would push that line out or be pushed out by it.
   */
  reservedErrors?: number
  /**
   * Where every finding is annotated, when a check run carries them all (its
   * name and link): the annotation that says how many more there are points there.
   */
  checkRun?: string
}

/**
 * The annotations to emit for a result, at most {@link ANNOTATIONS_PER_LEVEL}
 * per level (less the reserved error slots), ordered by level (errors first),
 * failures before drift, then by file and line.
 */
export function planAnnotations(result: CheckResult, options: PlanOptions = {}): Annotation[] {
  const groups = groupsOf(result)
  const reserved = options.reservedErrors ?? (result.status === 'failed' ? 1 : 0)
  const levels: AnnotationLevel[] = ['error', 'warning', 'notice']
  return levels.flatMap((level) =>
    capLevel(
      groups.filter((group) => group.level === level),
      level,
      Math.max(1, ANNOTATIONS_PER_LEVEL - (level === 'error' ? reserved : 0)),
      options.checkRun
    )
  )
}

/**
 * Every annotation of a result, uncapped, in the order of {@link planAnnotations}:
 * what a check run carries, which takes any number of them.
 */
export function allAnnotations(result: CheckResult): Annotation[] {
  return groupsOf(result).map(toAnnotation)
}

function groupsOf(result: CheckResult): Group[] {
  const findings = [
    ...result.problems.flatMap((problem) => problemFinding(result, problem)),
    ...result.drift.flatMap(driftFinding),
    ...reviewAnnotations(result.review).flatMap((f): Finding[] =>
      isAnnotated(f.severity) ? [{ ...f, severity: f.severity, isProblem: false }] : []
    )
  ]
  const groups = groupByLine(findings).sort(compareGroups)
  const levels: AnnotationLevel[] = ['error', 'warning', 'notice']
  return levels.flatMap((level) => groups.filter((group) => group.level === level))
}

function isAnnotated(severity: Severity): severity is AnnotationLevel {
  return severity !== 'info'
}

function problemFinding(result: CheckResult, problem: Problem): Finding[] {
  if (!isAnnotated(problem.severity)) return []
  const causes = explainingItems(result, problem.explainedBy).map((item) => {
    const where = item.location ? ` (${formatLocation(item.location)})` : ''
    return `- ${item.object}: ${describeChange(item)}${where}`
  })
  const message = causes.length
    ? `${problem.message}\n\nCaused by drift:\n${causes.join('\n')}`
    : problem.message
  return [
    { severity: problem.severity, title: problem.title, message, location: problem.location, isProblem: true }
  ]
}

function driftFinding(item: DriftItem): Finding[] {
  if (!isAnnotated(item.severity)) return []
  const lines = [explainItem(item)]
  if (item.expected) lines.push(`Schema expects: ${item.expected}`)
  if (item.actual) lines.push(`Migrations create: ${item.actual}`)
  if (item.fixSql) lines.push(`Fix: ${clip(item.fixSql.trim(), FIX_SQL_CHARS)}`)
  const change = describeChange(item)
  const title = `Drift: ${change} ${item.object}`
  return [
    { severity: item.severity, title, message: lines.join('\n'), location: item.location, isProblem: false }
  ]
}

/** Findings on the same file and line become one group; findings without a file stay alone. */
function groupByLine(findings: readonly Finding[]): Group[] {
  const byKey = new Map<string, Group>()
  const alone: Group[] = []
  for (const finding of findings) {
    if (!finding.location) {
      alone.push({ findings: [finding], level: finding.severity })
      continue
    }
    const key = `${finding.location.file}\n${finding.location.line}`
    const group = byKey.get(key)
    if (!group) byKey.set(key, { findings: [finding], level: finding.severity, location: finding.location })
    else addToGroup(group, finding)
  }
  return [...byKey.values(), ...alone]
}

function addToGroup(group: Group, finding: Finding): void {
  group.findings.push(finding)
  if (severityRank(finding.severity) < severityRank(group.level)) group.level = finding.severity
  const end = Math.max(group.location?.endLine ?? 0, finding.location?.endLine ?? 0)
  if (group.location && end > group.location.line) group.location = { ...group.location, endLine: end }
}

function compareGroups(a: Group, b: Group): number {
  return (
    severityRank(a.level) - severityRank(b.level) ||
    Number(hasProblem(b)) - Number(hasProblem(a)) ||
    compareLocations(a.location, b.location)
  )
}

function hasProblem(group: Group): boolean {
  return group.findings.some((finding) => finding.isProblem)
}

/**
 * The first `slots` groups of a level as annotations; when more remain, the
 * last one also says how many findings were not annotated and where all are listed.
 */
function capLevel(
  groups: readonly Group[],
  level: AnnotationLevel,
  slots: number,
  checkRun: string | undefined
): Annotation[] {
  const kept = groups.slice(0, slots).map(toAnnotation)
  const rest = groups.slice(slots).reduce((sum, group) => sum + group.findings.length, 0)
  const last = kept[kept.length - 1]
  if (rest > 0 && last) {
    const what = plural(rest, `more ${level}`, `more ${level}s`)
    last.title = `${last.title} (+${rest.toLocaleString('en-US')} more)`
    const where = checkRun
      ? `The check run ${checkRun} annotates every finding on its line; the job summary lists them all.`
      : 'The job summary and the pull-request comment list every finding.'
    last.message =
      `${last.message}\n\n${what} ${rest === 1 ? 'is' : 'are'} not annotated here: GitHub shows at most ${ANNOTATIONS_PER_LEVEL} per step. ` +
      where
  }
  return kept
}

function toAnnotation(group: Group): Annotation {
  // The most severe finding names the annotation; failures before drift.
  const findings = [...group.findings].sort(
    (a, b) => severityRank(a.severity) - severityRank(b.severity) || Number(b.isProblem) - Number(a.isProblem)
  )
  const [first] = findings
  const title =
    findings.length === 1 || !first
      ? (first?.title ?? '')
      : `${first.title} (+${findings.length - 1} more on this line)`
  const message =
    findings.length === 1
      ? (first?.message ?? '')
      : findings.map((finding) => `• ${finding.title}\n${finding.message}`).join('\n\n')
  const annotation: Annotation = { level: group.level, title, message }
  if (group.location) {
    annotation.file = group.location.file
    annotation.startLine = group.location.line
    if (group.location.endLine && group.location.endLine > group.location.line) {
      annotation.endLine = group.location.endLine
    }
  }
  return annotation
}

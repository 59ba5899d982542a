/**
 * The check run of a result: its name, conclusion, title and summary, and
 * every finding on its file and line, cut into the batches the Checks API
 * takes (50 annotations a request: the create carries the first batch, each
 * update appends the next). The title and summary are the report's headline
 * and markdown, the conclusion its status, which `fail-on` decided. Pure: the
 * GitHub side (src/github/check-run.ts) sends what this plans.
 */
import type { CheckResult } from '../model/result.js'
import { allAnnotations, type AnnotationLevel } from './annotations.js'
import { clip, failureReasons, plural } from './facts.js'
import { renderMarkdown } from './markdown.js'

/** Annotations the Checks API takes in one request. */
export const ANNOTATIONS_PER_REQUEST = 50
/** GitHub's limit on a check run's summary, in characters (the renderer counts UTF-8 bytes, never fewer). */
export const CHECK_SUMMARY_LIMIT = 65_535
/** Limits on one annotation: its message (64 KB) and, by practice, its title. */
const MESSAGE_CHARS = 60_000
const TITLE_CHARS = 255
const CHECK_TITLE_CHARS = 1_000

/** One annotation in the Checks API's shape. */
export interface CheckAnnotation {
  path: string
  start_line: number
  end_line: number
  annotation_level: 'failure' | 'warning' | 'notice'
  title: string
  message: string
}

/** What to send. */
export interface CheckRunPlan {
  name: string
  conclusion: 'success' | 'failure'
  title: string
  summary: string
  /** At most {@link ANNOTATIONS_PER_REQUEST} each; the first goes with the create. */
  batches: CheckAnnotation[][]
  /** Findings without a file and line (a check run cannot place them): the summary lists them. */
  unplaced: number
}

const LEVELS: Record<AnnotationLevel, CheckAnnotation['annotation_level']> = {
  error: 'failure',
  warning: 'warning',
  notice: 'notice'
}

/** The check run's name: one per project directory, like the sticky comment. */
export function checkRunName(workingDirectory: string): string {
  return workingDirectory === '.' ? 'migrate-seed-check' : `migrate-seed-check (${workingDirectory})`
}

/** Plans the check run of `result`; `clean` redacts secrets from every text sent. */
export function planCheckRun(
  result: CheckResult,
  options: { summaryUrl?: string; clean: (text: string) => string }
): CheckRunPlan {
  const { clean } = options
  const annotations = allAnnotations(result)
  const placed: CheckAnnotation[] = []
  for (const a of annotations) {
    if (!a.file || !a.startLine) continue
    placed.push({
      path: a.file,
      start_line: a.startLine,
      end_line: a.endLine ?? a.startLine,
      annotation_level: LEVELS[a.level],
      title: clip(clean(a.title), TITLE_CHARS),
      message: clip(clean(a.message), MESSAGE_CHARS)
    })
  }
  const batches: CheckAnnotation[][] = []
  for (let i = 0; i < placed.length; i += ANNOTATIONS_PER_REQUEST)
    batches.push(placed.slice(i, i + ANNOTATIONS_PER_REQUEST))
  return {
    name: checkRunName(result.workingDirectory),
    conclusion: result.status === 'failed' ? 'failure' : 'success',
    title: clip(clean(title(result, placed.length)), CHECK_TITLE_CHARS),
    summary: clean(
      renderMarkdown(result, { maxLength: CHECK_SUMMARY_LIMIT, summaryUrl: options.summaryUrl })
    ),
    batches,
    unplaced: annotations.length - placed.length
  }
}

function title(result: CheckResult, annotated: number): string {
  const reasons = failureReasons(result)
  const verdict =
    result.status === 'passed' ? 'Passed' : `Failed${reasons.length ? `: ${reasons.join(', ')}` : ''}`
  return annotated ? `${verdict} (${plural(annotated, 'annotation')})` : verdict
}

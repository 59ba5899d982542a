/**
 * The top of the markdown report: the headline (passed or failed, and why),
 * what the drift means in a sentence or two with the counts, the notice of a
 * shortened report, and the table of stages with their times.
 */
import type { CheckResult } from '../model/result.js'
import type { DriftItem } from '../model/drift.js'
import type { StageResult, StageStatus } from '../model/findings.js'
import { escapeMessage, escapeText, inlineCode } from './escape.js'
import {
  clip,
  countBySeverity,
  countKinds,
  driftUnknown,
  explainingItems,
  failureReasons,
  formatDuration,
  plural,
  stageLabel
} from './facts.js'
import { CELL_CHARS, fullReportLink, type MarkdownOptions } from './markdown-options.js'

const STATUS_ICON: Record<StageStatus, string> = {
  passed: '✅',
  failed: '❌',
  skipped: '⏭️',
  warning: '⚠️'
}

export function headline(result: CheckResult, opts: MarkdownOptions): string {
  const title = escapeText(opts.title ?? 'migrate-seed-check')
  const where = result.workingDirectory === '.' ? '' : ` in ${inlineCode(result.workingDirectory)}`
  if (result.status === 'passed') return `### ✅ ${title} passed${where}`
  const reasons = failureReasons(result)
  const why = reasons.length ? `: ${reasons.join(' · ')}` : ''
  return `### ❌ ${title} failed${where}${why}`
}

/** One or two sentences under the headline: what the drift means, and the counts. */
export function overview(result: CheckResult): string {
  const lines = [...driftSentences(result.drift), explainedSeedSentence(result), countsLine(result)]
  return lines.filter(Boolean).join('<br>\n')
}

function driftSentences(drift: readonly DriftItem[]): string[] {
  const missing = drift.filter((item) => item.severity === 'error' && item.change === 'missing')
  const different = drift.filter((item) => item.severity === 'error' && item.change === 'different')
  const unexpected = drift.filter((item) => item.severity === 'warning' && item.change === 'unexpected')
  const sentences: string[] = []
  if (missing.length) {
    sentences.push(`${schemaName(missing)} declares **${countKinds(missing)}** that no migration creates.`)
  }
  if (different.length) {
    sentences.push(`The migrations define **${countKinds(different)}** differently from the schema.`)
  }
  if (unexpected.length) {
    sentences.push(
      `The migrations create **${countKinds(unexpected)}** that the schema does not declare (deliberate raw SQL?).`
    )
  }
  return sentences
}

/** "`prisma/schema.prisma`" when all located items are in one file, else "The schema". */
function schemaName(items: readonly DriftItem[]): string {
  const files = new Set(items.flatMap((item) => (item.location ? [item.location.file] : [])))
  const [only] = files
  return files.size === 1 && only?.endsWith('.prisma') ? inlineCode(only) : 'The schema'
}

function explainedSeedSentence(result: CheckResult): string | undefined {
  const seed = result.problems.find((problem) => problem.stage === 'seed' && problem.explainedBy?.length)
  if (!seed) return undefined
  const items = explainingItems(result, seed.explainedBy)
  const names = items.slice(0, 3).map((item) => inlineCode(item.object))
  const more = items.length > 3 ? ` and ${items.length - 3} more` : ''
  return names.length ? `The seed failed because of this drift (${names.join(', ')}${more}).` : undefined
}

function countsLine(result: CheckResult): string | undefined {
  const counts = countBySeverity(result.drift)
  const compared = result.stages.some((stage) => stage.name === 'compare' && stage.status !== 'skipped')
  const parts: string[] = []
  if (driftUnknown(result) && !result.drift.length) parts.push('Drift: not known (the compare stage failed)')
  else if (compared || result.drift.length) {
    const found = [plural(counts.error, 'error'), plural(counts.warning, 'warning')]
    if (counts.notice) found.push(plural(counts.notice, 'notice'))
    if (counts.info) found.push(`${counts.info} for information`)
    parts.push(`Drift: ${found.join(', ')}`)
  }
  if (result.verdict) parts.push(`verdict: ${escapeText(result.verdict.summary)}`)
  else if (result.prismaVersion) parts.push(`Prisma ${escapeText(result.prismaVersion)}`)
  return parts.length ? `<sub>${parts.join(' · ')}</sub>` : undefined
}

export function shortenedNotice(opts: MarkdownOptions): string {
  return `> [!NOTE]\n> This report is shortened to fit GitHub's size limit. The complete report is in ${fullReportLink(opts)}.`
}

export function stageTable(stages: readonly StageResult[]): string | undefined {
  if (!stages.length) return undefined
  const rows = stages.map(
    (stage) =>
      `| ${stageLabel(stage.name)} | ${STATUS_ICON[stage.status]} ${stage.status} | ${formatDuration(stage.durationMs)} | ${escapeMessage(clip(stage.summary, CELL_CHARS), { inTable: true })} |`
  )
  return ['| Stage | Result | Time | Details |', '|---|---|--:|---|', ...rows].join('\n')
}

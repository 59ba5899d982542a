/**
 * The report for a terminal, printed by the CLI: the same facts as the job
 * summary, laid out for a fixed-width screen, with `file:line` first so that
 * editors and terminals can open the place with a click. Repository text has
 * its control characters removed: an error message must not be able to send
 * escape sequences to the user's terminal.
 */
import pc from 'picocolors'
import type { CheckResult } from '../model/result.js'
import type { DriftItem } from '../model/drift.js'
import type { Problem, Severity, SourceLocation, StageResult, StageStatus } from '../model/findings.js'
import { outputAddsTo } from '../prisma/output.js'
import { stripControl } from './escape.js'
import {
  SEVERITIES,
  clip,
  countBySeverity,
  countKinds,
  describeChange,
  driftUnknown,
  explainingItems,
  failureReasons,
  formatDuration,
  formatLocation,
  plural,
  runner,
  sortDrift,
  stageLabel,
  tailLines
} from './facts.js'
import { reviewTerminal } from './review.js'

/** Options of {@link renderTerminal}. */
export interface TerminalOptions {
  /** Use ANSI colours (the CLI passes whether stdout is a TTY and NO_COLOR is unset). */
  color: boolean
}

/** The colours the report uses, by picocolors' names. */
type Color = 'red' | 'green' | 'yellow' | 'cyan' | 'gray' | 'bold'
type Paint = (color: Color, text: string) => string

const STATUS_MARK: Record<StageStatus, [mark: string, color: Color]> = {
  passed: ['✔', 'green'],
  failed: ['✖', 'red'],
  skipped: ['−', 'gray'],
  warning: ['!', 'yellow']
}

const SEVERITY_COLOR: Record<Severity, Color> = {
  error: 'red',
  warning: 'yellow',
  notice: 'cyan',
  info: 'gray'
}
const SEVERITY_HEADING: Record<Severity, string> = {
  error: 'Errors',
  warning: 'Warnings',
  notice: 'Notices',
  info: "For information (Prisma's differ leaves these alone)"
}

/** Lines of a failed stage's output shown; the CLI user can scroll up for the rest. */
const OUTPUT_LINES = 20

/** Renders the result as plain text, optionally coloured, ending with a newline. */
export function renderTerminal(result: CheckResult, options: TerminalOptions): string {
  const colors = pc.createColors(options.color)
  const paint: Paint = (color, text) => colors[color](text)
  const sections = [
    headline(result, paint),
    stagesBlock(result.stages, paint),
    problemsBlock(result, paint),
    driftBlock(result, paint),
    ((text) => text && clean(text))(reviewTerminal(result.review)),
    fixBlock(result, paint)
  ]
  return sections.filter((section): section is string => Boolean(section)).join('\n\n') + '\n'
}

/** Control characters out; a tab or newline is all a line of ours may carry. */
function clean(text: string): string {
  return stripControl(text)
}

/** `file:line`, cleaned: the file name comes from the repository too. */
function where(location: SourceLocation): string {
  return clean(formatLocation(location))
}

function headline(result: CheckResult, paint: Paint): string {
  const dir = result.workingDirectory === '.' ? '' : ` (${clean(result.workingDirectory)})`
  const time = formatDuration(result.durationMs)
  if (result.status === 'passed') return paint('green', `✔ migrate-seed-check passed${dir} in ${time}`)
  const reasons = failureReasons(result)
  const why = reasons.length ? `: ${reasons.join(', ')}` : ''
  return paint('red', `✖ migrate-seed-check failed${dir}${why}`) + paint('gray', ` (${time})`)
}

function stagesBlock(stages: readonly StageResult[], paint: Paint): string | undefined {
  if (!stages.length) return undefined
  const width = Math.max(...stages.map((stage) => stageLabel(stage.name).length))
  const lines = stages.map((stage) => {
    const [mark, color] = STATUS_MARK[stage.status]
    const time = formatDuration(stage.durationMs).padStart(8)
    const summary = clean(stage.summary).replace(/\n/g, ' ')
    return `  ${paint(color, mark)} ${stageLabel(stage.name).padEnd(width)} ${paint('gray', time)}  ${summary}`
  })
  return ['Stages', ...lines].join('\n')
}

function problemsBlock(result: CheckResult, paint: Paint): string | undefined {
  if (!result.problems.length) return undefined
  const blocks = result.problems.map((problem) => problemLines(result, problem, paint))
  return ['Problems', ...blocks].join('\n\n')
}

function problemLines(result: CheckResult, problem: Problem, paint: Paint): string {
  const place = problem.location ? `${where(problem.location)}  ` : ''
  const code = problem.code ? paint('gray', ` [${clean(problem.code)}]`) : ''
  const lines = [
    `  ${paint(SEVERITY_COLOR[problem.severity], '●')} ${place}${paint('bold', clean(problem.title))}${code}`
  ]
  lines.push(...indent(clean(problem.message), 4))
  const causes = explainingItems(result, problem.explainedBy)
  if (causes.length) lines.push('    caused by drift:', ...causes.map((item) => `      ${driftLine(item)}`))
  const stage = result.stages.find((s) => s.name === problem.stage)
  // Prisma's output once per problem: not again when the message already quotes all of it.
  if (stage?.status === 'failed' && stage.output?.trim() && outputAddsTo(problem.message, stage.output))
    lines.push(...outputLines(stage, paint))
  return lines.join('\n')
}

function outputLines(stage: StageResult, paint: Paint): string[] {
  const { text, dropped } = tailLines(clean(stage.output ?? ''), OUTPUT_LINES)
  const command = stage.command?.length ? clean(stage.command.join(' ')) : stageLabel(stage.name)
  const note = dropped ? `, last ${OUTPUT_LINES} lines` : ''
  return [
    paint('gray', `    output of ${command}${note}:`),
    ...indent(text, 6).map((line) => paint('gray', line))
  ]
}

function indent(text: string, spaces: number): string[] {
  const pad = ' '.repeat(spaces)
  return text.split('\n').map((line) => (line ? pad + line : line))
}

function driftLine(item: DriftItem): string {
  const place = item.location ? `${where(item.location)}  ` : ''
  return `${place}${clean(item.object)}: ${describeChange(item)}`
}

function driftBlock(result: CheckResult, paint: Paint): string | undefined {
  const drift = result.drift
  const verdict = result.verdict ? paint('gray', `  verdict: ${clean(result.verdict.summary)}`) : ''
  if (!drift.length && driftUnknown(result)) return `Drift: not known (the compare stage failed)\n${verdict}`
  if (!drift.length) return verdict ? `Drift: none\n${verdict}` : undefined
  const sorted = sortDrift(drift)
  const counts = countBySeverity(drift)
  const totals = SEVERITIES.filter((severity) => counts[severity] > 0)
    .map((severity) => plural(counts[severity], severity === 'info' ? 'info item' : severity))
    .join(', ')
  const groups = SEVERITIES.filter((severity) => counts[severity] > 0).map((severity) => {
    const items = sorted.filter((item) => item.severity === severity)
    const heading = paint(SEVERITY_COLOR[severity], `  ${SEVERITY_HEADING[severity]} (${countKinds(items)})`)
    // Locations padded to one width so the object names line up in a column.
    const width = Math.max(...items.map((item) => (item.location ? where(item.location).length : 0)))
    return [heading, ...items.map((item) => driftItemLine(item, width))].join('\n')
  })
  return [`Drift: ${totals}`, ...(verdict ? [verdict] : []), ...groups].join('\n')
}

function driftItemLine(item: DriftItem, locationWidth: number): string {
  const place = (item.location ? where(item.location) : '').padEnd(locationWidth)
  const definitions = [
    item.expected ? `schema: ${clip(clean(item.expected), 120)}` : '',
    item.actual ? `migrations: ${clip(clean(item.actual), 120)}` : ''
  ].filter(Boolean)
  const detail = definitions.length ? `  (${definitions.join('; ')})` : ''
  const line = `    ${place}${locationWidth ? '  ' : ''}${clean(item.object)}: ${describeChange(item)}${detail}`
  return line.replace(/\n/g, ' ')
}

function fixBlock(result: CheckResult, paint: Paint): string | undefined {
  const counts = countBySeverity(result.drift)
  if (!result.fixSqlPath && counts.error === 0) return undefined
  const lines = ['How to fix the drift']
  if (result.fixSqlPath) {
    lines.push(`  suggested migration: ${paint('bold', clean(result.fixSqlPath))}`)
    lines.push('  review it, then copy it to prisma/migrations/<timestamp>_fix_drift/migration.sql')
  }
  lines.push(
    `  or let Prisma write it: ${paint('bold', `${runner(result)} prisma migrate dev --name fix_drift`)}`
  )
  return lines.join('\n')
}

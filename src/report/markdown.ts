/**
 * The markdown report: the job summary and the sticky pull-request comment are
 * both this text, rendered to fit a size limit. Written for the developer whose
 * pull request just turned red: what failed and why first, then where, then
 * how to fix it. All repository and database text goes through `escape.ts`.
 */
import type { CheckResult } from '../model/result.js'
import type { DriftItem } from '../model/drift.js'
import type { Problem, StageResult, StageStatus, Severity } from '../model/findings.js'
import { codeBlock, escapeHtml, escapeMessage, escapeText, inlineCode } from './escape.js'
import {
  clip,
  countBySeverity,
  countKinds,
  describeChange,
  driftUnknown,
  explainingItems,
  failureReasons,
  formatDuration,
  formatLocation,
  kindName,
  plural,
  runner,
  sortDrift,
  stageLabel,
  tailLines,
  whyIgnored
} from './facts.js'
import { outputAddsTo } from '../prisma/output.js'
import { pinnedCommand } from '../util/version.js'
import { reviewMarkdown } from './review.js'

/** Options of {@link renderMarkdown}. */
export interface MarkdownOptions {
  /** Hidden first line that finds the sticky comment again (see {@link commentMarker}). */
  marker?: string
  /**
   * Upper bound of the result, in UTF-8 bytes (never fewer than characters, so
   * it is safe both for the comment's 65,536 characters and the summary's 1 MiB).
   */
  maxLength: number
  /** Link to the job summary of this run: the pointer a shortened report gives. */
  summaryUrl?: string
  /** Headline prefix; default `migrate-seed-check`. */
  title?: string
  /**
   * Markdown naming where the complete report is, when it is not the job summary
   * (for the job summary itself: "the `report-json` file of this run"). Added field.
   */
  fullReport?: string
}

/** How much detail one rendering attempt includes; the renderer lowers it until the text fits. */
interface Detail {
  /** Lines of process output shown per failed stage; 0 drops the outputs. */
  outputLines: number
  /** Whether the suggested migration's SQL is shown. */
  sql: boolean
  /** Drift rows shown (all tables together); the rest are counted. */
  rows: number
  /** Characters of a problem's message. */
  messageChars: number
  /** Set when anything was left out, so the report says so at the top. */
  shortened: boolean
}

/** Error messages of a migration can be long; they are cut here (the output block has the rest). */
const FULL_MESSAGE_CHARS = 4000
/** Definitions longer than this (a long CHECK expression) are clipped in table cells. */
const CELL_CHARS = 300
/** Characters kept of one line of process output (minified code makes lines of kilobytes). */
const OUTPUT_LINE_CHARS = 500
/** How many explaining drift items a problem lists by name. */
const EXPLAINED_BY_SHOWN = 5

const STATUS_ICON: Record<StageStatus, string> = {
  passed: '✅',
  failed: '❌',
  skipped: '⏭️',
  warning: '⚠️'
}

const SEVERITY_ICON: Record<Severity, string> = {
  error: '❌',
  warning: '⚠️',
  notice: '🔎',
  info: 'ℹ️'
}

/** The hidden marker of the sticky comment for one project directory. */
export function commentMarker(workingDirectory: string): string {
  // `-->` in a directory name would end the HTML comment early and show the rest.
  const safe = workingDirectory.replace(/[<>]/g, encodeURIComponent).replace(/--/g, '-%2D')
  return `<!-- migrate-seed-check:${safe} -->`
}

/**
 * Renders the report as GitHub-flavoured markdown of at most `opts.maxLength`
 * UTF-8 bytes. When the full report is too long, parts are dropped least
 * important first: long process outputs, then the suggested SQL, then drift rows
 * beyond what fits ("… and N more — see the job summary"). The marker, the
 * headline and the pointer to the full report are always kept.
 */
export function renderMarkdown(result: CheckResult, opts: MarkdownOptions): string {
  const totalRows = result.drift.length
  const full: Detail = {
    outputLines: 80,
    sql: true,
    rows: totalRows,
    messageChars: FULL_MESSAGE_CHARS,
    shortened: false
  }
  const attempts: Detail[] = [
    full,
    { ...full, outputLines: 15, shortened: true },
    { ...full, outputLines: 0, shortened: true },
    { ...full, outputLines: 0, sql: false, shortened: true }
  ]
  for (const detail of attempts) {
    const text = render(result, opts, detail)
    if (fits(text, opts.maxLength)) return text
  }
  const lean: Detail = { outputLines: 0, sql: false, rows: 0, messageChars: 1000, shortened: true }
  const rows = largestFitting(totalRows, (n) =>
    fits(render(result, opts, { ...lean, rows: n }), opts.maxLength)
  )
  const text = render(result, opts, { ...lean, rows: rows ?? 0 })
  return fits(text, opts.maxLength) ? text : hardCut(result, opts)
}

function fits(text: string, maxLength: number): boolean {
  return Buffer.byteLength(text, 'utf8') <= maxLength
}

/** Binary search for the largest n in [0, max] with ok(n) true (ok is monotonic); undefined if none. */
function largestFitting(max: number, ok: (n: number) => boolean): number | undefined {
  if (!ok(0)) return undefined
  let low = 0
  let high = max
  while (low < high) {
    const mid = Math.ceil((low + high) / 2)
    if (ok(mid)) low = mid
    else high = mid - 1
  }
  return low
}

/** Last resort when even the lean report is too long: headline and pointer only, then a plain cut. */
function hardCut(result: CheckResult, opts: MarkdownOptions): string {
  const pointer = `_The report is too long to show here; see ${fullReportLink(opts)}._`
  const text = [opts.marker, headline(result, opts), pointer].filter(Boolean).join('\n\n')
  let cut = text
  while (!fits(cut, opts.maxLength) && cut.length > 0) cut = cut.slice(0, cut.length - 64)
  return cut
}

function render(result: CheckResult, opts: MarkdownOptions, detail: Detail): string {
  const sections = [
    opts.marker,
    headline(result, opts),
    overview(result),
    detail.shortened ? shortenedNotice(opts) : undefined,
    stageTable(result.stages),
    problemsSection(result, detail),
    driftSection(result, detail, opts),
    reviewMarkdown(result.review, detail.shortened),
    fixSection(result, detail),
    reproduceSection(result),
    footer(result, opts)
  ]
  return sections.filter((section): section is string => Boolean(section)).join('\n\n') + '\n'
}

function fullReportLink(opts: MarkdownOptions): string {
  if (opts.fullReport) return opts.fullReport
  return opts.summaryUrl ? `[the job summary](${opts.summaryUrl})` : 'the job summary of this workflow run'
}

// ---------------------------------------------------------------- headline

function headline(result: CheckResult, opts: MarkdownOptions): string {
  const title = escapeText(opts.title ?? 'migrate-seed-check')
  const where = result.workingDirectory === '.' ? '' : ` in ${inlineCode(result.workingDirectory)}`
  if (result.status === 'passed') return `### ✅ ${title} passed${where}`
  const reasons = failureReasons(result)
  const why = reasons.length ? `: ${reasons.join(' · ')}` : ''
  return `### ❌ ${title} failed${where}${why}`
}

/** One or two sentences under the headline: what the drift means, and the counts. */
function overview(result: CheckResult): string {
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

function shortenedNotice(opts: MarkdownOptions): string {
  return `> [!NOTE]\n> This report is shortened to fit GitHub's size limit. The complete report is in ${fullReportLink(opts)}.`
}

// ---------------------------------------------------------------- stages

function stageTable(stages: readonly StageResult[]): string | undefined {
  if (!stages.length) return undefined
  const rows = stages.map(
    (stage) =>
      `| ${stageLabel(stage.name)} | ${STATUS_ICON[stage.status]} ${stage.status} | ${formatDuration(stage.durationMs)} | ${escapeMessage(clip(stage.summary, CELL_CHARS), { inTable: true })} |`
  )
  return ['| Stage | Result | Time | Details |', '|---|---|--:|---|', ...rows].join('\n')
}

// ---------------------------------------------------------------- problems

function problemsSection(result: CheckResult, detail: Detail): string | undefined {
  const problems = result.problems
  const shownOutputs = new Set<string>()
  const blocks = problems.map((problem) => {
    const stage = result.stages.find((s) => s.name === problem.stage)
    // Prisma's output once per problem: not again when the message already quotes all of it.
    const quoted = stage?.output !== undefined && !outputAddsTo(problem.message, stage.output)
    if (stage && quoted) shownOutputs.add(stage.name)
    const withOutput = stage && !shownOutputs.has(stage.name) ? stage : undefined
    if (withOutput) shownOutputs.add(withOutput.name)
    return problemBlock(result, problem, withOutput, detail)
  })
  // A failed stage without a problem still deserves its output: it is all there is to read.
  for (const stage of result.stages) {
    if (stage.status === 'failed' && !shownOutputs.has(stage.name)) {
      const output = outputBlock(stage, detail)
      if (output) blocks.push(output)
    }
  }
  return blocks.length ? ['### Problems', ...blocks].join('\n\n') : undefined
}

function problemBlock(result: CheckResult, problem: Problem, stage: StageResult | undefined, detail: Detail) {
  const where = problem.location ? ` · ${inlineCode(formatLocation(problem.location))}` : ''
  const code = problem.code ? ` · ${inlineCode(problem.code)}` : ''
  const parts = [
    `**${SEVERITY_ICON[problem.severity]} ${escapeMessage(problem.title)}**${where}${code}`,
    messageText(clip(problem.message, detail.messageChars)),
    explainedByList(result, problem) ?? missingObjectText(problem),
    stage ? outputBlock(stage, detail) : undefined
  ]
  return parts.filter(Boolean).join('\n\n')
}

/** Each line escaped on its own and joined by hard breaks, so the message keeps its shape. */
function messageText(message: string): string | undefined {
  const lines = message.split('\n').map((line) => escapeMessage(line))
  while (lines.length && lines[lines.length - 1] === '') lines.pop()
  return lines.length ? lines.join('  \n') : undefined
}

function explainedByList(result: CheckResult, problem: Problem): string | undefined {
  const items = explainingItems(result, problem.explainedBy)
  if (!items.length) return undefined
  const lines = items.slice(0, EXPLAINED_BY_SHOWN).map((item) => `- ${driftReference(item)}`)
  if (items.length > EXPLAINED_BY_SHOWN)
    lines.push(`- … and ${items.length - EXPLAINED_BY_SHOWN} more in the drift table`)
  return [`Caused by drift:`, ...lines].join('\n')
}

/** Without a drift item to blame (drift was not compared), at least name what the seed missed. */
function missingObjectText(problem: Problem): string | undefined {
  const missing = problem.missingObject
  if (!missing?.table && !missing?.column) return undefined
  const name = [missing.table, missing.column].filter(Boolean).join('.')
  return `The migrated database has no ${missing.column ? 'column' : 'table'} ${inlineCode(name)}.`
}

/** "`users.profile_picture` — missing column, declared at `prisma/schema.prisma:56`". */
function driftReference(item: DriftItem): string {
  const where = item.location ? `, declared at ${inlineCode(formatLocation(item.location))}` : ''
  return `${inlineCode(item.object)} — ${escapeText(describeChange(item))}${where}`
}

function outputBlock(stage: StageResult, detail: Detail): string | undefined {
  if (!stage.output?.trim() || detail.outputLines === 0) return undefined
  if (stage.status !== 'failed' && stage.status !== 'warning') return undefined
  const tail = tailLines(stage.output, detail.outputLines)
  const { dropped } = tail
  // Prisma quotes the failing line of its generated client, which is minified:
  // one such line is kilobytes of code that would fill the comment on its own.
  const text = tail.text
    .split('\n')
    .map((line) =>
      line.length <= OUTPUT_LINE_CHARS
        ? line
        : `${line.slice(0, OUTPUT_LINE_CHARS)}… (${(line.length - OUTPUT_LINE_CHARS).toLocaleString('en-US')} more characters)`
    )
    .join('\n')
  const command = stage.command?.length
    ? `<code>${escapeHtml(stage.command.join(' '))}</code>`
    : stageLabel(stage.name)
  const exit = stage.timedOut ? 'timed out' : stage.exitCode != null ? `exit code ${stage.exitCode}` : ''
  const facts = [exit, dropped ? `last ${detail.outputLines} lines` : ''].filter(Boolean).join(', ')
  const summary = `Output of ${command}${facts ? ` (${facts})` : ''}`
  return `<details><summary>${summary}</summary>\n\n${codeBlock(text, 'text')}\n\n</details>`
}

// ---------------------------------------------------------------- drift

function driftSection(result: CheckResult, detail: Detail, opts: MarkdownOptions): string | undefined {
  if (!result.drift.length) return undefined
  const sorted = sortDrift(result.drift)
  const reported = sorted.filter((item) => item.severity !== 'info')
  const info = sorted.filter((item) => item.severity === 'info')
  // One row budget for both tables: the reported findings take it first.
  const reportedRows = Math.min(reported.length, detail.rows)
  const infoRows = Math.min(info.length, detail.rows - reportedRows)
  const parts = [
    reported.length ? `### Drift: ${severityCounts(reported)}` : undefined,
    reported.length ? driftTable(reported, reportedRows, opts) : undefined,
    info.length ? infoBlock(info, infoRows, opts) : undefined
  ]
  return parts.filter(Boolean).join('\n\n')
}

/** "35 errors, 2 warnings": only the severities present. */
function severityCounts(items: readonly DriftItem[]): string {
  const counts = countBySeverity(items)
  const parts = (['error', 'warning', 'notice'] as const).map((severity) =>
    counts[severity] ? plural(counts[severity], severity) : ''
  )
  return parts.filter(Boolean).join(', ')
}

function driftTable(items: readonly DriftItem[], shown: number, opts: MarkdownOptions): string {
  const header = [
    '| | Object | Change | Schema expects | Migrations create | Where |',
    '|---|---|---|---|---|---|'
  ]
  const rows = items.slice(0, shown).map(driftRow)
  const table = shown > 0 ? [...header, ...rows].join('\n') : ''
  return [table, moreNote(items.length - shown, opts)].filter(Boolean).join('\n\n')
}

function driftRow(item: DriftItem): string {
  const cells = [
    SEVERITY_ICON[item.severity],
    inlineCode(item.object, { inTable: true }),
    escapeText(describeChange(item)),
    definitionCell(item.expected),
    definitionCell(item.actual),
    item.location ? inlineCode(formatLocation(item.location), { inTable: true }) : '—'
  ]
  return `| ${cells.join(' | ')} |`
}

function definitionCell(definition: string | undefined): string {
  return definition?.trim() ? inlineCode(clip(definition, CELL_CHARS), { inTable: true }) : '—'
}

function moreNote(hidden: number, opts: MarkdownOptions): string | undefined {
  if (hidden <= 0) return undefined
  return `_… and ${plural(hidden, 'more item')} — see ${fullReportLink(opts)}._`
}

/** Objects Prisma cannot express: listed for information, collapsed, never an error. */
function infoBlock(items: readonly DriftItem[], shown: number, opts: MarkdownOptions): string {
  const summary = `${plural(items.length, 'difference')} that Prisma's differ leaves alone (for information)`
  const header = ['| Object | Kind | Difference | Why it is not drift |', '|---|---|---|---|']
  const rows = items
    .slice(0, shown)
    .map(
      (item) =>
        `| ${inlineCode(item.object, { inTable: true })} | ${escapeText(kindName(item.kind))} | ${escapeText(item.change === 'unexpected' ? 'only in the migrations' : describeChange(item))} | ${escapeText(whyIgnored(item))} |`
    )
  const table = shown > 0 ? [...header, ...rows].join('\n') : ''
  const body = [table, moreNote(items.length - shown, opts)].filter(Boolean).join('\n\n')
  return `<details><summary>${escapeHtml(summary)}</summary>\n\n${body}\n\n</details>`
}

// ---------------------------------------------------------------- fix

function fixSection(result: CheckResult, detail: Detail): string | undefined {
  const counts = countBySeverity(result.drift)
  const migrationProblem = result.problems.find(
    (problem) => problem.stage === 'migrate' && problem.severity === 'error'
  )
  const steps: string[] = []
  if (migrationProblem) steps.push(migrationFixText(result, migrationProblem))
  if (counts.error > 0 || (result.fixSql && counts.warning > 0)) steps.push(driftFixText(result, detail))
  return steps.length ? ['### How to fix', ...steps].join('\n\n') : undefined
}

function migrationFixText(result: CheckResult, problem: Problem): string {
  const where = problem.location ? ` (${inlineCode(formatLocation(problem.location))})` : ''
  return [
    `**The failing migration${where}:** correct it if it has never been applied to a shared database; otherwise leave it and add a new migration that repairs its effect.`,
    `Check locally with ${inlineCode(`${runner(result)} prisma migrate reset`)} (drops your local database, applies every migration, runs the seed)${cdHint(result)}.`
  ].join(' ')
}

function driftFixText(result: CheckResult, detail: Detail): string {
  const folder = `${migrationsDir(result)}/<timestamp>_fix_drift/`
  const written = result.fixSqlPath ? ` (this run wrote it to ${inlineCode(result.fixSqlPath)})` : ''
  const lines = [
    `**The drift:** add a migration that creates what the schema declares${cdHint(result)}, either`,
    '',
    `- with Prisma, against your development database: ${inlineCode(`${runner(result)} prisma migrate dev --name fix_drift`)}, or`,
    `- with the suggested migration${written}: save it as ${inlineCode(`${folder}migration.sql`)}, review it, commit it.`
  ]
  const sql = result.fixSql?.trim()
  if (!sql) return lines.join('\n')
  if (!detail.sql) {
    lines.push(
      '',
      `_The suggested migration (${plural(lineCount(sql), 'line')}) is left out here to save space._`
    )
    return lines.join('\n')
  }
  const summary = `Suggested migration: ${plural(statementCount(sql), 'statement')}`
  lines.push('', `<details><summary>${summary}</summary>\n\n${codeBlock(sql, 'sql')}\n\n</details>`)
  return lines.join('\n')
}

/** Commands run in the project's directory; say so when it is not the repository root. */
function cdHint(result: CheckResult): string {
  return result.workingDirectory === '.' ? '' : ` in ${inlineCode(result.workingDirectory)}`
}

/**
 * Where the project's migrations live, as a path from the repository root: taken
 * from a located `migration.sql` when there is one, else beside the schema file.
 */
function migrationsDir(result: CheckResult): string {
  const locations = [...result.problems, ...result.drift].flatMap((x) =>
    x.location ? [x.location.file] : []
  )
  for (const file of locations) {
    const match = /^(.*\bmigrations)\/[^/]+\/migration\.sql$/.exec(file)
    if (match?.[1]) return match[1]
  }
  const schema = locations.find((file) => file.endsWith('.prisma'))
  if (schema) return `${schema.includes('/') ? schema.slice(0, schema.lastIndexOf('/')) : '.'}/migrations`
  return result.workingDirectory === '.'
    ? 'prisma/migrations'
    : `${result.workingDirectory}/prisma/migrations`
}

function statementCount(sql: string): number {
  return sql.split('\n').filter((line) => /;\s*$/.test(line)).length || 1
}

function lineCount(text: string): number {
  return text.split('\n').length
}

// ---------------------------------------------------------------- reproduce and footer

function reproduceSection(result: CheckResult): string | undefined {
  if (result.status === 'passed') return undefined
  const cd = result.workingDirectory === '.' ? '' : `cd ${result.workingDirectory}\n`
  const steps = codeBlock(
    `${cd}# DATABASE_URL pointing at an empty PostgreSQL database\n${runner(result)} prisma generate\n${runner(result)} prisma migrate deploy\n${runner(result)} prisma db seed`,
    'sh'
  )
  const whole = codeBlock(`${cd}${pinnedCommand()}`, 'sh')
  return [
    '<details><summary>Reproduce locally</summary>',
    '',
    'The same steps as this check:',
    '',
    steps,
    '',
    'or the whole check, drift included (it starts its own PostgreSQL when `DATABASE_URL` is not set):',
    '',
    whole,
    '',
    '</details>'
  ].join('\n')
}

function footer(result: CheckResult, opts: MarkdownOptions): string {
  const report = opts.summaryUrl ? ` · [full report](${opts.summaryUrl})` : ''
  const status = result.status === 'passed' ? 'passed' : 'failed'
  return `<sub>${escapeText(opts.title ?? 'migrate-seed-check')} ${status} in ${formatDuration(result.durationMs)}${report}</sub>`
}

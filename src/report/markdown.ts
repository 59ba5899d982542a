/**
 * The markdown report: the job summary and the sticky pull-request comment are
 * both this text, rendered to fit a size limit. Written for the developer whose
 * pull request just turned red: what failed and why first, then where, then
 * how to fix it. All repository and database text goes through `escape.ts`.
 *
 * The sections, top to bottom: markdown-summary.ts, markdown-problems.ts,
 * markdown-drift.ts, the review (review.ts), markdown-fix.ts. Table rows are
 * written by hand: their cells are escaped for GFM by escape.ts, and
 * markdown-table (which escapes nothing) either pads every cell to its
 * column's width or writes the delimiter row as `| - |`, never the `|---|`
 * of these reports, so it would change the bytes of every report.
 */
import type { CheckResult } from '../model/result.js'
import { reviewMarkdown } from './review.js'
import { driftSection } from './markdown-drift.js'
import { fixSection, footer, reproduceSection } from './markdown-fix.js'
import { fullReportLink, type Detail, type MarkdownOptions } from './markdown-options.js'
import { problemsSection } from './markdown-problems.js'
import { headline, overview, shortenedNotice, stageTable } from './markdown-summary.js'

/** Error messages of a migration can be long; they are cut here (the output block has the rest). */
const FULL_MESSAGE_CHARS = 4000

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

/**
 * The drift section of the markdown report: the table of reported items and,
 * collapsed, what Prisma's differ leaves alone; rows beyond the rendering's
 * budget are counted, not shown.
 */
import type { CheckResult } from '../model/result.js'
import type { DriftItem } from '../model/drift.js'
import { escapeHtml, escapeText, inlineCode } from './escape.js'
import {
  clip,
  countBySeverity,
  describeChange,
  formatLocation,
  kindName,
  plural,
  sortDrift,
  whyIgnored
} from './facts.js'
import {
  CELL_CHARS,
  fullReportLink,
  SEVERITY_ICON,
  type Detail,
  type MarkdownOptions
} from './markdown-options.js'

export function driftSection(result: CheckResult, detail: Detail, opts: MarkdownOptions): string | undefined {
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

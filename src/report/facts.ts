/**
 * The vocabulary every report shares: how a drift item is described, how items
 * are ordered and counted, why a run failed. Kept in one place so the PR
 * comment, the job summary, the annotations and the terminal say the same thing
 * in the same words. Pure functions, no formatting for any one medium.
 */
import type { CheckResult } from '../model/result.js'
import type { DriftItem, DriftKind } from '../model/drift.js'
import type { Severity, SourceLocation, StageName } from '../model/findings.js'
import { isRename } from '../drift/items.js'

/** Most important first; used for sorting and for choosing a group's level. */
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'notice', 'info']

/** Order in which kinds are counted in a sentence ("7 tables, 5 columns, 3 enums"). */
const KIND_ORDER: readonly DriftKind[] = [
  'table',
  'column',
  'enum',
  'enumValue',
  'primaryKey',
  'unique',
  'index',
  'foreignKey',
  'check',
  'view',
  'sequence',
  'extension',
  'function',
  'trigger'
]

const KIND_NAMES: Record<DriftKind, [singular: string, plural: string]> = {
  table: ['table', 'tables'],
  column: ['column', 'columns'],
  enum: ['enum', 'enums'],
  enumValue: ['enum value', 'enum values'],
  index: ['index', 'indexes'],
  unique: ['unique constraint', 'unique constraints'],
  primaryKey: ['primary key', 'primary keys'],
  foreignKey: ['foreign key', 'foreign keys'],
  check: ['check constraint', 'check constraints'],
  view: ['view', 'views'],
  sequence: ['sequence', 'sequences'],
  extension: ['extension', 'extensions'],
  function: ['function', 'functions'],
  trigger: ['trigger', 'triggers']
}

/** Names that read better than the identifier; other stages show their name capitalized. */
const STAGE_LABELS: Partial<Record<StageName, string>> = {
  project: 'Project',
  history: 'Migration history',
  upgrade: 'Upgrade test',
  expect: 'Expected schema'
}

/** "table", or "tables" when `count` is not 1. */
export function kindName(kind: DriftKind, count = 1): string {
  return KIND_NAMES[kind][count === 1 ? 0 : 1]
}

/** Human name of a pipeline stage, for tables and stage lines. */
export function stageLabel(name: StageName): string {
  return STAGE_LABELS[name] ?? `${name.charAt(0).toUpperCase()}${name.slice(1)}`
}

/** "5 errors", "1 warning". */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? singular : pluralForm}`
}

/**
 * What happened to the object, in a few words: "missing column",
 * "unexpected index", "column differs: type, default".
 */
export function describeChange(item: DriftItem): string {
  const kind = kindName(item.kind)
  if (item.change === 'missing') return `missing ${kind}`
  if (item.change === 'unexpected') return `unexpected ${kind}`
  if (isRename(item)) return `${kind} named differently: the next \`prisma migrate dev\` renames it`
  const aspects = item.aspects?.length ? `: ${item.aspects.join(', ')}` : ''
  return `${kind} differs${aspects}`
}

/**
 * Why an `info` item is not drift, for the reader: its own note (Prisma's
 * differ left it alone), or what Prisma's schema language cannot express.
 */
export function whyIgnored(item: DriftItem): string {
  if (item.note) return item.note
  switch (item.kind) {
    case 'check':
      return 'Prisma does not model check constraints: its differ neither creates nor drops them.'
    case 'function':
    case 'trigger':
      return `Prisma does not model ${kindName(item.kind, 2)}: they live in migrations only.`
    case 'view':
      return 'Prisma does not create or compare views (a `view` block only maps one for the client).'
    case 'extension':
      return 'Extensions are compared by Prisma only with the `postgresqlExtensions` preview feature.'
    case 'sequence':
      return 'A sequence no column owns is not in the schema, and Prisma leaves it alone.'
    case 'table':
      return 'Prisma does not model partitioning: it sees the parent table only.'
    case 'index':
    case 'unique':
      return 'Prisma cannot express partial, expression and exclusion indexes, and leaves them alone.'
    default:
      return 'Prisma does not manage this.'
  }
}

/** A sentence about the item for people who read it without a table around it. */
export function explainItem(item: DriftItem): string {
  const kind = kindName(item.kind)
  if (item.change === 'missing')
    return `The schema declares ${kind} ${item.object} but no migration creates it.`
  if (item.change === 'unexpected') {
    return `The migrations create ${kind} ${item.object}, which the schema does not declare.`
  }
  const aspects = item.aspects?.length ? ` (${item.aspects.join(', ')})` : ''
  return `The migrations define ${kind} ${item.object} differently from the schema${aspects}.`
}

/** `prisma/schema.prisma:56`, or `…:56-60` for a span. */
export function formatLocation(location: SourceLocation): string {
  const end = location.endLine && location.endLine !== location.line ? `-${location.endLine}` : ''
  return `${location.file}:${location.line}${end}`
}

/** "420 ms", "12.3 s", "2 min 5 s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  const minutes = Math.floor(ms / 60_000)
  const seconds = Math.round((ms % 60_000) / 1000)
  return `${minutes} min ${seconds} s`
}

/** Index of a severity in {@link SEVERITIES}: lower is more important. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity)
}

/**
 * Drift in reading order: by severity, then by file and line (so a table reads
 * like the schema file from top to bottom), items without a line last.
 */
export function sortDrift(items: readonly DriftItem[]): DriftItem[] {
  return [...items].sort(
    (a, b) =>
      severityRank(a.severity) - severityRank(b.severity) ||
      compareLocations(a.location, b.location) ||
      a.object.localeCompare(b.object)
  )
}

/** Located before unlocated; then by file, then by line. */
export function compareLocations(a?: SourceLocation, b?: SourceLocation): number {
  if (!a || !b) return (a ? 0 : 1) - (b ? 0 : 1)
  return a.file.localeCompare(b.file) || a.line - b.line
}

/** How many items there are of each severity. */
export function countBySeverity(items: readonly DriftItem[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, notice: 0, info: 0 }
  for (const item of items) counts[item.severity] += 1
  return counts
}

/** "7 tables, 5 columns and 3 enums" for the given items, kinds in a fixed order. */
export function countKinds(items: readonly DriftItem[]): string {
  const counts = new Map<DriftKind, number>()
  for (const item of items) counts.set(item.kind, (counts.get(item.kind) ?? 0) + 1)
  const parts = KIND_ORDER.filter((kind) => counts.has(kind)).map((kind) => {
    const count = counts.get(kind) ?? 0
    return `${count.toLocaleString('en-US')} ${kindName(kind, count)}`
  })
  return joinWords(parts)
}

/** "a", "a and b", "a, b and c". */
export function joinWords(parts: readonly string[]): string {
  if (parts.length <= 1) return parts.join('')
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`
}

/**
 * Why the run failed, as short phrases for a headline: "migration failed",
 * "seed failed", "15 drift errors". A stage that failed without being a
 * `failedOn` kind (connect, generate, expect…) is named too: it stopped the check.
 */
export function failureReasons(result: CheckResult): string[] {
  const reasons: string[] = []
  const counts = countBySeverity(result.drift)
  for (const stage of result.stages) {
    // A failed compare is the drift itself, counted below with a number that says more.
    if (stage.status !== 'failed' || (stage.name === 'compare' && counts.error > 0)) continue
    reasons.push(
      stage.name === 'migrate' ? 'a migration failed' : `${stageLabel(stage.name).toLowerCase()} failed`
    )
  }
  if (result.failedOn.includes('drift') && counts.error > 0) reasons.push(plural(counts.error, 'drift error'))
  if (result.failedOn.includes('warning') && counts.warning > 0) {
    reasons.push(plural(counts.warning, 'drift warning'))
  }
  return reasons
}

/**
 * Whether the run cannot say if there is drift: the compare stage failed
 * without an error item to show for it (Prisma's verdict could not be read).
 */
export function driftUnknown(result: CheckResult): boolean {
  const compare = result.stages.find((stage) => stage.name === 'compare')
  return compare?.status === 'failed' && countBySeverity(result.drift).error === 0
}

/** The drift items a problem names in `explainedBy`, in its order; unknown names are skipped. */
export function explainingItems(result: CheckResult, names: readonly string[] = []): DriftItem[] {
  return names.flatMap((name) => result.drift.filter((item) => item.object === name).slice(0, 1))
}

/** Cuts text to at most `max` characters, marking the cut with an ellipsis. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`
}

/** The last `maxLines` lines of a process output: the error is nearly always at the end. */
export function tailLines(text: string, maxLines: number): { text: string; dropped: number } {
  const lines = text.replace(/\n+$/, '').split('\n')
  const dropped = Math.max(0, lines.length - maxLines)
  return { text: lines.slice(dropped).join('\n'), dropped }
}

/** The project's way to run a package binary (`npx`, `pnpm exec`…), for suggested commands. */
export function runner(result: CheckResult): string {
  return result.runner ?? 'npx'
}

/**
 * The migration review in every report: the problem that fails the check
 * under `migration-safety: fail`, the annotations on the statements' lines,
 * the summary's "Database changes" and "Migration review" sections, the
 * terminal block, and the `review` object of report.json. Pure.
 */
import { escapeMessage, inlineCode } from './escape.js'
import type { Severity, SourceLocation } from '../model/findings.js'
import { lockName } from '../review/locks.js'
import type {
  DatabaseChange,
  HazardClass,
  MigrationReview,
  StatementLock,
  StatementReview
} from '../model/review.js'

const HAZARD_NAMES: Record<HazardClass, string> = {
  rewrite: 'rewrite',
  'blocking-lock': 'blocking lock',
  'long-scan': 'long scan',
  'data-loss': 'data loss',
  'no-transaction': 'fails in a transaction',
  'half-applied': 'half-applied on failure'
}

const n = (x: number) => x.toLocaleString('en-US')
const ms = (x: number | undefined) =>
  x === undefined
    ? '—'
    : x < 10
      ? `${x.toFixed(1)} ms`
      : x < 1000
        ? `${Math.round(x)} ms`
        : `${(x / 1000).toFixed(1)} s`

/** The review's findings as annotations need them. */
export function reviewAnnotations(
  review: MigrationReview | undefined
): { severity: Severity; title: string; message: string; location: SourceLocation }[] {
  if (!review || review.safety === 'off') return []
  return review.findings.map((f) => ({
    severity: f.severity,
    title: `Migration review: ${f.title}`,
    message: f.saferPattern ? `${f.message}\nSafer: ${f.saferPattern}` : f.message,
    location: f.location
  }))
}

function engineSentence(review: MigrationReview): string {
  const who = review.engineName ?? "Prisma's schema engine"
  const whole = review.migrations.filter((m) => m.sent === 'whole' && m.fallback !== undefined)
  const fallback = whole.length
    ? ` It sends ${whole.map((m) => m.name).join(', ')} whole, in one transaction: its splitter (sqlparser) cannot read ${whole.length === 1 ? 'that file' : 'those files'}.`
    : ''
  return review.engine === 'transaction'
    ? `${who} sends each migration.sql as one script, which PostgreSQL runs in one transaction: every lock is held until the migration ends, or until the file's own COMMIT.`
    : `${who} runs the statements one by one, each committed on its own: a lock is held for its statement (or until the file's own COMMIT after BEGIN), and a failure leaves the statements before it applied.${fallback}`
}

/** "ACCESS EXCLUSIVE on `users` (held since line 5 until COMMIT on line 12)". */
function lockText(l: StatementLock, inTable: boolean): string {
  const table = inTable ? inlineCode(l.table, { inTable: true }) : l.table
  const held = l.held
    ? `held since line ${l.held.since} until ${l.held.until ? `COMMIT on line ${l.held.until}` : 'the migration ends'}; `
    : ''
  return `${lockName(l.mode)} on ${table} (${held}${l.newTable ? 'new table: blocks nobody' : `blocks ${l.blocks}`})`
}

function locksCell(statement: StatementReview): string {
  if (!statement.locks.length) return '—'
  return statement.locks
    .slice(0, 3)
    .map((l) => lockText(l, true))
    .join('<br>')
}

function measuredCell(statement: StatementReview): string {
  if (statement.status === 'failed')
    return `failed: ${escapeMessage(statement.error ?? '', { inTable: true })}`
  if (statement.status === 'not-measured') return 'not run (an earlier statement failed)'
  if (statement.status === 'control') return 'transaction control'
  const parts = [ms(statement.durationMs)]
  if (statement.status === 'not-in-transaction') parts.push('not in a transaction: lock of the command')
  for (const t of statement.rewrites) parts.push(`rewrites ${inlineCode(t, { inTable: true })}`)
  for (const b of statement.indexBuilds)
    parts.push(`index build on ${inlineCode(b.table, { inTable: true })}, ${n(b.rows)} rows`)
  for (const s of statement.scans)
    parts.push(`scans ${inlineCode(s.table, { inTable: true })}, ${n(s.rows)} rows`)
  if (statement.holdMs !== undefined && statement.holdMs !== statement.durationMs)
    parts.push(`lock held ${ms(statement.holdMs)}`)
  return parts.join(' · ')
}

function changeRow(change: DatabaseChange, first: boolean): string {
  const group = first
    ? change.table
      ? inlineCode(change.table, { inTable: true })
      : 'types and other objects'
    : ''
  const loss = change.dataLoss
    ? `${change.dataLoss.affected > 0 ? '⚠️ ' : ''}${escapeMessage(change.dataLoss.text, { inTable: true })}`
    : ''
  const where = change.location
    ? inlineCode(`${change.location.file.split('/').slice(-2).join('/')}:${change.location.line}`, {
        inTable: true
      })
    : ''
  return `| ${group} | ${escapeMessage(change.description, { inTable: true })} | ${loss} | ${where} |`
}

/** Changes grouped by table (tables in first-seen order), types and other objects last. */
function grouped(changes: DatabaseChange[]): DatabaseChange[][] {
  const groups = new Map<string, DatabaseChange[]>()
  for (const c of changes) {
    const key = c.table ?? '\u0000other'
    groups.set(key, [...(groups.get(key) ?? []), c])
  }
  return [...groups.entries()]
    .sort(([a], [b]) => Number(a === '\u0000other') - Number(b === '\u0000other'))
    .map(([, v]) => v)
}

/**
 * The two markdown sections. `compact` (a report near GitHub's size limit)
 * keeps the lossy changes and the risky statements only.
 */
export function reviewMarkdown(review: MigrationReview | undefined, compact = false): string | undefined {
  if (!review || review.safety === 'off' || review.migrations.length === 0) return undefined
  const rows = n(review.rowsPerTable)
  const sections: string[] = []
  const changes = compact ? review.changes.filter((c) => (c.dataLoss?.affected ?? 0) > 0) : review.changes
  const lossy = review.changes.filter((c) => (c.dataLoss?.affected ?? 0) > 0).length
  sections.push(
    `### Database changes\n\n<sub>What the ${review.migrations.length === 1 ? 'new migration changes' : `${review.migrations.length} new migrations change`} in the database: the catalog of the upgrade test's database (the base's migrations, ${rows} rows a table) before and after them${lossy ? `; ${lossy} change${lossy === 1 ? '' : 's'} lose${lossy === 1 ? 's' : ''} data` : ''}.</sub>`
  )
  if (changes.length) {
    const lines = ['| Table | Change | Data on the populated database | Where |', '|---|---|---|---|']
    for (const group of grouped(changes)) group.forEach((c, i) => lines.push(changeRow(c, i === 0)))
    if (compact && changes.length < review.changes.length)
      lines.push('', `_… and ${review.changes.length - changes.length} more changes in the job summary._`)
    sections.push(lines.join('\n'))
  } else if (!compact) sections.push('_No change to the catalog._')

  const risky = review.migrations.flatMap((m) =>
    m.statements.filter((s) => s.hazards.length).map((s) => ({ m, s }))
  )
  const title = risky.length
    ? `### Migration review: ${risky.length} risky statement${risky.length === 1 ? '' : 's'}`
    : '### Migration review: no risky statement'
  sections.push(
    `${title}\n\n<sub>Each new statement replayed in a transaction of our own on the populated database (${rows} rows a table), with its table locks read from \`pg_locks\`, rewrites from \`relfilenode\` and scans from the table's read counters. ${escapeMessage(engineSentence(review))}</sub>`
  )
  const statements = review.migrations.flatMap((m) =>
    m.statements.filter((s) => !compact || s.hazards.length).map((s) => ({ m, s }))
  )
  if (statements.length) {
    const lines = ['| | Statement | Line | Locks | Measured | Hazard |', '|---|---|---|---|---|---|']
    for (const { m, s } of statements.slice(0, compact ? 10 : 60))
      lines.push(
        `| ${s.hazards.length ? '⚠️' : '✅'} | ${inlineCode(s.summary, { inTable: true })} | ${inlineCode(`${m.name}:${s.line}`, { inTable: true })} | ${locksCell(s)} | ${measuredCell(s)} | ${s.hazards.map((h) => HAZARD_NAMES[h]).join(', ') || '—'} |`
      )
    if (statements.length > (compact ? 10 : 60))
      lines.push('', `_… and ${statements.length - (compact ? 10 : 60)} more statements in report.json._`)
    sections.push(lines.join('\n'))
  }
  if (review.findings.length && !compact) {
    const items = review.findings.map(
      (f) =>
        `- **${escapeMessage(f.title)}** (${inlineCode(`${f.location.file}:${f.location.line}`)}): ${escapeMessage(f.message)}${f.saferPattern ? `<br>**Safer:** ${escapeMessage(f.saferPattern)}` : ''}`
    )
    sections.push(
      `<details><summary>What each risky statement blocks, and the safer pattern</summary>\n\n${items.join('\n')}\n\n</details>`
    )
  }
  if (review.incomplete) sections.push(`_The review is incomplete: ${escapeMessage(review.incomplete)}._`)
  return sections.join('\n\n')
}

/** The terminal block (plain text; the caller strips control characters). */
export function reviewTerminal(review: MigrationReview | undefined): string | undefined {
  if (!review || review.safety === 'off' || review.migrations.length === 0) return undefined
  const lines = [`Database changes (upgrade test, ${n(review.rowsPerTable)} rows a table)`]
  for (const group of grouped(review.changes)) {
    lines.push(`  ${group[0]?.table ?? 'types and other objects'}`)
    for (const c of group)
      lines.push(`    ${c.description.replace(/`/g, '')}${c.dataLoss ? ` — ${c.dataLoss.text}` : ''}`)
  }
  if (!review.changes.length) lines.push('  no change to the catalog')
  lines.push('', 'Migration review')
  for (const m of review.migrations)
    for (const s of m.statements) {
      if (s.status === 'control') continue
      const locks = s.locks
        .map((l) =>
          l.held
            ? `${lockName(l.mode)} ${l.table} (held since line ${l.held.since}${l.held.until ? ` until COMMIT on line ${l.held.until}` : ''})`
            : `${lockName(l.mode)} ${l.table}${l.newTable ? ' (new)' : ''}`
        )
        .join(', ')
      const hazards = s.hazards.length ? `  ⚠ ${s.hazards.map((h) => HAZARD_NAMES[h]).join(', ')}` : ''
      lines.push(`  ${m.file}:${s.line}  ${ms(s.durationMs)}  ${locks || 'no table lock'}${hazards}`)
    }
  for (const f of review.findings)
    lines.push(
      `  ${f.location.file}:${f.location.line}  ${f.title}${f.saferPattern ? `\n      safer: ${f.saferPattern}` : ''}`
    )
  if (review.incomplete) lines.push(`  incomplete: ${review.incomplete}`)
  return lines.join('\n')
}

/** The `review` object of report.json: the review as it is (plain data, stable field names). */
export function reviewJson(review: MigrationReview | undefined): MigrationReview | undefined {
  if (!review || review.safety === 'off') return undefined
  return review
}

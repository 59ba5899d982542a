/**
 * Turns measurements into what a reviewer needs: per statement, which hazard
 * it is (a rewrite, a lock that blocks writes while the table is read, a
 * validation scan, lost values), what it blocks and for how long, how that
 * grows, and the safer way to write it.
 *
 * A hazard is only what was measured to grow with the table under a lock
 * that stops writes, or to lose values: a brief ACCESS EXCLUSIVE lock for a
 * change of the catalog alone (ADD COLUMN … DEFAULT 0, DROP COLUMN) is shown
 * in the statement table with its lock, not raised as a warning.
 */
import { blankComments } from '../locate/sql.js'
import type { Severity } from '../types.js'
import { lockName, lockRank } from './locks.js'
import type {
  DatabaseChange,
  EngineMode,
  HazardClass,
  MigrationReviewEntry,
  MigrationSafety,
  ReviewFinding,
  StatementLock,
  StatementReview
} from './types.js'

const n = (x: number) => x.toLocaleString('en-US')
const ms = (x: number | undefined) =>
  x === undefined
    ? '?'
    : x < 10
      ? `${x.toFixed(1)} ms`
      : x < 1000
        ? `${Math.round(x)} ms`
        : `${(x / 1000).toFixed(1)} s`

/** Whether a lock keeps other sessions from writing the table (SHARE or stronger). */
function blocksWrites(lock: StatementLock): boolean {
  return lock.blocks !== 'schema changes'
}

/** Sets `holdMs` on each measured statement: until the migration ends, or its own duration. */
export function setHoldTimes(entry: MigrationReviewEntry, engine: EngineMode): void {
  const measured = entry.statements
  for (const [i, statement] of measured.entries()) {
    if (statement.durationMs === undefined) continue
    statement.holdMs =
      engine === 'transaction' && entry.transactional
        ? measured.slice(i).reduce((sum, s) => sum + (s.durationMs ?? 0), 0)
        : statement.durationMs
  }
}

/**
 * The write-blocking locks on populated tables held when statement `index`
 * starts, taken by earlier statements of the same migration (only when the
 * migration runs in one transaction).
 */
function heldBefore(
  entry: MigrationReviewEntry,
  index: number,
  engine: EngineMode
): Map<string, StatementLock & { line: number }> {
  const held = new Map<string, StatementLock & { line: number }>()
  if (engine !== 'transaction' || !entry.transactional) return held
  for (const s of entry.statements.slice(0, index)) {
    for (const lock of s.locks) {
      if (lock.newTable || !blocksWrites(lock)) continue
      const had = held.get(lock.table)
      if (!had || lockRank(lock.mode) > lockRank(had.mode)) held.set(lock.table, { ...lock, line: s.line })
    }
  }
  return held
}

/**
 * Classifies every statement of a reviewed migration and returns its
 * findings. `changes` are the database changes of this migration (with their
 * data loss counted and their statement located).
 */
export function reviewMigration(
  entry: MigrationReviewEntry,
  changes: DatabaseChange[],
  engine: EngineMode,
  safety: MigrationSafety,
  texts: string[]
): ReviewFinding[] {
  const severity: Severity = safety === 'fail' ? 'error' : 'warning'
  const findings: ReviewFinding[] = []
  setHoldTimes(entry, engine)
  const finding = (
    statement: StatementReview,
    hazard: HazardClass,
    title: string,
    message: string,
    saferPattern?: string
  ) => {
    if (!statement.hazards.includes(hazard)) statement.hazards.push(hazard)
    findings.push({
      hazard,
      severity,
      title,
      message,
      ...(saferPattern ? { saferPattern } : {}),
      location: { file: entry.file, line: statement.line },
      migration: entry.name,
      statementIndex: statement.index
    })
  }
  const multi = entry.statements.length > 1
  for (const statement of entry.statements) {
    const sql = blankComments(texts[statement.index] ?? '')
    const held = heldBefore(entry, statement.index, engine)
    const lockOn = (table: string) => statement.locks.find((l) => l.table === table)
    const hold = holdText(statement, engine, entry)

    if (statement.status === 'not-in-transaction' && engine === 'transaction' && multi) {
      finding(
        statement,
        'no-transaction',
        'Statement cannot run in this migration',
        `PostgreSQL refuses \`${statement.summary}\` inside a transaction block, and Prisma's schema engine sends a migration.sql of ${entry.statements.length} statements as one script, which PostgreSQL runs in one implicit transaction: \`migrate deploy\` fails here ("cannot run inside a transaction block").`,
        'Put the statement alone in a migration of its own.'
      )
    }

    for (const table of statement.rewrites) {
      const lock = lockOn(table)
      const rows = lock?.rows
      finding(
        statement,
        'rewrite',
        `Rewrites table ${table}`,
        `\`${statement.summary}\` rewrote every row of \`${table}\` (its storage was replaced: relfilenode changed) under ${lockName(lock?.mode ?? 'AccessExclusiveLock')}, which blocks reads and writes. ` +
          `Measured ${ms(statement.durationMs)} at ${rows === undefined ? 'the inserted' : n(rows)} rows; a rewrite grows with the table's size. ${hold}`,
        rewritePattern(sql)
      )
      if (!statement.hazards.includes('blocking-lock')) statement.hazards.push('blocking-lock')
    }

    for (const build of statement.indexBuilds) {
      if (build.rows === 0) continue
      const lock = lockOn(build.table) ?? held.get(build.table)
      if (lock && !blocksWrites(lock)) continue
      finding(
        statement,
        'blocking-lock',
        `Blocks writes to ${build.table} while the index is built`,
        `\`${statement.summary}\` built an index on \`${build.table}\` reading ${n(build.rows)} rows under ${lockName(lock?.mode ?? 'ShareLock')}: INSERT, UPDATE and DELETE on \`${build.table}\` wait until it ends${lock?.blocks === 'reads and writes' ? ', and so do reads' : ''}. ` +
          `Measured ${ms(statement.durationMs)}; an index build grows with the table's size. ${hold}`,
        indexPattern(sql, engine)
      )
    }

    for (const scan of statement.scans) {
      const own = lockOn(scan.table)
      const earlier = held.get(scan.table)
      const lock = own && blocksWrites(own) ? own : earlier
      if (!lock || !blocksWrites(lock)) continue
      const across = !(own && blocksWrites(own)) && earlier
      const message = across
        ? `\`${statement.summary}\` read all ${n(scan.rows)} rows of \`${scan.table}\` while the ${lockName(earlier.mode)} lock taken on line ${earlier.line} was still held (the migration runs in one transaction): writes${earlier.blocks === 'reads and writes' ? ' and reads' : ''} on \`${scan.table}\` wait through the whole scan. Measured ${ms(statement.durationMs)}; the scan grows with the table's size. ${hold}`
        : `\`${statement.summary}\` read all ${n(scan.rows)} rows of \`${scan.table}\` to validate it, under ${lockName(lock.mode)}: ${lock.blocks === 'reads and writes' ? 'reads and writes' : 'writes'} on \`${scan.table}\` wait until it ends. Measured ${ms(statement.durationMs)}; the scan grows with the table's size. ${hold}`
      finding(
        statement,
        'long-scan',
        across
          ? `Validates ${scan.table} under a lock held since line ${earlier.line}`
          : `Scans ${scan.table} under a lock that blocks writes`,
        message,
        across
          ? 'Move VALIDATE CONSTRAINT (or the step that scans) to a migration of its own, so that the lock of the earlier statement is released first.'
          : scanPattern(sql)
      )
      if (!statement.hazards.includes('blocking-lock')) statement.hazards.push('blocking-lock')
    }

    for (const change of changes) {
      if (change.location?.line !== statement.line || !change.dataLoss || change.dataLoss.affected === 0)
        continue
      finding(
        statement,
        'data-loss',
        `${change.description.replace(/^./, (c) => c.toUpperCase()).replace(/`/g, '')}: ${change.dataLoss.text}`,
        `\`${statement.summary}\` ${change.description}: on the populated database ${change.dataLoss.text}. Those values are gone once the migration is deployed.`,
        lossPattern(change)
      )
    }
  }
  return findings
}

function holdText(statement: StatementReview, engine: EngineMode, entry: MigrationReviewEntry): string {
  if (statement.holdMs === undefined) return ''
  if (engine === 'transaction' && entry.transactional && entry.statements.length > 1)
    return `Prisma runs the migration in one transaction, so the lock is held until the migration ends: ${ms(statement.holdMs)} here.`
  return `The lock is held for the statement: ${ms(statement.holdMs)} here.`
}

function rewritePattern(sql: string): string {
  if (/\bADD\s+(COLUMN\s+)?/i.test(sql) && /\bDEFAULT\b|\bGENERATED\b|SERIAL/i.test(sql))
    return 'Add the column without a volatile default (no default, or a constant one: PostgreSQL 11+ stores it without a rewrite), fill it in batches with UPDATE, then SET DEFAULT for new rows.'
  if (/\bTYPE\b/i.test(sql))
    return 'Add a new column of the new type, fill it in batches, move reads and writes to it, then drop the old one; or pick a change PostgreSQL makes without a rewrite (varchar(n) → text, a longer varchar).'
  return 'Make the change on a copy of the data in batches, or at a time when the table can be locked for the measured duration times its production size.'
}

function indexPattern(sql: string, engine: EngineMode): string {
  const own =
    engine === 'transaction'
      ? ' in a migration of its own (PostgreSQL refuses CONCURRENTLY in a transaction, and Prisma runs a migration of several statements in one)'
      : ''
  if (/\bADD\s+(CONSTRAINT\b[^;]*?)?(UNIQUE|PRIMARY\s+KEY)\b/i.test(sql))
    return `CREATE UNIQUE INDEX CONCURRENTLY${own}, then ALTER TABLE … ADD CONSTRAINT … UNIQUE USING INDEX (or PRIMARY KEY USING INDEX).`
  return `CREATE INDEX CONCURRENTLY${own}: it takes SHARE UPDATE EXCLUSIVE, so reads and writes go on while it builds.`
}

function scanPattern(sql: string): string {
  if (/\bFOREIGN\s+KEY\b|\bREFERENCES\b/i.test(sql))
    return 'ADD CONSTRAINT … FOREIGN KEY … NOT VALID (checks new rows only, brief lock), then ALTER TABLE … VALIDATE CONSTRAINT in a later migration (SHARE UPDATE EXCLUSIVE: reads and writes go on).'
  if (/\bSET\s+NOT\s+NULL\b/i.test(sql))
    return 'Add CHECK (column IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT it in a later migration, then SET NOT NULL (PostgreSQL 12+ proves it from the validated check without a scan) and drop the check.'
  if (/\bCHECK\b/i.test(sql))
    return 'ADD CONSTRAINT … CHECK (…) NOT VALID, then ALTER TABLE … VALIDATE CONSTRAINT in a later migration (SHARE UPDATE EXCLUSIVE: reads and writes go on).'
  return 'Split the validation from the change: add the constraint NOT VALID, validate it in a later migration, and set lock_timeout so the statement gives up rather than queue every query behind it.'
}

function lossPattern(change: DatabaseChange): string {
  if (change.kind === 'table')
    return 'Drop the table only once no deployed code reads it, and after its rows are archived if they are still needed.'
  if (change.kind === 'enumValue')
    return 'UPDATE the rows that hold the value to another one in the migration before the type is changed, or keep the value.'
  if (change.change === 'changed')
    return 'Check the cast first (SELECT the rows whose value changes), and keep the old column until the converted data is verified.'
  return 'Drop the column in a later release than the code that stops using it (running instances still read it), and copy its values first if they are still needed.'
}

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
import { blankComments } from '../sql/script.js'
import type { Severity } from '../model/findings.js'
import { lockName, lockRank } from './locks.js'
import type { EngineModel, MigrationPlan, PlannedStatement } from '../migrations/engine.js'
import { displayName } from './measure.js'
import { failsOnData, failsWhenRunAgain, namedTables, plainDropIndex } from './statements.js'
import type {
  DatabaseChange,
  HazardClass,
  MigrationReviewEntry,
  MigrationSafety,
  ReviewFinding,
  StatementLock,
  StatementReview
} from '../model/review.js'

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

/**
 * Sets `holdMs` on each measured statement: its locks are held until the
 * transaction the engine runs it in ends (its own, the file's COMMIT, or the
 * end of the migration).
 */
export function setHoldTimes(entry: MigrationReviewEntry, plan: MigrationPlan): void {
  for (const [i, statement] of entry.statements.entries()) {
    if (statement.durationMs === undefined) continue
    const planned = plan.statements[i]
    if (!planned || planned.transaction === 'own') {
      statement.holdMs = statement.durationMs
      continue
    }
    const end = planned.until ?? entry.statements.length - 1
    statement.holdMs = entry.statements.slice(i, end + 1).reduce((sum, s) => sum + (s.durationMs ?? 0), 0)
  }
}

/**
 * The write-blocking locks on populated tables held when statement `index`
 * starts, taken by earlier statements of the same transaction.
 */
function heldBefore(
  entry: MigrationReviewEntry,
  index: number,
  plan: MigrationPlan
): Map<string, StatementLock & { line: number }> {
  const held = new Map<string, StatementLock & { line: number }>()
  const planned = plan.statements[index]
  if (!planned || planned.transaction === 'own') return held
  for (const [j, s] of entry.statements.slice(0, index).entries()) {
    if (plan.statements[j]?.from !== planned.from) continue
    for (const lock of s.locks) {
      if (lock.newTable || lock.held || !blocksWrites(lock)) continue
      const had = held.get(lock.table)
      if (!had || lockRank(lock.mode) > lockRank(had.mode)) held.set(lock.table, { ...lock, line: s.line })
    }
  }
  return held
}

/**
 * Classifies every statement of a reviewed migration and returns its
 * findings. `changes` are the database changes of this migration (with their
 * data loss counted and their statement located); `rows` the rows of each
 * table before the migration.
 */
export function reviewMigration(
  entry: MigrationReviewEntry,
  changes: DatabaseChange[],
  engine: EngineModel,
  safety: MigrationSafety,
  texts: string[],
  plan: MigrationPlan,
  rows: Map<string, number> = new Map()
): ReviewFinding[] {
  const severity: Severity = safety === 'fail' ? 'error' : 'warning'
  const findings: ReviewFinding[] = []
  setHoldTimes(entry, plan)
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
  for (const statement of entry.statements) {
    const planned = plan.statements[statement.index]
    if (!planned || planned.control) continue
    const sql = blankComments(texts[statement.index] ?? '')
    const held = heldBefore(entry, statement.index, plan)
    const lockOn = (table: string) => statement.locks.find((l) => l.table === table)
    const hold = holdText(statement, planned, plan)

    if (planned.refusesTransaction && planned.transaction !== 'own') {
      const why =
        planned.transaction === 'explicit'
          ? `it is inside the file's own BEGIN … COMMIT (line ${plan.statements[planned.from]?.statement.startLine})`
          : plan.fallback !== undefined
            ? `${engine.engine} runs statements one by one only when its splitter (sqlparser) reads the whole file, and it cannot read this one (${plan.fallback}), so it sends the file of ${plan.statements.length} statements whole, which PostgreSQL runs in one implicit transaction`
            : `${engine.engine} sends a migration.sql of ${plan.statements.length} statements as one script, which PostgreSQL runs in one implicit transaction`
      finding(
        statement,
        'no-transaction',
        'Statement cannot run in this migration',
        `PostgreSQL refuses \`${statement.summary}\` inside a transaction block, and ${why}: \`migrate deploy\` fails here ("cannot run inside a transaction block").`,
        planned.transaction === 'explicit'
          ? 'Move the statement out of BEGIN … COMMIT (after the COMMIT), or into a migration of its own.'
          : 'Put the statement alone in a migration of its own.'
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
        indexPattern(sql, engine, planned)
      )
    }

    for (const scan of statement.scans) {
      const own = statement.locks.find((l) => l.table === scan.table && !l.held)
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

    const drops = plainDropIndex(planned.statement)
    if (drops && statement.status === 'measured') {
      for (const dropped of statement.droppedIndexes ?? []) {
        const lock = lockOn(dropped.table)
        const tableRows = rows.get(dropped.table) ?? lock?.rows ?? 0
        if (tableRows === 0 || lock?.newTable) continue
        finding(
          statement,
          'blocking-lock',
          `DROP INDEX locks ${dropped.table} against reads and writes`,
          `\`${statement.summary}\` takes ACCESS EXCLUSIVE on \`${dropped.table}\` (${n(tableRows)} rows here): it waits for every running query on \`${dropped.table}\` to finish, and every read and write that arrives meanwhile queues behind it. ${hold}`,
          dropIndexPattern(engine)
        )
      }
    }

    const risk = failsOnData(planned.statement)
    if (
      risk &&
      planned.transaction === 'own' &&
      (statement.status === 'measured' || statement.status === 'failed')
    ) {
      const named = namedTables(planned.statement).map((t) => displayName(t.schema ?? 'public', t.name))
      const table = [...statement.locks, ...statement.indexBuilds, ...statement.scans]
        .map((x) => x.table)
        .concat(named)
        .find((t) => (rows.get(t) ?? 0) > 0 && !statement.locks.find((l) => l.table === t)?.newTable)
      const committed = plan.statements
        .slice(0, statement.index)
        .filter((p) => !p.control && p.transaction !== 'explicit' && failsWhenRunAgain(p.statement))
      if (table && committed.length) {
        const lines = committed.map((p) => p.statement.startLine)
        finding(
          statement,
          'half-applied',
          `A failure here leaves the migration half applied`,
          `${capitalize(risk)} (\`${table}\` has ${n(rows.get(table) ?? 0)} rows here). ${capitalize(engine.engine)} runs this migration statement by statement, each committed on its own: if this statement fails on production data, the statement${lines.length === 1 ? '' : 's'} on line${lines.length === 1 ? '' : 's'} ${lines.join(', ')} stay${lines.length === 1 ? 's' : ''} applied, and running the migration again fails on ${lines.length === 1 ? 'it' : 'them'} (what ${lines.length === 1 ? 'it' : 'they'} created is already there, or what ${lines.length === 1 ? 'it' : 'they'} dropped is already gone).`,
          'Wrap the migration in BEGIN; … COMMIT; so that it applies whole or not at all, or make the earlier statements safe to run again (IF NOT EXISTS), or check the data first in a statement that fails before anything is changed.'
        )
      }
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

function holdText(statement: StatementReview, planned: PlannedStatement, plan: MigrationPlan): string {
  if (statement.holdMs === undefined) return ''
  if (planned.transaction === 'own')
    return `The lock is held for the statement: ${ms(statement.holdMs)} here.`
  if (planned.transaction === 'explicit') {
    const until =
      planned.until === undefined ? undefined : plan.statements[planned.until]?.statement.startLine
    return `The statement runs inside the file's BEGIN … COMMIT, so the lock is held until ${until ? `the COMMIT on line ${until}` : 'the migration ends'}: ${ms(statement.holdMs)} here.`
  }
  return `Prisma runs the migration in one transaction, so the lock is held until the migration ends: ${ms(statement.holdMs)} here.`
}

function capitalize(text: string): string {
  return text.replace(/^./, (c) => c.toUpperCase())
}

function dropIndexPattern(engine: EngineModel): string {
  if (engine.splitter)
    return "DROP INDEX CONCURRENTLY in a migration of its own (SHARE UPDATE EXCLUSIVE: reads and writes go on). Alone in its file: the engine's splitter (sqlparser) cannot read DROP INDEX CONCURRENTLY, so a file with anything else is sent whole, in one transaction, and PostgreSQL refuses it there."
  if (engine.mode === 'statement')
    return 'DROP INDEX CONCURRENTLY as a statement of its own, outside any BEGIN … COMMIT (SHARE UPDATE EXCLUSIVE: reads and writes go on).'
  return 'DROP INDEX CONCURRENTLY in a migration of its own (SHARE UPDATE EXCLUSIVE: reads and writes go on; PostgreSQL refuses CONCURRENTLY in a transaction, and Prisma runs a migration of several statements in one).'
}

function rewritePattern(sql: string): string {
  if (/\bADD\s+(COLUMN\s+)?/i.test(sql) && /\bDEFAULT\b|\bGENERATED\b|SERIAL/i.test(sql))
    return 'Add the column without a volatile default (no default, or a constant one: PostgreSQL 11+ stores it without a rewrite), fill it in batches with UPDATE, then SET DEFAULT for new rows.'
  if (/\bTYPE\b/i.test(sql))
    return 'Add a new column of the new type, fill it in batches, move reads and writes to it, then drop the old one; or pick a change PostgreSQL makes without a rewrite (varchar(n) → text, a longer varchar).'
  return 'Make the change on a copy of the data in batches, or at a time when the table can be locked for the measured duration times its production size.'
}

function indexPattern(sql: string, engine: EngineModel, planned: PlannedStatement): string {
  // CONCURRENTLY is refused in any transaction block: the one Prisma opens for a
  // whole file, and the one the file opens itself with BEGIN.
  const own =
    engine.mode === 'transaction'
      ? ' in a migration of its own (PostgreSQL refuses CONCURRENTLY in a transaction, and Prisma runs a migration of several statements in one)'
      : planned.transaction === 'explicit'
        ? " as a statement of its own after the file's COMMIT (PostgreSQL refuses CONCURRENTLY inside BEGIN … COMMIT)"
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

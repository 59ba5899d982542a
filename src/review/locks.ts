/**
 * PostgreSQL's table lock modes: their order and what each one keeps other
 * sessions from doing (the conflict table of the "Explicit Locking" chapter
 * of PostgreSQL's manual), and the lock of the commands PostgreSQL refuses to
 * run inside a transaction, which the review cannot read back from pg_locks.
 */
import { parseSqlScript, refusedInTransaction } from '../sql/script.js'
import type { Blocks, LockMode } from '../model/review.js'

/** Weakest first. */
export const LOCK_MODES: readonly LockMode[] = [
  'AccessShareLock',
  'RowShareLock',
  'RowExclusiveLock',
  'ShareUpdateExclusiveLock',
  'ShareLock',
  'ShareRowExclusiveLock',
  'ExclusiveLock',
  'AccessExclusiveLock'
]

export function isLockMode(mode: string): mode is LockMode {
  return (LOCK_MODES as readonly string[]).includes(mode)
}

export function lockRank(mode: LockMode): number {
  return LOCK_MODES.indexOf(mode)
}

/**
 * Plain reads take ACCESS SHARE, so only ACCESS EXCLUSIVE stops them; writes
 * take ROW EXCLUSIVE, which SHARE and every stronger mode conflict with; the
 * weaker modes only conflict with schema changes (and VACUUM, index builds).
 */
export function blocksOf(mode: LockMode): Blocks {
  if (mode === 'AccessExclusiveLock') return 'reads and writes'
  if (lockRank(mode) >= lockRank('ShareLock')) return 'writes'
  return 'schema changes'
}

/** `SHARE ROW EXCLUSIVE`, as the manual and `LOCK TABLE` spell the mode. */
export function lockName(mode: LockMode): string {
  return mode
    .replace(/Lock$/, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toUpperCase()
}

/** Whether PostgreSQL refuses this statement inside a transaction block (read by its parser). */
export function refusesTransaction(statement: string): boolean {
  return parseSqlScript(statement).statements.some(refusedInTransaction)
}

/**
 * The table lock a command that cannot run in a transaction takes, from the
 * manual: `CREATE/DROP/REINDEX … CONCURRENTLY` and plain `VACUUM` take SHARE
 * UPDATE EXCLUSIVE; `VACUUM FULL` takes ACCESS EXCLUSIVE.
 */
export function commandLock(statement: string): LockMode | undefined {
  for (const parsed of parseSqlScript(statement).statements) {
    const vacuum = parsed.node && 'VacuumStmt' in parsed.node ? parsed.node.VacuumStmt : undefined
    if (vacuum?.is_vacuumcmd) {
      const full = (vacuum.options ?? []).some((o) => 'DefElem' in o && o.DefElem.defname === 'full')
      return full ? 'AccessExclusiveLock' : 'ShareUpdateExclusiveLock'
    }
    if (refusedInTransaction(parsed)) return 'ShareUpdateExclusiveLock'
  }
  return undefined
}

/**
 * The one replay of a migration, in two ways:
 * - `applyMigration` runs it for real, with the transactions the engine will
 *   have (migrations/engine.ts): each statement committed on its own, or the
 *   whole file in one implicit transaction, and an explicit `BEGIN … COMMIT`
 *   of the file as one transaction either way;
 * - `rehearseMigration` runs it inside a transaction of our own that is
 *   always rolled back, with the file's own `BEGIN`/`COMMIT`/`ROLLBACK` read
 *   as what they do (a savepoint, so that the file's ROLLBACK undoes its
 *   block) instead of being sent, which would commit our rehearsal.
 * Callers look at each statement through hooks; neither function throws for
 * an error of the migration itself.
 */
import type pg from 'pg'
import type { MigrationPlan, PlannedStatement } from './engine.js'

/** What PostgreSQL said about a failing statement (pg's DatabaseError fields). */
export type PgError = {
  code?: string
  message?: string
  position?: string
  detail?: string
  schema?: string
  table?: string
  column?: string
  constraint?: string
}

/** A statement that ran, as the hooks see it. */
export interface ReplayedStatement {
  index: number
  planned: PlannedStatement
  durationMs: number
}

export interface ApplyHooks {
  /** After a statement ran, while the transaction it belongs to is still open. */
  afterStatement?(client: pg.ClientBase, step: ReplayedStatement): Promise<void>
}

export interface ApplyOutcome {
  /** The failing statement's index, its error and duration, when one failed. */
  failure?: { index: number; error: PgError }
  /** Indexes of the statements that ran and were committed. */
  committed: number[]
  /** Indexes of the statements that ran and were rolled back with the failing statement's transaction. */
  rolledBack: number[]
}

/** Applies a migration for real, with the engine's transactions. */
export async function applyMigration(
  client: pg.ClientBase,
  plan: MigrationPlan,
  hooks: ApplyHooks = {}
): Promise<ApplyOutcome> {
  const committed: number[] = []
  const pending: number[] = []
  // Whether a transaction block of ours or of the file is open on the connection.
  let open = false
  const commit = () => committed.push(...pending.splice(0))
  for (const [index, planned] of plan.statements.entries()) {
    const { statement, control } = planned
    try {
      if (!open && planned.transaction === 'implicit' && control !== 'begin') {
        await client.query('BEGIN')
        open = true
      }
      // A statement committed on its own is sent inside BEGIN … COMMIT of
      // ours, the same to PostgreSQL, so that hooks see its locks before
      // they go; except the statements PostgreSQL refuses in a block.
      const wrap = planned.transaction === 'own' && !control && !planned.refusesTransaction
      if (wrap) await client.query('BEGIN')
      const started = performance.now()
      await client.query(statement.text)
      const durationMs = performance.now() - started
      if (control === 'begin') open = true
      pending.push(index)
      if (!control || control === 'begin')
        await hooks.afterStatement?.(client, { index, planned, durationMs })
      if (wrap) await client.query('COMMIT')
      if (control === 'commit') {
        open = false
        commit()
      } else if (control === 'rollback') {
        open = false
        pending.splice(0)
      } else if (!open) commit()
    } catch (error) {
      if (open || planned.transaction === 'own') await client.query('ROLLBACK').catch(() => {})
      return { failure: { index, error: error as PgError }, committed, rolledBack: pending }
    }
  }
  if (open) {
    await client.query('COMMIT')
    commit()
  }
  return { committed, rolledBack: [] }
}

export interface RehearsalHooks {
  /** Once, inside the rehearsal transaction, before the first statement. */
  start?(client: pg.ClientBase): Promise<void>
  /** After a statement ran. */
  afterStatement?(client: pg.ClientBase, step: ReplayedStatement): Promise<void>
  /**
   * A statement failed (it was undone to its savepoint when `savepoints` is
   * on). Return `continue` to go on with the next statement (only with
   * savepoints), else the rehearsal stops there.
   */
  failed?(step: Omit<ReplayedStatement, 'durationMs'>, error: PgError): 'continue' | 'stop'
  /** A statement PostgreSQL refuses in a transaction block: not run here. */
  skipped?(step: Omit<ReplayedStatement, 'durationMs'>): void
  /** After the last statement (not after a stop), still inside the rehearsal transaction. */
  end?(client: pg.ClientBase): Promise<void>
}

export interface RehearsalOptions {
  /** Each statement under a savepoint of its own, so that a failure can be skipped. */
  savepoints?: boolean
  /** Statements to run: from `from` (default 0) up to `to` included (default all). */
  from?: number
  to?: number
}

/** Runs the migration in a transaction of our own, always rolled back. Returns the failing statement, if any. */
export async function rehearseMigration(
  client: pg.ClientBase,
  plan: MigrationPlan,
  hooks: RehearsalHooks = {},
  options: RehearsalOptions = {}
): Promise<{ index: number; error: PgError } | undefined> {
  const from = options.from ?? 0
  const to = options.to ?? plan.statements.length - 1
  let blocks = 0
  await client.query('BEGIN')
  try {
    await hooks.start?.(client)
    for (let index = from; index <= to; index++) {
      const planned = plan.statements[index] as PlannedStatement
      const { control } = planned
      if (control === 'begin') {
        await client.query(`SAVEPOINT msc_block_${++blocks}`)
        continue
      }
      if (control === 'commit' || control === 'rollback') {
        if (blocks > 0) {
          if (control === 'rollback') await client.query(`ROLLBACK TO SAVEPOINT msc_block_${blocks}`)
          await client.query(`RELEASE SAVEPOINT msc_block_${blocks--}`)
        }
        continue
      }
      if (planned.refusesTransaction) {
        hooks.skipped?.({ index, planned })
        continue
      }
      // It would have to be the first query of our transaction; it changes no catalog and takes no lock.
      if (planned.transactionSetting) continue
      if (options.savepoints) await client.query('SAVEPOINT msc_statement')
      const started = performance.now()
      try {
        await client.query(planned.statement.text)
      } catch (error) {
        if (options.savepoints) await client.query('ROLLBACK TO SAVEPOINT msc_statement')
        const decision = hooks.failed?.({ index, planned }, error as PgError) ?? 'stop'
        if (options.savepoints && decision === 'continue') continue
        return { index, error: error as PgError }
      }
      const durationMs = performance.now() - started
      if (options.savepoints) await client.query('RELEASE SAVEPOINT msc_statement')
      await hooks.afterStatement?.(client, { index, planned, durationMs })
    }
    await hooks.end?.(client)
    return undefined
  } finally {
    await client.query('ROLLBACK').catch(() => {})
  }
}

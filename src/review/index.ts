/**
 * The migration review: rides along the upgrade test. Once the base's tables
 * are filled, each new migration is replayed here in a rolled-back
 * transaction and measured (measure.ts), what it changes in the database is
 * compared and the lost values counted on the rows still in place
 * (changes.ts), and every statement is judged (advice.ts); then the upgrade
 * test applies the migration for real and the next one is reviewed on top.
 */
import type pg from 'pg'
import type { Problem } from '../model/findings.js'
import { snapshotCatalog, type CatalogSnapshot } from '../db/snapshot.js'
import { describePgError } from '../db/connect.js'
import { blankComments } from '../sql/script.js'
import { repoPath } from '../util/paths.js'
import type { Migration } from '../prisma/project.js'
import type { FillReport } from '../upgrade/fill.js'
import { engineModelOf, planFor, type EngineModel, type MigrationPlan } from '../migrations/engine.js'
import type { ReplayedStatement } from '../migrations/replay.js'
import { reviewMigration } from './advice.js'
import { countDataLoss, describeChanges } from './changes.js'
import { blocksOf, lockRank } from './locks.js'
import { displayName, probe, probeLocked, replayMigration, type Relation, type Replay } from './measure.js'
import { namedTables, plainDropIndex } from './statements.js'
import type {
  DatabaseChange,
  EngineMode,
  LockMode,
  MigrationReview,
  MigrationReviewEntry,
  MigrationSafety,
  ReviewFinding,
  StatementLock
} from '../model/review.js'

export interface ReviewerOptions {
  schemas: string[]
  repoRoot: string
  /** How the project's Prisma applies migrations (`engineModelOf`), or just its mode. */
  engine: EngineModel | EngineMode
  safety: MigrationSafety
}

/**
 * How the project's Prisma applies a migration, from its prisma.config only
 * (the Prisma version decides too: prefer `engineModelOf`).
 */
export function engineModeOf(configFile: string | undefined, prismaVersion?: string): EngineMode {
  return engineModelOf(prismaVersion, configFile).mode
}

/** A bare mode as a model (tests and benchmarks name only the mode). */
function asModel(engine: EngineModel | EngineMode): EngineModel {
  if (typeof engine !== 'string') return engine
  return engine === 'transaction'
    ? { mode: 'transaction', engine: "Prisma's native schema engine (before 7.4)" }
    : { mode: 'statement', engine: 'a driver adapter' }
}

/** One migration between its rehearsal and its real application. */
interface Pending {
  migration: Migration
  plan: MigrationPlan
  entry: MigrationReviewEntry
  changes: DatabaseChange[]
  texts: string[]
  /** Locks held by the transaction the engine is in, by table: the mode and the line that took it. */
  held: Map<string, { mode: LockMode; line: number }>
  /** The first statement of that transaction. */
  transactionFrom: number
  /** Display names of the tables before the migration, with their indexes' tables by index name. */
  tablesBefore: Set<string>
  indexTables: Map<string, string>
  /** Relations as the last probe of the real application saw them (a table dropped since keeps its name). */
  relations: Map<number, Relation>
  /** The catalog before the migration, and the rehearsal. */
  catalogBefore: CatalogSnapshot
  replay: Replay
}

/** Collects the review while the upgrade test runs; see `UpgradeObserver` in history/upgrade.ts. */
export class MigrationReviewer {
  private before?: CatalogSnapshot
  private readonly rows = new Map<string, number>()
  private readonly migrations: MigrationReviewEntry[] = []
  private readonly changes: DatabaseChange[] = []
  private readonly findings: ReviewFinding[] = []
  private incomplete?: string
  private rowsPerTable = 0
  private pending?: Pending
  readonly engine: EngineModel

  constructor(private readonly options: ReviewerOptions) {
    this.engine = asModel(options.engine)
  }

  /** The base's catalog and the rows put into its tables. */
  async filled(_client: pg.ClientBase, snapshot: CatalogSnapshot, fill: FillReport): Promise<void> {
    this.before = snapshot
    for (const t of fill.tables) this.rows.set(displayName(t.schema, t.table), t.rows)
    // The rows a table gets: also when no table needed filling (the new migrations reach none).
    this.rowsPerTable = fill.tables.length
      ? Math.max(0, ...fill.tables.map((t) => t.rows))
      : (fill.rowsPerTable ?? 0)
  }

  /** Replays and measures one migration on the database as it stands (rolled back afterwards). */
  async beforeMigration(client: pg.ClientBase, migration: Migration, plan?: MigrationPlan): Promise<void> {
    this.pending = undefined
    if (this.incomplete || !this.before) return
    plan ??= await planFor(migration.sql, this.engine)
    const file = repoPath(this.options.repoRoot, migration.sqlPath)
    let replay: Replay
    try {
      replay = await replayMigration(client, plan, {
        schemas: this.options.schemas,
        rows: this.rows,
        before: this.before
      })
    } catch (error) {
      this.incomplete = `the review of ${migration.name} stopped on a database error: ${describePgError(error)}`
      return
    }
    for (const [index, review] of replay.statements.entries()) {
      const planned = plan.statements[index]!
      const from = plan.statements[planned.from]!.statement.startLine
      const until =
        planned.until === undefined ? undefined : plan.statements[planned.until]!.statement.startLine
      review.transaction = {
        kind: planned.transaction,
        fromLine: from,
        ...(until !== undefined && planned.transaction !== 'own' ? { untilLine: until } : {})
      }
    }
    const entry: MigrationReviewEntry = {
      name: migration.name,
      file,
      statements: replay.statements,
      durationMs: replay.statements.reduce((sum, s) => sum + (s.durationMs ?? 0), 0),
      transactional: replay.transactional,
      sent: plan.sent,
      ...(plan.fallback !== undefined ? { fallback: plan.fallback } : {})
    }
    this.migrations.push(entry)
    const catalogBefore = this.before
    let changes: DatabaseChange[] = []
    if (replay.after) {
      changes = describeChanges(this.before, replay.after, replay.relationsBefore, replay.relationsAfter)
      for (const change of changes) {
        change.migration = migration.name
        const line = statementOf(change, replay)
        if (line) change.location = { file, line }
      }
      await countDataLoss(client, changes, this.before, replay.after)
      this.before = replay.after
      this.changes.push(...changes)
    } else {
      this.incomplete = `${migration.name} failed at ${replay.failed ?? 'a statement'}; later migrations were not reviewed`
    }
    const tablesBefore = new Set<string>()
    const indexTables = new Map<string, string>()
    for (const r of replay.relationsBefore.values()) {
      if (r.kind !== 'i') tablesBefore.add(displayName(r.schema, r.name))
      else if (r.tableOid !== undefined) {
        const table = replay.relationsBefore.get(r.tableOid)
        if (table) indexTables.set(displayName(r.schema, r.name), displayName(table.schema, table.name))
      }
    }
    this.pending = {
      migration,
      plan,
      entry,
      changes,
      texts: replay.texts,
      held: new Map(),
      transactionFrom: -1,
      tablesBefore,
      indexTables,
      relations: new Map(replay.relationsBefore),
      catalogBefore,
      replay
    }
  }

  /**
   * A statement applied for real with the engine's transactions, its
   * transaction still open: its locks as the engine takes them. A lock an
   * earlier statement of the same transaction took is listed as held.
   */
  async statementApplied(
    client: pg.ClientBase,
    migration: Migration,
    step: ReplayedStatement
  ): Promise<void> {
    const pending = this.pending
    if (!pending || pending.migration !== migration) return
    const review = pending.entry.statements[step.index]
    if (!review || review.status === 'control') return
    if (step.planned.refusesTransaction && step.planned.transaction === 'own') {
      // Run outside any transaction: its locks are gone already; the command's lock stays.
      if (review.durationMs === undefined) review.durationMs = step.durationMs
      return
    }
    if (step.planned.from !== pending.transactionFrom) {
      pending.held.clear()
      pending.transactionFrom = step.planned.from
    }
    // The locks are what is wanted here, with the names of the relations
    // they are on. Those relations are all that changed since the last
    // statement's look, unless a statement ran outside any transaction
    // (its locks gone already): then every relation is read, as afterMigration
    // reads the relations again.
    const outside = pending.plan.statements.some((p) => p.refusesTransaction && p.transaction === 'own')
    const current = outside
      ? await probe(client, this.options.schemas)
      : await probeLocked(client, this.options.schemas)
    const known = pending.relations
    for (const [oid, r] of current.relations) known.set(oid, r)
    const locks = new Map<string, LockMode>()
    for (const [oid, modes] of current.locks) {
      const r = known.get(oid)
      if (!r || r.kind === 'i') continue
      const name = displayName(r.schema, r.name)
      for (const mode of modes) {
        const best = locks.get(name)
        if (!best || lockRank(mode) > lockRank(best)) locks.set(name, mode)
      }
    }
    const statementLines = pending.plan.statements[step.index]!.statement
    const untilIndex = step.planned.until
    const until =
      step.planned.transaction === 'own' || untilIndex === undefined
        ? undefined
        : pending.plan.statements[untilIndex]!.statement.startLine
    const touched = this.touchedTables(pending, step)
    const result: StatementLock[] = []
    for (const [table, mode] of locks) {
      const had = pending.held.get(table)
      const newTable = !pending.tablesBefore.has(table)
      const rows = newTable ? undefined : this.rows.get(table)
      if (had && lockRank(had.mode) >= lockRank(mode)) {
        if (!touched.has(table)) continue
        result.push({
          table,
          mode: had.mode,
          blocks: blocksOf(had.mode),
          newTable,
          ...(rows !== undefined ? { rows } : {}),
          held: { since: had.line, ...(until !== undefined ? { until } : {}) }
        })
        continue
      }
      result.push({ table, mode, blocks: blocksOf(mode), newTable, ...(rows !== undefined ? { rows } : {}) })
      pending.held.set(table, { mode, line: statementLines.startLine })
    }
    result.sort((a, b) => lockRank(b.mode) - lockRank(a.mode) || a.table.localeCompare(b.table))
    review.locks = result
    if (review.status === 'not-in-transaction' && review.durationMs === undefined) {
      review.durationMs = step.durationMs
    }
  }

  /** The tables a statement works on: those it names, the tables of indexes it names, and what it was measured doing. */
  private touchedTables(pending: Pending, step: ReplayedStatement): Set<string> {
    const review = pending.entry.statements[step.index]!
    const touched = new Set<string>()
    const add = (schema: string | undefined, name: string) => {
      const display = displayName(schema ?? 'public', name)
      touched.add(pending.indexTables.get(display) ?? display)
    }
    for (const t of namedTables(step.planned.statement)) add(t.schema, t.name)
    for (const i of plainDropIndex(step.planned.statement) ?? []) add(i.schema, i.name)
    for (const t of review.rewrites) touched.add(t)
    for (const b of review.indexBuilds) touched.add(b.table)
    for (const s of review.scans) touched.add(s.table)
    for (const d of review.droppedIndexes ?? []) touched.add(d.table)
    return touched
  }

  /**
   * The migration was applied (or failed at `failedAt`): its statements are
   * judged. When the rehearsal could not run some of its statements
   * (`CREATE INDEX CONCURRENTLY`), what the migration changed is read again
   * from the database it was applied to.
   */
  async afterMigration(client: pg.ClientBase, migration: Migration, failedAt?: number): Promise<void> {
    const pending = this.pending
    if (!pending || pending.migration !== migration) return
    this.pending = undefined
    const skipped = pending.plan.statements.some((p) => p.refusesTransaction && p.transaction === 'own')
    if (skipped && failedAt === undefined && pending.replay.after) {
      try {
        const after = await snapshotCatalog(client, this.options.schemas)
        const rehearsed = pending.changes
        const changes = describeChanges(
          pending.catalogBefore,
          after,
          pending.replay.relationsBefore,
          pending.relations
        )
        for (const change of changes) {
          const same = rehearsed.find(
            (c) => c.kind === change.kind && c.change === change.change && c.object === change.object
          )
          change.migration = migration.name
          if (same?.dataLoss) change.dataLoss = same.dataLoss
          const line = same?.location?.line ?? statementOf(change, pending.replay)
          if (line) change.location = { file: pending.entry.file, line }
        }
        const at = this.changes.indexOf(rehearsed[0]!)
        if (at >= 0) this.changes.splice(at, rehearsed.length)
        this.changes.push(...changes)
        pending.changes = changes
        this.before = after
      } catch (error) {
        this.incomplete = `the review of ${migration.name} stopped on a database error: ${describePgError(error)}`
      }
    }
    this.findings.push(
      ...reviewMigration(
        pending.entry,
        pending.changes,
        this.engine,
        this.options.safety,
        pending.texts,
        pending.plan,
        this.rows
      )
    )
  }

  result(): MigrationReview {
    return {
      safety: this.options.safety,
      engine: this.engine.mode,
      engineName: this.engine.engine,
      rowsPerTable: this.rowsPerTable,
      migrations: this.migrations,
      changes: this.changes,
      findings: this.findings,
      ...(this.incomplete ? { incomplete: this.incomplete } : {})
    }
  }
}

/**
 * The line of the statement that made a change: among the statements that
 * locked the change's table (or, for a type, mention it), the one whose text
 * names the object; else the first that took ACCESS EXCLUSIVE; else the first.
 */
function statementOf(change: DatabaseChange, replay: Replay): number | undefined {
  const name = lastName(change)
  const mentions = (index: number) => {
    const text = blankComments(replay.texts[index] ?? '')
    return (
      name !== undefined &&
      (text.includes(`"${name}"`) || new RegExp(`\\b${escapeRe(name)}\\b`, 'i').test(text))
    )
  }
  const candidates = replay.statements.filter((s) =>
    change.table ? s.locks.some((l) => l.table === change.table) : mentions(s.index)
  )
  const pick =
    candidates.find((s) => mentions(s.index)) ??
    candidates.find((s) =>
      s.locks.some((l) => l.table === change.table && l.mode === 'AccessExclusiveLock')
    ) ??
    candidates[0]
  return pick?.line
}

function lastName(change: DatabaseChange): string | undefined {
  if (change.kind === 'table') return change.object.split('.').pop()
  if (change.kind === 'enum') return change.object.split('.').pop()
  if (change.kind === 'enumValue') return change.object.split('.').slice(-2)[0]
  if (change.table && change.object.startsWith(`${change.table}.`))
    return change.object.slice(change.table.length + 1)
  const parts = change.object.split('.')
  return parts.pop()
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** Under `migration-safety: fail`, one error that fails the check as a migration failure. */
export function safetyProblem(review: MigrationReview): Problem | undefined {
  if (review.safety !== 'fail' || review.findings.length === 0) return undefined
  const lines = review.findings.slice(0, 10).map((f) => `- ${f.location.file}:${f.location.line}: ${f.title}`)
  if (review.findings.length > 10) lines.push(`- … and ${review.findings.length - 10} more`)
  return {
    stage: 'upgrade',
    severity: 'error',
    title: `Migration safety: ${review.findings.length} risky statement${review.findings.length === 1 ? '' : 's'}`,
    message: `The migration review measured statements that would block or lose data on a live database (migration-safety: fail):\n${lines.join('\n')}`,
    code: 'migration-safety'
  }
}

/**
 * The migration review: rides along the upgrade test. Once the base's tables
 * are filled, each new migration is replayed here in a rolled-back
 * transaction and measured (measure.ts), what it changes in the database is
 * compared and the lost values counted on the rows still in place
 * (changes.ts), and every statement is judged (advice.ts); then the upgrade
 * test applies the migration for real and the next one is reviewed on top.
 */
import { readFileSync } from 'node:fs'
import type pg from 'pg'
import type { CatalogSnapshot } from '../db/snapshot.js'
import { describePgError } from '../db/connect.js'
import { blankComments, type SqlStatement } from '../locate/sql.js'
import { repoPath } from '../paths.js'
import type { Migration } from '../project/discover.js'
import type { FillReport } from '../history/rows.js'
import { reviewMigration } from './advice.js'
import { countDataLoss, describeChanges } from './changes.js'
import { displayName, replayMigration, type Replay } from './measure.js'
import type {
  DatabaseChange,
  EngineMode,
  MigrationReview,
  MigrationReviewEntry,
  MigrationSafety,
  ReviewFinding
} from './types.js'

export type * from './types.js'
export { replayMigration } from './measure.js'
export { describeChanges, countDataLoss } from './changes.js'

export interface ReviewerOptions {
  schemas: string[]
  repoRoot: string
  engine: EngineMode
  safety: MigrationSafety
}

/**
 * How the project's Prisma applies a migration: a driver adapter with the
 * JavaScript engine (`engine: 'js'` in prisma.config) runs the statements one
 * by one; the native schema engine sends the whole script at once, which
 * PostgreSQL runs in one implicit transaction.
 */
export function engineModeOf(configFile: string | undefined): EngineMode {
  if (!configFile) return 'transaction'
  try {
    const text = readFileSync(configFile, 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/(^|[^:])\/\/.*$/gm, '$1')
    return /\bengine\s*:\s*['"`]js['"`]/.test(text) ? 'statement' : 'transaction'
  } catch {
    return 'transaction'
  }
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

  constructor(private readonly options: ReviewerOptions) {}

  /** The base's catalog and the rows put into its tables. */
  async filled(_client: pg.ClientBase, snapshot: CatalogSnapshot, fill: FillReport): Promise<void> {
    this.before = snapshot
    for (const t of fill.tables) this.rows.set(displayName(t.schema, t.table), t.rows)
    this.rowsPerTable = Math.max(0, ...fill.tables.map((t) => t.rows))
  }

  /** Replays and reviews one migration on the database as it stands (rolled back afterwards). */
  async beforeMigration(client: pg.ClientBase, migration: Migration): Promise<void> {
    if (this.incomplete || !this.before) return
    const file = repoPath(this.options.repoRoot, migration.sqlPath)
    let replay: Replay
    try {
      replay = await replayMigration(client, migration.sql, {
        schemas: this.options.schemas,
        rows: this.rows
      })
    } catch (error) {
      this.incomplete = `the review of ${migration.name} stopped on a database error: ${describePgError(error)}`
      return
    }
    const entry: MigrationReviewEntry = {
      name: migration.name,
      file,
      statements: replay.statements,
      durationMs: replay.statements.reduce((sum, s) => sum + (s.durationMs ?? 0), 0),
      transactional: replay.transactional
    }
    this.migrations.push(entry)
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
    this.findings.push(
      ...reviewMigration(entry, changes, this.options.engine, this.options.safety, replay.texts)
    )
  }

  /** The upgrade test ran a statement for real: the time of a statement the review could not run itself. */
  statementRan(migration: Migration, statement: SqlStatement, durationMs: number): void {
    const entry = this.migrations.find((m) => m.name === migration.name)
    const review = entry?.statements[statement.index]
    if (review && review.status === 'not-in-transaction' && review.durationMs === undefined) {
      review.durationMs = durationMs
      review.holdMs = durationMs
    }
  }

  result(): MigrationReview {
    return {
      safety: this.options.safety,
      engine: this.options.engine,
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

/**
 * Shapes of the history and upgrade stages: the base commit's migrations, and
 * stage results and problems narrowed to those two stages.
 */
import type { Problem, StageResult } from './findings.js'

/** The stages this module reports. */
export type HistoryStageName = 'history' | 'upgrade'

/** A `StageResult` of the history or upgrade stage. */
export type HistoryStageResult = Omit<StageResult, 'name'> & { name: HistoryStageName }

/** A `Problem` of the history or upgrade stage. */
export type HistoryProblem = Omit<Problem, 'stage'> & { stage: HistoryStageName }

/** One migration as the base commit has it. */
export interface BaseMigration {
  /** Folder name. */
  name: string
  /** migration.sql as committed in the base (the blob, line endings untouched). */
  sql: string
  /** SHA-256 of the blob, hex: what `_prisma_migrations.checksum` holds on databases deployed from it. */
  checksum: string
}

/** The migrations folder of the base commit. */
export interface BaseMigrations {
  /** The base commit. */
  sha: string
  /** Migrations in Prisma's order (folder names sorted). */
  migrations: BaseMigration[]
  /** `provider` of the base's migration_lock.toml, when it has one. */
  lockProvider?: string
}

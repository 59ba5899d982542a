/**
 * Gives every drift item a file and line — the schema
 * declaration when the schema has one, else the migration that creates it.
 */
import { repoPath } from '../util/paths.js'
import type { DriftItem } from '../model/drift.js'
import type { SourceLocation } from '../model/findings.js'
import { MigrationIndex } from '../migrations/migration-index.js'
import { parseSchema } from '../prisma/schema.js'
import type { SchemaIndex } from '../prisma/schema-index.js'
import { matchDriftItem } from '../prisma/schema-lookup.js'

export { parseSchema, type SchemaSource } from '../prisma/schema.js'
export { locateDriftItem, matchDriftItem } from '../prisma/schema-lookup.js'
export { defaultConstraintName } from '../prisma/naming.js'
export type { SchemaIndex, ModelInfo, FieldInfo, EnumInfo, BlockIndexInfo } from '../prisma/schema-index.js'
export { MigrationIndex, type CreatedObject, type CreationSite } from '../migrations/migration-index.js'
export { loadSqlParser } from '../sql/script.js'
export {
  findCreatingMigration,
  locateMigrationError,
  parseMigrateDeployFailure,
  appliedStatements,
  splitSqlStatements
} from '../migrations/locate.js'
export type {
  MigrateDeployFailure,
  MigrationErrorLocation,
  MigrationSource,
  SqlStatement
} from '../migrations/locate.js'
export { parseSeedFailure, stackFrames, toRepoRelative } from '../prisma/seed-output.js'
export type { SeedFailure, MissingObject, SeedFailureOptions } from '../prisma/seed-output.js'

/** The parts of a discovered project that locating reads (absolute paths). */
export interface LocatableProject {
  schemaFiles: { path: string; text: string }[]
  migrations: { name: string; sqlPath: string; sql: string }[]
}

/** Kinds Prisma cannot express: their source is a migration, whatever the schema says. */
const MIGRATION_FIRST = new Set<DriftItem['kind']>(['function', 'trigger', 'extension', 'sequence', 'check'])

/**
 * Returns the items with `location` filled in (items that already have one
 * keep it). Schema paths and migration paths become repo-relative. The
 * migrations are read once into an index of what each creates.
 */
export function locateItems(items: DriftItem[], project: LocatableProject, repoRoot: string): DriftItem[] {
  // Parsing a large schema costs hundreds of milliseconds: only when something needs a place.
  if (items.every((item) => item.location)) return items
  const index = parseSchema(
    project.schemaFiles.map((f) => ({ path: repoPath(repoRoot, f.path), text: f.text }))
  )
  const created = MigrationIndex.of(project.migrations)
  const paths = project.migrations.map((m) => repoPath(repoRoot, m.sqlPath))
  const inMigrations = (item: DriftItem): SourceLocation | undefined => {
    const site = created.find(item)
    const file = site && paths[site.migration]
    return site && file ? { file, line: site.line } : undefined
  }
  return items.map((item) => {
    if (item.location) return item
    const location = locateItem(item, index, inMigrations)
    return location ? { ...item, location } : item
  })
}

/**
 * Schema first for what the schema declares (missing, different); the
 * creating migration first for what only the migrations have. The model's
 * line is the last resort.
 */
export function locateItem(
  item: DriftItem,
  index: SchemaIndex,
  inMigrations: (item: DriftItem) => SourceLocation | undefined
): SourceLocation | undefined {
  const match = matchDriftItem(item, index)
  const migrationFirst = item.change === 'unexpected' || MIGRATION_FIRST.has(item.kind)
  if (match?.exact && !migrationFirst) return match.location
  return inMigrations(item) ?? match?.location
}

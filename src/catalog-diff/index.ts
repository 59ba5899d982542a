/**
 * Two catalog snapshots in, the typed differences between them out: one item
 * per object that one catalog has and the other lacks or defines otherwise,
 * each with the SQL that turns the second catalog into the first (but the
 * `info` items, which Prisma leaves alone).
 *
 * Drift compares the database the schema describes with the one the
 * migrations built; the migration review compares the database after a
 * migration with the one before it. The semantics are Prisma's differ's: what
 * `prisma migrate diff` would change is an error or a warning; what Prisma
 * cannot express (functions, triggers, checks, extensions, views,
 * partitioning, expression and partial indexes, free-standing sequences) is
 * listed as `info` only. Fix SQL is written from the first catalog's own
 * definitions.
 *
 * One file per object kind: enums.ts, tables.ts, columns.ts, keys.ts
 * (primary and foreign keys), indexes.ts (indexes and unique constraints,
 * with Prisma's rules for them in index-rules.ts), other-objects.ts; names in
 * naming.ts, defaults compared by meaning in defaults.ts.
 */
import type { CatalogSnapshot } from '../db/snapshot.js'
import type { DriftItem } from '../model/drift.js'
import { compareEnums } from './enums.js'
import { compareIgnoredObjects } from './other-objects.js'
import { compareTables } from './tables.js'

/**
 * Compares `expected` with `actual` (for drift: the database the schema
 * describes and the one the migrations built; for the review: the database
 * after a migration and before it). `missing` is what only `expected` has,
 * `unexpected` what only `actual` has. Items come grouped by object: enums,
 * then each table with its columns, keys, indexes and foreign keys, then the
 * objects Prisma ignores.
 */
export function compareCatalogs(expected: CatalogSnapshot, actual: CatalogSnapshot): DriftItem[] {
  return [
    ...compareEnums(expected, actual),
    ...compareTables(expected, actual),
    ...compareIgnoredObjects(expected, actual)
  ]
}

/**
 * The database the schema describes: Prisma's own SQL for the schema
 * (`prisma migrate diff --from-empty`), applied to a scratch database after
 * what that SQL may rely on and never creates (the extensions the migrations
 * install, and when needed the functions and sequences they define). We never
 * translate the schema ourselves.
 */
import pg from 'pg'
import { createScratchDatabase, DatabaseError, describePgError, type ScratchDatabase } from '../db/connect.js'
import type { CatalogSnapshot } from '../db/snapshot.js'
import { MigrationIndex } from '../migrations/migration-index.js'
import { diffFromEmptyArgs, type PrismaContext } from '../prisma/cli.js'
import { runDiffScript, type DiffScript } from '../prisma/diff-script.js'
import type { Project } from '../prisma/project.js'
import { createPrerequisites, type Prerequisites } from './prerequisites.js'
import { quoteIdent } from '../sql/quote.js'

/** A running `prisma migrate diff --from-empty … --script`. */
export interface SchemaDiff {
  schemaPath: string
  args: string[]
  result: Promise<DiffScript>
}

/**
 * Starts asking Prisma for the SQL of the schema. It depends on nothing the
 * migrations do, so the pipeline starts it before generate and migrate, and
 * its seconds of CPU overlap theirs instead of adding to the run.
 */
export function startSchemaDiff(
  prisma: PrismaContext,
  schemaPath: string,
  options: { background?: boolean } = {}
): SchemaDiff {
  const args = diffFromEmptyArgs(prisma.project.prisma.major, schemaPath)
  // Started beside generate and deploy, its result is wanted only after the
  // seed has started: at a lower priority it takes the CPU they leave, not theirs.
  const niceness = options.background === false ? undefined : BACKGROUND_NICENESS
  return { schemaPath, args, result: runDiffScript(prisma, args, niceness ? { niceness } : {}) }
}

/** The nice value of Prisma processes whose result is not on the run's critical path. */
export const BACKGROUND_NICENESS = 10

/** The expected database, or why there is none. Whoever holds one disposes it. */
export type Built =
  | {
      ok: true
      scratch: ScratchDatabase
      client: pg.Client
      extensions: string[]
      /** Functions and sequences copied from the migrated database (not the schema's). */
      copied?: Prerequisites
    }
  | { ok: false; kind: 'scratch'; error: DatabaseError; extensions: string[] }
  | { ok: false; kind: 'diff'; diff: Exclude<DiffScript, { kind: 'script' }>; extensions: string[] }
  | {
      ok: false
      kind: 'apply'
      error: string
      cause?: unknown
      scratch?: ScratchDatabase
      client?: pg.Client
      extensions: string[]
    }

/** An expected database being built ahead of the drift check. */
export interface ExpectedBuild {
  schemaPath: string
  result: Promise<Built>
  /** Drops the scratch database (whatever state the build reached). Idempotent. */
  dispose(): Promise<void>
}

export async function disposeBuilt(built: Built): Promise<void> {
  if ('client' in built) await built.client?.end().catch(() => {})
  if ('scratch' in built) await built.scratch?.drop()
}

/**
 * Starts building the expected database while `migrate deploy` runs: the
 * scratch database, Prisma's SQL, and first the extensions the migration
 * files create (the schema's SQL may need their types). At 1,000 models this
 * is seconds of PostgreSQL work that would otherwise follow the seed.
 */
export function startExpectedBuild(
  prisma: PrismaContext,
  databaseUrl: string,
  diff: SchemaDiff
): ExpectedBuild {
  // A connection of its own: the pipeline's connection may be inside a
  // transaction (replaying a failed migration) while this one creates a database.
  const admin = new pg.Client({ connectionString: databaseUrl, application_name: 'migrate-seed-check' })
  admin.on('error', () => {})
  const result = admin
    .connect()
    .then(() => buildExpected(admin, databaseUrl, diff, extensionsInMigrations(prisma.project)))
    .catch(async (error: unknown): Promise<Built> => {
      await diff.result.catch(() => undefined)
      return { ok: false, kind: 'apply', error: describePgError(error), cause: error, extensions: [] }
    })
  let disposed: Promise<void> | undefined
  return {
    schemaPath: diff.schemaPath,
    result,
    dispose: () =>
      (disposed ??= result.then(disposeBuilt, () => undefined).finally(() => admin.end().catch(() => {})))
  }
}

/** The extensions the migration files create, as PostgreSQL's parser reads them. */
export function extensionsInMigrations(project: Pick<Project, 'migrations'>): Extension[] {
  return MigrationIndex.of(project.migrations)
    .extensions()
    .map((e) => ({ name: e.name, schema: e.schema ?? 'public' }))
}

export async function buildExpected(
  admin: pg.ClientBase,
  databaseUrl: string,
  diff: SchemaDiff,
  extensions: Extension[],
  prerequisites?: Prerequisites
): Promise<Built> {
  const names = extensions.map((e) => e.name)
  let scratch: ScratchDatabase
  try {
    scratch = await createScratchDatabase(admin, databaseUrl, 'expect')
  } catch (error) {
    await diff.result.catch(() => undefined)
    if (error instanceof DatabaseError) return { ok: false, kind: 'scratch', error, extensions: names }
    throw error
  }
  try {
    const sql = await diff.result
    if (sql.kind !== 'script') {
      await scratch.drop()
      return { ok: false, kind: 'diff', diff: sql, extensions: names }
    }
    const client = new pg.Client({ connectionString: scratch.url, application_name: 'migrate-seed-check' })
    client.on('error', () => {})
    try {
      await client.connect()
      for (const ext of extensions) await createExtension(client, ext)
      const copied = prerequisites && (await createPrerequisites(client, prerequisites))
      // One simple-protocol query runs the whole script, as psql would.
      if (sql.script.trim()) await client.query(sql.script)
      return { ok: true, scratch, client, extensions: names, ...(copied ? { copied } : {}) }
    } catch (error) {
      return {
        ok: false,
        kind: 'apply',
        error: describePgError(error),
        cause: error,
        scratch,
        client,
        extensions: names
      }
    }
  } catch (error) {
    await scratch.drop()
    throw error
  }
}

/** The expected catalog without what was copied from the migrated database: those are the migrations', not the schema's. */
export function withoutCopies(catalog: CatalogSnapshot, built: Built): CatalogSnapshot {
  const copied = built.ok ? built.copied : undefined
  if (!copied) return catalog
  const functions = new Set(copied.functions.map((f) => `${f.schema}.${f.name}(${f.arguments})`))
  const sequences = new Set(copied.sequences.map((q) => `${q.schema}.${q.name}`))
  return {
    ...catalog,
    functions: catalog.functions.filter((f) => !functions.has(`${f.schema}.${f.name}(${f.arguments})`)),
    sequences: catalog.sequences.filter((q) => !sequences.has(`${q.schema}.${q.name}`))
  }
}

export async function createExtension(client: pg.ClientBase, ext: Extension): Promise<void> {
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(ext.schema)}`)
  await client.query(
    `CREATE EXTENSION IF NOT EXISTS ${quoteIdent(ext.name)} WITH SCHEMA ${quoteIdent(ext.schema)}`
  )
}

/**
 * `type "citext" does not exist` here means the schema uses a type that an
 * extension provides and no migration installs it: say so and name the fix.
 */
export function missingExtensionHint(error: string): string {
  const type = /type "([^"]+)" does not exist/.exec(error)?.[1]
  if (!type) return ''
  return (
    `\nThe schema uses the type \`${type}\`, which an extension provides, but no migration installs that extension. ` +
    `Add \`CREATE EXTENSION IF NOT EXISTS "${type}";\` (or the extension that provides it) to a migration, ` +
    'or declare it with the `postgresqlExtensions` preview feature so Prisma writes it.'
  )
}

export interface Extension {
  name: string
  schema: string
}

/** Extensions the migrations installed: Prisma's SQL for the schema may rely on them (citext, pg_trgm…). */
export async function installedExtensions(client: pg.ClientBase): Promise<Extension[]> {
  const { rows } = await client.query<Extension>(
    `SELECT e.extname AS name, n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname <> 'plpgsql' ORDER BY 1`
  )
  return rows
}

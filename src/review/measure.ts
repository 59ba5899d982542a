/**
 * Replays one new migration on the populated upgrade database, statement by
 * statement, in a transaction of our own that is rolled back, and reads back
 * after each statement what it did:
 * - the table locks it took: `pg_locks` of our own backend (locks stay until
 *   the transaction ends, so the new ones are this statement's);
 * - whether it rewrote a table: `pg_class.relfilenode` before and after;
 * - whether it read a whole table without rewriting it (constraint
 *   validation, SET NOT NULL) or built an index on it: the table's
 *   `pg_stat_xact_user_tables.seq_tup_read` before and after, and the index
 *   relations that appeared;
 * - its wall time at the rows the upgrade test inserted.
 * One query reads all of it, so the measurement costs one round trip per
 * statement. Statements PostgreSQL refuses in a transaction are not run here:
 * they are described by the lock their command takes (the upgrade test runs
 * them as they are).
 */
import type pg from 'pg'
import { describePgError } from '../db/connect.js'
import { snapshotCatalog, type CatalogSnapshot } from '../db/snapshot.js'
import { blankComments, type SqlStatement } from '../sql/script.js'
import type { MigrationPlan } from '../migrations/engine.js'
import { rehearseMigration } from '../migrations/replay.js'
import { catalogAfter } from './catalog-after.js'
import { blocksOf, commandLock, isLockMode, lockRank } from './locks.js'
import type { LockMode, StatementLock, StatementReview } from '../model/review.js'

/** A relation of the user's schemas as `pg_class` has it at one moment. */
export interface Relation {
  oid: number
  schema: string
  name: string
  /** `r` table, `p` partitioned table, `m` materialized view, `i` index. */
  kind: string
  filenode: number
  /** For an index: the table it belongs to. */
  tableOid?: number
}

export interface Probe {
  relations: Map<number, Relation>
  /** `oid` → modes held by our backend. */
  locks: Map<number, Set<LockMode>>
  /** `oid` → rows read by sequential scans so far in this backend. */
  read: Map<number, number>
}

/** What one migration's replay found. */
export interface Replay {
  statements: StatementReview[]
  transactional: boolean
  /** The catalog after the migration (read inside our transaction), unless a statement failed. */
  after?: CatalogSnapshot
  /** Relations before and after the migration, for renames and new tables. */
  relationsBefore: Map<number, Relation>
  relationsAfter: Map<number, Relation>
  /** The statement texts, in order (for attributing changes to statements). */
  texts: string[]
  failed?: string
}

export interface ReplayOptions {
  schemas: string[]
  /** Rows per table before the migration, by display name. */
  rows: Map<string, number>
  /** Read every relation after each statement, not only the locked ones (what those must equal). */
  everyRelation?: boolean
  /** The catalog before the migration: the one after it is read only where it can have changed (catalog-after.ts). */
  before?: CatalogSnapshot
}

const LOCKED_BY_US = `SELECT l.relation FROM pg_locks l
    WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND l.granted
      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`

/**
 * Relations, our locks and sequential-scan reads. `$2` true: only the
 * relations our backend holds a lock on, and the indexes of those (a
 * statement changes nothing it does not lock: a rewrite, a new, dropped or
 * renamed relation and a scan all take one, held until the transaction
 * ends), with the count of all relations to check that against.
 */
const PROBE_SQL = `
WITH locked AS (${LOCKED_BY_US}),
rel AS (
  SELECT c.oid, n.nspname, c.relname, c.relkind, c.relfilenode, ix.indrelid
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_index ix ON ix.indexrelid = c.oid
   WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p', 'm', 'i'))
SELECT
  (SELECT coalesce(json_agg(json_build_object('oid', oid, 'schema', nspname, 'name', relname,
            'kind', relkind, 'filenode', relfilenode, 'table', indrelid)), '[]')
     FROM rel
    WHERE NOT $2 OR oid IN (SELECT relation FROM locked) OR indrelid IN (SELECT relation FROM locked)) AS relations,
  (SELECT count(*) FROM rel) AS total,
  (SELECT coalesce(json_agg(json_build_object('oid', l.relation, 'mode', l.mode)), '[]')
     FROM pg_locks l
    WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND l.granted
      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())) AS locks,
  (SELECT coalesce(json_agg(json_build_object('oid', s.relid, 'read', s.seq_tup_read)), '[]')
     FROM pg_stat_xact_user_tables s
    WHERE s.schemaname = ANY($1) AND (NOT $2 OR s.relid IN (SELECT relation FROM locked))) AS stats`

/** `users`, or `app.users` outside `public` (the drift report's display names). */
export function displayName(schema: string, name: string): string {
  return schema === 'public' ? name : `${schema}.${name}`
}

const TABLE_KINDS = new Set(['r', 'p', 'm'])

/**
 * Reads the relations, our locks and scan reads. With `since`, a probe taken
 * earlier in the same transaction, only what our backend locked is read and
 * the rest is taken from `since` (what is not locked did not change), unless
 * the number of relations says otherwise (then everything is read): at a
 * thousand tables, reading all of them after every statement costs more than
 * the statements.
 */
export async function probe(client: pg.ClientBase, schemas: string[], since?: Probe): Promise<Probe> {
  const read = await readProbe(client, schemas, since !== undefined)
  if (!since) return read.probe
  const relations = new Map(since.relations)
  const reads = new Map(since.read)
  // Locked relations and the indexes of locked tables were read again: those not there are gone.
  const locked = (r: Relation) =>
    read.probe.locks.has(r.oid) || (r.tableOid !== undefined && read.probe.locks.has(r.tableOid))
  for (const r of since.relations.values())
    if (locked(r) && !read.probe.relations.has(r.oid)) {
      relations.delete(r.oid)
      reads.delete(r.oid)
    }
  for (const [oid, r] of read.probe.relations) relations.set(oid, r)
  for (const [oid, n] of read.probe.read) reads.set(oid, n)
  if (relations.size !== read.total) return (await readProbe(client, schemas, false)).probe
  return { relations, locks: read.probe.locks, read: reads }
}

/** Only the relations our backend holds a lock on (and their indexes), with our locks. */
export async function probeLocked(client: pg.ClientBase, schemas: string[]): Promise<Probe> {
  return (await readProbe(client, schemas, true)).probe
}

async function readProbe(
  client: pg.ClientBase,
  schemas: string[],
  lockedOnly: boolean
): Promise<{ probe: Probe; total: number }> {
  type Raw = {
    relations: {
      oid: number
      schema: string
      name: string
      kind: string
      filenode: number
      table: number | null
    }[]
    total: string
    locks: { oid: number; mode: string }[]
    stats: { oid: number; read: number | string }[]
  }
  const { rows } = await client.query<Raw>(PROBE_SQL, [schemas, lockedOnly])
  const raw = rows[0] ?? { relations: [], total: '0', locks: [], stats: [] }
  const relations = new Map<number, Relation>()
  for (const r of raw.relations) {
    const relation: Relation = {
      oid: r.oid,
      schema: r.schema,
      name: r.name,
      kind: r.kind,
      filenode: r.filenode
    }
    if (r.table) relation.tableOid = r.table
    relations.set(r.oid, relation)
  }
  const locks = new Map<number, Set<LockMode>>()
  for (const l of raw.locks) {
    if (!isLockMode(l.mode)) continue
    const modes = locks.get(l.oid) ?? new Set<LockMode>()
    modes.add(l.mode)
    locks.set(l.oid, modes)
  }
  const read = new Map(raw.stats.map((s) => [s.oid, Number(s.read)]))
  return { probe: { relations, locks, read }, total: Number(raw.total) }
}

/** The first line of a statement, shortened, comments out. */
export function statementSummary(text: string): string {
  const line = blankComments(text).replace(/\s+/g, ' ').trim()
  return line.length > 90 ? `${line.slice(0, 89)}…` : line
}

/** `CREATE INDEX CONCURRENTLY … ON "users"` → `users`. */
function tableOfCommand(statement: string): { schema?: string; name: string } | undefined {
  const ident = String.raw`(?:"((?:[^"]|"")+)"|([A-Za-z_][\w$]*))`
  const match = new RegExp(String.raw`\bON\s+(?:ONLY\s+)?${ident}(?:\s*\.\s*${ident})?`, 'i').exec(
    blankComments(statement)
  )
  if (!match) return undefined
  const first = (match[1]?.replaceAll('""', '"') ?? match[2]?.toLowerCase()) as string
  const second = match[3]?.replaceAll('""', '"') ?? match[4]?.toLowerCase()
  return second ? { schema: first, name: second } : { name: first }
}

/**
 * Replays one migration (its plan: migrations/engine.ts) in a transaction
 * that is always rolled back. Never throws for an error of the migration
 * itself: the failing statement is marked `failed` and the statements after
 * it `not-measured`.
 */
export async function replayMigration(
  client: pg.ClientBase,
  plan: MigrationPlan,
  options: ReplayOptions
): Promise<Replay> {
  const statements = plan.statements.map((p) => p.statement)
  const reviews: StatementReview[] = statements.map((s) => emptyReview(s, 'not-measured'))
  let failed: string | undefined
  let after: CatalogSnapshot | undefined
  let first: Probe | undefined
  let previous: Probe | undefined
  let probedAt = -1
  const failure = await rehearseMigration(client, plan, {
    start: async (c) => {
      first = previous = await probe(c, options.schemas)
    },
    afterStatement: async (c, step) => {
      // One transaction for the whole rehearsal: every lock taken since
      // `previous` is still held, unless the file's own ROLLBACK undid a block
      // (that releases the block's locks) in between.
      const undone = plan.statements.slice(probedAt + 1, step.index).some((p) => p.control === 'rollback')
      probedAt = step.index
      const current = await probe(c, options.schemas, undone || options.everyRelation ? undefined : previous)
      reviews[step.index] = compareProbes(
        step.planned.statement,
        step.durationMs,
        first!,
        previous!,
        current,
        options
      )
      previous = current
    },
    skipped: (step) => {
      reviews[step.index] = describeByCommand(step.planned.statement, options, first!)
    },
    end: async (c) => {
      after =
        options.before && !options.everyRelation
          ? await catalogAfter(c, options.schemas, options.before, first!, previous!)
          : await snapshotCatalog(c, options.schemas)
    }
  })
  for (const [index, p] of plan.statements.entries())
    if ((p.control || p.transactionSetting) && reviews[index]?.status === 'not-measured')
      reviews[index] = emptyReview(p.statement, 'control')
  if (failure) {
    const statement = statements[failure.index]!
    failed = `statement ${failure.index + 1} (line ${statement.startLine}): ${describePgError(failure.error)}`
    reviews[failure.index] = { ...emptyReview(statement, 'failed'), error: describePgError(failure.error) }
    // Statements the rehearsal never reached that PostgreSQL refuses in a transaction keep their command's lock.
    for (const [index, p] of plan.statements.entries())
      if (index > failure.index && p.refusesTransaction)
        reviews[index] = describeByCommand(p.statement, options, first!)
  }
  return {
    statements: reviews,
    transactional: !plan.statements.some((p) => p.refusesTransaction),
    after,
    relationsBefore: first?.relations ?? new Map(),
    relationsAfter: previous?.relations ?? new Map(),
    texts: statements.map((s) => s.text),
    failed
  }
}

function emptyReview(statement: SqlStatement, status: StatementReview['status']): StatementReview {
  return {
    index: statement.index,
    line: statement.startLine,
    endLine: statement.endLine,
    summary: statementSummary(statement.text),
    status,
    locks: [],
    rewrites: [],
    scans: [],
    indexBuilds: [],
    hazards: []
  }
}

/** A statement PostgreSQL refuses in a transaction: the lock of its command, on the table it names. */
function describeByCommand(statement: SqlStatement, options: ReplayOptions, before: Probe): StatementReview {
  const review = emptyReview(statement, 'not-in-transaction')
  const mode = commandLock(statement.text)
  const table = tableOfCommand(statement.text)
  if (!mode || !table) return review
  const relation = [...before.relations.values()].find(
    (r) => TABLE_KINDS.has(r.kind) && r.name === table.name && (!table.schema || r.schema === table.schema)
  )
  const name = relation
    ? displayName(relation.schema, relation.name)
    : displayName(table.schema ?? 'public', table.name)
  review.locks.push({
    table: name,
    mode,
    blocks: blocksOf(mode),
    newTable: false,
    rows: options.rows.get(name)
  })
  return review
}

/** What changed between two probes around one statement. */
function compareProbes(
  statement: SqlStatement,
  durationMs: number,
  first: Probe,
  previous: Probe,
  current: Probe,
  options: ReplayOptions
): StatementReview {
  const review = { ...emptyReview(statement, 'measured'), durationMs }
  const relation = (oid: number) =>
    current.relations.get(oid) ?? previous.relations.get(oid) ?? first.relations.get(oid)
  const existedBefore = (oid: number) => first.relations.has(oid)
  const name = (r: Relation) => displayName(r.schema, r.name)

  // Locks: the modes held now that were not held before this statement, the strongest per table.
  const strongest = new Map<number, LockMode>()
  for (const [oid, modes] of current.locks) {
    const r = relation(oid)
    if (!r || !TABLE_KINDS.has(r.kind)) continue
    const had = previous.locks.get(oid) ?? new Set<LockMode>()
    for (const mode of modes) {
      if (had.has(mode)) continue
      const best = strongest.get(oid)
      if (!best || lockRank(mode) > lockRank(best)) strongest.set(oid, mode)
    }
  }
  for (const [oid, mode] of strongest) {
    const r = relation(oid)!
    const lock: StatementLock = {
      table: name(r),
      mode,
      blocks: blocksOf(mode),
      newTable: !existedBefore(oid)
    }
    const rows = options.rows.get(name(r))
    if (rows !== undefined && !lock.newTable) lock.rows = rows
    review.locks.push(lock)
  }
  review.locks.sort((a, b) => lockRank(b.mode) - lockRank(a.mode) || a.table.localeCompare(b.table))

  // Rewrites: tables that existed before the migration and have new storage now.
  const rewritten = new Set<number>()
  for (const [oid, before] of previous.relations) {
    const now = current.relations.get(oid)
    if (!now || !TABLE_KINDS.has(before.kind) || !existedBefore(oid)) continue
    if (now.filenode !== before.filenode) {
      rewritten.add(oid)
      review.rewrites.push(name(now))
    }
  }
  const readBy = (oid: number) => (current.read.get(oid) ?? 0) - (previous.read.get(oid) ?? 0)

  // Index builds: a new index relation on a table that existed before the migration.
  const built = new Set<number>()
  for (const [oid, r] of current.relations) {
    if (r.kind !== 'i' || previous.relations.has(oid) || r.tableOid === undefined) continue
    if (!existedBefore(r.tableOid) || rewritten.has(r.tableOid) || built.has(r.tableOid)) continue
    const table = relation(r.tableOid)
    if (!table) continue
    built.add(r.tableOid)
    review.indexBuilds.push({ table: name(table), rows: readBy(r.tableOid) })
  }

  // Index relations that went away: a DROP INDEX (or a dropped constraint's index) on its table.
  for (const [oid, r] of previous.relations) {
    if (r.kind !== 'i' || current.relations.has(oid) || r.tableOid === undefined) continue
    const table = relation(r.tableOid)
    if (table && existedBefore(r.tableOid))
      (review.droppedIndexes ??= []).push({ table: name(table), index: r.name })
  }

  // Scans: rows read from a table that was neither rewritten nor indexed here.
  for (const oid of current.read.keys()) {
    if (rewritten.has(oid) || built.has(oid) || !existedBefore(oid)) continue
    const rows = readBy(oid)
    const r = relation(oid)
    if (rows > 0 && r) review.scans.push({ table: name(r), rows })
  }
  // In table order: the order PostgreSQL lists its counters in is not stable.
  review.scans.sort((a, b) => a.table.localeCompare(b.table))
  return review
}

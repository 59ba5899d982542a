/**
 * The upgrade test: does the pull request's new migrations apply to a
 * database that already holds data, as every deployed database does?
 *
 * In a scratch database (always dropped): the base's migrations, then a few
 * rows in every table (rows.ts), then each new migration. A failing statement
 * is replayed in a rolled-back transaction on the same database with its
 * tables emptied; when it passes there, the data is what broke it, and the
 * problem names the statement's line, the table and the kind of data.
 *
 * The SQL is applied here, statement by statement, not with `prisma migrate
 * deploy`: deploy reads the migrations folder from the project's
 * prisma.config.ts or schema location, so applying the base's migrations would
 * need a rewritten copy of the project's config; it would cost a Prisma
 * start-up per phase (about 10 s each with the WebAssembly engine); the
 * WebAssembly engine cannot run dollar-quoted bodies; and we need the failing
 * statement and PostgreSQL's error fields (table, column, constraint) anyway.
 * Each new migration runs with the transactions the project's engine gives
 * it (migrations/engine.ts): the whole file in one transaction, or statement
 * by statement, and the file's own `BEGIN … COMMIT` as one transaction. A
 * migration that fails half-way where statements are committed one by one
 * stays half applied, as it would on a deployed database.
 */
import pg from 'pg'
import { createScratchDatabase, DatabaseError, describePgError, type ScratchDatabase } from '../db/connect.js'
import { snapshotCatalog, type CatalogSnapshot } from '../db/snapshot.js'
import type { AlterTableCmd } from 'libpg-query'
import {
  lineAtOffset,
  lineStarts,
  offsetOfCharPosition,
  parseSqlScript,
  refusedInTransaction,
  splitSqlStatements
} from '../sql/script.js'
import { engineModelOf, planFor, type EngineModel, type MigrationPlan } from '../migrations/engine.js'
import {
  applyMigration as applyPlanned,
  rehearseMigration,
  type PgError,
  type ReplayedStatement
} from '../migrations/replay.js'
import { repoPath } from '../util/paths.js'
import type { Migration } from '../prisma/project.js'
import { halfAppliedAdvice } from '../migrations/half-applied.js'
import { fillTables, type FillReport } from './fill.js'
import { baseRoutines, fillScope } from './fill-scope.js'
import type { BaseMigration, BaseMigrations, HistoryProblem, HistoryStageResult } from '../model/history.js'

export interface UpgradeArgs {
  /** Connected to the service database, with the right to CREATE DATABASE. */
  adminClient: pg.ClientBase
  /** The service database's URL; the scratch database is created beside it. */
  databaseUrl: string
  /** The base's migrations (`readBaseMigrations`). */
  baseMigrations: BaseMigrations | BaseMigration[]
  /** The pull request's new migrations (`checkHistory(...).added`), in order. */
  newMigrations: Migration[]
  /** PostgreSQL schemas of the datasource (`project.dbSchemas`). */
  schemas: string[]
  repoRoot: string
  /**
   * Rows per table (default 3; 0 runs the migrations on empty tables), or a
   * budget of rows for the whole database, spread evenly over its tables
   * within `min` and `max` a table.
   */
  rowsPerTable?: number | RowBudget
  /** Looks at each new migration on the populated database before it is applied (the migration review). */
  observer?: UpgradeObserver
  /** How the project's Prisma applies a migration (default: the whole file in one transaction). */
  engine?: EngineModel
  /**
   * Fill every table, not only those the new migrations can reach
   * (fill-scope.ts): the same findings, at the cost of the fill's time.
   */
  fillEverything?: boolean
}

/**
 * Called while the upgrade test runs. `beforeMigration` may run the
 * migration in a transaction of its own, as long as it rolls it back.
 */
export interface UpgradeObserver {
  /** The base's catalog and the rows just inserted into it. */
  filled(client: pg.ClientBase, snapshot: CatalogSnapshot, fill: FillReport): Promise<void>
  beforeMigration(client: pg.ClientBase, migration: Migration, plan: MigrationPlan): Promise<void>
  /** A statement applied for real, while its transaction is still open (its locks are still held). */
  statementApplied?(client: pg.ClientBase, migration: Migration, step: ReplayedStatement): Promise<void>
  /** The migration was applied, or failed at statement `failedAt`. */
  afterMigration?(client: pg.ClientBase, migration: Migration, failedAt?: number): Promise<void>
}

/** A number of rows for the whole database rather than per table. */
export interface RowBudget {
  total: number
  min: number
  max: number
}

/** Rows per table for a database of `tables` tables. */
export function rowsFor(rows: number | RowBudget | undefined, tables: number): number | undefined {
  if (rows === undefined || typeof rows === 'number') return rows
  return Math.max(rows.min, Math.min(rows.max, Math.floor(rows.total / Math.max(1, tables))))
}

export interface UpgradeOutcome {
  stage: HistoryStageResult
  problems: HistoryProblem[]
  /** What was inserted before the new migrations ran. */
  fill?: FillReport
}

/** SQLSTATE classes of errors that data causes: 22 data exception, 23 integrity constraint violation. */
const DATA_ERROR = /^2[23]/

interface StatementFailure {
  migration: Migration
  plan: MigrationPlan
  statementIndex: number
  statementCount: number
  line: number
  error: PgError
  /** Statements before the failing one that stay applied (committed before it failed). */
  committed: number[]
}

/** Runs the upgrade test. Never throws for a finding; the scratch database is always dropped. */
export async function runUpgradeTest(args: UpgradeArgs): Promise<UpgradeOutcome> {
  const started = performance.now()
  const base = Array.isArray(args.baseMigrations) ? args.baseMigrations : args.baseMigrations.migrations
  const stage = (status: HistoryStageResult['status'], summary: string): HistoryStageResult => ({
    name: 'upgrade',
    status,
    durationMs: Math.round(performance.now() - started),
    summary
  })
  if (args.newMigrations.length === 0) return { stage: stage('skipped', 'no new migrations'), problems: [] }

  let scratch: ScratchDatabase | undefined
  let client: pg.Client | undefined
  try {
    try {
      scratch = await createScratchDatabase(args.adminClient, args.databaseUrl, 'upgrade')
    } catch (error) {
      if (!(error instanceof DatabaseError)) throw error
      return {
        stage: stage('skipped', 'cannot create a scratch database'),
        problems: [
          {
            stage: 'upgrade',
            severity: 'warning',
            title: 'Upgrade test not run',
            message: error.message,
            code: error.code
          }
        ]
      }
    }
    client = new pg.Client({ connectionString: scratch.url, application_name: 'migrate-seed-check' })
    // A server that goes away must not crash the process; the query that notices fails instead.
    client.on('error', () => {})
    await client.connect()
    return await upgrade(client, args, base, stage)
  } finally {
    await client?.end().catch(() => {})
    await scratch?.drop()
  }
}

async function upgrade(
  client: pg.Client,
  args: UpgradeArgs,
  base: BaseMigration[],
  stage: (status: HistoryStageResult['status'], summary: string) => HistoryStageResult
): Promise<UpgradeOutcome> {
  for (const migration of base) {
    if (await appliedWhole(client, migration.sql)) continue
    for (const statement of splitSqlStatements(migration.sql)) {
      try {
        await client.query(statement.text)
      } catch (error) {
        return {
          stage: stage('warning', `base migration ${migration.name} does not apply here`),
          problems: [
            {
              stage: 'upgrade',
              severity: 'warning',
              title: 'Upgrade test not run',
              message: `The base commit's migration ${migration.name} failed on a scratch database (line ${statement.startLine}: ${describePgError(error)}), so the new migrations could not be tried on a populated database. The rest of the check ran.`,
              code: (error as PgError).code
            }
          ]
        }
      }
    }
  }
  const snapshot = await snapshotCatalog(client, args.schemas)
  const scope = args.fillEverything
    ? undefined
    : fillScope(snapshot, args.newMigrations, await baseRoutines(client))
  const fill = await fillTables(client, snapshot, {
    // As many rows a table as when every table is filled: the same rows for the tables that are.
    rowsPerTable: rowsFor(args.rowsPerTable, snapshot.tables.filter((t) => !t.partitionOf).length),
    ...(scope?.kind === 'some' ? { only: scope.tables } : {})
  })
  await args.observer?.filled(client, snapshot, fill)
  const unfilled = fill.tables.filter((t) => t.error)
  const empty = fill.tables.filter((t) => t.empty)
  const filledTables = fill.tables.length - unfilled.length - empty.length
  const emptied = empty.length ? ` (${empty.map((t) => `${t.table}: ${t.empty}`).join('; ')}: no rows)` : ''
  const filled =
    fill.tables.length < fill.tableCount
      ? `${fill.rowCount} row(s) in ${filledTables} of ${fill.tableCount} table(s) (those the new migrations name and their foreign-key neighbours)${emptied}`
      : `${fill.rowCount} row(s) in ${filledTables} table(s)${emptied}`

  const engine = args.engine ?? engineModelOf(undefined, undefined)
  for (const migration of args.newMigrations) {
    const plan = await planFor(migration.sql, engine)
    await args.observer?.beforeMigration(client, migration, plan)
    const failure = await applyMigration(client, migration, plan, args.observer)
    await args.observer?.afterMigration?.(client, migration, failure?.statementIndex)
    if (!failure) continue
    const problem = await describeFailure(client, failure, args.repoRoot, fill)
    const later = args.newMigrations.length - args.newMigrations.indexOf(migration) - 1
    const after = later ? `; ${later} later migration(s) not tried` : ''
    return {
      stage: stage(
        problem.severity === 'error' ? 'failed' : 'warning',
        `${migration.name} ${problem.severity === 'error' ? 'fails on a database with data' : 'fails on an empty database too'}${after}`
      ),
      problems: [problem],
      fill
    }
  }
  const problems: HistoryProblem[] = unfilled.length
    ? [
        {
          stage: 'upgrade',
          severity: 'info',
          title: 'Some tables could not be filled',
          message: `The upgrade test could not put rows into ${unfilled.map((t) => `${t.table} (${t.error})`).join('; ')}. The new migrations were tried on the other tables' rows.`
        }
      ]
    : []
  return {
    stage: stage(
      'passed',
      `${args.newMigrations.length} new migration(s) applied on ${base.length} base migration(s) with ${filled}`
    ),
    problems,
    fill
  }
}

/**
 * Statements that act the same in one transaction as each in its own: schema
 * changes only. Rows (INSERT, UPDATE…) are left out: a deferred constraint
 * is checked at the end of the transaction, which would differ.
 */
const WHOLE_KINDS = new Set([
  'CreateStmt',
  'IndexStmt',
  'AlterTableStmt',
  'RenameStmt',
  'DropStmt',
  'CreateEnumStmt',
  'AlterEnumStmt',
  'CreateSeqStmt',
  'AlterSeqStmt',
  'CreateSchemaStmt',
  'CreateExtensionStmt',
  'CreateDomainStmt',
  'CompositeTypeStmt',
  'CommentStmt'
])

/**
 * Applies a base migration made of schema changes only as one query (one
 * round trip and one commit instead of one a statement: the base of a large
 * project has thousands of statements). PostgreSQL runs the statements of
 * one query in one transaction, so a failure undoes all of them and leaves
 * the statement-by-statement replay (false here) to find and report it, as
 * it would have without this.
 */
async function appliedWhole(client: pg.Client, sql: string): Promise<boolean> {
  const statements = parseSqlScript(sql).statements
  const whole = statements.every(
    (s) => s.node !== undefined && WHOLE_KINDS.has(Object.keys(s.node)[0] ?? '') && !refusedInTransaction(s)
  )
  if (!whole || statements.length < 2) return false
  try {
    await client.query(sql)
    return true
  } catch {
    return false
  }
}

/** Applies one migration as the engine would; returns where it failed and what stayed applied. */
async function applyMigration(
  client: pg.Client,
  migration: Migration,
  plan: MigrationPlan,
  observer?: UpgradeObserver
): Promise<StatementFailure | undefined> {
  const outcome = await applyPlanned(client, plan, {
    afterStatement: async (c, step) => observer?.statementApplied?.(c, migration, step)
  })
  if (!outcome.failure) return undefined
  const { index, error } = outcome.failure
  const statement = plan.statements[index]!.statement
  const offset = error.position
    ? statement.startOffset + offsetOfCharPosition(statement.text, Number(error.position))
    : statement.startOffset
  return {
    migration,
    plan,
    statementIndex: index,
    statementCount: plan.statements.length,
    line: lineAtOffset(lineStarts(migration.sql), offset),
    error,
    committed: outcome.committed
  }
}

/**
 * Whether the failing statement passes once every table is empty: replayed,
 * with the statements of its transaction before it (those committed before
 * are in the database already), in a transaction that is rolled back.
 * Undefined when that cannot be told (PostgreSQL refuses it in a transaction).
 */
async function passesOnEmptyTables(
  client: pg.Client,
  failure: StatementFailure
): Promise<boolean | undefined> {
  const planned = failure.plan.statements[failure.statementIndex]!
  if (planned.refusesTransaction) return undefined
  const failed = await rehearseMigration(
    client,
    failure.plan,
    {
      start: async (c) => {
        const { rows } = await c.query<{ name: string }>(
          `SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables
            WHERE schemaname NOT IN ('pg_catalog', 'information_schema') AND tablename <> '_prisma_migrations'`
        )
        if (rows.length) await c.query(`TRUNCATE ${rows.map((r) => r.name).join(', ')} CASCADE`)
      }
    },
    { from: planned.from, to: failure.statementIndex }
  ).catch(() => ({ index: -1, error: {} }))
  return failed === undefined
}

async function describeFailure(
  client: pg.Client,
  failure: StatementFailure,
  repoRoot: string,
  fill: FillReport
): Promise<HistoryProblem> {
  const { migration, error } = failure
  const file = repoPath(repoRoot, migration.sqlPath)
  const empty = await passesOnEmptyTables(client, failure)
  const byData = empty ?? DATA_ERROR.test(error.code ?? '')
  const where = `In ${file}, statement ${failure.statementIndex + 1} of ${failure.statementCount}, line ${failure.line}.`
  const halfApplied = halfAppliedAdvice(
    failure.plan,
    failure.statementIndex,
    failure.committed,
    migration.name
  )
  const pgMessage = `${error.message ?? 'failed'}${error.code ? ` (SQLSTATE ${error.code})` : ''}`
  if (!byData) {
    return {
      stage: 'upgrade',
      severity: 'notice',
      title: `Migration ${migration.name} fails on an empty database too`,
      message: `${pgMessage}\n${where} The failure does not depend on the data; the migrate stage reports it on a fresh database.${halfApplied ? `\n${halfApplied}` : ''}`,
      location: { file, line: failure.line },
      code: error.code
    }
  }
  const rows = await rowCount(client, error)
  const statement = splitSqlStatements(migration.sql)[failure.statementIndex]?.text ?? ''
  return {
    stage: 'upgrade',
    severity: 'error',
    title: `Migration ${migration.name} fails on a database with data`,
    message:
      `${explainDataFailure(error, statement, rows, fill)}\n${pgMessage}\n${where} ` +
      `It applies to an empty database, so a fresh build passes, but deployed databases that have rows in ${error.table ? `"${error.table}"` : 'the table'} will fail here.` +
      (halfApplied ? `\n${halfApplied}` : ''),
    location: { file, line: failure.line },
    code: error.code
  }
}

/** Rows in the table the error names, before the migration (it was rolled back). */
async function rowCount(client: pg.Client, error: PgError): Promise<number | undefined> {
  if (!error.table) return undefined
  const name = error.schema
    ? `"${error.schema.replaceAll('"', '""')}"."${error.table.replaceAll('"', '""')}"`
    : `"${error.table.replaceAll('"', '""')}"`
  try {
    const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${name}`)
    return Number(rows[0]?.n ?? 0)
  } catch {
    return undefined
  }
}

/** The kind of data that broke the statement, in words, with the usual fix. */
export function explainDataFailure(
  error: PgError,
  statement: string,
  rows: number | undefined,
  _fill?: FillReport
): string {
  const table = error.table ? `"${error.table}"` : 'the table'
  const column = error.column ? `"${error.column}"` : 'the column'
  const withRows =
    rows === undefined ? 'a table with rows' : `a table with ${rows} row${rows === 1 ? '' : 's'}`
  const commands = alterTableCommands(statement)
  switch (error.code) {
    case '23502': {
      const adds = commands.some(
        (c) =>
          c.subtype === 'AT_AddColumn' &&
          (!error.column || (c.def && 'ColumnDef' in c.def && c.def.ColumnDef.colname === error.column))
      )
      if (adds)
        return `ADD COLUMN ${column} … NOT NULL without a default fails on ${withRows} (${table}): the existing rows have no value for it. Give the column a DEFAULT, or add it as nullable, fill it, then SET NOT NULL.`
      if (commands.some((c) => c.subtype === 'AT_SetNotNull'))
        return `SET NOT NULL on ${table}.${column} fails: existing rows hold NULL in it. Fill them first (UPDATE … SET ${column} = … WHERE ${column} IS NULL).`
      return `Existing rows of ${table} hold NULL where ${column} now requires a value.`
    }
    case '23505':
      return `The new unique index or constraint${error.constraint ? ` "${error.constraint}"` : ''} fails on ${withRows} (${table}) that holds duplicate values${error.detail ? ` (${error.detail})` : ''}. Remove the duplicates in the migration before adding it.`
    case '23503':
      return `Existing rows of ${table} reference rows that do not exist${error.detail ? ` (${error.detail})` : ''}: the new foreign key${error.constraint ? ` "${error.constraint}"` : ''} does not hold for them. Fix or delete those rows first, or add the key NOT VALID and validate it later.`
    case '23514':
      return `Existing rows of ${table} violate the check constraint${error.constraint ? ` "${error.constraint}"` : ''}. Fix those rows first, or add the constraint NOT VALID.`
    case '23P01':
      return `Existing rows of ${table} conflict with the new exclusion constraint${error.constraint ? ` "${error.constraint}"` : ''}.`
    case '22001':
      return `Existing values in ${table} are longer than the column's new length.`
    case '22P02':
    case '22003':
    case '22007':
    case '22008':
    case '22018':
      return `Existing values in ${table} cannot be converted to the new type or enum (${error.message ?? ''}). Convert them with a USING clause or an UPDATE first.`
    default:
      return `The statement fails on ${withRows} (${table}) but not on empty tables.`
  }
}

/** The commands of an `ALTER TABLE` statement, as PostgreSQL's parser reads them (none for other statements). */
function alterTableCommands(statement: string): AlterTableCmd[] {
  const node = parseSqlScript(statement).statements[0]?.node
  if (!node || !('AlterTableStmt' in node)) return []
  return (node.AlterTableStmt.cmds ?? []).flatMap((c) => ('AlterTableCmd' in c ? [c.AlterTableCmd] : []))
}

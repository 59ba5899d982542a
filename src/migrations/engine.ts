/**
 * How the project's Prisma applies one migration.sql on PostgreSQL, and what
 * that means for each statement: which transaction it runs in, and until
 * which statement its locks are held.
 *
 * Read in prisma-engines (see the README's "How Prisma applies a migration"):
 * - native schema engines before 7.4 send the file whole, as one simple-query
 *   message, which PostgreSQL runs as one implicit transaction;
 * - native engines from 7.4 (prisma-engines #5767) split the file with the
 *   Rust `sqlparser` crate and send each statement on its own, each committed
 *   by itself; when `sqlparser` cannot read the file, the whole file goes as
 *   one message as before;
 * - the WebAssembly engine with a driver adapter (`engine: "js"`) hands the
 *   file to the adapter, which runs it statement by statement.
 * In every case PostgreSQL honours an explicit `BEGIN … COMMIT` written in
 * the file: the statements between them are one transaction.
 */
import type { EngineMode } from '../model/review.js'
import { parseSqlScript, refusedInTransaction, type ParsedStatement } from '../sql/script.js'
import { readFileSync } from 'node:fs'
import { errorMessage } from '../util/errors.js'
import { useBaselineWasmCompiler } from '../util/wasm.js'

/** How the project's Prisma sends migrations. */
export interface EngineModel {
  /** `transaction`: the file whole, in one implicit transaction; `statement`: one statement at a time. */
  mode: EngineMode
  /** Native engines 7.4+: a file that `sqlparser` cannot read is sent whole. */
  splitter?: 'sqlparser'
  /** Who applies the migration, for the report: "Prisma 7.10.1's native schema engine". */
  engine: string
}

/** The first Prisma version whose native engine runs a migration statement by statement. */
export const SPLITTING_SINCE = { major: 7, minor: 4 }

/** Whether `prisma.config` selects the driver-adapter engine (`engine: "js"`). */
export function usesDriverAdapter(configFile: string | undefined): boolean {
  if (!configFile) return false
  try {
    const text = readFileSync(configFile, 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/(^|[^:])\/\/.*$/gm, '$1')
    return /\bengine\s*:\s*['"`]js['"`]/.test(text)
  } catch {
    return false
  }
}

/** The engine model of a project: from its Prisma CLI version and its prisma.config. */
export function engineModelOf(
  prismaVersion: string | undefined,
  configFile: string | undefined
): EngineModel {
  const version = prismaVersion ? `Prisma ${prismaVersion}` : 'Prisma'
  if (usesDriverAdapter(configFile))
    return { mode: 'statement', engine: `${version}'s WebAssembly engine with a driver adapter` }
  const [major = 0, minor = 0] = (prismaVersion ?? '').split('.').map((n) => Number.parseInt(n, 10) || 0)
  const splits =
    major > SPLITTING_SINCE.major || (major === SPLITTING_SINCE.major && minor >= SPLITTING_SINCE.minor)
  return splits
    ? { mode: 'statement', splitter: 'sqlparser', engine: `${version}'s native schema engine` }
    : { mode: 'transaction', engine: `${version}'s native schema engine` }
}

/** What a statement does to the transaction it runs in. */
export type TransactionControl = 'begin' | 'commit' | 'rollback'

/** One statement of a migration as the engine runs it. */
export interface PlannedStatement {
  statement: ParsedStatement
  /** BEGIN / COMMIT / ROLLBACK written in the file (savepoints are not transaction boundaries). */
  control?: TransactionControl
  /**
   * The transaction the statement runs in: `explicit` (between BEGIN and
   * COMMIT of the file), `implicit` (the whole file sent at once), `own`
   * (sent alone, committed by itself).
   */
  transaction: 'explicit' | 'implicit' | 'own'
  /** Index of the first statement of that transaction. */
  from: number
  /** Index of the statement that ends it (COMMIT/ROLLBACK), or undefined: the end of the migration. */
  until?: number
  /** PostgreSQL refuses the statement inside a transaction block (`CREATE INDEX CONCURRENTLY`…). */
  refusesTransaction: boolean
  /**
   * `SET TRANSACTION …`: it must come before any query of its transaction,
   * so a rehearsal inside a transaction of ours cannot run it (it changes
   * neither the catalog nor the locks).
   */
  transactionSetting?: boolean
}

/** A migration as the engine will run it. */
export interface MigrationPlan {
  /** How this file is sent: whole, or statement by statement. */
  sent: 'whole' | 'statements'
  /** Why a splitting engine sends this file whole: `sqlparser`'s error. */
  fallback?: string
  statements: PlannedStatement[]
}

/** BEGIN/COMMIT/ROLLBACK of a statement, read from its parse tree. */
export function transactionControl(statement: ParsedStatement): TransactionControl | undefined {
  const node = statement.node
  if (!node || !('TransactionStmt' in node)) return undefined
  switch (node.TransactionStmt.kind) {
    case 'TRANS_STMT_BEGIN':
    case 'TRANS_STMT_START':
      return 'begin'
    case 'TRANS_STMT_COMMIT':
    case 'TRANS_STMT_PREPARE':
      return 'commit'
    case 'TRANS_STMT_ROLLBACK':
      return 'rollback'
    default:
      return undefined
  }
}

/** `SET TRANSACTION …` (isolation level, read only, snapshot). */
export function isTransactionSetting(statement: ParsedStatement): boolean {
  const node = statement.node
  return (
    !!node &&
    'VariableSetStmt' in node &&
    node.VariableSetStmt.kind === 'VAR_SET_MULTI' &&
    (node.VariableSetStmt.name ?? '').startsWith('TRANSACTION')
  )
}

/**
 * The plan of one migration under `model`. `fallback` is Prisma's splitter's
 * verdict on the file (`splitterRejects`), needed only for a model with a
 * splitter; without it the file is taken as split.
 */
export function planMigration(sql: string, model: EngineModel, fallback?: string): MigrationPlan {
  const parsed = parseSqlScript(sql).statements
  const sent: MigrationPlan['sent'] =
    model.mode === 'transaction' || (model.splitter && fallback !== undefined) ? 'whole' : 'statements'
  // One statement sent whole is no different from one sent alone: PostgreSQL
  // opens no implicit block for a single statement (CONCURRENTLY works).
  const implicit = sent === 'whole' && parsed.length > 1
  const statements: PlannedStatement[] = []
  let explicitFrom: number | undefined
  let implicitFrom = 0
  const open: PlannedStatement[] = []
  const close = (index: number | undefined) => {
    for (const p of open.splice(0)) if (index !== undefined) p.until = index
  }
  parsed.forEach((statement, index) => {
    const control = transactionControl(statement)
    const planned: PlannedStatement = {
      statement,
      ...(control ? { control } : {}),
      transaction: 'own',
      from: index,
      refusesTransaction: refusedInTransaction(statement),
      ...(isTransactionSetting(statement) ? { transactionSetting: true } : {})
    }
    if (control === 'begin' && explicitFrom === undefined) {
      // BEGIN inside an implicit block turns that block into an explicit one.
      explicitFrom = implicit && open.length ? implicitFrom : index
      for (const earlier of open) earlier.transaction = 'explicit'
    }
    if (explicitFrom !== undefined) {
      planned.transaction = 'explicit'
      planned.from = explicitFrom
      open.push(planned)
      if (control === 'commit' || control === 'rollback') {
        close(index)
        explicitFrom = undefined
        implicitFrom = index + 1
      }
    } else if (implicit) {
      planned.transaction = 'implicit'
      planned.from = implicitFrom
      open.push(planned)
      if (control === 'commit' || control === 'rollback') {
        close(index)
        implicitFrom = index + 1
      }
    } else {
      planned.until = index
    }
    statements.push(planned)
  })
  close(undefined)
  return { sent, ...(sent === 'whole' && fallback !== undefined ? { fallback } : {}), statements }
}

let splitter: typeof import('@guanmingchiu/sqlparser-ts') | undefined

/**
 * Loads the `sqlparser` build that reads files as Prisma's splitter does
 * (the Rust crate, 0.62, as WebAssembly). Only needed for a model with a
 * splitter; safe to call more than once.
 */
export async function loadSplitter(): Promise<void> {
  if (splitter) return
  useBaselineWasmCompiler()
  const module = await import('@guanmingchiu/sqlparser-ts')
  await module.init()
  splitter = module
}

/**
 * `sqlparser`'s error when it cannot read the file (the engine then sends it
 * whole), or undefined when it reads every statement. `loadSplitter()` must
 * have resolved.
 */
export function splitterRejects(sql: string): string | undefined {
  if (!splitter) throw new Error('The splitter is not loaded: await loadSplitter() first.')
  try {
    splitter.parse(sql, new splitter.PostgreSqlDialect())
    return undefined
  } catch (error) {
    return errorMessage(error).replace(/^sql parser error: /, '')
  }
}

/** The plan of a migration for a model, with the splitter's verdict when the model has a splitter. */
export async function planFor(sql: string, model: EngineModel): Promise<MigrationPlan> {
  if (!model.splitter) return planMigration(sql, model)
  await loadSplitter()
  return planMigration(sql, model, splitterRejects(sql))
}

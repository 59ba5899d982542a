/**
 * Whose word drift is. With a normal Prisma install the project's own
 * `prisma migrate diff` from the migrated database to the schema is the
 * verdict: its statements are exactly what `prisma migrate dev` would write.
 * The catalog comparison then explains them (kind, object, expected and
 * actual, the schema line). Where Prisma refuses to diff from a database (its
 * WebAssembly engine with a driver adapter), the catalog comparison is the
 * verdict on its own.
 *
 * Drift is what Prisma's differ would change, no more and no less: an item it
 * does not change is `info`; a change it makes that no item explains is an
 * item of its own.
 */
import { verdictDiffArgs, type PrismaContext } from '../prisma/cli.js'
import { runDiffScript } from '../prisma/diff-script.js'
import { BACKGROUND_NICENESS } from './expected.js'
import type { DriftItem, DriftKind, DriftVerdict } from '../model/drift.js'
import { isRename } from './items.js'
import { readPrismaChanges, type PrismaChange } from './prisma-changes.js'

/** What Prisma's differ said, or why it said nothing. */
export type PrismaVerdict =
  | { kind: 'script'; script: string; args: string[] }
  | { kind: 'refused'; reason: string; args: string[] }
  | { kind: 'failed'; output: string; exitCode: number | null; timedOut: boolean; args: string[] }
  /** Prisma answered, but not with SQL PostgreSQL can read: never taken for "no change". */
  | { kind: 'unreadable'; reason: string; output: string; args: string[] }

/** A running `prisma migrate diff` from the migrated database to the schema. */
export interface PrismaVerdictRun {
  args: string[]
  result: Promise<PrismaVerdict>
}

/**
 * Prisma's WebAssembly schema engine cannot read a live database when a
 * driver adapter is configured, and says so: "… is not supported when
 * defining an adapter".
 */
const REFUSED = /not supported when\s+defining an adapter/i

/**
 * Starts Prisma's diff from the migrated database to the schema. It reads
 * nothing but the catalog, so it runs beside the seed.
 */
export function startPrismaVerdict(prisma: PrismaContext, schemaPath: string): PrismaVerdictRun {
  const args = verdictDiffArgs(prisma.project.prisma.major, schemaPath)
  // Beside generate and the seed, which the run waits for first: at a lower
  // priority it takes the CPU they leave.
  const result = runDiffScript(prisma, args, { niceness: BACKGROUND_NICENESS }).then(
    (diff): PrismaVerdict => {
      if (diff.kind === 'script') return { kind: 'script', script: diff.script, args }
      const r = diff.result
      if (diff.kind === 'unreadable')
        return { kind: 'unreadable', reason: diff.reason, output: r.output, args }
      if (REFUSED.test(r.output))
        return {
          kind: 'refused',
          reason:
            'Prisma cannot diff from a database when a driver adapter is configured (its WebAssembly engine)',
          args
        }
      return { kind: 'failed', output: r.output, exitCode: r.exitCode, timedOut: r.timedOut, args }
    }
  )
  return { args, result }
}

/** The verdict line of the report for a Prisma version and what its differ did. */
export function describeVerdict(prismaVersion: string, verdict: PrismaVerdict | undefined): DriftVerdict {
  const differ = `Prisma ${prismaVersion.split('.').slice(0, 2).join('.')}'s differ`
  if (verdict?.kind === 'script') return { source: 'prisma', summary: differ }
  if (verdict?.kind === 'refused')
    return { source: 'catalog', summary: `catalog comparison: ${verdict.reason}` }
  if (verdict?.kind === 'unreadable')
    return { source: 'catalog', summary: `catalog comparison: ${differ}'s verdict could not be read` }
  if (verdict?.kind === 'failed')
    return {
      source: 'catalog',
      summary: `catalog comparison: ${differ} failed (${verdict.timedOut ? 'timed out' : `exit code ${verdict.exitCode}`})`
    }
  return { source: 'catalog', summary: 'catalog comparison' }
}

/** Whether a change explains an item: the same object, changed the way the item says. */
export function explainsItem(change: PrismaChange, item: DriftItem): boolean {
  const t = item.target
  if (change.schema !== t.schema) return false
  switch (item.kind) {
    case 'table':
      return change.kind === 'table' && change.table === t.table && action(item) === change.action
    case 'column':
      if (change.kind !== 'column' || change.table !== t.table || change.name !== t.column) return false
      // A column Prisma cannot cast is dropped and added again: both explain the difference.
      return item.change === 'different' || action(item) === change.action
    case 'enum':
      return (
        change.kind === 'enum' &&
        change.name === t.enum &&
        (change.action === 'alter' || action(item) === change.action)
      )
    case 'enumValue':
      return (
        change.kind === 'enum' &&
        change.name === t.enum &&
        (change.action === 'alter' || (change.action === 'create' && change.value === t.value))
      )
    case 'index':
    case 'unique':
    case 'primaryKey':
    case 'foreignKey':
      return explainsConstraint(change, item)
    default:
      return change.kind === item.kind && change.name === (t.constraint ?? t.table ?? t.enum)
  }
}

function action(item: DriftItem): PrismaChange['action'] {
  return item.change === 'missing' ? 'create' : item.change === 'unexpected' ? 'drop' : 'alter'
}

/** Indexes and constraints: a rename by its old and new names, anything else by name (and table). */
function explainsConstraint(change: PrismaChange, item: DriftItem): boolean {
  const family = (kind: DriftKind) => (kind === 'index' || kind === 'unique' ? 'index' : kind)
  if (family(change.kind) !== family(item.kind)) return false
  const t = item.target
  if (change.table !== undefined && change.table !== t.table) return false
  if (isRename(item)) return change.action === 'rename' && change.newName === t.constraint
  if (change.action === 'rename') return false
  // A drop of the old definition and a create of the new one both belong to a `different` item.
  if (item.change === 'different') return change.name === t.constraint
  return change.name === t.constraint && action(item) === change.action
}

/**
 * The drift items of a run: the catalog items judged by Prisma's own verdict
 * when its differ gave one (names without a schema in its script are in
 * `defaultSchema`), else the catalog items as they are.
 */
export function judgeDrift(
  catalog: DriftItem[],
  prisma: PrismaVerdict | undefined,
  defaultSchema: string,
  catalogRan = true
): DriftItem[] {
  if (prisma?.kind !== 'script') return catalog
  return reconcile(catalog, readPrismaChanges(prisma.script, defaultSchema), catalogRan)
}

/**
 * Drift as Prisma's differ sees it: the catalog items its statements explain
 * (with Prisma's statements as their fix), the ones it leaves alone as `info`,
 * and a statement no item explains as an item of its own.
 */
export function reconcile(items: DriftItem[], changes: PrismaChange[], catalogRan = true): DriftItem[] {
  const used = new Set<PrismaChange>()
  const out: DriftItem[] = []
  for (const item of items) {
    if (item.severity === 'info') {
      out.push(item)
      continue
    }
    const matching = changes.filter((c) => explainsItem(c, item))
    if (matching.length === 0) {
      out.push(ignoredByPrisma(item))
      continue
    }
    matching.forEach((c) => used.add(c))
    out.push(explained(item, matching))
  }
  for (const change of changes) if (!used.has(change)) out.push(unexplained(change, catalogRan))
  return out
}

/** The item as Prisma would change it: its severity, the aspects Prisma changes, Prisma's SQL. */
function explained(item: DriftItem, changes: PrismaChange[]): DriftItem {
  const statements = [...new Set(changes.map((c) => c.statement))]
  // The catalog comparison already rates items as Prisma's kind of change calls for (a rename is a warning).
  const result: DriftItem = { ...item, fixSql: statements.join('\n') }
  if (item.kind === 'column' && item.change === 'different' && item.aspects) {
    const changed = new Set(
      changes.flatMap((c) => (c.action === 'alter' ? (c.aspects ?? []) : item.aspects!))
    )
    const aspects = item.aspects.filter((a) => changed.has(a))
    if (aspects.length > 0 && aspects.length < item.aspects.length) {
      result.aspects = aspects
      result.note = `Prisma's differ changes the ${aspects.join(' and ')} only; it does not compare the ${item.aspects.filter((a) => !changed.has(a)).join(' or ')} here.`
    }
  }
  return result
}

function ignoredByPrisma(item: DriftItem): DriftItem {
  const { fixSql: _fix, ...rest } = item
  return {
    ...rest,
    severity: 'info',
    note: "Prisma's differ does not change this: the schema and the database mean the same to Prisma, or Prisma does not model it."
  }
}

/** A change of Prisma's that the catalog comparison did not find: still drift, named by the object it changes. */
function unexplained(change: PrismaChange, catalogRan: boolean): DriftItem {
  const name = change.newName ?? change.name ?? change.table ?? ''
  const object = change.schema === 'public' ? [] : [change.schema]
  if (change.kind === 'column' || change.kind === 'enumValue') object.push(change.table ?? change.name ?? '')
  object.push(change.kind === 'enumValue' ? (change.value ?? '') : name)
  const item: DriftItem = {
    kind: change.kind,
    change: change.action === 'create' ? 'missing' : change.action === 'drop' ? 'unexpected' : 'different',
    object: change.kind === 'enumValue' ? `${change.name}.${change.value}` : object.filter(Boolean).join('.'),
    target: {
      schema: change.schema,
      table: change.table,
      column: change.kind === 'column' ? change.name : undefined,
      enum: change.kind === 'enum' || change.kind === 'enumValue' ? change.name : undefined,
      value: change.value,
      constraint: ['index', 'unique', 'primaryKey', 'foreignKey'].includes(change.kind) ? name : undefined,
      columns: change.columns,
      referencedTable: change.referencedTable
    },
    severity: change.action === 'rename' || change.action === 'drop' ? 'warning' : 'error',
    fixSql: change.statement,
    note: catalogRan
      ? "Prisma's differ changes this; the catalog comparison found no difference to explain it."
      : "Prisma's differ changes this (the catalog comparison that explains its statements did not run)."
  }
  if (change.action === 'rename') item.aspects = ['name']
  else if (change.aspects) item.aspects = change.aspects
  return item
}

/**
 * The suggested migration: every drift item's fix SQL, in the order Prisma
 * would write them, so that each statement finds what it depends on (enums
 * before the tables that use them, tables before their indexes and foreign
 * keys, foreign keys dropped before what they reference).
 */
import type { DriftItem } from '../model/drift.js'
import { parseSqlScript, type Node } from '../sql/script.js'
import { isRename } from './items.js'
import { splitStatements } from '../sql/quote.js'

/** Sections of the migration, in the order they run, with Prisma's comment for each. */
const PHASES = [
  ['alterEnum', 'AlterEnum'],
  ['createEnum', 'CreateEnum'],
  ['dropForeignKey', 'DropForeignKey'],
  ['dropIndex', 'DropIndex'],
  ['createTable', 'CreateTable'],
  ['alterTable', 'AlterTable'],
  ['dropTable', 'DropTable'],
  ['dropEnum', 'DropEnum'],
  ['createIndex', 'CreateIndex'],
  ['addForeignKey', 'AddForeignKey'],
  ['rename', 'Rename']
] as const

type Phase = (typeof PHASES)[number][0]

interface Chunk {
  phase: Phase
  comment: string
  sql: string
}

// No semicolon in any comment line: Prisma's WebAssembly engine splits a
// migration on every `;`, comments included.
const HEADER = [
  '-- Suggested by migrate-seed-check: makes the database built by the migrations match schema.prisma.',
  '-- Generated from the SQL Prisma writes for the schema. Review it before committing.'
]

const DROP_WARNING = [
  '-- WARNING: some statements drop objects that only the migrations create (marked "only in the migrations").',
  '-- They may be deliberate raw SQL that Prisma cannot express: remove those statements if so.'
]

const ADD_VALUE_NOTE = [
  '-- Note: PostgreSQL cannot use an enum value in the transaction that adds it. The values are added first:',
  '-- if a default or data change in this migration uses a new value, move the ALTER TYPE … ADD VALUE',
  '-- statements into a migration of their own that runs before this one.'
]

/**
 * All the fixes of `items` as one migration script, in dependency order, with
 * a `-- CreateTable`-style comment before each statement. Items without fix
 * SQL (`info`) are skipped; identical fixes (an enum recreated for several of
 * its values) are written once. Returns an empty string when there is nothing to fix.
 */
export function buildFixMigration(items: DriftItem[]): string {
  const chunks = items.flatMap(chunksOf)
  if (chunks.length === 0) return ''
  const seen = new Set<string>()
  const body: string[] = []
  for (const [phase] of PHASES) {
    for (const chunk of chunks) {
      if (chunk.phase !== phase || seen.has(chunk.sql)) continue
      seen.add(chunk.sql)
      body.push(`-- ${chunk.comment}\n${chunk.sql}\n`)
    }
  }
  const header = [...HEADER]
  if (items.some((i) => i.change === 'unexpected' && i.fixSql)) header.push(...DROP_WARNING)
  if (chunks.some((c) => statementsOf(c.sql).some(addsEnumValue))) header.push(...ADD_VALUE_NOTE)
  return `${header.join('\n')}\n\n${body.join('\n')}`
}

/** The pieces of one item's fix, each assigned to its section. */
function chunksOf(item: DriftItem): Chunk[] {
  if (!item.fixSql || item.severity === 'info') return []
  const tag = item.change === 'unexpected' ? ' (only in the migrations)' : ''
  const main = mainPhase(item)
  if (!splitsDrops(item)) return [{ phase: main[0], comment: main[1] + tag, sql: item.fixSql.trim() }]
  // Drop-and-recreate fixes: the drop must run early, before anything that
  // could depend on the old object; the re-creation runs in its own section.
  return splitStatements(item.fixSql).map((statement): Chunk => {
    const drop = dropPhase(item, statement)
    const [phase, comment] = drop ?? main
    return { phase, comment: comment + tag, sql: statement + ';' }
  })
}

/** Items whose fix drops something and then (re)creates or drops something else. */
function splitsDrops(item: DriftItem): boolean {
  if (item.kind === 'table') return item.change === 'unexpected'
  return (
    item.change === 'different' && ['foreignKey', 'index', 'unique'].includes(item.kind) && !isRename(item)
  )
}

function dropPhase(item: DriftItem, statement: string): [Phase, string] | undefined {
  const node = statementsOf(statement)[0]
  if (node && 'DropStmt' in node && node.DropStmt.removeType === 'OBJECT_INDEX')
    return ['dropIndex', 'DropIndex']
  const dropsConstraint =
    node &&
    'AlterTableStmt' in node &&
    (node.AlterTableStmt.cmds ?? []).some(
      (c) => 'AlterTableCmd' in c && c.AlterTableCmd.subtype === 'AT_DropConstraint'
    )
  if (dropsConstraint)
    return item.kind === 'foreignKey' || item.kind === 'table'
      ? ['dropForeignKey', 'DropForeignKey']
      : ['dropIndex', 'DropIndex']
  return undefined
}

/** The parse trees of the statements of `sql` (those PostgreSQL's parser accepts). */
function statementsOf(sql: string): Node[] {
  return parseSqlScript(sql).statements.flatMap((s) => (s.node ? [s.node] : []))
}

/** `ALTER TYPE … ADD VALUE`: PostgreSQL cannot use the new value in the transaction that adds it. */
function addsEnumValue(node: Node): boolean {
  return 'AlterEnumStmt' in node && node.AlterEnumStmt.oldVal === undefined
}

function mainPhase(item: DriftItem): [Phase, string] {
  if (isRename(item)) return ['rename', renameComment(item)]
  switch (item.kind) {
    case 'enum':
      return item.change === 'unexpected' ? ['dropEnum', 'DropEnum'] : ['createEnum', 'CreateEnum']
    case 'enumValue':
      return ['alterEnum', 'AlterEnum']
    case 'table':
      return item.change === 'unexpected' ? ['dropTable', 'DropTable'] : ['createTable', 'CreateTable']
    case 'column':
    case 'primaryKey':
      return ['alterTable', 'AlterTable']
    case 'foreignKey':
      return item.change === 'unexpected'
        ? ['dropForeignKey', 'DropForeignKey']
        : ['addForeignKey', 'AddForeignKey']
    case 'index':
    case 'unique':
      return item.change === 'unexpected' ? ['dropIndex', 'DropIndex'] : ['createIndex', 'CreateIndex']
    default:
      return ['alterTable', 'AlterTable']
  }
}

function renameComment(item: DriftItem): string {
  if (item.kind === 'foreignKey') return 'RenameForeignKey'
  if (item.kind === 'primaryKey') return 'RenamePrimaryKey'
  return 'RenameIndex'
}

/**
 * Prisma's own script as the fix migration, with a header that says so (no
 * semicolon in it: see HEADER). It is exactly what `prisma migrate dev` would
 * write for the migrated database.
 */
export function prismaFixMigration(script: string): string {
  const header = [
    '-- Suggested by migrate-seed-check: makes the database built by the migrations match schema.prisma.',
    "-- Written by Prisma's own migrate diff from the migrated database to the schema. Review it before committing."
  ]
  return `${header.join('\n')}\n\n${script.trim()}\n`
}

/**
 * What a statement is, read from PostgreSQL's parse tree, as far as the
 * review needs to know: the tables it names, whether it can fail on rows a
 * production table holds, whether running it again after it succeeded
 * fails (it was committed and the migration is retried), and whether it is
 * a plain `DROP INDEX`.
 */
import type { AlterTableCmd, Node } from 'libpg-query'
import { droppedNames, relationsIn, type NamedRelation } from '../sql/relations.js'
import type { ParsedStatement } from '../sql/script.js'

function alterCommands(node: Node): AlterTableCmd[] {
  if (!('AlterTableStmt' in node)) return []
  return (node.AlterTableStmt.cmds ?? []).flatMap((c) => ('AlterTableCmd' in c ? [c.AlterTableCmd] : []))
}

/** Every table (RangeVar) the statement names, with its schema when qualified. */
export function namedTables(statement: ParsedStatement): NamedRelation[] {
  return relationsIn(statement.node, 'targets')
}

/** The index names of a plain `DROP INDEX` (not CONCURRENTLY), else undefined. */
export function plainDropIndex(statement: ParsedStatement): NamedRelation[] | undefined {
  const node = statement.node
  if (!node || !('DropStmt' in node)) return undefined
  const drop = node.DropStmt
  if (drop.removeType !== 'OBJECT_INDEX' || drop.concurrent) return undefined
  return droppedNames(node)
}

/**
 * What in the statement can fail on rows that a production table holds
 * (duplicates, NULLs, values a cast or a check refuses), in words; undefined
 * when nothing can.
 */
export function failsOnData(statement: ParsedStatement): string | undefined {
  const node = statement.node
  if (!node) return undefined
  if ('IndexStmt' in node && node.IndexStmt.unique) return 'a unique index fails on duplicate values'
  for (const cmd of alterCommands(node)) {
    const def = cmd.def
    switch (cmd.subtype) {
      case 'AT_SetNotNull':
        return 'SET NOT NULL fails on rows that hold NULL'
      case 'AT_AlterColumnType':
        return 'a type change fails on values the cast refuses'
      case 'AT_ValidateConstraint':
        return 'VALIDATE CONSTRAINT fails on rows that break the constraint'
      case 'AT_AddConstraint': {
        const c = def && 'Constraint' in def ? def.Constraint : undefined
        if (!c || c.skip_validation) break
        if (c.contype === 'CONSTR_UNIQUE' || c.contype === 'CONSTR_PRIMARY')
          return 'a unique constraint fails on duplicate values'
        if (c.contype === 'CONSTR_CHECK') return 'a check constraint fails on rows that break it'
        if (c.contype === 'CONSTR_FOREIGN') return 'a foreign key fails on rows whose reference is missing'
        break
      }
      case 'AT_AddColumn': {
        const col = def && 'ColumnDef' in def ? def.ColumnDef : undefined
        const constraints = (col?.constraints ?? []).flatMap((c) => ('Constraint' in c ? [c.Constraint] : []))
        const notNull = constraints.some((c) => c.contype === 'CONSTR_NOTNULL')
        const defaulted = constraints.some((c) => c.contype === 'CONSTR_DEFAULT')
        if (notNull && !defaulted) return 'a NOT NULL column without a default fails on a table with rows'
        break
      }
    }
  }
  return undefined
}

/**
 * Whether running the statement a second time, after it succeeded, fails:
 * what a retried migration meets when the engine committed it before a later
 * statement failed (CREATE without IF NOT EXISTS, ADD COLUMN, RENAME…).
 */
export function failsWhenRunAgain(statement: ParsedStatement): boolean {
  const node = statement.node
  if (!node) return false
  if ('CreateStmt' in node) return !node.CreateStmt.if_not_exists
  if ('IndexStmt' in node) return !node.IndexStmt.if_not_exists
  if ('CreateEnumStmt' in node) return true
  if ('CreateExtensionStmt' in node) return !node.CreateExtensionStmt.if_not_exists
  if ('CreateSeqStmt' in node) return !node.CreateSeqStmt.if_not_exists
  if ('DropStmt' in node) return !node.DropStmt.missing_ok
  if ('RenameStmt' in node) return true
  if ('AlterEnumStmt' in node) return !node.AlterEnumStmt.skipIfNewValExists && !node.AlterEnumStmt.oldVal
  if ('CreateFunctionStmt' in node) return !node.CreateFunctionStmt.replace
  if ('CreateTrigStmt' in node) return !node.CreateTrigStmt.replace
  if ('ViewStmt' in node) return !node.ViewStmt.replace
  return alterCommands(node).some((cmd) => {
    switch (cmd.subtype) {
      case 'AT_AddColumn':
      case 'AT_DropColumn':
      case 'AT_DropConstraint':
        return !cmd.missing_ok
      case 'AT_AddConstraint':
      case 'AT_AddIndex':
        return true
      default:
        return false
    }
  })
}

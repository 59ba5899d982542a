/**
 * Reads the script of `prisma migrate diff` into the changes it makes, with
 * PostgreSQL's own parser: which table, column, index, constraint or enum
 * each statement creates, drops, alters or renames. Prisma writes a comment
 * before each statement (`-- DropForeignKey`, `-- RenameIndex`) that names
 * the kind of a constraint where the SQL alone does not.
 */
import { alterTableClauses, parseSqlScript, type Node as SqlNode } from '../sql/script.js'
import type { DriftKind } from '../model/drift.js'

/** One thing Prisma's script changes, read from its statements. */
export interface PrismaChange {
  kind: DriftKind
  action: 'create' | 'drop' | 'alter' | 'rename'
  schema: string
  /** The table the object belongs to (for tables: the table itself). */
  table?: string
  /** Column, index, constraint or enum name (the old name of a rename). */
  name?: string
  /** Enum value. */
  value?: string
  /** The new name of a rename. */
  newName?: string
  /** For an altered column: what changes (`type`, `default`, `nullability`). */
  aspects?: string[]
  /** Columns of an index or key, in order. */
  columns?: string[]
  referencedTable?: string
  /** The statement that makes the change (a whole BEGIN … COMMIT block for an enum Prisma recreates). */
  statement: string
}

// Parse trees are JSON; the readers below pick the fields they need.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Node = Record<string, any>

interface Statement {
  node: Node
  text: string
  /** Prisma's section comment before the statement (`DropForeignKey`), when there is one. */
  section?: string
}

/** The statements of a script with their text and Prisma's section comment (the parser must be loaded). */
function statements(script: string): Statement[] {
  const parsed = parseSqlScript(script)
  let previousEnd = 0
  const out: Statement[] = []
  for (const statement of parsed.statements) {
    const before = script.slice(previousEnd, statement.startOffset)
    previousEnd = statement.endOffset
    const sections = [...before.matchAll(/^\s*--\s*(\w+)\s*$/gm)].map((m) => m[1])
    const text = statement.text.trim()
    out.push({
      node: (statement.node ?? {}) as SqlNode as Node,
      text: /;$/.test(text) ? text : `${text};`,
      section: sections.at(-1)
    })
  }
  return out
}

const str = (n: Node | undefined): string | undefined => n?.String?.sval

/** `[schema, name]` of a qualified name list (`"public"."users"` or `"users"`). */
function splitName(items: Node[] | undefined, defaultSchema: string): { schema: string; name: string } {
  const parts = (items ?? []).map(str).filter((p): p is string => p !== undefined)
  const name = parts.at(-1) ?? ''
  return { schema: parts.length > 1 ? (parts.at(-2) ?? defaultSchema) : defaultSchema, name }
}

function relation(rel: Node | undefined, defaultSchema: string): { schema: string; table: string } {
  return { schema: rel?.schemaname ?? defaultSchema, table: rel?.relname ?? '' }
}

/** The kind of a constraint that the statement names but does not describe (DROP / RENAME CONSTRAINT). */
function constraintKind(section: string | undefined, ...names: string[]): DriftKind {
  if (section && /ForeignKey/.test(section)) return 'foreignKey'
  if (section && /PrimaryKey/.test(section)) return 'primaryKey'
  if (section && /Index/.test(section)) return 'index'
  // Prisma files some under `-- AlterTable`: its default names end in the kind.
  if (names.some((n) => n.endsWith('_fkey'))) return 'foreignKey'
  if (names.some((n) => n.endsWith('_pkey'))) return 'primaryKey'
  return 'unique'
}

/**
 * The changes of a `prisma migrate diff --script` output. Names without a
 * schema are in `defaultSchema` (the datasource's schema). Requires
 * `loadSqlParser()` to have resolved.
 */
export function readPrismaChanges(script: string, defaultSchema: string): PrismaChange[] {
  const changes: PrismaChange[] = []
  const all = statements(script)
  for (let i = 0; i < all.length; i++) {
    const statement = all[i]!
    const type = Object.keys(statement.node)[0]
    // An enum Prisma recreates (to remove values): the whole block is one change.
    if (type === 'TransactionStmt' && statement.node.TransactionStmt.kind === 'TRANS_STMT_BEGIN') {
      const end = all.findIndex((s, j) => j > i && s.node.TransactionStmt?.kind === 'TRANS_STMT_COMMIT')
      const block = all.slice(i, end < 0 ? all.length : end + 1)
      changes.push(...blockChanges(block, defaultSchema))
      i = end < 0 ? all.length : end
      continue
    }
    changes.push(...statementChanges(statement, defaultSchema))
  }
  return foldSequences(changes)
}

/** A BEGIN … COMMIT block: an enum recreated under a `_new` name, or else its statements one by one. */
function blockChanges(block: Statement[], defaultSchema: string): PrismaChange[] {
  const text = block.map((s) => s.text).join('\n')
  const created = block.find((s) => s.node.CreateEnumStmt)?.node.CreateEnumStmt
  if (created) {
    const { schema, name } = splitName(created.typeName, defaultSchema)
    const base = name.replace(/_new$/, '')
    if (base !== name) return [{ kind: 'enum', action: 'alter', schema, name: base, statement: text }]
  }
  return block.flatMap((s) => statementChanges(s, defaultSchema))
}

function statementChanges(s: Statement, defaultSchema: string): PrismaChange[] {
  const node = s.node
  const base = { statement: s.text }
  if (node.CreateEnumStmt) {
    const { schema, name } = splitName(node.CreateEnumStmt.typeName, defaultSchema)
    return [{ ...base, kind: 'enum', action: 'create', schema, name }]
  }
  if (node.AlterEnumStmt) {
    const { schema, name } = splitName(node.AlterEnumStmt.typeName, defaultSchema)
    const value = node.AlterEnumStmt.newVal as string | undefined
    return [{ ...base, kind: 'enum', action: 'create', schema, name, value }]
  }
  if (node.CreateStmt) {
    const { schema, table } = relation(node.CreateStmt.relation, defaultSchema)
    return [{ ...base, kind: 'table', action: 'create', schema, table }]
  }
  if (node.IndexStmt) {
    const ix = node.IndexStmt
    const { schema, table } = relation(ix.relation, defaultSchema)
    const columns = ((ix.indexParams ?? []) as Node[]).map((p) => p.IndexElem?.name ?? '')
    return [
      {
        ...base,
        kind: ix.unique ? 'unique' : 'index',
        action: 'create',
        schema,
        table,
        name: ix.idxname,
        columns
      }
    ]
  }
  if (node.DropStmt) return dropChanges(node.DropStmt, s, defaultSchema)
  if (node.RenameStmt) return renameChanges(node.RenameStmt, s, defaultSchema)
  if (node.AlterTableStmt) return alterTableChanges(node.AlterTableStmt, s, defaultSchema)
  if (node.CreateExtensionStmt)
    return [
      {
        ...base,
        kind: 'extension',
        action: 'create',
        schema: defaultSchema,
        name: node.CreateExtensionStmt.extname
      }
    ]
  if (node.AlterExtensionStmt)
    return [
      {
        ...base,
        kind: 'extension',
        action: 'alter',
        schema: defaultSchema,
        name: node.AlterExtensionStmt.extname
      }
    ]
  if (node.CreateSeqStmt) {
    const { schema, table } = relation(node.CreateSeqStmt.sequence, defaultSchema)
    return [{ ...base, kind: 'sequence', action: 'create', schema, name: table }]
  }
  if (node.AlterSeqStmt) return sequenceOwner(node.AlterSeqStmt, s, defaultSchema)
  // CREATE SCHEMA accompanies the tables created in it, which are the changes.
  return []
}

function dropChanges(drop: Node, s: Statement, defaultSchema: string): PrismaChange[] {
  const kinds: Record<string, DriftKind> = {
    OBJECT_TABLE: 'table',
    OBJECT_INDEX: 'index',
    OBJECT_TYPE: 'enum',
    OBJECT_EXTENSION: 'extension',
    OBJECT_SEQUENCE: 'sequence',
    OBJECT_VIEW: 'view'
  }
  const kind = kinds[drop.removeType as string]
  if (!kind) return []
  return ((drop.objects ?? []) as Node[]).map((object): PrismaChange => {
    const names = object.List?.items ?? object.TypeName?.names ?? (object.String ? [object] : [])
    const { schema, name } = splitName(names, defaultSchema)
    if (kind === 'table') return { kind, action: 'drop', schema, table: name, statement: s.text }
    return { kind, action: 'drop', schema, name, statement: s.text }
  })
}

function renameChanges(rename: Node, s: Statement, defaultSchema: string): PrismaChange[] {
  const base = { action: 'rename' as const, statement: s.text, newName: rename.newname as string }
  if (rename.renameType === 'OBJECT_INDEX') {
    const { schema, table } = relation(rename.relation, defaultSchema)
    return [{ ...base, kind: 'index', schema, name: table }]
  }
  if (rename.renameType === 'OBJECT_TABCONSTRAINT') {
    const { schema, table } = relation(rename.relation, defaultSchema)
    const name = rename.subname as string
    return [{ ...base, kind: constraintKind(s.section, name, base.newName), schema, table, name }]
  }
  return []
}

function alterTableChanges(alter: Node, s: Statement, defaultSchema: string): PrismaChange[] {
  const { schema, table } = relation(alter.relation, defaultSchema)
  const cmds = (alter.cmds ?? []) as Node[]
  // Prisma groups a table's changes in one ALTER TABLE; each change keeps its
  // own clause, so a column's fix reads as that column's statement alone.
  const split = cmds.length > 1 ? alterTableClauses(s.text) : undefined
  const own = split?.clauses.length === cmds.length ? split : undefined
  const changes: PrismaChange[] = []
  for (const [k, cmd] of cmds.entries()) {
    const c = cmd.AlterTableCmd as Node | undefined
    if (!c) continue
    const base = { schema, table, statement: own ? `${own.head}${own.clauses[k]};` : s.text }
    const column = (aspect: string): PrismaChange => ({
      ...base,
      kind: 'column',
      action: 'alter',
      name: c.name,
      aspects: [aspect]
    })
    switch (c.subtype) {
      case 'AT_AddColumn':
        changes.push({ ...base, kind: 'column', action: 'create', name: c.def?.ColumnDef?.colname })
        break
      case 'AT_DropColumn':
        changes.push({ ...base, kind: 'column', action: 'drop', name: c.name })
        break
      case 'AT_AlterColumnType':
        changes.push(column('type'))
        break
      case 'AT_ColumnDefault':
        changes.push(column('default'))
        break
      case 'AT_SetNotNull':
      case 'AT_DropNotNull':
        changes.push(column('nullability'))
        break
      case 'AT_AddConstraint':
        changes.push(...addedConstraint(c.def?.Constraint, base))
        break
      case 'AT_DropConstraint':
        changes.push({ ...base, kind: constraintKind(s.section, c.name), action: 'drop', name: c.name })
        break
    }
  }
  return mergeColumnAlters(changes)
}

function addedConstraint(
  con: Node | undefined,
  base: { schema: string; table: string; statement: string }
): PrismaChange[] {
  if (!con) return []
  const names = (list: Node[] | undefined) => (list ?? []).map((n) => str(n) ?? '')
  switch (con.contype) {
    case 'CONSTR_PRIMARY':
      return [{ ...base, kind: 'primaryKey', action: 'create', name: con.conname, columns: names(con.keys) }]
    case 'CONSTR_UNIQUE':
      return [{ ...base, kind: 'unique', action: 'create', name: con.conname, columns: names(con.keys) }]
    case 'CONSTR_FOREIGN':
      return [
        {
          ...base,
          kind: 'foreignKey',
          action: 'create',
          name: con.conname,
          columns: names(con.fk_attrs),
          referencedTable: con.pktable?.relname
        }
      ]
    default:
      return []
  }
}

/** `ALTER COLUMN "x" SET DATA TYPE …, ALTER COLUMN "x" SET NOT NULL` is one altered column with two aspects. */
function mergeColumnAlters(changes: PrismaChange[]): PrismaChange[] {
  const merged: PrismaChange[] = []
  for (const change of changes) {
    const same =
      change.kind === 'column' &&
      change.action === 'alter' &&
      merged.find((m) => m.kind === 'column' && m.action === 'alter' && m.name === change.name)
    if (same) {
      same.aspects = [...new Set([...(same.aspects ?? []), ...(change.aspects ?? [])])]
      if (same.statement !== change.statement) same.statement = joinClauses(same.statement, change.statement)
    } else merged.push({ ...change })
  }
  return merged
}

/** `ALTER SEQUENCE "t_id_seq" OWNED BY "t"."id"`: the sequence belongs to that column's default. */
function sequenceOwner(alter: Node, s: Statement, defaultSchema: string): PrismaChange[] {
  const { schema, table: sequence } = relation(alter.sequence, defaultSchema)
  const owned = ((alter.options ?? []) as Node[]).find((o) => o.DefElem?.defname === 'owned_by')
  const parts = ((owned?.DefElem?.arg?.List?.items ?? []) as Node[]).map((n) => str(n) ?? '')
  const column = parts.at(-1)
  const table = parts.at(-2)
  if (!column || !table)
    return [{ kind: 'sequence', action: 'alter', schema, name: sequence, statement: s.text }]
  return [
    { kind: 'column', action: 'alter', schema, table, name: column, aspects: ['default'], statement: s.text }
  ]
}

/**
 * An autoincrement Prisma adds or removes comes as a sequence created (or
 * dropped) beside the column's default: the sequence statements join the
 * column's change instead of standing alone.
 */
function foldSequences(changes: PrismaChange[]): PrismaChange[] {
  const out: PrismaChange[] = []
  for (const change of changes.filter((c) => c.kind !== 'sequence')) {
    const owner = change.kind === 'column' && change.action === 'alter' ? findColumn(out, change) : undefined
    if (!owner) {
      out.push(change)
      continue
    }
    owner.aspects = [...new Set([...(owner.aspects ?? []), ...(change.aspects ?? [])])]
    owner.statement = [...new Set([owner.statement, change.statement])].join('\n')
  }
  for (const sequence of changes.filter((c) => c.kind === 'sequence')) {
    const column = out.find(
      (c) =>
        c.kind === 'column' &&
        c.action === 'alter' &&
        c.schema === sequence.schema &&
        // Prisma writes the sequence's name unquoted, so PostgreSQL folds it to lower case.
        `${c.table}_${c.name}_seq`.toLowerCase() === sequence.name?.toLowerCase()
    )
    if (column) column.statement = [...new Set([sequence.statement, column.statement])].join('\n')
    else out.push(sequence)
  }
  return out
}

function findColumn(changes: PrismaChange[], change: PrismaChange): PrismaChange | undefined {
  return changes.find(
    (c) =>
      c.kind === 'column' &&
      c.action === 'alter' &&
      c.schema === change.schema &&
      c.table === change.table &&
      c.name === change.name
  )
}

/** Two clauses of one ALTER TABLE again as one statement: `ALTER TABLE t a,\nb;`. */
function joinClauses(first: string, second: string): string {
  const a = alterTableClauses(first)
  const b = alterTableClauses(second)
  if (!a || !b || a.head !== b.head) return `${first}\n${second}`
  return `${a.head}${[...a.clauses, ...b.clauses].join(',\n')};`
}

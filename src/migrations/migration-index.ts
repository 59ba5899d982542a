/**
 * What the migrations create, read once: every table, view, column, enum and
 * enum value, index and constraint, sequence, extension, function and
 * trigger, with the migration and line of the statement that creates it (or
 * renames something into it), from PostgreSQL's parse trees. Names are
 * compared as PostgreSQL resolves them: the parser has already folded
 * unquoted names to lower case and kept quoted ones as written.
 */
import type {
  AlterEnumStmt,
  AlterTableStmt,
  ColumnDef,
  Constraint,
  CreateEnumStmt,
  CreateExtensionStmt,
  CreateFunctionStmt,
  CreateStmt,
  CreateTableAsStmt,
  CreateTrigStmt,
  Node,
  RangeVar,
  RenameStmt
} from 'libpg-query'
import type { DriftItem } from '../model/drift.js'
import { readScript, statementTokens, type ParsedScript, type ParsedStatement } from '../sql/script.js'

/** The object that a lookup looks for. */
export type CreatedObject = Pick<DriftItem, 'kind' | 'target'> & { object?: string }

type CreationKind =
  | 'table'
  | 'view'
  | 'column'
  | 'enum'
  | 'enumValue'
  | 'constraint'
  | 'sequence'
  | 'extension'
  | 'function'
  | 'trigger'

/** One object a statement creates. */
interface Creation {
  kind: CreationKind
  name: string
  /** The schema the statement names, when it qualifies the object. */
  schema?: string
  /** The table of a column, constraint, index or trigger; the enum of an enum value. */
  owner?: string
  /** Index of the migration among those indexed. */
  migration: number
  line: number
}

/** Where an object is created: which migration (index into the list given) and which line. */
export interface CreationSite {
  migration: number
  line: number
}

/** An extension a migration creates, and the schema it names (`WITH SCHEMA`). */
export interface CreatedExtension {
  name: string
  schema?: string
}

const built = new WeakMap<readonly { sql: string }[], MigrationIndex>()

export class MigrationIndex {
  private readonly byKey = new Map<string, Creation[]>()
  private readonly extensionList: CreatedExtension[] = []

  private constructor(private readonly sources: readonly string[]) {}

  /**
   * The index of these migrations (in the order they apply). Built once per
   * list: the pipeline passes the same list to every stage.
   */
  static of(migrations: readonly { sql: string }[]): MigrationIndex {
    const known = built.get(migrations)
    if (
      known &&
      known.sources.length === migrations.length &&
      known.sources.every((s, i) => s === migrations[i]?.sql)
    )
      return known
    const index = new MigrationIndex(migrations.map((m) => m.sql))
    migrations.forEach((m, i) => index.read(readScript(m.sql), i))
    built.set(migrations, index)
    return index
  }

  /** Extensions the migrations create, each once, in order. */
  extensions(): CreatedExtension[] {
    return [...this.extensionList]
  }

  /**
   * Where the migrations create `target`. When several statements create it
   * (dropped and recreated), the last one wins: that is the definition the
   * database has. A name the statement qualifies with another schema than the
   * target's does not count; an unqualified one does.
   */
  find(target: CreatedObject): CreationSite | undefined {
    const t = target.target
    const named = t.constraint ?? target.object
    switch (target.kind) {
      case 'table':
        return t.table ? this.last('table', t.table, t.schema) : undefined
      case 'view':
        return t.table ? this.last('view', t.table, t.schema) : undefined
      case 'column':
        return t.table && t.column ? this.last('column', t.column, t.schema, t.table) : undefined
      case 'enum':
        return t.enum ? this.last('enum', t.enum, t.schema) : undefined
      case 'enumValue':
        return t.enum && t.value !== undefined ? this.last('enumValue', t.value, t.schema, t.enum) : undefined
      case 'index':
      case 'unique':
      case 'primaryKey':
      case 'foreignKey':
      case 'check':
        return t.constraint ? this.preferOwner('constraint', t.constraint, t.schema, t.table) : undefined
      case 'trigger':
        return named ? this.preferOwner('trigger', named, t.schema, t.table) : undefined
      case 'sequence':
        return named ? this.last('sequence', named, t.schema) : undefined
      case 'function':
        return named ? this.last('function', named, t.schema) : undefined
      case 'extension':
        return named ? this.last('extension', named, undefined) : undefined
    }
  }

  private candidates(kind: CreationKind, name: string, schema: string | undefined): Creation[] {
    const all = this.byKey.get(key(kind, name)) ?? []
    return all.filter((c) => c.schema === undefined || schema === undefined || c.schema === schema)
  }

  private last(
    kind: CreationKind,
    name: string,
    schema: string | undefined,
    owner?: string
  ): CreationSite | undefined {
    const found = this.candidates(kind, name, schema).filter((c) => owner === undefined || c.owner === owner)
    return site(found.at(-1))
  }

  /** Constraint and trigger names are per table: the target's table first, then any. */
  private preferOwner(
    kind: CreationKind,
    name: string,
    schema: string | undefined,
    owner: string | undefined
  ): CreationSite | undefined {
    const found = this.candidates(kind, name, schema)
    return site(found.filter((c) => c.owner === owner).at(-1) ?? found.at(-1))
  }

  private add(creation: Creation): void {
    const k = key(creation.kind, creation.name)
    const list = this.byKey.get(k)
    if (list) list.push(creation)
    else this.byKey.set(k, [creation])
  }

  /** Copies what belongs to `from` (columns of a table, values of an enum) to its new name. */
  private rekey(kinds: CreationKind[], from: string, to: string, schema: string | undefined): void {
    for (const [, list] of this.byKey)
      for (const c of [...list])
        if (
          kinds.includes(c.kind) &&
          c.owner === from &&
          (schema === undefined || c.schema === undefined || c.schema === schema)
        )
          list.push({ ...c, owner: to })
  }

  private read(script: ParsedScript, migration: number): void {
    for (const statement of script.statements) {
      if (!statement.node) continue
      const reader = new StatementReader(this, script, statement, migration)
      reader.read(statement.node)
    }
  }

  /** For the reader: records a creation. */
  record(creation: Creation): void {
    this.add(creation)
  }

  /** For the reader: records an extension. */
  recordExtension(extension: CreatedExtension): void {
    if (!this.extensionList.some((e) => e.name === extension.name)) this.extensionList.push(extension)
  }

  /** For the reader: a table or enum renamed keeps its columns or values under the new name. */
  renamed(kind: 'table' | 'enum', from: string, to: string, schema: string | undefined): void {
    this.rekey(kind === 'table' ? ['column', 'constraint', 'trigger'] : ['enumValue'], from, to, schema)
  }

  /** For the reader: the table of an index known by name (for `ALTER INDEX … RENAME`). */
  ownerOf(kind: CreationKind, name: string, schema: string | undefined): string | undefined {
    return this.candidates(kind, name, schema).at(-1)?.owner
  }
}

function key(kind: CreationKind, name: string): string {
  return `${kind}\u0000${name}`
}

function site(c: Creation | undefined): CreationSite | undefined {
  return c ? { migration: c.migration, line: c.line } : undefined
}

/** The last part of a qualified name (`[schema, name]`) and its schema. */
function qualifiedName(parts: Node[] | undefined): { name?: string; schema?: string } {
  const names = (parts ?? []).map((p) => ('String' in p ? p.String.sval : undefined))
  return { name: names.at(-1), schema: names.length > 1 ? names.at(-2) : undefined }
}

/** Reads one statement's parse tree into creations. */
class StatementReader {
  constructor(
    private readonly index: MigrationIndex,
    private readonly script: ParsedScript,
    private readonly statement: ParsedStatement,
    private readonly migration: number
  ) {}

  /** Line of a parse-tree location, or of the statement when there is none. */
  private lineOf(location: number | undefined): number {
    if (location === undefined || location < 0 || !this.statement.offsetOf) return this.statement.startLine
    return this.script.lineAt(this.statement.offsetOf(location))
  }

  private add(
    kind: CreationKind,
    name: string | undefined,
    schema?: string,
    owner?: string,
    location?: number
  ): void {
    if (name === undefined || name === '') return
    this.index.record({ kind, name, schema, owner, migration: this.migration, line: this.lineOf(location) })
  }

  read(node: Node): void {
    if ('CreateStmt' in node) this.createTable(node.CreateStmt)
    else if ('AlterTableStmt' in node) this.alterTable(node.AlterTableStmt)
    else if ('IndexStmt' in node) {
      const s = node.IndexStmt
      this.add('constraint', s.idxname, s.relation?.schemaname, s.relation?.relname)
    } else if ('CreateEnumStmt' in node) this.createEnum(node.CreateEnumStmt)
    else if ('AlterEnumStmt' in node) this.alterEnum(node.AlterEnumStmt)
    else if ('CreateExtensionStmt' in node) this.createExtension(node.CreateExtensionStmt)
    else if ('CreateFunctionStmt' in node) this.createFunction(node.CreateFunctionStmt)
    else if ('CreateTrigStmt' in node) this.createTrigger(node.CreateTrigStmt)
    else if ('CreateSeqStmt' in node) this.relation('sequence', node.CreateSeqStmt.sequence)
    else if ('ViewStmt' in node) this.relation('view', node.ViewStmt.view)
    else if ('CreateTableAsStmt' in node) this.createTableAs(node.CreateTableAsStmt)
    else if ('RenameStmt' in node) this.rename(node.RenameStmt)
  }

  private relation(kind: CreationKind, rel: RangeVar | undefined): void {
    // Temporary objects end with the session that created them.
    if (!rel || rel.relpersistence === 't') return
    this.add(kind, rel.relname, rel.schemaname)
  }

  private createTable(s: CreateStmt): void {
    const rel = s.relation
    if (!rel || rel.relpersistence === 't') return
    this.relation('table', rel)
    for (const element of s.tableElts ?? []) {
      if ('ColumnDef' in element) this.column(element.ColumnDef, rel)
      else if ('Constraint' in element) this.constraint(element.Constraint, rel)
    }
  }

  private column(def: ColumnDef, rel: RangeVar): void {
    this.add('column', def.colname, rel.schemaname, rel.relname, def.location)
    for (const c of def.constraints ?? []) if ('Constraint' in c) this.constraint(c.Constraint, rel)
  }

  private constraint(c: Constraint, rel: RangeVar): void {
    this.add('constraint', c.conname, rel.schemaname, rel.relname, c.location)
  }

  private alterTable(s: AlterTableStmt): void {
    const rel = s.relation
    if (!rel) return
    for (const cmd of s.cmds ?? []) {
      if (!('AlterTableCmd' in cmd)) continue
      const def = cmd.AlterTableCmd.def
      if (!def) continue
      if (cmd.AlterTableCmd.subtype === 'AT_AddColumn' && 'ColumnDef' in def) this.column(def.ColumnDef, rel)
      if (cmd.AlterTableCmd.subtype === 'AT_AddConstraint' && 'Constraint' in def)
        this.constraint(def.Constraint, rel)
    }
  }

  private createEnum(s: CreateEnumStmt): void {
    const { name, schema } = qualifiedName(s.typeName)
    this.add('enum', name, schema)
    // Values carry no position in the tree; they are the statement's string literals, in order.
    const literals = statementTokens(this.script, this.statement).filter((t) => t.kind === 'string')
    const values = s.vals ?? []
    values.forEach((v, i) => {
      const literal = literals.length === values.length ? literals[i] : undefined
      const line = literal ? this.script.lineAt(literal.start) : this.statement.startLine
      if ('String' in v && v.String.sval !== undefined)
        this.index.record({
          kind: 'enumValue',
          name: v.String.sval,
          schema,
          owner: name,
          migration: this.migration,
          line
        })
    })
  }

  private alterEnum(s: AlterEnumStmt): void {
    const { name, schema } = qualifiedName(s.typeName)
    // ADD VALUE, or RENAME VALUE old TO new: either way the value comes from here.
    this.add('enumValue', s.newVal, schema, name)
  }

  private createExtension(s: CreateExtensionStmt): void {
    if (!s.extname) return
    this.add('extension', s.extname)
    const option = (s.options ?? []).find((o) => 'DefElem' in o && o.DefElem.defname === 'schema')
    const arg = option && 'DefElem' in option ? option.DefElem.arg : undefined
    const schema = arg && 'String' in arg ? arg.String.sval : undefined
    this.index.recordExtension(schema ? { name: s.extname, schema } : { name: s.extname })
  }

  private createFunction(s: CreateFunctionStmt): void {
    const { name, schema } = qualifiedName(s.funcname)
    this.add('function', name, schema)
  }

  private createTrigger(s: CreateTrigStmt): void {
    this.add('trigger', s.trigname, s.relation?.schemaname, s.relation?.relname)
  }

  private createTableAs(s: CreateTableAsStmt): void {
    if (s.objtype === 'OBJECT_MATVIEW') this.relation('view', s.into?.rel)
    else if (s.objtype === 'OBJECT_TABLE') this.relation('table', s.into?.rel)
  }

  private rename(s: RenameStmt): void {
    const rel = s.relation
    const schema = rel?.schemaname
    switch (s.renameType) {
      case 'OBJECT_TABLE':
        if (!rel?.relname || !s.newname) return
        this.add('table', s.newname, schema)
        this.index.renamed('table', rel.relname, s.newname, schema)
        return
      case 'OBJECT_VIEW':
      case 'OBJECT_MATVIEW':
        this.add('view', s.newname, schema)
        return
      case 'OBJECT_COLUMN':
        this.add('column', s.newname, schema, rel?.relname)
        return
      case 'OBJECT_TABCONSTRAINT':
        this.add('constraint', s.newname, schema, rel?.relname)
        return
      case 'OBJECT_INDEX':
        this.add(
          'constraint',
          s.newname,
          schema,
          rel?.relname && this.index.ownerOf('constraint', rel.relname, schema)
        )
        return
      case 'OBJECT_TRIGGER':
        this.add('trigger', s.newname, schema, rel?.relname)
        return
      case 'OBJECT_SEQUENCE':
        this.add('sequence', s.newname, schema)
        return
      case 'OBJECT_TYPE': {
        const old = s.object && 'List' in s.object ? qualifiedName(s.object.List.items) : {}
        if (!old.name || !s.newname) return
        this.add('enum', s.newname, old.schema)
        this.index.renamed('enum', old.name, s.newname, old.schema)
        return
      }
      default:
        return
    }
  }
}

/**
 * Where things are declared in the Prisma schema: an index of models, views,
 * enums, fields and their attributes with file and line, and the lookup from a
 * drift item (database names) back to the declaration (Prisma names, through
 * `@map`/`@@map`).
 */
import type { DriftItem } from '../model/drift.js'
import type { SourceLocation } from '../model/findings.js'
import {
  argument,
  logicalLines,
  namedArgument,
  parseAttributes,
  parseValue,
  printValue,
  stringValue,
  tokenize,
  TokenStream,
  wordValue,
  type LogicalLine,
  type PslAttribute,
  type PslValue
} from './schema-syntax.js'

/** A schema file: repo-relative path and its text. */
export interface SchemaSource {
  path: string
  text: string
}

/** A field of an index or key, with its sort order when given (`title(sort: Desc)`). */
export interface IndexField {
  /** Prisma field name. */
  name: string
  sort?: 'Asc' | 'Desc'
}

/** `@relation(…)` on a relation field. */
export interface RelationInfo {
  /** Relation name (first positional string or `name:`). */
  name?: string
  /** Prisma names of the scalar fields holding the foreign key. */
  fields: string[]
  references: string[]
  onDelete?: string
  onUpdate?: string
  /** Foreign key constraint name (`map:`). */
  map?: string
}

export interface FieldInfo {
  name: string
  /** Column name: `@map` or the field name. */
  dbName: string
  /** Type name without `?`/`[]` (`String`, `UserRole`, `User`, `Unsupported`). */
  type: string
  optional: boolean
  list: boolean
  line: number
  endLine: number
  /** `@id`, with its constraint name (`map:`) when given. */
  id?: { map?: string }
  /** `@unique`, with its constraint name (`map:`) when given. */
  unique?: { map?: string }
  /** `@default(…)` as written. */
  default?: string
  relation?: RelationInfo
  attributes: PslAttribute[]
}

/** `@@id`, `@@unique`, `@@index`, `@@fulltext`. */
export interface BlockIndexInfo {
  kind: 'id' | 'unique' | 'index' | 'fulltext'
  fields: IndexField[]
  /** Database name (`map:`). */
  map?: string
  /** Client name (`name:`, for `@@id`/`@@unique`). */
  name?: string
  /** `type: Hash`, `type: Gin`… */
  type?: string
  line: number
  endLine: number
}

export interface ModelInfo {
  name: string
  /** Table name: `@@map` or the model name. */
  dbName: string
  /** `@@schema("…")`, when given. */
  schema?: string
  isView: boolean
  file: string
  line: number
  endLine: number
  fields: FieldInfo[]
  indexes: BlockIndexInfo[]
  attributes: PslAttribute[]
}

export interface EnumValueInfo {
  name: string
  /** `@map` or the name. */
  dbName: string
  line: number
}

export interface EnumInfo {
  name: string
  /** Type name: `@@map` or the enum name. */
  dbName: string
  schema?: string
  file: string
  line: number
  endLine: number
  values: EnumValueInfo[]
}

export interface DatasourceInfo {
  name: string
  provider?: string
  /** `schemas = [...]` (multiSchema). */
  schemas?: string[]
  /** The variables of `url = env("…")`, `directUrl = env("…")` and `shadowDatabaseUrl = env("…")` (Prisma 5 and 6). */
  env: { url?: string; directUrl?: string; shadowDatabaseUrl?: string }
  file: string
  line: number
}

/** Everything the schema declares, with positions. */
export interface SchemaIndex {
  models: ModelInfo[]
  views: ModelInfo[]
  enums: EnumInfo[]
  datasource?: DatasourceInfo
}

/** A top-level block as found in the source. */
interface RawBlock {
  keyword: string
  name: string
  file: string
  line: number
  endLine: number
  body: LogicalLine[]
}

const BLOCK_HEADER = /^(model|view|enum|type|datasource|generator)\s+([A-Za-z_][\w]*)\s*\{\s*$/

/**
 * Reads one or more schema files into an index. Unknown or malformed lines
 * are skipped: this reader locates, Prisma validates.
 */
export function parseSchema(files: SchemaSource[]): SchemaIndex {
  const index: SchemaIndex = { models: [], views: [], enums: [] }
  for (const file of files) {
    for (const block of readBlocks(file)) addBlock(index, block)
  }
  return index
}

/** Splits a file into top-level blocks, each with its logical body lines. */
function readBlocks(file: SchemaSource): RawBlock[] {
  const lines = file.text.split(/\r?\n/)
  const blocks: RawBlock[] = []
  let i = 0
  while (i < lines.length) {
    const header = BLOCK_HEADER.exec(stripForHeader(lines[i] ?? ''))
    if (!header) {
      i++
      continue
    }
    const end = blockEnd(lines, i + 1)
    blocks.push({
      keyword: header[1] ?? '',
      name: header[2] ?? '',
      file: file.path,
      line: i + 1,
      endLine: end + 1,
      body: logicalLines(lines.slice(i + 1, end), i + 2)
    })
    i = end + 1
  }
  return blocks
}

function stripForHeader(line: string): string {
  const comment = line.indexOf('//')
  return (comment >= 0 ? line.slice(0, comment) : line).trim()
}

/** Index of the line holding the block's closing `}` (brackets inside strings and comments ignored). */
function blockEnd(lines: string[], from: number): number {
  for (let i = from; i < lines.length; i++) {
    if (/^\s*\}/.test(logicalCode(lines[i] ?? ''))) return i
  }
  return lines.length
}

function logicalCode(line: string): string {
  return logicalLines([line], 1)[0]?.text ?? ''
}

function addBlock(index: SchemaIndex, block: RawBlock): void {
  if (block.keyword === 'model' || block.keyword === 'view') {
    const model = readModel(block)
    ;(model.isView ? index.views : index.models).push(model)
  } else if (block.keyword === 'enum') {
    index.enums.push(readEnum(block))
  } else if (block.keyword === 'datasource') {
    index.datasource ??= readDatasource(block)
  }
}

function blockAttributes(block: RawBlock): PslAttribute[] {
  return block.body
    .filter((l) => l.text.startsWith('@@'))
    .flatMap((l) => parseAttributes(new TokenStream(tokenize(l.text))))
}

function attr(attributes: PslAttribute[], name: string): PslAttribute | undefined {
  return attributes.find((a) => a.name === name)
}

function readModel(block: RawBlock): ModelInfo {
  const attributes = blockAttributes(block)
  const fields = block.body.filter((l) => !l.text.startsWith('@@')).flatMap((l) => readField(l) ?? [])
  const indexes = block.body.filter((l) => l.text.startsWith('@@')).flatMap(readBlockIndexes)
  const model: ModelInfo = {
    name: block.name,
    dbName: stringValue(argument(attr(attributes, 'map'), 'name')) ?? block.name,
    isView: block.keyword === 'view',
    file: block.file,
    line: block.line,
    endLine: block.endLine,
    fields,
    indexes,
    attributes
  }
  const schema = stringValue(argument(attr(attributes, 'schema'), 'name'))
  if (schema) model.schema = schema
  return model
}

/** A field line: `name Type[?|[]] @attr…`. */
function readField(line: LogicalLine): FieldInfo | undefined {
  const stream = new TokenStream(tokenize(line.text))
  const name = stream.next()
  const type = stream.next()
  if (name?.type !== 'ident' || type?.type !== 'ident') return undefined
  if (stream.peek()?.text === '(') parseUnsupportedArgs(stream)
  const list = stream.eat('[') && stream.eat(']')
  const optional = stream.eat('?')
  const attributes = parseAttributes(stream)
  const field: FieldInfo = {
    name: name.text,
    dbName: stringValue(argument(attr(attributes, 'map'), 'name')) ?? name.text,
    type: type.text,
    optional,
    list,
    line: line.line,
    endLine: line.endLine,
    attributes
  }
  return withFieldAttributes(field, attributes)
}

/** `Unsupported("circle")`: skip its parenthesised argument. */
function parseUnsupportedArgs(stream: TokenStream): void {
  stream.eat('(')
  while (!stream.done() && !stream.eat(')')) stream.next()
}

function withFieldAttributes(field: FieldInfo, attributes: PslAttribute[]): FieldInfo {
  const id = attr(attributes, 'id')
  const unique = attr(attributes, 'unique')
  const dflt = attr(attributes, 'default')
  const relation = attr(attributes, 'relation')
  if (id) field.id = optionalMap(id)
  if (unique) field.unique = optionalMap(unique)
  const dfltValue = argument(dflt, 'value')
  if (dfltValue) field.default = printValue(dfltValue)
  if (relation) field.relation = readRelation(relation)
  return field
}

function optionalMap(attribute: PslAttribute): { map?: string } {
  const map = stringValue(namedArgument(attribute, 'map'))
  return map ? { map } : {}
}

function readRelation(attribute: PslAttribute): RelationInfo {
  const relation: RelationInfo = {
    fields: fieldNames(namedArgument(attribute, 'fields')).map((f) => f.name),
    references: fieldNames(namedArgument(attribute, 'references')).map((f) => f.name)
  }
  const name = stringValue(argument(attribute, 'name'))
  const onDelete = wordValue(namedArgument(attribute, 'onDelete'))
  const onUpdate = wordValue(namedArgument(attribute, 'onUpdate'))
  const map = stringValue(namedArgument(attribute, 'map'))
  if (name) relation.name = name
  if (onDelete) relation.onDelete = onDelete
  if (onUpdate) relation.onUpdate = onUpdate
  if (map) relation.map = map
  return relation
}

/** `[a, b(sort: Desc), c(ops: raw("…"))]` → the field names, with sort. */
function fieldNames(value: PslValue | undefined): IndexField[] {
  if (value?.kind !== 'array') return []
  return value.items.flatMap((item): IndexField[] => {
    if (item.kind === 'ident') return [{ name: item.value }]
    if (item.kind !== 'call') return []
    const sort = wordValue(item.args.find((a) => a.name === 'sort')?.value)
    return [sort === 'Asc' || sort === 'Desc' ? { name: item.name, sort } : { name: item.name }]
  })
}

const INDEX_KINDS = new Set(['id', 'unique', 'index', 'fulltext'])

function readBlockIndexes(line: LogicalLine): BlockIndexInfo[] {
  return parseAttributes(new TokenStream(tokenize(line.text)))
    .filter((a) => a.block && INDEX_KINDS.has(a.name))
    .map((a) => {
      const info: BlockIndexInfo = {
        kind: a.name as BlockIndexInfo['kind'],
        fields: fieldNames(argument(a, 'fields')),
        line: line.line,
        endLine: line.endLine
      }
      const map = stringValue(namedArgument(a, 'map'))
      const name = stringValue(namedArgument(a, 'name'))
      const type = wordValue(namedArgument(a, 'type'))
      if (map) info.map = map
      if (name) info.name = name
      if (type) info.type = type
      return info
    })
}

function readEnum(block: RawBlock): EnumInfo {
  const attributes = blockAttributes(block)
  const values = block.body
    .filter((l) => !l.text.startsWith('@@'))
    .flatMap((l): EnumValueInfo[] => {
      const stream = new TokenStream(tokenize(l.text))
      const name = stream.next()
      if (name?.type !== 'ident') return []
      const map = stringValue(argument(attr(parseAttributes(stream), 'map'), 'name'))
      return [{ name: name.text, dbName: map ?? name.text, line: l.line }]
    })
  const info: EnumInfo = {
    name: block.name,
    dbName: stringValue(argument(attr(attributes, 'map'), 'name')) ?? block.name,
    file: block.file,
    line: block.line,
    endLine: block.endLine,
    values
  }
  const schema = stringValue(argument(attr(attributes, 'schema'), 'name'))
  if (schema) info.schema = schema
  return info
}

/** `key = value` lines; only `provider` and `schemas` matter here. */
function readDatasource(block: RawBlock): DatasourceInfo {
  const info: DatasourceInfo = { name: block.name, env: {}, file: block.file, line: block.line }
  for (const line of block.body) {
    const stream = new TokenStream(tokenize(line.text))
    const key = stream.next()?.text
    if (!stream.eat('=')) continue
    const value = parseValue(stream)
    if (key === 'provider') {
      const provider = stringValue(value)
      if (provider) info.provider = provider
    }
    if (key === 'schemas' && value?.kind === 'array') {
      info.schemas = value.items.flatMap((v) => (v.kind === 'string' ? [v.value] : []))
    }
    if ((key === 'url' || key === 'directUrl' || key === 'shadowDatabaseUrl') && value?.kind === 'call') {
      const name = value.name === 'env' ? stringValue(value.args[0]?.value) : undefined
      if (name) info.env[key] = name
    }
  }
  return info
}

// ---------------------------------------------------------------------------
// From a drift item back to the schema

/** A location and how precisely it matched. */
export interface SchemaMatch {
  location: SourceLocation
  /** False when the item's own line was not found and the model's line stands in. */
  exact: boolean
}

/**
 * The schema line that declares a drift item's object, or undefined when the
 * schema does not declare it (an object only the migrations create).
 */
export function locateDriftItem(
  item: Pick<DriftItem, 'kind' | 'target'>,
  index: SchemaIndex
): SourceLocation | undefined {
  return matchDriftItem(item, index)?.location
}

/** Like `locateDriftItem`, and says whether the line is the item's own or its model's. */
export function matchDriftItem(
  item: Pick<DriftItem, 'kind' | 'target'>,
  index: SchemaIndex
): SchemaMatch | undefined {
  const t = item.target
  if (item.kind === 'enum' || item.kind === 'enumValue') return matchEnum(item, index)
  if (!t.table) return undefined
  const model = findModel(index, t.table, t.schema)
  if (!model) return undefined
  const line = finerLine(item, model, index)
  return line === undefined
    ? { location: at(model.file, model.line), exact: item.kind === 'table' || item.kind === 'view' }
    : { location: at(model.file, line), exact: true }
}

function at(file: string, line: number): SourceLocation {
  return { file, line }
}

function matchEnum(item: Pick<DriftItem, 'kind' | 'target'>, index: SchemaIndex): SchemaMatch | undefined {
  const name = item.target.enum
  const candidates = index.enums.filter((e) => e.dbName === name)
  const found = candidates.find((e) => !e.schema || e.schema === item.target.schema) ?? candidates[0]
  if (!found) return undefined
  if (item.kind === 'enum') return { location: at(found.file, found.line), exact: true }
  const value = found.values.find((v) => v.dbName === item.target.value)
  return value
    ? { location: at(found.file, value.line), exact: true }
    : { location: at(found.file, found.line), exact: false }
}

/** Models and views by table name; `@@schema` breaks ties between schemas. */
function findModel(index: SchemaIndex, table: string, schema: string | undefined): ModelInfo | undefined {
  const candidates = [...index.models, ...index.views].filter((m) => m.dbName === table)
  return candidates.find((m) => m.schema === schema) ?? candidates.find((m) => !m.schema) ?? candidates[0]
}

/** The line of the field or attribute an item is about, within its model. */
function finerLine(
  item: Pick<DriftItem, 'kind' | 'target'>,
  model: ModelInfo,
  index: SchemaIndex
): number | undefined {
  switch (item.kind) {
    case 'column':
      return scalarFields(model, index).find((f) => f.dbName === item.target.column)?.line
    case 'primaryKey':
      return primaryKeyLine(model)
    case 'unique':
      return uniqueLine(item, model, index) ?? indexLine(item, model)
    case 'index':
      return indexLine(item, model) ?? uniqueLine(item, model, index)
    case 'foreignKey':
      return foreignKeyLine(item, model, index)
    default:
      return undefined
  }
}

/** Fields that are columns: not relation fields (whose type is a model). */
function scalarFields(model: ModelInfo, index: SchemaIndex): FieldInfo[] {
  const modelNames = new Set([...index.models, ...index.views].map((m) => m.name))
  return model.fields.filter((f) => !modelNames.has(f.type) && !f.relation)
}

/** Prisma field names → column names of this model. */
function columnsOf(model: ModelInfo, names: string[]): string[] {
  return names.map((n) => model.fields.find((f) => f.name === n)?.dbName ?? n)
}

function sameColumns(a: string[] | undefined, b: string[]): boolean {
  return a !== undefined && a.length === b.length && a.every((c, i) => c === b[i])
}

/** Prisma's default constraint names: `<table>_<cols>_<suffix>`, `<table>_pkey`. */
export function defaultConstraintName(
  table: string,
  columns: string[],
  suffix: 'key' | 'idx' | 'fkey' | 'pkey'
): string {
  const name = suffix === 'pkey' ? `${table}_pkey` : `${table}_${columns.join('_')}_${suffix}`
  // PostgreSQL truncates identifiers to 63 bytes; Prisma's names follow.
  return name.length > 63 ? name.slice(0, 63) : name
}

/** Whether a key with these columns and explicit `map` is the item's constraint. */
function matchesKey(
  item: Pick<DriftItem, 'kind' | 'target'>,
  model: ModelInfo,
  columns: string[],
  map: string | undefined,
  suffix: 'key' | 'idx' | 'fkey' | 'pkey'
): boolean {
  const wanted = item.target.constraint
  if (wanted && map) return wanted === map
  if (item.target.columns) return sameColumns(item.target.columns, columns)
  return wanted !== undefined && wanted === defaultConstraintName(model.dbName, columns, suffix)
}

function primaryKeyLine(model: ModelInfo): number | undefined {
  return model.fields.find((f) => f.id)?.line ?? model.indexes.find((i) => i.kind === 'id')?.line
}

function uniqueLine(
  item: Pick<DriftItem, 'kind' | 'target'>,
  model: ModelInfo,
  index: SchemaIndex
): number | undefined {
  const field = scalarFields(model, index).find(
    (f) => f.unique && matchesKey(item, model, [f.dbName], f.unique.map, 'key')
  )
  if (field) return field.line
  return model.indexes.find(
    (i) =>
      i.kind === 'unique' &&
      matchesKey(
        item,
        model,
        columnsOf(
          model,
          i.fields.map((f) => f.name)
        ),
        i.map,
        'key'
      )
  )?.line
}

function indexLine(item: Pick<DriftItem, 'kind' | 'target'>, model: ModelInfo): number | undefined {
  return model.indexes.find(
    (i) =>
      (i.kind === 'index' || i.kind === 'fulltext') &&
      matchesKey(
        item,
        model,
        columnsOf(
          model,
          i.fields.map((f) => f.name)
        ),
        i.map,
        'idx'
      )
  )?.line
}

function foreignKeyLine(
  item: Pick<DriftItem, 'kind' | 'target'>,
  model: ModelInfo,
  index: SchemaIndex
): number | undefined {
  const relations = model.fields.filter((f) => f.relation && f.relation.fields.length > 0)
  const matching = relations.filter((f) =>
    matchesKey(item, model, columnsOf(model, f.relation?.fields ?? []), f.relation?.map, 'fkey')
  )
  // Two relations over the same columns differ by the table they reference.
  const referenced = item.target.referencedTable
  const byTable = referenced
    ? matching.find((f) => findModel(index, referenced, undefined)?.name === f.type)
    : undefined
  return (byTable ?? matching[0])?.line
}

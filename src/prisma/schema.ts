/**
 * Reads Prisma schema files into an index of what they declare (models,
 * views, enums, fields and their attributes, the datasource) with file and
 * line. It locates; Prisma validates: lines it cannot read are skipped.
 */
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
import type {
  BlockIndexInfo,
  DatasourceInfo,
  EnumInfo,
  EnumValueInfo,
  FieldInfo,
  IndexField,
  ModelInfo,
  RelationInfo,
  SchemaIndex
} from './schema-index.js'

/** A schema file: repo-relative path and its text. */
export interface SchemaSource {
  path: string
  text: string
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

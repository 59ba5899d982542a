/**
 * From a drift item (database names) back to the schema line that declares
 * its object (Prisma names, through `@map`/`@@map` and Prisma's default
 * constraint names).
 */
import type { DriftItem } from '../model/drift.js'
import type { SourceLocation } from '../model/findings.js'
import { defaultConstraintName } from './naming.js'
import type { FieldInfo, ModelInfo, SchemaIndex } from './schema-index.js'

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

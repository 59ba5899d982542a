/**
 * What a migration changes in the database: the catalog before and after it,
 * compared with the drift comparison (`compareCatalogs(after, before)`: what
 * the "after" has and the "before" lacks is added, the reverse is dropped),
 * turned into changes grouped by table, and the rows each lossy change
 * touches counted on the populated database before the migration runs.
 */
import type pg from 'pg'
import type { CatalogSnapshot } from '../db/snapshot.js'
import type { ColumnInfo, TableInfo } from '../db/catalog.js'
import { compareCatalogs } from '../catalog-diff/index.js'
import { qualified, quoteIdent, quoteLiteral } from '../sql/quote.js'
import type { DriftItem } from '../model/drift.js'
import { displayName, type Relation } from './measure.js'
import type { DatabaseChange, DataLoss } from '../model/review.js'

/** A lossy change and the query that counts what it loses, run on the database before the migration. */
interface LossQuery {
  change: DatabaseChange
  sql: string
  text: (rows: number, affected: number) => string
}

const KIND_WORDS: Partial<Record<DriftItem['kind'], string>> = {
  table: 'table',
  column: 'column',
  enum: 'enum',
  enumValue: 'enum value',
  index: 'index',
  unique: 'unique index',
  primaryKey: 'primary key',
  foreignKey: 'foreign key',
  check: 'check constraint',
  view: 'view',
  sequence: 'sequence',
  extension: 'extension',
  function: 'function',
  trigger: 'trigger'
}

const count = (n: number) => n.toLocaleString('en-US')

/**
 * The changes from `before` to `after`. Renamed tables (same OID) and
 * renamed columns (same attribute number) are renames, not a drop and an add.
 */
export function describeChanges(
  before: CatalogSnapshot,
  after: CatalogSnapshot,
  relationsBefore: Map<number, Relation> = new Map(),
  relationsAfter: Map<number, Relation> = new Map()
): DatabaseChange[] {
  const items = compareCatalogs(after, before)
  const renamedTables = tableRenames(relationsBefore, relationsAfter)
  const changes: DatabaseChange[] = []
  const consumed = new Set<DriftItem>()
  // Table renames: the dropped and the added table are the same one.
  for (const [from, to] of renamedTables) {
    const dropped = items.find((i) => i.kind === 'table' && i.change === 'unexpected' && i.object === from)
    const added = items.find((i) => i.kind === 'table' && i.change === 'missing' && i.object === to)
    if (!dropped || !added) continue
    consumed.add(dropped).add(added)
    for (const child of items)
      if (child !== dropped && child !== added && (childOf(child, from) || childOf(child, to)))
        consumed.add(child)
    changes.push({
      table: to,
      kind: 'table',
      change: 'renamed',
      object: to,
      description: `renames table \`${from}\` to \`${to}\``
    })
  }
  // Column renames: same attribute number, another name.
  for (const dropped of items) {
    if (consumed.has(dropped) || dropped.kind !== 'column' || dropped.change !== 'unexpected') continue
    const old = columnOf(before, dropped)
    const added = items.find(
      (i) =>
        !consumed.has(i) &&
        i.kind === 'column' &&
        i.change === 'missing' &&
        i.target.table === dropped.target.table &&
        i.target.schema === dropped.target.schema &&
        columnOf(after, i)?.position === old?.position
    )
    if (!added || !old) continue
    consumed.add(dropped).add(added)
    const table = displayName(dropped.target.schema, dropped.target.table ?? '')
    changes.push({
      table,
      kind: 'column',
      change: 'renamed',
      object: `${table}.${added.target.column}`,
      description: `renames column \`${old.name}\` to \`${added.target.column}\``
    })
  }
  for (const item of items) if (!consumed.has(item)) changes.push(toChange(item, before, after))
  return changes
}

function childOf(item: DriftItem, table: string): boolean {
  return (
    item.kind !== 'table' &&
    item.target.table !== undefined &&
    displayName(item.target.schema, item.target.table) === table
  )
}

function tableRenames(before: Map<number, Relation>, after: Map<number, Relation>): Map<string, string> {
  const renames = new Map<string, string>()
  for (const [oid, r] of before) {
    const now = after.get(oid)
    if (!now || r.kind === 'i' || (now.name === r.name && now.schema === r.schema)) continue
    renames.set(displayName(r.schema, r.name), displayName(now.schema, now.name))
  }
  return renames
}

function tableOf(catalog: CatalogSnapshot, item: DriftItem): TableInfo | undefined {
  return catalog.tables.find((t) => t.schema === item.target.schema && t.name === item.target.table)
}

function columnOf(catalog: CatalogSnapshot, item: DriftItem): ColumnInfo | undefined {
  return tableOf(catalog, item)?.columns.find((c) => c.name === item.target.column)
}

function toChange(item: DriftItem, _before: CatalogSnapshot, _after: CatalogSnapshot): DatabaseChange {
  const change: DatabaseChange['change'] =
    item.change === 'missing' ? 'added' : item.change === 'unexpected' ? 'dropped' : 'changed'
  const table = item.target.table ? displayName(item.target.schema, item.target.table) : undefined
  const word = KIND_WORDS[item.kind] ?? item.kind
  const name =
    item.kind === 'column'
      ? item.target.column
      : item.kind === 'table'
        ? item.object
        : item.object.split('.').pop()
  const verb = change === 'added' ? 'adds' : change === 'dropped' ? 'drops' : 'changes'
  let description = `${verb} ${word} \`${name}\``
  if (change === 'added' && item.expected && item.kind !== 'table') description += ` (${clip(item.expected)})`
  if (change === 'changed') {
    const aspects = item.aspects?.length ? ` ${item.aspects.join(', ')}` : ''
    description = `changes${aspects} of ${word} \`${name}\`${item.actual && item.expected ? `: ${clip(item.actual)} → ${clip(item.expected)}` : ''}`
  }
  const result: DatabaseChange = { kind: item.kind, change, object: item.object, description }
  if (table && item.kind !== 'enum' && item.kind !== 'enumValue') result.table = table
  if (item.actual) result.before = item.actual
  if (item.expected) result.after = item.expected
  return result
}

function clip(text: string, max = 80): string {
  const line = text.replace(/\s+/g, ' ').trim()
  return line.length > max ? `${line.slice(0, max - 1)}…` : line
}

/**
 * Counts, on the database as it is before the migration, the rows each lossy
 * change touches: a dropped table's rows, a dropped column's values, values a
 * type change alters (compared as text after the cast), rows holding a
 * removed enum value. Sets `dataLoss` on those changes; never throws (a count
 * that fails is left out).
 */
export async function countDataLoss(
  client: pg.ClientBase,
  changes: DatabaseChange[],
  before: CatalogSnapshot,
  after: CatalogSnapshot
): Promise<void> {
  for (const query of lossQueries(changes, before, after)) {
    try {
      const { rows } = await client.query<{ rows: string; affected: string }>(query.sql)
      const total = Number(rows[0]?.rows ?? 0)
      const affected = Number(rows[0]?.affected ?? 0)
      const loss: DataLoss = { rows: total, affected, text: query.text(total, affected) }
      query.change.dataLoss = loss
    } catch {
      // The count is information; a cast PostgreSQL refuses here makes the migration fail anyway.
    }
  }
}

function lossQueries(
  changes: DatabaseChange[],
  before: CatalogSnapshot,
  after: CatalogSnapshot
): LossQuery[] {
  const queries: LossQuery[] = []
  const find = (catalog: CatalogSnapshot, display: string) =>
    catalog.tables.find((t) => displayName(t.schema, t.name) === display)
  for (const change of changes) {
    if (change.kind === 'table' && change.change === 'dropped') {
      const table = find(before, change.object)
      if (!table) continue
      queries.push({
        change,
        sql: `SELECT count(*) AS rows, count(*) AS affected FROM ${qualified(table.schema, table.name)}`,
        text: (rows) => `${count(rows)} row${rows === 1 ? '' : 's'} deleted with it`
      })
      continue
    }
    if (change.kind === 'column' && change.table) {
      const table = find(before, change.table)
      const columnName = change.object.slice(change.table.length + 1)
      const column = table?.columns.find((c) => c.name === columnName)
      if (!table || !column) continue
      const from = qualified(table.schema, table.name)
      const col = quoteIdent(column.name)
      if (change.change === 'dropped') {
        queries.push({
          change,
          sql: `SELECT count(*) AS rows, count(${col}) AS affected FROM ${from}`,
          text: (rows, affected) => `${count(affected)} of ${count(rows)} rows have a value`
        })
      } else if (change.change === 'changed') {
        const next = find(after, change.table)?.columns.find((c) => c.name === column.name)
        if (!next || next.type === column.type) continue
        queries.push({
          change,
          // A value is lost when it does not come back from the new type to the old one.
          sql: `SELECT count(*) AS rows, count(*) FILTER (WHERE ${col} IS NOT NULL AND ${col}::text IS DISTINCT FROM ((${col}::${next.type})::${column.type})::text) AS affected FROM ${from}`,
          text: (rows, affected) =>
            affected === 0
              ? `all ${count(rows)} values convert unchanged`
              : lengthOf(next.type) !== undefined
                ? `${count(affected)} of ${count(rows)} rows longer than ${next.type} allows or changed by the cast`
                : `${count(affected)} of ${count(rows)} rows lose precision or change value in the cast to ${next.type}`
        })
      }
      continue
    }
    if (change.kind === 'enumValue' && change.change === 'dropped') {
      const [enumName, value] = splitEnumValue(change.object)
      const uses = before.tables.flatMap((t) =>
        t.columns
          .filter((c) => c.isEnum && displayName(c.typeSchema, c.typeName) === enumName)
          .map((c) => ({ t, c }))
      )
      if (!uses.length || value === undefined) continue
      const parts = uses.map(({ t, c }) => {
        const test = c.isArray
          ? `${quoteLiteral(value)} = ANY(${quoteIdent(c.name)}::text[])`
          : `${quoteIdent(c.name)}::text = ${quoteLiteral(value)}`
        return `SELECT count(*) AS rows, count(*) FILTER (WHERE ${test}) AS affected FROM ${qualified(t.schema, t.name)}`
      })
      queries.push({
        change,
        sql: `SELECT sum(rows) AS rows, sum(affected) AS affected FROM (${parts.join(' UNION ALL ')}) AS counts`,
        text: (_rows, affected) => `${count(affected)} row${affected === 1 ? ' holds' : 's hold'} the value`
      })
    }
  }
  return queries
}

/** `Role.ADMIN` → [`Role`, `ADMIN`]; `app.Role.ADMIN` → [`app.Role`, `ADMIN`]. */
function splitEnumValue(object: string): [string, string | undefined] {
  const dot = object.lastIndexOf('.')
  return dot < 0 ? [object, undefined] : [object.slice(0, dot), object.slice(dot + 1)]
}

function lengthOf(type: string): number | undefined {
  const match = /^(?:character varying|character|varchar|char)\((\d+)\)/.exec(type)
  return match ? Number(match[1]) : undefined
}

/** A change loses data when it touched rows that had a value. */
export function losesData(change: DatabaseChange): boolean {
  return (change.dataLoss?.affected ?? 0) > 0
}

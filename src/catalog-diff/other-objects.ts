/**
 * What Prisma's schema language cannot express (checks, functions, triggers,
 * extensions, views, partitions and partitioning, sequences no column owns):
 * compared by name and definition and listed as `info` only, with no fix.
 */
import type { CatalogSnapshot } from '../db/snapshot.js'
import type { TableInfo } from '../db/catalog.js'
import type { DriftItem, DriftTarget } from '../model/drift.js'
import { byKey, display, key } from './naming.js'

/** How two tables of one name are partitioned (Prisma cannot declare it). */
export function comparePartitioning(expected: TableInfo, actual: TableInfo): DriftItem[] {
  if ((expected.partitionKey ?? '') === (actual.partitionKey ?? '')) return []
  return [
    {
      kind: 'table',
      change: 'different',
      object: display(actual.schema, actual.name),
      target: { schema: actual.schema, table: actual.name },
      severity: 'info',
      expected: expected.partitionKey ? `PARTITION BY ${expected.partitionKey}` : 'not partitioned',
      actual: actual.partitionKey ? `PARTITION BY ${actual.partitionKey}` : 'not partitioned',
      aspects: ['partitioning']
    }
  ]
}

interface IgnoredObject {
  kind: DriftItem['kind']
  key: string
  object: string
  target: DriftTarget
  definition: string
}

/**
 * Objects outside Prisma's schema language, compared by name and definition and
 * reported as `info` only: checks, functions, triggers, extensions, views,
 * partitions and sequences that no column owns.
 */
export function compareIgnoredObjects(expected: CatalogSnapshot, actual: CatalogSnapshot): DriftItem[] {
  const want = byKey(ignoredObjects(expected), (o) => o.key)
  const have = byKey(ignoredObjects(actual), (o) => o.key)
  const items: DriftItem[] = []
  const info = (o: IgnoredObject, change: DriftItem['change']): DriftItem => ({
    kind: o.kind,
    change,
    object: o.object,
    target: o.target,
    severity: 'info'
  })
  for (const [k, o] of have) {
    const other = want.get(k)
    if (!other) items.push({ ...info(o, 'unexpected'), actual: o.definition })
    else if (other.definition !== o.definition)
      items.push({ ...info(o, 'different'), expected: other.definition, actual: o.definition })
  }
  for (const [k, o] of want) if (!have.has(k)) items.push({ ...info(o, 'missing'), expected: o.definition })
  return items
}

function ignoredObjects(catalog: CatalogSnapshot): IgnoredObject[] {
  const objects: IgnoredObject[] = []
  for (const table of catalog.tables) {
    for (const check of table.checks)
      objects.push({
        kind: 'check',
        key: key('check', table.schema, table.name, check.name),
        object: display(table.schema, check.name),
        target: { schema: table.schema, table: table.name, constraint: check.name },
        definition: check.definition
      })
    if (table.partitionOf)
      objects.push({
        kind: 'table',
        key: key('partition', table.schema, table.name),
        object: display(table.schema, table.name),
        target: { schema: table.schema, table: table.name },
        definition: `partition of ${table.partitionOf}`
      })
  }
  for (const f of catalog.functions)
    objects.push({
      kind: 'function',
      key: key('function', f.schema, f.name, f.arguments),
      object: `${display(f.schema, f.name)}(${f.arguments})`,
      target: { schema: f.schema },
      definition: `${f.kind} ${f.name}(${f.arguments})`
    })
  for (const t of catalog.triggers)
    objects.push({
      kind: 'trigger',
      key: key('trigger', t.schema, t.table, t.name),
      object: display(t.schema, t.name),
      target: { schema: t.schema, table: t.table, constraint: t.name },
      definition: t.definition
    })
  for (const e of catalog.extensions)
    objects.push({
      kind: 'extension',
      key: key('extension', e.name),
      object: e.name,
      target: { schema: e.schema },
      definition: `extension ${e.name} ${e.version} in schema ${e.schema}`
    })
  for (const v of catalog.views)
    objects.push({
      kind: 'view',
      key: key('view', v.schema, v.name),
      object: display(v.schema, v.name),
      target: { schema: v.schema, table: v.name },
      definition: `${v.materialized ? 'MATERIALIZED VIEW' : 'VIEW'} AS ${v.definition.trim()}`
    })
  for (const s of catalog.sequences)
    if (!s.ownedBy)
      objects.push({
        kind: 'sequence',
        key: key('sequence', s.schema, s.name),
        object: display(s.schema, s.name),
        target: { schema: s.schema },
        definition: `sequence ${display(s.schema, s.name)} AS ${s.dataType}`
      })
  return objects
}

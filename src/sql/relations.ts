/**
 * The relations a statement names, read from PostgreSQL's parse tree. One
 * walker serves two readings: the tables a statement works on (its
 * RangeVars: the target, FROM, …) and every relation it names at all (a
 * foreign key's referenced table, ATTACH PARTITION… too).
 */
import type { Node, RangeVar } from 'libpg-query'

/** A relation as a statement names it: qualified or not. */
export interface NamedRelation {
  schema?: string
  name: string
}

const named = (rel: RangeVar): NamedRelation =>
  rel.schemaname ? { schema: rel.schemaname, name: rel.relname ?? '' } : { name: rel.relname ?? '' }

/**
 * The relations in `node`. `targets`: the RangeVars under a `RangeVar` or
 * `relation` key (what the statement works on); `every`: every node with a
 * `relname`, wherever it sits.
 */
export function relationsIn(node: Node | undefined, which: 'targets' | 'every'): NamedRelation[] {
  const found: NamedRelation[] = []
  const walk = (value: unknown, key?: string): void => {
    if (Array.isArray(value)) {
      for (const v of value) walk(v)
      return
    }
    if (!value || typeof value !== 'object') return
    const rel = value as RangeVar
    if (typeof rel.relname === 'string' && (which === 'every' || key === 'RangeVar' || key === 'relation'))
      found.push(named(rel))
    for (const [k, v] of Object.entries(value)) walk(v, k)
  }
  walk(node)
  return found
}

/** The objects a `DROP` lists (tables, indexes, types…), by their last two name parts. */
export function droppedNames(node: Node | undefined): NamedRelation[] {
  if (!node || !('DropStmt' in node)) return []
  return (node.DropStmt.objects ?? []).flatMap((o) => {
    const parts = 'List' in o ? (o.List.items ?? []) : [o]
    const names = parts.flatMap((p) => ('String' in p && p.String.sval ? [p.String.sval] : []))
    const name = names.at(-1)
    if (!name) return []
    return names.length > 1 ? [{ schema: names.at(-2), name }] : [{ name }]
  })
}

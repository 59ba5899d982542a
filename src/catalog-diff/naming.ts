/**
 * Names of catalog objects: for people (the schema shown only when it is not
 * `public`), in SQL (quoted identifier lists), as lookup keys, and lists of
 * names compared in order (the columns of a key).
 */
import { quoteIdent } from '../sql/quote.js'

/** Display name: the schema is only shown when it is not `public`. */
export function display(schema: string, ...names: string[]): string {
  return (schema === 'public' ? names : [schema, ...names]).join('.')
}

/** A lookup key from name parts (schema, table, …) that no identifier can forge. */
export const key = (...parts: string[]) => parts.join('\u0000')

export function byKey<T>(items: T[], keyOf: (item: T) => string): Map<string, T> {
  return new Map(items.map((item) => [keyOf(item), item]))
}

/** `"a", "b"`: identifiers quoted for a column list in SQL. */
export const identList = (names: string[]) => names.map(quoteIdent).join(', ')

/** The same names in the same order. */
export function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

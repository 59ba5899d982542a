/**
 * Stage 7: two catalog snapshots in, typed drift items out.
 *
 * `expected` is a scratch database built from Prisma's own SQL for the schema,
 * `actual` the database the project's migrations built. What `prisma migrate
 * diff` would change is drift; what Prisma cannot express (functions,
 * triggers, checks, extensions, views, partitioning, expression and partial
 * indexes, free-standing sequences) is listed as `info` only. Each item
 * carries the SQL that fixes it, written from the expected database's own
 * definitions.
 */
import type {
  CatalogSnapshot,
  ColumnInfo,
  EnumInfo,
  ForeignKeyInfo,
  IndexInfo,
  KeyInfo,
  TableInfo
} from '../db/snapshot.js'
import type { DriftItem, DriftTarget } from '../model/drift.js'
import { AUTOINCREMENT, canonicalDefault } from './defaults.js'
import { qualified, quoteIdent, quoteLiteral } from '../sql/quote.js'

/**
 * Compares the database the schema describes (`expected`) with the one the
 * migrations built (`actual`). Items come grouped by object: enums, then each
 * table with its columns, keys, indexes and foreign keys, then the objects
 * Prisma ignores.
 */
export function compareCatalogs(expected: CatalogSnapshot, actual: CatalogSnapshot): DriftItem[] {
  return [
    ...compareEnums(expected, actual),
    ...compareTables(expected, actual),
    ...compareIgnoredObjects(expected, actual)
  ]
}

// ---------------------------------------------------------------- naming

/** Display name: the schema is only shown when it is not `public`. */
function display(schema: string, ...names: string[]): string {
  return (schema === 'public' ? names : [schema, ...names]).join('.')
}

const key = (...parts: string[]) => parts.join('\u0000')

function byKey<T>(items: T[], keyOf: (item: T) => string): Map<string, T> {
  return new Map(items.map((item) => [keyOf(item), item]))
}

// ---------------------------------------------------------------- enums

function compareEnums(expected: CatalogSnapshot, actual: CatalogSnapshot): DriftItem[] {
  const items: DriftItem[] = []
  const actualEnums = byKey(actual.enums, (e) => key(e.schema, e.name))
  const expectedEnums = byKey(expected.enums, (e) => key(e.schema, e.name))
  for (const enumType of expected.enums) {
    const other = actualEnums.get(key(enumType.schema, enumType.name))
    if (other) items.push(...compareEnumValues(enumType, other, actual))
    else items.push(missingEnum(enumType))
  }
  for (const enumType of actual.enums)
    if (!expectedEnums.has(key(enumType.schema, enumType.name))) items.push(unexpectedEnum(enumType))
  return items
}

const enumDefinition = (e: EnumInfo) => `enum (${e.values.join(', ')})`

function missingEnum(e: EnumInfo): DriftItem {
  return {
    kind: 'enum',
    change: 'missing',
    object: display(e.schema, e.name),
    target: { schema: e.schema, enum: e.name },
    severity: 'error',
    expected: enumDefinition(e),
    fixSql: `CREATE TYPE ${qualified(e.schema, e.name)} AS ENUM (${e.values.map(quoteLiteral).join(', ')});`
  }
}

function unexpectedEnum(e: EnumInfo): DriftItem {
  return {
    kind: 'enum',
    change: 'unexpected',
    object: display(e.schema, e.name),
    target: { schema: e.schema, enum: e.name },
    severity: 'warning',
    actual: enumDefinition(e),
    fixSql: `DROP TYPE ${qualified(e.schema, e.name)};`
  }
}

/**
 * Values are compared as sets: `ALTER TYPE … ADD VALUE` appends, so order
 * alone is not drift. Missing values are added; extra values can only go by
 * recreating the type, as Prisma does, and every value item of that enum then
 * carries the same recreate script (the fix migration writes it once).
 */
function compareEnumValues(
  expected: EnumInfo,
  actual: EnumInfo,
  actualCatalog: CatalogSnapshot
): DriftItem[] {
  const missing = expected.values.filter((v) => !actual.values.includes(v))
  const extra = actual.values.filter((v) => !expected.values.includes(v))
  if (missing.length === 0 && extra.length === 0) return []
  const recreate = extra.length > 0 ? recreateEnumSql(expected, actualCatalog) : undefined
  const item = (value: string, change: 'missing' | 'unexpected'): DriftItem => ({
    kind: 'enumValue',
    change,
    object: display(expected.schema, expected.name, value),
    target: { schema: expected.schema, enum: expected.name, value },
    severity: change === 'missing' ? 'error' : 'warning',
    ...(change === 'missing'
      ? { expected: `${quoteLiteral(value)} in ${enumDefinition(expected)}` }
      : { actual: `${quoteLiteral(value)} in ${enumDefinition(actual)}` }),
    fixSql:
      recreate ?? `ALTER TYPE ${qualified(expected.schema, expected.name)} ADD VALUE ${quoteLiteral(value)};`
  })
  return [...missing.map((v) => item(v, 'missing')), ...extra.map((v) => item(v, 'unexpected'))]
}

/** Prisma's way of removing enum values: a new type, every column moved to it, the old type dropped. */
function recreateEnumSql(e: EnumInfo, actual: CatalogSnapshot): string {
  const type = qualified(e.schema, e.name)
  const newType = qualified(e.schema, `${e.name}_new`)
  const lines = [`CREATE TYPE ${newType} AS ENUM (${e.values.map(quoteLiteral).join(', ')});`]
  const restoreDefaults: string[] = []
  for (const table of actual.tables) {
    for (const column of table.columns) {
      if (!column.isEnum || column.typeSchema !== e.schema || column.typeName !== e.name) continue
      const alter = `ALTER TABLE ${qualified(table.schema, table.name)} ALTER COLUMN ${quoteIdent(column.name)}`
      const suffix = column.isArray ? '[]' : ''
      if (column.default !== undefined) {
        lines.push(`${alter} DROP DEFAULT;`)
        restoreDefaults.push(`${alter} SET DEFAULT ${column.default};`)
      }
      lines.push(
        `${alter} TYPE ${newType}${suffix} USING (${quoteIdent(column.name)}::text${suffix}::${newType}${suffix});`
      )
    }
  }
  lines.push(
    `ALTER TYPE ${type} RENAME TO ${quoteIdent(`${e.name}_old`)};`,
    `ALTER TYPE ${newType} RENAME TO ${quoteIdent(e.name)};`,
    `DROP TYPE ${qualified(e.schema, `${e.name}_old`)};`,
    ...restoreDefaults
  )
  return lines.join('\n')
}

// ---------------------------------------------------------------- tables

function compareTables(expected: CatalogSnapshot, actual: CatalogSnapshot): DriftItem[] {
  const items: DriftItem[] = []
  const modelled = (t: TableInfo) => !t.partitionOf
  const actualTables = byKey(actual.tables.filter(modelled), (t) => key(t.schema, t.name))
  const expectedTables = byKey(expected.tables.filter(modelled), (t) => key(t.schema, t.name))
  for (const table of expectedTables.values()) {
    const other = actualTables.get(key(table.schema, table.name))
    if (other) items.push(...compareTable(table, other, expected))
    else items.push(missingTable(table, expected), ...tableChildren(table))
  }
  for (const table of actualTables.values())
    if (!expectedTables.has(key(table.schema, table.name))) items.push(unexpectedTable(table))
  return items
}

/** A missing table is created with its columns and primary key; its indexes and foreign keys are items of their own. */
function tableChildren(table: TableInfo): DriftItem[] {
  return [
    ...secondaryIndexes(table).map((index) => missingIndex(table, index)),
    ...table.foreignKeys.map((fk) => missingForeignKey(table, fk))
  ]
}

function missingTable(table: TableInfo, catalog: CatalogSnapshot): DriftItem {
  const definitions = table.columns.map((c) => '    ' + columnDefinition(c, table, catalog))
  if (table.primaryKey)
    definitions.push(
      `    CONSTRAINT ${quoteIdent(table.primaryKey.name)} PRIMARY KEY (${identList(table.primaryKey.columns)})`
    )
  return {
    kind: 'table',
    change: 'missing',
    object: display(table.schema, table.name),
    target: { schema: table.schema, table: table.name },
    severity: 'error',
    expected: `table (${table.columns.map((c) => c.name).join(', ')})`,
    fixSql: `CREATE TABLE ${qualified(table.schema, table.name)} (\n${definitions.join(',\n')}\n);`
  }
}

/**
 * Drops the foreign keys first (as their own statements) so that unexpected
 * tables referencing each other can be dropped in any order.
 */
function unexpectedTable(table: TableInfo): DriftItem {
  const name = qualified(table.schema, table.name)
  const dropKeys = table.foreignKeys.map(
    (fk) => `ALTER TABLE ${name} DROP CONSTRAINT ${quoteIdent(fk.name)};`
  )
  return {
    kind: 'table',
    change: 'unexpected',
    object: display(table.schema, table.name),
    target: { schema: table.schema, table: table.name },
    severity: 'warning',
    actual: `table (${table.columns.map((c) => c.name).join(', ')})`,
    fixSql: [...dropKeys, `DROP TABLE ${name};`].join('\n')
  }
}

function compareTable(expected: TableInfo, actual: TableInfo, expectedCatalog: CatalogSnapshot): DriftItem[] {
  return [
    ...compareColumns(expected, actual, expectedCatalog),
    ...comparePrimaryKeys(expected, actual),
    ...compareIndexes(expected, actual),
    ...compareForeignKeys(expected, actual),
    ...comparePartitioning(expected, actual)
  ]
}

// ---------------------------------------------------------------- columns

function compareColumns(expected: TableInfo, actual: TableInfo, catalog: CatalogSnapshot): DriftItem[] {
  const items: DriftItem[] = []
  const actualColumns = byKey(actual.columns, (c) => c.name)
  const expectedNames = new Set(expected.columns.map((c) => c.name))
  for (const column of expected.columns) {
    const other = actualColumns.get(column.name)
    if (!other) items.push(missingColumn(expected, column, catalog))
    else {
      const item = differentColumn(expected, column, other)
      if (item) items.push(item)
    }
  }
  for (const column of actual.columns)
    if (!expectedNames.has(column.name)) items.push(unexpectedColumn(actual, column))
  return items
}

const columnTarget = (table: TableInfo, column: ColumnInfo): DriftTarget => ({
  schema: table.schema,
  table: table.name,
  column: column.name
})

/** `character varying(500) NOT NULL DEFAULT 'x'::character varying`, for people. */
function describeColumn(column: ColumnInfo): string {
  const parts = [column.type, column.notNull ? 'NOT NULL' : 'NULL']
  if (column.identity) parts.push(`GENERATED ${column.identity} AS IDENTITY`)
  else if (column.default !== undefined) parts.push(`DEFAULT ${column.default}`)
  if (column.generated) parts.push(`GENERATED ALWAYS AS (${column.generated}) STORED`)
  return parts.join(' ')
}

function missingColumn(table: TableInfo, column: ColumnInfo, catalog: CatalogSnapshot): DriftItem {
  return {
    kind: 'column',
    change: 'missing',
    object: display(table.schema, table.name, column.name),
    target: columnTarget(table, column),
    severity: 'error',
    expected: describeColumn(column),
    fixSql: `ALTER TABLE ${qualified(table.schema, table.name)} ADD COLUMN ${columnDefinition(column, table, catalog)};`
  }
}

function unexpectedColumn(table: TableInfo, column: ColumnInfo): DriftItem {
  return {
    kind: 'column',
    change: 'unexpected',
    object: display(table.schema, table.name, column.name),
    target: columnTarget(table, column),
    severity: 'warning',
    actual: describeColumn(column),
    fixSql: `ALTER TABLE ${qualified(table.schema, table.name)} DROP COLUMN ${quoteIdent(column.name)};`
  }
}

/**
 * Type, nullability and default (by value; serial and identity are both
 * autoincrement, as for Prisma). A list column's nullability is not compared:
 * Prisma writes lists without NOT NULL and its differ never changes it.
 */
function differentColumn(table: TableInfo, expected: ColumnInfo, actual: ColumnInfo): DriftItem | undefined {
  const aspects: string[] = []
  if (expected.type !== actual.type) aspects.push('type')
  if (expected.notNull !== actual.notNull && !(expected.isArray && actual.isArray))
    aspects.push('nullability')
  if (canonicalDefault(expected) !== canonicalDefault(actual)) aspects.push('default')
  if (aspects.length === 0) return undefined
  return {
    kind: 'column',
    change: 'different',
    object: display(table.schema, table.name, expected.name),
    target: columnTarget(table, expected),
    severity: 'error',
    expected: describeColumn(expected),
    actual: describeColumn(actual),
    aspects,
    fixSql: alterColumnSql(table, expected, actual, aspects)
  }
}

/**
 * ALTER COLUMN statements in a safe order: the old default goes before a type
 * change (it may not cast), the new one comes after.
 */
function alterColumnSql(
  table: TableInfo,
  expected: ColumnInfo,
  actual: ColumnInfo,
  aspects: string[]
): string {
  const alter = `ALTER TABLE ${qualified(table.schema, table.name)} ALTER COLUMN ${quoteIdent(expected.name)}`
  const typeChanges = aspects.includes('type')
  const defaultChanges = aspects.includes('default') || (typeChanges && actual.default !== undefined)
  const lines: string[] = []
  if (defaultChanges && actual.identity) lines.push(`${alter} DROP IDENTITY IF EXISTS;`)
  else if (defaultChanges && actual.default !== undefined) lines.push(`${alter} DROP DEFAULT;`)
  if (typeChanges) lines.push(`${alter} SET DATA TYPE ${expected.type} USING (${castTo(expected, actual)});`)
  if (defaultChanges) lines.push(...setDefaultSql(table, expected, alter))
  if (aspects.includes('nullability')) lines.push(`${alter} ${expected.notNull ? 'SET' : 'DROP'} NOT NULL;`)
  return lines.join('\n')
}

/** Enums only convert through text; other types cast directly. */
function castTo(expected: ColumnInfo, actual: ColumnInfo): string {
  const column = quoteIdent(expected.name)
  if (!expected.isEnum && !actual.isEnum) return `${column}::${expected.type}`
  return `${column}::text${actual.isArray ? '[]' : ''}::${expected.type}`
}

function setDefaultSql(table: TableInfo, expected: ColumnInfo, alter: string): string[] {
  if (expected.default === undefined && !expected.identity) return []
  if (canonicalDefault(expected) !== AUTOINCREMENT) return [`${alter} SET DEFAULT ${expected.default};`]
  // An autoincrement needs its own sequence, owned by the column as serial's is.
  const sequence = qualified(table.schema, `${table.name}_${expected.name}_seq`)
  return [
    `CREATE SEQUENCE IF NOT EXISTS ${sequence} OWNED BY ${qualified(table.schema, table.name)}.${quoteIdent(expected.name)};`,
    `${alter} SET DEFAULT nextval(${quoteLiteral(sequence)});`
  ]
}

const SERIAL_TYPES: Record<string, string> = {
  smallint: 'SMALLSERIAL',
  integer: 'SERIAL',
  bigint: 'BIGSERIAL'
}

/**
 * One column of a CREATE TABLE / ADD COLUMN, from the expected catalog. A
 * default drawing from the column's own sequence is written as serial, which
 * creates that sequence (the nextval text names one that does not exist yet).
 */
function columnDefinition(column: ColumnInfo, table: TableInfo, catalog: CatalogSnapshot): string {
  const serial = SERIAL_TYPES[column.type]
  const parts = [quoteIdent(column.name)]
  if (serial && column.default && ownsSequence(catalog, table, column)) parts.push(serial)
  else {
    parts.push(column.type)
    if (column.identity) parts.push(`GENERATED ${column.identity} AS IDENTITY`)
    else if (column.generated) parts.push(`GENERATED ALWAYS AS (${column.generated}) STORED`)
    else if (column.default !== undefined) parts.push(`DEFAULT ${column.default}`)
  }
  if (column.notNull) parts.splice(2, 0, 'NOT NULL')
  return parts.join(' ')
}

function ownsSequence(catalog: CatalogSnapshot, table: TableInfo, column: ColumnInfo): boolean {
  return (
    /^nextval\(/i.test(column.default ?? '') &&
    catalog.sequences.some(
      (s) => s.schema === table.schema && s.ownedBy?.table === table.name && s.ownedBy.column === column.name
    )
  )
}

// ---------------------------------------------------------------- primary keys

function comparePrimaryKeys(expected: TableInfo, actual: TableInfo): DriftItem[] {
  const want = expected.primaryKey
  const have = actual.primaryKey
  if (!want && !have) return []
  const tableName = qualified(expected.schema, expected.name)
  const pk = (k: KeyInfo) => ({
    kind: 'primaryKey' as const,
    object: display(expected.schema, k.name),
    target: { schema: expected.schema, table: expected.name, constraint: k.name, columns: k.columns }
  })
  const addSql = (k: KeyInfo) =>
    `ALTER TABLE ${tableName} ADD CONSTRAINT ${quoteIdent(k.name)} PRIMARY KEY (${identList(k.columns)});`
  const dropSql = (k: KeyInfo) => `ALTER TABLE ${tableName} DROP CONSTRAINT ${quoteIdent(k.name)};`
  if (want && !have)
    return [
      { ...pk(want), change: 'missing', severity: 'error', expected: want.definition, fixSql: addSql(want) }
    ]
  if (!want && have)
    return [
      {
        ...pk(have),
        change: 'unexpected',
        severity: 'warning',
        actual: have.definition,
        fixSql: dropSql(have)
      }
    ]
  if (!want || !have) return []
  if (sameList(want.columns, have.columns)) {
    if (want.name === have.name) return []
    return [
      {
        ...pk(want),
        change: 'different',
        severity: 'warning',
        expected: `${want.name}: ${want.definition}`,
        actual: `${have.name}: ${have.definition}`,
        aspects: ['name'],
        fixSql: `ALTER TABLE ${tableName} RENAME CONSTRAINT ${quoteIdent(have.name)} TO ${quoteIdent(want.name)};`
      }
    ]
  }
  return [
    {
      ...pk(want),
      change: 'different',
      severity: 'error',
      expected: `${want.name}: ${want.definition}`,
      actual: `${have.name}: ${have.definition}`,
      aspects: want.name === have.name ? ['columns'] : ['columns', 'name'],
      fixSql: `${dropSql(have)}\n${addSql(want)}`
    }
  ]
}

// ---------------------------------------------------------------- indexes and unique constraints

/** Indexes other than the primary key's (which belongs to the key). */
const secondaryIndexes = (table: TableInfo) => table.indexes.filter((i) => !i.primary)

/**
 * Indexes Prisma cannot write (expressions, partial, exclusion constraints) are
 * not Prisma's to drop or rename: they are listed for information only.
 */
function prismaCanExpress(index: IndexInfo): boolean {
  return (
    index.constraint?.type !== 'exclusion' &&
    index.predicate === undefined &&
    index.columns.every((c) => c.column !== undefined)
  )
}

/**
 * What an index does, without its name. A unique constraint and a unique
 * index over the same columns have the same signature: for Prisma they are
 * the same thing.
 */
function indexSignature(index: IndexInfo): string {
  return JSON.stringify([
    index.unique,
    index.method,
    index.predicate ?? null,
    keyColumns(index),
    index.include ?? []
  ])
}

/**
 * Each key as Prisma's differ compares it: the column (or expression) and its
 * order. Nulls placement and collation are not compared; an operator class
 * only for methods other than B-tree, whose operator classes Prisma does not
 * read back from a database.
 */
function keyColumns(index: IndexInfo): unknown[] {
  return index.columns.map((c) => [
    c.expression,
    c.descending,
    index.method === 'btree' ? null : (c.opclass ?? null)
  ])
}

/**
 * A B-tree index the schema gives an operator class (`ops: raw(…)`): Prisma
 * reads no B-tree operator class back from the database, so its differ
 * recreates such an index on every diff, whatever the database holds.
 */
const recreatedByPrisma = (index: IndexInfo) =>
  index.method === 'btree' && index.columns.some((c) => c.opclass)

/** What differs between two indexes of the same name. */
function indexAspects(expected: IndexInfo, actual: IndexInfo): string[] {
  const aspects: string[] = []
  const names = (i: IndexInfo) => i.columns.map((c) => c.expression)
  if (!sameList(names(expected), names(actual))) aspects.push('columns')
  else if (JSON.stringify(keyColumns(expected)) !== JSON.stringify(keyColumns(actual)))
    aspects.push('column options')
  else if (recreatedByPrisma(expected)) aspects.push('operator class')
  if (expected.unique !== actual.unique) aspects.push('uniqueness')
  if (expected.method !== actual.method) aspects.push('method')
  if ((expected.predicate ?? '') !== (actual.predicate ?? '')) aspects.push('predicate')
  // Prisma cannot declare non-key columns, and its differ recreates an index that has them.
  if (!sameList(expected.include ?? [], actual.include ?? [])) aspects.push('included columns')
  return aspects
}

function compareIndexes(expected: TableInfo, actual: TableInfo): DriftItem[] {
  const items: DriftItem[] = []
  const unmatched = new Map(secondaryIndexes(actual).map((i) => [i.name, i]))
  const pending: IndexInfo[] = []
  for (const index of secondaryIndexes(expected)) {
    const sameName = unmatched.get(index.name)
    if (!sameName) {
      pending.push(index)
      continue
    }
    unmatched.delete(index.name)
    const aspects = indexAspects(index, sameName)
    if (aspects.length > 0) items.push(differentIndex(expected, index, sameName, aspects))
  }
  // Second pass, by definition: an index that only differs by name is a rename.
  for (const index of pending) {
    const signature = indexSignature(index)
    const renamed = [...unmatched.values()].find((i) => indexSignature(i) === signature)
    if (renamed) {
      unmatched.delete(renamed.name)
      items.push(renamedIndex(expected, index, renamed))
    } else items.push(missingIndex(expected, index))
  }
  // Prisma pairs an index of the database with any declared index of the same
  // definition: a second copy under another name is not dropped.
  const declared = new Set(secondaryIndexes(expected).map(indexSignature))
  for (const index of unmatched.values()) {
    if (!prismaCanExpress(index)) items.push(ignoredIndex(actual, index))
    else if (declared.has(indexSignature(index))) items.push(duplicateIndex(actual, index))
    else items.push(unexpectedIndex(actual, index))
  }
  return items
}

function duplicateIndex(table: TableInfo, index: IndexInfo): DriftItem {
  return {
    ...ignoredIndex(table, index),
    note: "Prisma's differ leaves alone a second index with the definition of one the schema declares."
  }
}

const indexKind = (index: IndexInfo) => (index.unique ? ('unique' as const) : ('index' as const))

function indexTarget(table: TableInfo, index: IndexInfo): DriftTarget {
  return {
    schema: table.schema,
    table: table.name,
    constraint: index.name,
    columns: index.columns.map((c) => c.column ?? c.expression)
  }
}

/** The expected database's own DDL: pg_get_indexdef, or ADD CONSTRAINT when a constraint owns the index. */
function createIndexSql(table: TableInfo, index: IndexInfo): string {
  if (index.constraint)
    return `ALTER TABLE ${qualified(table.schema, table.name)} ADD CONSTRAINT ${quoteIdent(index.constraint.name)} ${index.constraint.definition};`
  return `${index.definition};`
}

function dropIndexSql(table: TableInfo, index: IndexInfo): string {
  if (index.constraint)
    return `ALTER TABLE ${qualified(table.schema, table.name)} DROP CONSTRAINT ${quoteIdent(index.constraint.name)};`
  return `DROP INDEX ${qualified(table.schema, index.name)};`
}

function missingIndex(table: TableInfo, index: IndexInfo): DriftItem {
  return {
    kind: indexKind(index),
    change: 'missing',
    object: display(table.schema, index.name),
    target: indexTarget(table, index),
    severity: 'error',
    expected: index.definition,
    fixSql: createIndexSql(table, index)
  }
}

function unexpectedIndex(table: TableInfo, index: IndexInfo): DriftItem {
  return {
    kind: indexKind(index),
    change: 'unexpected',
    object: display(table.schema, index.name),
    target: indexTarget(table, index),
    severity: 'warning',
    actual: index.definition,
    fixSql: dropIndexSql(table, index)
  }
}

function ignoredIndex(table: TableInfo, index: IndexInfo): DriftItem {
  return {
    kind: indexKind(index),
    change: 'unexpected',
    object: display(table.schema, index.name),
    target: indexTarget(table, index),
    severity: 'info',
    actual: index.constraint ? `${index.constraint.name}: ${index.constraint.definition}` : index.definition
  }
}

function differentIndex(
  table: TableInfo,
  expected: IndexInfo,
  actual: IndexInfo,
  aspects: string[]
): DriftItem {
  const perpetual = aspects.length === 1 && aspects[0] === 'operator class'
  return {
    kind: indexKind(expected),
    change: 'different',
    object: display(table.schema, expected.name),
    target: indexTarget(table, expected),
    // The same index recreated changes nothing: Prisma's limitation, worth knowing, not an error.
    severity: perpetual ? 'warning' : 'error',
    expected: expected.definition,
    actual: actual.definition,
    aspects,
    fixSql: `${dropIndexSql(table, actual)}\n${createIndexSql(table, expected)}`,
    ...(perpetual
      ? {
          note: "Prisma does not read a B-tree index's operator class back from the database, so its differ recreates this index on every diff (each `prisma migrate dev` writes it again)."
        }
      : {})
  }
}

/** Renaming a constraint renames its index too; a plain index is renamed directly. */
function renamedIndex(table: TableInfo, expected: IndexInfo, actual: IndexInfo): DriftItem {
  const fixSql = actual.constraint
    ? `ALTER TABLE ${qualified(table.schema, table.name)} RENAME CONSTRAINT ${quoteIdent(actual.name)} TO ${quoteIdent(expected.name)};`
    : `ALTER INDEX ${qualified(table.schema, actual.name)} RENAME TO ${quoteIdent(expected.name)};`
  return {
    kind: indexKind(expected),
    change: 'different',
    object: display(table.schema, expected.name),
    target: indexTarget(table, expected),
    severity: 'warning',
    expected: expected.definition,
    actual: actual.definition,
    aspects: ['name'],
    fixSql
  }
}

// ---------------------------------------------------------------- foreign keys

function compareForeignKeys(expected: TableInfo, actual: TableInfo): DriftItem[] {
  const items: DriftItem[] = []
  const unmatched = new Map(actual.foreignKeys.map((fk) => [fk.name, fk]))
  const pending: ForeignKeyInfo[] = []
  for (const fk of expected.foreignKeys) {
    const sameName = unmatched.get(fk.name)
    if (sameName) {
      unmatched.delete(fk.name)
      const item = differentForeignKey(expected, fk, sameName)
      if (item) items.push(item)
    } else pending.push(fk)
  }
  // Second pass: the same columns pointing at the same table is the same relation under another name.
  for (const fk of pending) {
    const relation = relationKey(fk)
    const other = [...unmatched.values()].find((candidate) => relationKey(candidate) === relation)
    if (other) {
      unmatched.delete(other.name)
      const item = differentForeignKey(expected, fk, other)
      if (item) items.push(item)
    } else items.push(missingForeignKey(expected, fk))
  }
  for (const fk of unmatched.values()) items.push(unexpectedForeignKey(actual, fk))
  return items
}

const relationKey = (fk: ForeignKeyInfo) =>
  JSON.stringify([fk.columns, fk.referencedSchema, fk.referencedTable])

function foreignKeyTarget(table: TableInfo, fk: ForeignKeyInfo): DriftTarget {
  return {
    schema: table.schema,
    table: table.name,
    constraint: fk.name,
    columns: fk.columns,
    referencedTable: fk.referencedTable
  }
}

/** Written out in full (schema-qualified, both actions) rather than pg_get_constraintdef's search_path-relative text. */
function addForeignKeySql(table: TableInfo, fk: ForeignKeyInfo): string {
  const deferrable = fk.deferrable
    ? ` DEFERRABLE INITIALLY ${fk.initiallyDeferred ? 'DEFERRED' : 'IMMEDIATE'}`
    : ''
  return (
    `ALTER TABLE ${qualified(table.schema, table.name)} ADD CONSTRAINT ${quoteIdent(fk.name)} ` +
    `FOREIGN KEY (${identList(fk.columns)}) REFERENCES ${qualified(fk.referencedSchema, fk.referencedTable)}` +
    `(${identList(fk.referencedColumns)}) ON DELETE ${fk.onDelete} ON UPDATE ${fk.onUpdate}${deferrable};`
  )
}

const dropForeignKeySql = (table: TableInfo, fk: ForeignKeyInfo) =>
  `ALTER TABLE ${qualified(table.schema, table.name)} DROP CONSTRAINT ${quoteIdent(fk.name)};`

const describeForeignKey = (fk: ForeignKeyInfo) =>
  `${fk.name}: FOREIGN KEY (${fk.columns.join(', ')}) REFERENCES ${display(fk.referencedSchema, fk.referencedTable)}` +
  `(${fk.referencedColumns.join(', ')}) ON DELETE ${fk.onDelete} ON UPDATE ${fk.onUpdate}`

function missingForeignKey(table: TableInfo, fk: ForeignKeyInfo): DriftItem {
  return {
    kind: 'foreignKey',
    change: 'missing',
    object: display(table.schema, fk.name),
    target: foreignKeyTarget(table, fk),
    severity: 'error',
    expected: describeForeignKey(fk),
    fixSql: addForeignKeySql(table, fk)
  }
}

function unexpectedForeignKey(table: TableInfo, fk: ForeignKeyInfo): DriftItem {
  return {
    kind: 'foreignKey',
    change: 'unexpected',
    object: display(table.schema, fk.name),
    target: foreignKeyTarget(table, fk),
    severity: 'warning',
    actual: describeForeignKey(fk),
    fixSql: dropForeignKeySql(table, fk)
  }
}

/**
 * Deferrability is not compared: Prisma cannot express it and does not diff it.
 * A difference in name only is a rename (a warning: the next `prisma migrate dev` writes it); anything else is dropped and re-added.
 */
function differentForeignKey(
  table: TableInfo,
  expected: ForeignKeyInfo,
  actual: ForeignKeyInfo
): DriftItem | undefined {
  const aspects: string[] = []
  if (!sameList(expected.columns, actual.columns)) aspects.push('columns')
  if (
    expected.referencedSchema !== actual.referencedSchema ||
    expected.referencedTable !== actual.referencedTable
  )
    aspects.push('referenced table')
  if (!sameList(expected.referencedColumns, actual.referencedColumns)) aspects.push('referenced columns')
  if (expected.onDelete !== actual.onDelete) aspects.push('ON DELETE')
  if (expected.onUpdate !== actual.onUpdate) aspects.push('ON UPDATE')
  const renamed = expected.name !== actual.name
  if (aspects.length === 0 && !renamed) return undefined
  const base = {
    kind: 'foreignKey' as const,
    change: 'different' as const,
    object: display(table.schema, expected.name),
    target: foreignKeyTarget(table, expected),
    expected: describeForeignKey(expected),
    actual: describeForeignKey(actual)
  }
  if (aspects.length === 0)
    return {
      ...base,
      severity: 'warning',
      aspects: ['name'],
      fixSql: `ALTER TABLE ${qualified(table.schema, table.name)} RENAME CONSTRAINT ${quoteIdent(actual.name)} TO ${quoteIdent(expected.name)};`
    }
  return {
    ...base,
    severity: 'error',
    aspects: renamed ? [...aspects, 'name'] : aspects,
    fixSql: `${dropForeignKeySql(table, actual)}\n${addForeignKeySql(table, expected)}`
  }
}

// ---------------------------------------------------------------- what Prisma ignores

function comparePartitioning(expected: TableInfo, actual: TableInfo): DriftItem[] {
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
function compareIgnoredObjects(expected: CatalogSnapshot, actual: CatalogSnapshot): DriftItem[] {
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

// ---------------------------------------------------------------- helpers

const identList = (names: string[]) => names.map(quoteIdent).join(', ')

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

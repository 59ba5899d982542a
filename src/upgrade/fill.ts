/**
 * Puts rows into every table of a database, from its catalog alone, so that a
 * migration meets data the way it will on a deployed database.
 *
 * Rows go in set-based: the values of a batch of rows are built here and sent
 * as one `INSERT … SELECT … FROM unnest($1::text[], …)` per batch, each
 * column cast to its type, so thousands of rows a table cost a few statements.
 * A batch the database refuses (a check constraint, a trigger) falls back to
 * one row at a time with the variants below.
 *
 * The rows are built to expose the failures that only data causes:
 * - columns outside every unique index get the SAME value in every row, so a
 *   new unique index over them meets duplicates;
 * - one row in each table (the second) is sparse: NULL in nullable columns and
 *   the default where there is one, so `SET NOT NULL` meets NULLs and a new
 *   NOT NULL column without a default meets rows that have no value for it;
 * - text is not numeric and enums use their first and last values, so a type
 *   change with a cast meets values that do not convert.
 * They still satisfy the schema: distinct values in unique and primary-key
 * columns, foreign keys pointing at rows inserted before (tables in dependency
 * order), values that fit the column's length, enum values that exist, and
 * serial, identity and generated columns left to the database.
 */
import type pg from 'pg'
import type { CatalogSnapshot, ColumnInfo, ForeignKeyInfo, TableInfo } from '../db/snapshot.js'
import { describePgError } from '../db/connect.js'
import { identifierName, scanSql } from '../sql/script.js'

/** What happened in one table. */
export interface FilledTable {
  schema: string
  table: string
  /** Rows inserted. */
  rows: number
  /** Why the table has fewer rows than asked for, when it does. */
  error?: string
}

export interface FillReport {
  tables: FilledTable[]
  /** Rows inserted in all tables. */
  rowCount: number
}

export interface FillOptions {
  /** Rows per table (default 3; at least 3 gives duplicates beside the sparse row). */
  rowsPerTable?: number
}

/** Rows per INSERT of the set-based fill. */
const BATCH_ROWS = 5000

type Value = string | null
/** A row as the database returned it: every column as text. */
type Row = Record<string, Value>

/** One column's value for row `i`: a text literal, NULL, or DEFAULT (column left out). */
type Cell = { kind: 'value'; value: Value } | { kind: 'default' }

const q = (name: string): string => `"${name.replaceAll('"', '""')}"`
const key = (schema: string, table: string): string => `${schema}.${table}`

/**
 * Inserts `rowsPerTable` rows into every table of `snapshot` (partitions are
 * filled through their parent). Never throws for a row the database refuses:
 * the table is reported with the rows it got and the reason.
 */
export async function fillTables(
  client: pg.ClientBase,
  snapshot: CatalogSnapshot,
  options: FillOptions = {}
): Promise<FillReport> {
  const count = options.rowsPerTable ?? 3
  const tables = snapshot.tables.filter((t) => !t.partitionOf)
  const enums = new Map(snapshot.enums.map((e) => [key(e.schema, e.name), e.values]))
  const domains = await domainBases(client)
  const { order, broken } = dependencyOrder(tables)
  const inserted = new Map<string, Row[]>()
  const referenced = referencedColumns(tables)
  const report: FilledTable[] = []
  for (const table of order) {
    const filler = new TableFiller(table, { enums, domains, inserted, broken })
    const rows: Row[] = []
    inserted.set(key(table.schema, table.name), rows)
    let error: string | undefined
    const keep = referenced.get(key(table.schema, table.name)) ?? new Set<string>()
    const stopped = await filler.insertBatches(client, count, rows, keep)
    if (stopped !== undefined && rows.length < count && stopped.kind === 'cannot-build')
      error = stopped.reason
    for (let i = rows.length; i < count && !error; i++) {
      const outcome = await filler.insert(client, i, rows)
      if (typeof outcome === 'string') {
        error = outcome
        break
      }
      rows.push(outcome)
    }
    report.push({ schema: table.schema, table: table.name, rows: rows.length, ...(error ? { error } : {}) })
  }
  return { tables: report, rowCount: report.reduce((n, t) => n + t.rows, 0) }
}

/** Columns that foreign keys point at, per table: the only values kept of the inserted rows. */
function referencedColumns(tables: TableInfo[]): Map<string, Set<string>> {
  const map = new Map<string, Set<string>>()
  for (const t of tables)
    for (const fk of t.foreignKeys) {
      const k = key(fk.referencedSchema, fk.referencedTable)
      const set = map.get(k) ?? new Set<string>()
      for (const c of fk.referencedColumns) set.add(c)
      map.set(k, set)
    }
  return map
}

/** Domains and the type they are based on, so a domain column gets a value of its base type. */
async function domainBases(client: pg.ClientBase): Promise<Map<string, { typeName: string; type: string }>> {
  const { rows } = await client.query<{ schema: string; name: string; base: string; type: string }>(
    `SELECT n.nspname AS schema, t.typname AS name, bt.typname AS base, format_type(t.typbasetype, t.typtypmod) AS type
       FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_type bt ON bt.oid = t.typbasetype
      WHERE t.typtype = 'd'`
  )
  return new Map(rows.map((r) => [key(r.schema, r.name), { typeName: r.base, type: r.type }]))
}

/**
 * Tables so that every table comes after the tables it references. A cycle is
 * broken at a foreign key whose columns may be NULL (those columns stay NULL);
 * a cycle of NOT NULL keys is broken anyway and its table reports the error.
 * Kahn's algorithm rather than a depth-first walk: a walk meets a cycle at
 * whichever key it happens to follow last, not at the nullable one.
 */
function dependencyOrder(tables: TableInfo[]): { order: TableInfo[]; broken: Set<ForeignKeyInfo> } {
  const byKey = new Map(tables.map((t) => [key(t.schema, t.name), t]))
  const broken = new Set<ForeignKeyInfo>()
  const target = (fk: ForeignKeyInfo) => byKey.get(key(fk.referencedSchema, fk.referencedTable))
  const remaining = new Set(tables)
  const order: TableInfo[] = []
  const pending = (t: TableInfo) =>
    t.foreignKeys.filter((fk) => {
      const to = target(fk)
      return to && to !== t && remaining.has(to) && !broken.has(fk)
    })
  while (remaining.size > 0) {
    const ready = [...remaining].filter((t) => pending(t).length === 0)
    for (const t of ready) {
      order.push(t)
      remaining.delete(t)
    }
    if (ready.length > 0) continue
    const waiting = [...remaining].flatMap((t) => pending(t).map((fk) => ({ t, fk })))
    const cut = waiting.find(({ t, fk }) => nullable(t, fk)) ?? waiting[0]
    if (cut) broken.add(cut.fk)
  }
  return { order, broken }
}

const nullable = (table: TableInfo, fk: ForeignKeyInfo): boolean =>
  fk.columns.every((c) => !table.columns.find((col) => col.name === c)?.notNull)

interface Context {
  enums: Map<string, string[]>
  domains: Map<string, { typeName: string; type: string }>
  inserted: Map<string, Row[]>
  broken: Set<ForeignKeyInfo>
}

/** Builds and inserts the rows of one table. */
class TableFiller {
  /** Columns in some unique index or the primary key: their values differ from row to row. */
  private readonly unique = new Set<string>()
  /** Columns whose FK fixes a row of the referenced table per row (unique FK columns cannot repeat a target). */
  private readonly fkOf = new Map<string, { fk: ForeignKeyInfo; index: number }>()

  constructor(
    private readonly table: TableInfo,
    private readonly ctx: Context
  ) {
    for (const index of table.indexes) {
      if (!index.unique) continue
      for (const col of index.columns) {
        if (col.column) this.unique.add(col.column)
        // An expression key (lower(email)) makes the columns it names unique-ish.
        else {
          const names = new Set(scanSql(col.expression).map(identifierName))
          for (const c of table.columns) if (names.has(c.name)) this.unique.add(c.name)
        }
      }
    }
    for (const fk of table.foreignKeys) {
      fk.columns.forEach((column, index) => {
        if (!this.fkOf.has(column)) this.fkOf.set(column, { fk, index })
      })
    }
  }

  /**
   * Inserts rows `rows.length`… `count - 1` in batches (the designed row of
   * each index, as `insert` would try first), appending what the database
   * returns (the `keep` columns only). Stops at the first row that cannot be
   * built (`cannot-build`: the row-by-row path would fail on it too) or at a
   * batch the database refuses (`refused`: the caller goes on row by row).
   */
  async insertBatches(
    client: pg.ClientBase,
    count: number,
    rows: Row[],
    keep: Set<string>
  ): Promise<{ kind: 'cannot-build' | 'refused'; reason: string } | undefined> {
    while (rows.length < count) {
      const start = rows.length
      const end = Math.min(count, start + BATCH_ROWS)
      const built: Map<ColumnInfo, Cell>[] = []
      let stop: { kind: 'cannot-build'; reason: string } | undefined
      for (let i = start; i < end; i++) {
        // The table's own rows are not known before the batch runs: a self reference stays NULL.
        const cells = this.cells(i, [], false, i === 1)
        if (typeof cells === 'string') {
          stop = { kind: 'cannot-build', reason: cells }
          break
        }
        built.push(cells)
      }
      // Rows that leave the same columns to their defaults go in one statement.
      const groups = new Map<string, Map<ColumnInfo, Cell>[]>()
      for (const cells of built) {
        const signature = [...cells]
          .map(([c, cell]) => (cell.kind === 'default' ? '' : c.name))
          .join('\u0000')
        groups.set(signature, [...(groups.get(signature) ?? []), cells])
      }
      for (const group of groups.values()) {
        try {
          rows.push(...(await this.runBatch(client, group, keep)))
        } catch (error) {
          return { kind: 'refused', reason: describePgError(error) }
        }
      }
      if (stop) return stop
    }
    return undefined
  }

  private async runBatch(
    client: pg.ClientBase,
    group: Map<ColumnInfo, Cell>[],
    keep: Set<string>
  ): Promise<Row[]> {
    const first = group[0]
    if (!first) return []
    const columns = [...first].filter(([, cell]) => cell.kind !== 'default').map(([c]) => c)
    const target = `${q(this.table.schema)}.${q(this.table.name)}`
    const kept = this.table.columns.filter((c) => keep.has(c.name))
    const returning = kept.length
      ? ` RETURNING ${kept.map((c) => `${q(c.name)}::text AS ${q(c.name)}`).join(', ')}`
      : ''
    if (columns.length === 0) {
      // Every column left to its default: a select list of no columns gives the rows.
      const sql = `INSERT INTO ${target} SELECT FROM generate_series(1, $1::int)${returning}`
      const result = await client.query<Row>(sql, [group.length])
      return kept.length ? result.rows : Array.from({ length: result.rowCount ?? group.length }, () => ({}))
    }
    const params = columns.map((column) =>
      group.map((cells) => {
        const cell = cells.get(column)
        return cell?.kind === 'value' ? cell.value : null
      })
    )
    const names = columns.map((_c, i) => `c${i}`)
    const select = columns.map((c, i) => `${names[i]}::${this.castType(c)}`).join(', ')
    const sql =
      `INSERT INTO ${target} (${columns.map((c) => q(c.name)).join(', ')}) ` +
      `SELECT ${select} FROM unnest(${params.map((_p, i) => `$${i + 1}::text[]`).join(', ')}) AS u(${names.join(', ')})${returning}`
    const result = await client.query<Row>(sql, params)
    return kept.length ? result.rows : Array.from({ length: result.rowCount ?? group.length }, () => ({}))
  }

  /** Inserts row `i`; returns it, or the database's reason when no variant of it is accepted. */
  async insert(client: pg.ClientBase, i: number, before: Row[]): Promise<Row | string> {
    let firstError: string | undefined
    // The row as designed; then with every value distinct (a uniqueness the
    // catalog does not show: exclusion constraint, trigger); then also sparse
    // (a check constraint that a NULL satisfies).
    const variants = [
      { allUnique: false, sparse: i === 1 },
      { allUnique: true, sparse: i === 1 },
      { allUnique: true, sparse: true }
    ]
    for (const variant of variants) {
      const cells = this.cells(i, before, variant.allUnique, variant.sparse)
      if (typeof cells === 'string') return cells
      try {
        return await this.run(client, cells)
      } catch (error) {
        firstError ??= describePgError(error)
      }
    }
    return firstError ?? 'rejected'
  }

  private async run(client: pg.ClientBase, cells: Map<ColumnInfo, Cell>): Promise<Row> {
    const names: string[] = []
    const values: string[] = []
    const params: Value[] = []
    for (const [column, cell] of cells) {
      if (cell.kind === 'default') continue
      names.push(q(column.name))
      params.push(cell.value)
      values.push(`$${params.length}::${this.castType(column)}`)
    }
    const target = `${q(this.table.schema)}.${q(this.table.name)}`
    const returning = this.table.columns.map((c) => `${q(c.name)}::text AS ${q(c.name)}`).join(', ')
    const sql = names.length
      ? `INSERT INTO ${target} (${names.join(', ')}) VALUES (${values.join(', ')}) RETURNING ${returning}`
      : `INSERT INTO ${target} DEFAULT VALUES RETURNING ${returning}`
    const { rows } = await client.query<Row>(sql, params)
    return rows[0] ?? {}
  }

  private castType(column: ColumnInfo): string {
    return column.type
  }

  /** Every column's cell for row `i`, or why the row cannot be built. */
  private cells(
    i: number,
    before: Row[],
    allUnique: boolean,
    sparse: boolean
  ): Map<ColumnInfo, Cell> | string {
    const cells = new Map<ColumnInfo, Cell>()
    const fkRows = new Map<ForeignKeyInfo, Row | null>()
    for (const column of this.table.columns) {
      // The database fills these itself; an explicit value is refused or would desynchronise a sequence.
      if (column.generated || column.identity || /^nextval\(/i.test(column.default ?? '')) {
        cells.set(column, { kind: 'default' })
        continue
      }
      const mayBeEmpty = !column.notNull || column.default !== undefined
      const fkRef = this.fkOf.get(column.name)
      if (fkRef) {
        const { fk, index } = fkRef
        if (!fkRows.has(fk)) {
          const picked = this.pickReferenced(fk, i, before, sparse)
          if (typeof picked === 'string') return picked
          fkRows.set(fk, picked)
        }
        const row = fkRows.get(fk)
        const value = row ? (row[fk.referencedColumns[index] ?? ''] ?? null) : null
        cells.set(
          column,
          value === null && column.default !== undefined ? { kind: 'default' } : { kind: 'value', value }
        )
        continue
      }
      if (sparse && mayBeEmpty) {
        cells.set(column, column.default !== undefined ? { kind: 'default' } : { kind: 'value', value: null })
        continue
      }
      const value = this.valueFor(column, i, allUnique || this.unique.has(column.name))
      if (value === undefined) {
        if (mayBeEmpty)
          cells.set(
            column,
            column.default !== undefined ? { kind: 'default' } : { kind: 'value', value: null }
          )
        else return `no value can be generated for column ${column.name} of type ${column.type}`
      } else cells.set(column, { kind: 'value', value })
    }
    return cells
  }

  /**
   * The referenced row for foreign key `fk` in row `i`: row i of the target
   * (cycling when the key columns may repeat), NULL for a nullable key in the
   * sparse row or a key broken out of a cycle.
   */
  private pickReferenced(fk: ForeignKeyInfo, i: number, before: Row[], sparse: boolean): Row | null | string {
    const canBeNull = nullable(this.table, fk)
    if (this.ctx.broken.has(fk) || (sparse && canBeNull)) {
      return canBeNull ? null : `foreign key ${fk.name} is part of a cycle of NOT NULL keys`
    }
    const self = fk.referencedSchema === this.table.schema && fk.referencedTable === this.table.name
    const targets = self
      ? before
      : (this.ctx.inserted.get(key(fk.referencedSchema, fk.referencedTable)) ?? [])
    if (targets.length === 0) {
      if (canBeNull) return null
      return self
        ? `foreign key ${fk.name} references the table itself with NOT NULL columns`
        : `foreign key ${fk.name} needs rows in ${fk.referencedTable}, which has none`
    }
    const uniqueKey = fk.columns.every((c) => this.unique.has(c))
    if (uniqueKey && i >= targets.length) {
      if (canBeNull) return null
      return `foreign key ${fk.name} is unique and ${fk.referencedTable} has only ${targets.length} row(s)`
    }
    return targets[self ? targets.length - 1 : i % targets.length] ?? null
  }

  /** A text literal for `column` in row `i`; undefined when the type is unknown here. */
  private valueFor(column: ColumnInfo, i: number, unique: boolean): Value | undefined {
    const domain = this.ctx.domains.get(key(column.typeSchema, column.typeName))
    const typeName = domain?.typeName ?? column.typeName
    const type = domain?.type ?? column.type
    const enumValues = this.ctx.enums.get(key(column.typeSchema, column.typeName))
    const scalar = enumValues
      ? enumValue(enumValues, i, unique)
      : scalarValue(typeName, type, column.name, i, unique)
    if (scalar === undefined || scalar === null || !column.isArray) return scalar
    return `{"${scalar.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"}`
  }
}

/** First value in every row (duplicates), the last in the second row; distinct values when unique. */
function enumValue(values: string[], i: number, unique: boolean): Value | undefined {
  if (unique) return values[i]
  return i === 1 ? values.at(-1) : values[0]
}

/** `2024-01-01` for n = 1, one day later for each n. */
function dayOf(n: number): string {
  return new Date(Date.UTC(2024, 0, n)).toISOString().slice(0, 10)
}

/** `12:00:01` for n = 1, one second later for each n (wrapping at midnight). */
function secondOfDay(n: number): string {
  const s = (12 * 3600 + n) % 86400
  const pad = (x: number) => String(x).padStart(2, '0')
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`
}

/** Declared length of `varchar(n)`, `char(n)`, `bit(n)`. */
function lengthOf(type: string): number | undefined {
  const match = /^(?:character varying|character|bit varying|bit|varchar|char)\((\d+)\)/.exec(type)
  return match ? Number(match[1]) : undefined
}

/**
 * A value of a built-in type. Non-unique columns repeat one value (the
 * second row a different one); unique ones count up with the row.
 */
function scalarValue(
  typeName: string,
  type: string,
  column: string,
  i: number,
  unique: boolean
): Value | undefined {
  const n = unique ? i + 1 : i === 1 ? 2 : 1
  switch (typeName) {
    case 'text':
    case 'varchar':
    case 'bpchar':
    case 'citext':
    case 'name': {
      const limit = lengthOf(type) ?? (typeName === 'bpchar' ? 1 : 63)
      // Letters only, so a cast to a number fails as it would on real text.
      const word = column.replace(/[^A-Za-z]/g, '').toLowerCase() || 'value'
      const full = unique || i === 1 ? `${word}-${n}` : word
      if (full.length <= limit) return full
      // Too long for the column: a short code that is still distinct per row when it must be.
      return unique || i === 1
        ? n.toString(36).padStart(Math.min(limit, 2), 'a').slice(-limit)
        : 'v'.slice(0, limit)
    }
    case 'int2':
    case 'int4':
    case 'int8':
    case 'numeric':
    case 'float4':
    case 'float8':
    case 'money':
    case 'oid':
      return String(n)
    case 'bool':
      return unique ? (i < 2 ? String(i === 0) : undefined) : String(i !== 1)
    case 'uuid':
      return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`
    // Day n counted from 2024-01-01, second n from noon: distinct for as many rows as a table gets.
    case 'date':
      return dayOf(n)
    case 'timestamp':
      return `${dayOf(n)} 12:00:00`
    case 'timestamptz':
      return `${dayOf(n)} 12:00:00+00`
    case 'time':
      return secondOfDay(n)
    case 'timetz':
      return `${secondOfDay(n)}+00`
    case 'interval':
      return `${n} days`
    case 'json':
    case 'jsonb':
      return unique || i === 1 ? `{"n": ${n}}` : '{}'
    case 'bytea': {
      const hex = n.toString(16)
      return `\\x${hex.padStart(hex.length + (hex.length % 2), '0')}`
    }
    case 'inet':
      return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`
    case 'cidr':
      return `10.${(n >> 8) & 255}.${n & 255}.0/24`
    case 'macaddr':
      return `08:00:2b:${[(n >> 16) & 255, (n >> 8) & 255, n & 255].map((b) => b.toString(16).padStart(2, '0')).join(':')}`
    case 'bit':
    case 'varbit': {
      const len = lengthOf(type) ?? 8
      return (n % 2 ** Math.min(len, 30)).toString(2).padStart(len, '0').slice(-len)
    }
    case 'tsvector':
      return unique ? `word${n}` : 'word'
    case 'xml':
      return `<v n="${n}"/>`
    case 'point':
      return `(${n},${n})`
    default:
      return undefined
  }
}

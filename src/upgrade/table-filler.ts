/**
 * Builds and inserts the rows of one table: set-based batches (one
 * `INSERT … SELECT … FROM unnest(…)` per batch), and row by row with fallback
 * variants when the database refuses a batch.
 */
import type pg from 'pg'
import type { ColumnInfo, ForeignKeyInfo, IndexInfo, TableInfo } from '../db/catalog.js'
import { describePgError } from '../db/connect.js'
import { identifierName, scanSql } from '../sql/script.js'
import { nullable, objectKey } from './fill-order.js'
import { enumValue, scalarValue, type Value } from './fill-values.js'

/** Rows per INSERT of the set-based fill. */
const BATCH_ROWS = 5000

/** A row as the database returned it: every column as text. */
export type Row = Record<string, Value>

/** One column's value for row `i`: a text literal, NULL, or DEFAULT (column left out). */
type Cell = { kind: 'value'; value: Value } | { kind: 'default' }

const q = (name: string): string => `"${name.replaceAll('"', '""')}"`

/** What a table's filler needs from the rest of the fill. */
export interface FillContext {
  enums: Map<string, string[]>
  domains: Map<string, { typeName: string; type: string }>
  inserted: Map<string, Row[]>
  broken: Set<ForeignKeyInfo>
}

/** Builds and inserts the rows of one table. */
export class TableFiller {
  /** Columns in some unique index or the primary key: their values differ from row to row. */
  private readonly unique = new Set<string>()
  /** Columns whose FK fixes a row of the referenced table per row (unique FK columns cannot repeat a target). */
  private readonly fkOf = new Map<string, { fk: ForeignKeyInfo; index: number }>()

  constructor(
    private readonly table: TableInfo,
    private readonly ctx: FillContext
  ) {
    // A column in several foreign keys takes its value from the widest one: a
    // composite key (run_id, project_id) → runs(id, project_id) then holds a
    // pair that exists, and its project_id still references a project.
    const widestFirst = [...table.foreignKeys].sort((a, b) => b.columns.length - a.columns.length)
    for (const fk of widestFirst) {
      fk.columns.forEach((column, index) => {
        if (!this.fkOf.has(column)) this.fkOf.set(column, { fk, index })
      })
    }
    for (const index of table.indexes) {
      if (index.unique) for (const name of this.distinguishing(index)) this.unique.add(name)
    }
  }

  /**
   * The columns of a unique index whose values must differ from row to row
   * for the rows to differ on the index: one column that can count up for
   * ever when there is one, else its foreign-key columns (row i of each
   * target), else all of them. The others keep repeating one value, as real
   * data does (an enum of one label, a flag), so a new unique index on them
   * still meets duplicates.
   */
  private distinguishing(index: IndexInfo): string[] {
    const named: string[] = []
    for (const col of index.columns) {
      if (col.column) named.push(col.column)
      // An expression key (lower(email)) makes the columns it names unique-ish.
      else {
        const names = new Set(scanSql(col.expression).map(identifierName))
        for (const c of this.table.columns) if (names.has(c.name)) named.push(c.name)
      }
    }
    if (named.length <= 1 || index.columns.some((col) => !col.column)) return named
    const columns = named.map((name) => this.table.columns.find((c) => c.name === name))
    const counter = columns.find(
      (c) =>
        c !== undefined &&
        !this.fkOf.has(c.name) &&
        !c.isEnum &&
        !c.generated &&
        !c.identity &&
        c.typeName !== 'bool' &&
        scalarValue(c.typeName, c.type, c.name, 2, true) !== undefined
    )
    if (counter) return [counter.name]
    const keys = named.filter((name) => this.fkOf.has(name))
    return keys.length ? keys : named
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
      const groups = new Map<string, number[]>()
      built.forEach((cells, k) => {
        const signature = [...cells]
          .map(([c, cell]) => (cell.kind === 'default' ? '' : c.name))
          .join('\u0000')
        groups.set(signature, [...(groups.get(signature) ?? []), k])
      })
      // Row i stays at index i: tables that reference this one pick row i % n, and
      // two composite keys sharing a column (run and conversation of one project)
      // agree only when every table keeps its rows in the same order.
      const placed: (Row | undefined)[] = new Array<Row | undefined>(built.length)
      for (const members of groups.values()) {
        let returned: Row[]
        try {
          returned = await this.runBatch(
            client,
            members.map((k) => built[k]!),
            keep
          )
        } catch (error) {
          rows.push(...placed.filter((row): row is Row => row !== undefined))
          return { kind: 'refused', reason: describePgError(error) }
        }
        members.forEach((k, j) => (placed[k] = returned[j]))
      }
      rows.push(...placed.filter((row): row is Row => row !== undefined))
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
      : (this.ctx.inserted.get(objectKey(fk.referencedSchema, fk.referencedTable)) ?? [])
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
    const domain = this.ctx.domains.get(objectKey(column.typeSchema, column.typeName))
    const typeName = domain?.typeName ?? column.typeName
    const type = domain?.type ?? column.type
    const enumValues = this.ctx.enums.get(objectKey(column.typeSchema, column.typeName))
    const scalar = enumValues
      ? enumValue(enumValues, i, unique)
      : scalarValue(typeName, type, column.name, i, unique)
    if (scalar === undefined || scalar === null || !column.isArray) return scalar
    return `{"${scalar.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"}`
  }
}

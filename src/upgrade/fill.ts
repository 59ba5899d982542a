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
 *
 * The table order is in fill-order.ts, one table's rows in table-filler.ts,
 * the value of each type in fill-values.ts.
 */
import type pg from 'pg'
import type { CatalogSnapshot } from '../db/snapshot.js'
import { dependencyOrder, objectKey, referencedColumns } from './fill-order.js'
import { TableFiller, type Row } from './table-filler.js'

/** What happened in one table. */
export interface FilledTable {
  schema: string
  table: string
  /** Rows inserted. */
  rows: number
  /** Why the table has fewer rows than asked for, when it does. */
  error?: string
  /** Why the table is left empty on purpose (no error). */
  empty?: string
}

export interface FillReport {
  /** The tables filled (all of them unless `only` was given). */
  tables: FilledTable[]
  /** Rows inserted in all tables. */
  rowCount: number
  /** Tables in the database (partitions aside), filled or not. */
  tableCount: number
  /** Rows asked for in each filled table. */
  rowsPerTable?: number
}

export interface FillOptions {
  /** Rows per table (default 3; at least 3 gives duplicates beside the sparse row). */
  rowsPerTable?: number
  /**
   * Only these tables (`objectKey`s); the others stay empty. Each gets the
   * rows a fill of every table gives it, provided the set holds every table
   * its foreign keys point at (fill-scope.ts).
   */
  only?: Set<string>
}

/**
 * Inserts `rowsPerTable` rows into every table of `snapshot` (partitions are
 * filled through their parent), or into the tables of `only`. Never throws for a row the database refuses:
 * the table is reported with the rows it got and the reason.
 */
export async function fillTables(
  client: pg.ClientBase,
  snapshot: CatalogSnapshot,
  options: FillOptions = {}
): Promise<FillReport> {
  const count = options.rowsPerTable ?? 3
  const tables = snapshot.tables.filter((t) => !t.partitionOf)
  const enums = new Map(snapshot.enums.map((e) => [objectKey(e.schema, e.name), e.values]))
  const domains = await domainBases(client)
  // The order and the keys broken out of cycles are those of the whole
  // database, so that a table filled alone gets the same rows.
  const { order, broken } = dependencyOrder(tables)
  const inserted = new Map<string, Row[]>()
  const referenced = referencedColumns(tables)
  const report: FilledTable[] = []
  const withPartitions = new Set(snapshot.tables.flatMap((t) => (t.partitionOf ? [t.partitionOf] : [])))
  for (const table of order) {
    if (options.only && !options.only.has(objectKey(table.schema, table.name))) continue
    // A partitioned table whose partitions are made at run time, outside the
    // migrations, can hold no row here: that is its state in production too.
    if (table.partitioned && !withPartitions.has(`${table.schema}.${table.name}`)) {
      inserted.set(objectKey(table.schema, table.name), [])
      report.push({
        schema: table.schema,
        table: table.name,
        rows: 0,
        empty: 'partitioned, without partitions'
      })
      continue
    }
    const filler = new TableFiller(table, { enums, domains, inserted, broken })
    const rows: Row[] = []
    inserted.set(objectKey(table.schema, table.name), rows)
    let error: string | undefined
    const keep = referenced.get(objectKey(table.schema, table.name)) ?? new Set<string>()
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
  return {
    tables: report,
    rowCount: report.reduce((n, t) => n + t.rows, 0),
    tableCount: tables.length,
    rowsPerTable: count
  }
}

/** Domains and the type they are based on, so a domain column gets a value of its base type. */
async function domainBases(client: pg.ClientBase): Promise<Map<string, { typeName: string; type: string }>> {
  const { rows } = await client.query<{ schema: string; name: string; base: string; type: string }>(
    `SELECT n.nspname AS schema, t.typname AS name, bt.typname AS base, format_type(t.typbasetype, t.typtypmod) AS type
       FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_type bt ON bt.oid = t.typbasetype
      WHERE t.typtype = 'd'`
  )
  return new Map(rows.map((r) => [objectKey(r.schema, r.name), { typeName: r.base, type: r.type }]))
}

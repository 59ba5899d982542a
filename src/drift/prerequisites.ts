/**
 * What Prisma's SQL for the schema may call but never creates: functions a
 * migration defines (`@default(dbgenerated("generate_prefixed_cuid('org'::text)"))`,
 * a generated column's expression) and free-standing sequences
 * (`dbgenerated("nextval('invoice_no'::regclass)")`). They are read from the
 * migrated database's catalog, as its extensions are, and created in the
 * scratch database before the schema's SQL runs there.
 */
import type pg from 'pg'
import { qualified, quoteIdent } from '../sql/quote.js'

/** A function of the migrated database with the statement that creates it. */
export interface PrerequisiteFunction {
  schema: string
  name: string
  /** `pg_get_function_identity_arguments()`, as the catalog snapshot names functions. */
  arguments: string
  /** `pg_get_functiondef()`: `CREATE OR REPLACE FUNCTION …`. */
  definition: string
}

export interface PrerequisiteSequence {
  schema: string
  name: string
  definition: string
}

export interface Prerequisites {
  functions: PrerequisiteFunction[]
  sequences: PrerequisiteSequence[]
}

/** Schemas PostgreSQL and its extensions own, never the project's. */
const USER_SCHEMA = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'`

// Functions and procedures (aggregates have no pg_get_functiondef), in the
// order they were created, which is a dependency order for most of them.
const FUNCTIONS_SQL = `
SELECT n.nspname AS schema, p.proname AS name, pg_get_function_identity_arguments(p.oid) AS arguments,
       pg_get_functiondef(p.oid) AS definition
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE ${USER_SCHEMA} AND p.prokind IN ('f', 'p')
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
ORDER BY p.oid`

// Sequences no column owns (`serial` and identity sequences come with their tables).
const SEQUENCES_SQL = `
SELECT n.nspname AS schema, c.relname AS name, format_type(s.seqtypid, NULL) AS type,
       s.seqstart::text AS start, s.seqincrement::text AS increment, s.seqmin::text AS min,
       s.seqmax::text AS max, s.seqcache::text AS cache, s.seqcycle AS cycle
FROM pg_sequence s
JOIN pg_class c ON c.oid = s.seqrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE ${USER_SCHEMA}
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i', 'e'))
ORDER BY c.oid`

/** Reads the functions and free-standing sequences of the migrated database. */
export async function readPrerequisites(client: pg.ClientBase): Promise<Prerequisites> {
  const [functions, sequences] = await Promise.all([
    client.query<PrerequisiteFunction>(FUNCTIONS_SQL),
    client.query<{
      schema: string
      name: string
      type: string
      start: string
      increment: string
      min: string
      max: string
      cache: string
      cycle: boolean
    }>(SEQUENCES_SQL)
  ])
  return {
    functions: functions.rows,
    sequences: sequences.rows.map((s) => ({
      schema: s.schema,
      name: s.name,
      definition:
        `CREATE SEQUENCE IF NOT EXISTS ${qualified(s.schema, s.name)} AS ${s.type} INCREMENT BY ${s.increment} ` +
        `MINVALUE ${s.min} MAXVALUE ${s.max} START WITH ${s.start} CACHE ${s.cache}${s.cycle ? ' CYCLE' : ''}`
    }))
  }
}

/** Whether there is anything to create. */
export function hasPrerequisites(p: Prerequisites): boolean {
  return p.functions.length > 0 || p.sequences.length > 0
}

/**
 * Creates them in the scratch database. Function bodies are not checked
 * (as pg_dump restores them): they may use tables the schema's SQL creates
 * afterwards. A function whose signature needs something not there yet is
 * tried again after the others, until a pass creates nothing more; what
 * still fails is left out (the schema's SQL then says whether it mattered).
 * Returns what was created.
 */
export async function createPrerequisites(client: pg.ClientBase, p: Prerequisites): Promise<Prerequisites> {
  const created: Prerequisites = { functions: [], sequences: [] }
  const schemas = new Set([...p.functions, ...p.sequences].map((o) => o.schema))
  for (const schema of schemas) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`)
  for (const sequence of p.sequences) {
    if (await attempt(client, sequence.definition)) created.sequences.push(sequence)
  }
  await client.query('SET check_function_bodies = off')
  try {
    let pending = p.functions
    while (pending.length > 0) {
      const failed: PrerequisiteFunction[] = []
      for (const fn of pending) {
        if (await attempt(client, fn.definition)) created.functions.push(fn)
        else failed.push(fn)
      }
      if (failed.length === pending.length) break
      pending = failed
    }
  } finally {
    await client.query('RESET check_function_bodies')
  }
  return created
}

async function attempt(client: pg.ClientBase, sql: string): Promise<boolean> {
  try {
    await client.query(sql)
    return true
  } catch {
    return false
  }
}

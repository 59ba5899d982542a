/**
 * The differential conformance harness: for a Prisma schema and the
 * migrations a team wrote for it, the drift verdict of our catalog
 * comparison (what the action says with Prisma's WebAssembly engine) and of
 * the product's Prisma path (normal mode) are each compared with Prisma's own
 * verdict, `prisma migrate diff --from-url <migrated database>
 * --to-schema-datamodel <schema> --script`, run by the real Prisma 6.19 CLI in
 * its normal mode (through the schema-engine stand-in).
 *
 * A disagreement is one of:
 * - a false alarm: an error or warning Prisma's differ would not change;
 * - a miss: a change Prisma makes that no error or warning explains;
 * - a wrong severity: a change reported with another severity than the one
 *   Prisma's kind of change calls for (a rename is a warning);
 * - in normal mode, a fix that is not Prisma's own statements.
 */
import { execFile } from 'node:child_process'
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { promisify } from 'node:util'
import pg from 'pg'
import { snapshotCatalog } from '../../src/db/snapshot.js'
import { compareCatalogs } from '../../src/catalog-diff/index.js'
import { readPrismaChanges, type PrismaChange } from '../../src/drift/prisma-changes.js'
import { judgeDrift, explainsItem } from '../../src/drift/verdict.js'
import type { DriftItem } from '../../src/model/drift.js'
import { createTestDatabase } from '../helpers/pg.js'
import { REPO_ROOT } from '../helpers/project.js'
import { STAND_IN, VERSIONS_DIR } from '../helpers/versions.js'

const exec = promisify(execFile)
const FIXTURE = path.join(VERSIONS_DIR, 'prisma-6-native')
const PRISMA = path.join(FIXTURE, 'node_modules', 'prisma', 'build', 'index.js')

/** One case: a schema, and the migrations as the team wrote them (SQL scripts applied in order). */
export interface ConformanceCase {
  name: string
  /** The classes of the suite this case covers (for the table). */
  covers: string[]
  schema: string
  /** The migrations: from Prisma's own SQL for the schema (`base`), edited the way teams edit them. */
  migrations(base: string): string[]
  /** Schemas the datasource uses. */
  schemas?: string[]
}

export interface Disagreement {
  mode: 'catalog' | 'prisma'
  type: 'false alarm' | 'miss' | 'severity' | 'fix'
  kind: string
  what: string
}

export interface CaseOutcome {
  name: string
  covers: string[]
  /** Statements of Prisma's verdict. */
  prismaChanges: PrismaChange[]
  catalog: DriftItem[]
  native: DriftItem[]
  disagreements: Disagreement[]
  script: string
}

/** A throw-away project folder on the Prisma 6 fixture (normal mode), holding `schema.prisma`. */
function projectFor(schema: string): { dir: string; schemaPath: string; cleanup(): void } {
  const dir = path.join(REPO_ROOT, '.tmp', 'conformance', `c_${randomBytes(5).toString('hex')}`)
  mkdirSync(path.join(dir, 'prisma'), { recursive: true })
  symlinkSync(path.join(FIXTURE, 'node_modules'), path.join(dir, 'node_modules'), 'dir')
  writeFileSync(path.join(dir, 'package.json'), '{ "name": "conformance-case", "private": true }\n')
  const schemaPath = path.join(dir, 'prisma', 'schema.prisma')
  writeFileSync(schemaPath, schema)
  return { dir, schemaPath, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/** Runs the fixture's Prisma CLI in its normal mode; returns stdout. */
async function prisma(dir: string, args: string[], url: string): Promise<string> {
  const { stdout } = await exec(process.execPath, [PRISMA, ...args], {
    cwd: dir,
    env: {
      ...process.env,
      DATABASE_URL: url,
      PRISMA_SCHEMA_ENGINE_BINARY: STAND_IN,
      CHECKPOINT_DISABLE: '1',
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
      NO_COLOR: '1'
    },
    timeout: 240_000,
    maxBuffer: 64 << 20
  })
  return stdout
}

async function run(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    // One simple-protocol query per migration, as Prisma's native engine sends it.
    await client.query(sql)
  } finally {
    await client.end()
  }
}

async function snapshot(url: string, schemas: string[]) {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await snapshotCatalog(client, schemas)
  } finally {
    await client.end()
  }
}

/** What each mode says about a case, and where it disagrees with Prisma's own verdict. */
export async function runCase(c: ConformanceCase): Promise<CaseOutcome> {
  const schemas = c.schemas ?? ['public']
  const project = projectFor(c.schema)
  const expectedDb = await createTestDatabase('conf_exp')
  const actualDb = await createTestDatabase('conf_act')
  try {
    const base = await prisma(
      project.dir,
      ['migrate', 'diff', '--from-empty', '--to-schema-datamodel', project.schemaPath, '--script'],
      expectedDb.url
    )
    await run(expectedDb.url, base)
    for (const migration of c.migrations(base)) await run(actualDb.url, migration)
    const script = await prisma(
      project.dir,
      [
        'migrate',
        'diff',
        '--from-url',
        actualDb.url,
        '--to-schema-datamodel',
        project.schemaPath,
        '--script'
      ],
      actualDb.url
    )
    const catalog = compareCatalogs(
      await snapshot(expectedDb.url, schemas),
      await snapshot(actualDb.url, schemas)
    )
    const changes = readPrismaChanges(script, schemas[0] ?? 'public')
    const native = judgeDrift(catalog, { kind: 'script', script, args: [] }, schemas[0] ?? 'public')
    return {
      name: c.name,
      covers: c.covers,
      prismaChanges: changes,
      catalog,
      native,
      disagreements: [
        ...disagreements('catalog', catalog, changes),
        ...disagreements('prisma', native, changes)
      ],
      script
    }
  } finally {
    project.cleanup()
    await Promise.all([expectedDb.drop(), actualDb.drop()])
  }
}

/** The severity Prisma's kind of change calls for. */
function severityFor(change: PrismaChange): DriftItem['severity'] {
  return change.action === 'rename' || change.action === 'drop' ? 'warning' : 'error'
}

function describeChange(change: PrismaChange): string {
  return change.statement.split('\n')[0] ?? ''
}

/** Where the items of one mode disagree with Prisma's changes. */
export function disagreements(
  mode: Disagreement['mode'],
  items: DriftItem[],
  changes: PrismaChange[]
): Disagreement[] {
  const reported = items.filter((i) => i.severity === 'error' || i.severity === 'warning')
  const out: Disagreement[] = []
  for (const item of reported) {
    const explaining = changes.filter((change) => explainsItem(change, item))
    if (explaining.length === 0)
      out.push({
        mode,
        type: 'false alarm',
        kind: item.kind,
        what: `${item.severity} ${item.change} ${item.object}`
      })
    // In normal mode the fix of an item is Prisma's own statements for it.
    else if (mode === 'prisma' && !explaining.every((change) => item.fixSql?.includes(change.statement)))
      out.push({ mode, type: 'fix', kind: item.kind, what: `${item.object}: ${item.fixSql ?? 'no fix'}` })
  }
  for (const change of changes) {
    const explaining = reported.filter((item) => explainsItem(change, item))
    if (explaining.length === 0) {
      out.push({ mode, type: 'miss', kind: change.kind, what: describeChange(change) })
      continue
    }
    // An enum Prisma recreates explains value items of both kinds; only a plain change has one severity.
    if (change.kind === 'enum' && change.action === 'alter') continue
    const wrong = explaining.filter(
      (item) => item.change !== 'different' && item.severity !== severityFor(change)
    )
    for (const item of wrong)
      out.push({
        mode,
        type: 'severity',
        kind: item.kind,
        what: `${item.object}: ${item.severity}, Prisma's change calls for ${severityFor(change)}`
      })
  }
  return out
}

/** The table the suite prints: cases, agreements, disagreements by mode, type and kind. */
export function conformanceTable(outcomes: CaseOutcome[]): string {
  const lines = [
    '| mode | cases | agree | disagree | disagreements by type and kind |',
    '|---|--:|--:|--:|---|'
  ]
  for (const mode of ['catalog', 'prisma'] as const) {
    const bad = outcomes.filter((o) => o.disagreements.some((d) => d.mode === mode))
    const byKind = new Map<string, number>()
    for (const o of outcomes)
      for (const d of o.disagreements.filter((x) => x.mode === mode))
        byKind.set(`${d.type}: ${d.kind}`, (byKind.get(`${d.type}: ${d.kind}`) ?? 0) + 1)
    const kinds = [...byKind].map(([k, n]) => `${k} ×${n}`).join(', ') || '—'
    const label =
      mode === 'catalog' ? 'catalog comparison (WebAssembly mode)' : "Prisma's differ (normal mode)"
    lines.push(
      `| ${label} | ${outcomes.length} | ${outcomes.length - bad.length} | ${bad.length} | ${kinds} |`
    )
  }
  const changes = outcomes.reduce((n, o) => n + o.prismaChanges.length, 0)
  lines.push('', `${changes} changes in Prisma's verdicts over ${outcomes.length} cases.`)
  return lines.join('\n')
}

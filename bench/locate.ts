/**
 * `npm run bench:locate`: what locating drift items in the migrations costs
 * on a project of 81 models and 820 migrations, the size of the project whose
 * profile showed 1.5 s of CPU in locating.
 *
 * The project: bench/generate.ts's 81-model project (Prisma's own SQL), whose
 * statement blocks (`-- CreateTable`, `-- CreateIndex`, `-- AddForeignKey`…)
 * become one migration each, in their order; the history then goes on with
 * columns added to tables and dropped again, up to 820 migrations. Nothing is
 * written but the cached generated project (.tmp/bench/).
 *
 * The items: every table, column, unique index, index and enum value the
 * schema declares, as drift items `unexpected` (the case where every item is
 * located in the migrations, not in the schema), plus a few objects that no
 * migration creates. Figures for the first 35 (the design doc's count), 200,
 * and all of them: wall and CPU time (process.cpuUsage()), best of a few
 * rounds, each round on fresh copies of the migrations so that nothing read
 * before is reused.
 */
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { startEmbeddedPostgres, type EmbeddedServer } from '../src/db/embedded.js'
import { extensionsInMigrations } from '../src/drift/expected.js'
import {
  defaultConstraintName,
  locateItems,
  MigrationIndex,
  parseSchema,
  type LocatableProject
} from '../src/drift/locate.js'
import { locateMigrationError, splitSqlStatements } from '../src/migrations/locate.js'
import { loadSqlParser } from '../src/sql/script.js'
import { readMigrations } from '../src/prisma/project.js'
import type { DriftItem } from '../src/model/drift.js'
import { generateProject, projectName } from './generate.js'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const MODELS = 81
const MIGRATIONS = 820
const ROUNDS = 5

const print = (line = ''): void => void process.stdout.write(line + '\n')
const say = (line: string): void => void process.stderr.write(line + '\n')

/** The generated project (reused when cached; generating needs a database for Prisma's WASM engine). */
async function project81(): Promise<string> {
  const stamp = path.join(repoRoot, '.tmp', 'bench', projectName(MODELS, MODELS), 'bench-project.json')
  let server: EmbeddedServer | undefined
  try {
    if (!existsSync(stamp)) {
      say('Starting an embedded PostgreSQL to generate the project…')
      server = await startEmbeddedPostgres()
    }
    const generated = await generateProject({
      models: MODELS,
      migrations: MODELS,
      repoRoot,
      databaseUrl: server?.url ?? 'postgresql://unused@127.0.0.1:1/unused',
      log: say
    })
    return generated.dir
  } finally {
    await server?.stop()
  }
}

/**
 * Prisma's blocks of every migration, in order, spread over `count`
 * migrations, one block each; when there are fewer blocks than migrations, the
 * history goes on with columns added to tables and dropped again later (what
 * long-lived projects have plenty of).
 */
function spread(
  sqls: string[],
  tables: string[],
  count: number,
  dir: string
): LocatableProject['migrations'] {
  const blocks = sqls.flatMap((sql) =>
    sql
      .split(/\n(?=-- [A-Z]\w*\n)/)
      .map((b) => b.trim())
      .filter(Boolean)
  )
  const pairs = Math.ceil(Math.max(0, count - blocks.length) / 2)
  for (const [verb, what] of [
    ['ADD', 'TEXT'],
    ['DROP', '']
  ] as const)
    for (let j = 0; j < pairs; j++) {
      const table = tables[j % tables.length] ?? ''
      blocks.push(
        `-- AlterTable\nALTER TABLE "${table}" ${verb} COLUMN "legacy_${j}"${what ? ` ${what}` : ''};`
      )
    }
  return Array.from({ length: count }, (_, k) => {
    const from = Math.floor((k * blocks.length) / count)
    const to = Math.floor(((k + 1) * blocks.length) / count)
    const name = `2024${String(k).padStart(10, '0')}_step_${k + 1}`
    return {
      name,
      sqlPath: path.join(dir, 'prisma', 'migrations', name, 'migration.sql'),
      sql: blocks.slice(from, to).join('\n\n') + '\n'
    }
  })
}

/** Every object the schema declares, as an item only the migrations explain. */
function itemsOf(schemaText: string): DriftItem[] {
  const index = parseSchema([{ path: 'schema.prisma', text: schemaText }])
  const models = new Set(index.models.map((m) => m.name))
  const enums = new Set(index.enums.map((e) => e.name))
  const item = (kind: DriftItem['kind'], object: string, target: DriftItem['target']): DriftItem => ({
    kind,
    change: 'unexpected',
    object,
    target,
    severity: 'warning'
  })
  const items: DriftItem[] = []
  const s = { schema: 'public' }
  for (const e of index.enums) {
    items.push(item('enum', e.dbName, { ...s, enum: e.dbName }))
    for (const v of e.values)
      items.push(item('enumValue', `${e.dbName}.${v.dbName}`, { ...s, enum: e.dbName, value: v.dbName }))
  }
  for (const m of index.models) {
    items.push(item('table', m.dbName, { ...s, table: m.dbName }))
    for (const f of m.fields) {
      if (models.has(f.type)) continue
      items.push(item('column', `${m.dbName}.${f.dbName}`, { ...s, table: m.dbName, column: f.dbName }))
      if (f.unique) {
        const name = f.unique.map ?? defaultConstraintName(m.dbName, [f.dbName], 'key')
        items.push(item('unique', name, { ...s, table: m.dbName, constraint: name }))
      }
    }
    for (const ix of m.indexes) {
      const columns = ix.fields.map((f) => m.fields.find((x) => x.name === f.name)?.dbName ?? f.name)
      const name = ix.map ?? defaultConstraintName(m.dbName, columns, ix.kind === 'unique' ? 'key' : 'idx')
      items.push(
        item(ix.kind === 'unique' ? 'unique' : 'index', name, { ...s, table: m.dbName, constraint: name })
      )
    }
  }
  void enums
  // What no migration creates: each is a look through every statement of every migration.
  for (const name of ['audit_touch', 'set_updated_at'])
    items.push(item('trigger', name, { ...s, table: 'Model0000', constraint: name }))
  items.push(item('function', 'set_updated_at', { ...s, constraint: 'set_updated_at' }))
  items.push(item('extension', 'pg_trgm', { ...s, constraint: 'pg_trgm' }))
  return items
}

interface Timing {
  wallMs: number
  cpuMs: number
}

/**
 * Best of `ROUNDS` runs of `fn(round)`, wall and CPU (user + system). Each
 * round gets its own copy of the migrations (see `fresh`), so that nothing
 * read in an earlier round is reused: every figure is a first read, as in a
 * run of the action.
 */
function timed(fn: (round: number) => void): Timing {
  let best: Timing | undefined
  for (let r = 0; r < ROUNDS; r++) {
    const cpu = process.cpuUsage()
    const t = performance.now()
    fn(r)
    const wallMs = performance.now() - t
    const used = process.cpuUsage(cpu)
    const cpuMs = (used.user + used.system) / 1000
    if (!best || wallMs < best.wallMs) best = { wallMs, cpuMs }
  }
  return best as Timing
}

/** The migrations with a comment that differs per round: new texts, so no cache of an earlier round applies. */
function fresh<T extends { sql: string }>(migrations: T[], round: string): T[] {
  return migrations.map((m) => ({ ...m, sql: `${m.sql}-- ${round}\n` }))
}

const fmt = (t: Timing): string => `${Math.round(t.wallMs)} ms wall, ${Math.round(t.cpuMs)} ms CPU`

async function main(): Promise<void> {
  const loadStarted = performance.now()
  await loadSqlParser()
  const loadMs = performance.now() - loadStarted
  const dir = await project81()
  const head = readMigrations(path.join(dir, 'prisma', 'migrations'))
  const schemaPath = path.join(dir, 'prisma', 'schema.prisma')
  const schemaText = await readFile(schemaPath, 'utf8')
  const tables = parseSchema([{ path: 'schema.prisma', text: schemaText }]).models.map((m) => m.dbName)
  const migrations = spread(
    head.map((m) => m.sql),
    tables,
    MIGRATIONS,
    dir
  )
  const schemaFiles = [{ path: schemaPath, text: schemaText }]
  const items = itemsOf(schemaText)
  const bytes = migrations.reduce((n, m) => n + Buffer.byteLength(m.sql), 0)
  const statements = migrations.reduce((n, m) => n + splitSqlStatements(m.sql).length, 0)
  print(
    `project: ${MODELS} models, ${migrations.length} migrations, ${statements} statements, ${(bytes / 1024).toFixed(0)} KiB of SQL`
  )
  print(
    `node ${process.version}, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`
  )
  print(`loading the SQL parser (once per run): ${Math.round(loadMs)} ms wall`)

  let round = 0
  const build = timed(() => void MigrationIndex.of(fresh(migrations, `round ${round++}`)))
  print(`reading every migration into the index of what each creates: ${fmt(build)}`)
  for (const n of [35, 200, items.length]) {
    const some = items.slice(0, n)
    let located = 0
    const t = timed(() => {
      const project: LocatableProject = { schemaFiles, migrations: fresh(migrations, `round ${round++}`) }
      located = locateItems(some, project, dir).filter((i) => i.location).length
    })
    print(`locateItems, ${some.length} items (${located} located): ${fmt(t)}`)
  }

  const split = timed(() => {
    for (const m of fresh(migrations, `round ${round++}`)) splitSqlStatements(m.sql)
  })
  print(`splitSqlStatements over every migration: ${fmt(split)}`)
  const extensions = timed(() => void extensionsInMigrations({ migrations: fresh(head, `round ${round++}`) }))
  print(`extensionsInMigrations (${head.length} files, same SQL): ${fmt(extensions)}`)
  const largest = head.reduce((a, b) => (b.sql.length > a.sql.length ? b : a))
  const byMessage = timed(() => {
    for (let i = 0; i < 20; i++)
      locateMigrationError(`${largest.sql}-- ${round++}\n`, {
        message: `relation "${MODELS}_missing" does not exist`
      })
  })
  print(
    `locateMigrationError by message, 20 × the largest migration (${(largest.sql.length / 1024).toFixed(0)} KiB): ${fmt(byMessage)}`
  )
}

await main()

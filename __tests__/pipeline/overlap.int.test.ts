// What runs at the same time: generate beside migrate deploy, the seed only
// after both, the upgrade test from the moment the base and the server are
// known. The times come from the processes themselves (a generator and a
// seed that write when they ran, Prisma's own `finished_at`), not only from
// the result.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { parseConfig } from '../../src/config.js'
import { runHistory } from '../../src/history/index.js'
import { RunState } from '../../src/pipeline/state.js'
import { upgradeStage } from '../../src/pipeline/upgrade.js'
import { discoverProject } from '../../src/prisma/project.js'
import { loadSqlParser } from '../../src/sql/script.js'
import { adminQuery, createTestDatabase } from '../helpers/pg.js'
import { makeProject } from '../helpers/project.js'
import { runPipeline } from './run.js'

/**
 * A Prisma generator (its JSON-RPC over stdin and stderr) that writes when it
 * started and ended. It waits until `migrate deploy` has applied every
 * migration and its process has exited (at most 20 s), then half a second
 * more: whether it saw deploy finish says that both ran at the same time, and
 * a seed that waited for deploy alone would start before this generator ended.
 * The deploy process is found in /proc by its arguments and this test's
 * database URL (other tests run theirs at the same time).
 */
const STAMP_GENERATOR = `import { createInterface } from 'node:readline'
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import pg from 'pg'
const stamps = new URL('../stamps/', import.meta.url)
const reply = (id, result) => process.stderr.write(JSON.stringify({ jsonrpc: '2.0', id, result }) + '\\n')
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
async function applied(expected) {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL })
  await client.connect()
  try {
    const { rows } = await client.query("SELECT count(*)::int AS n FROM _prisma_migrations WHERE finished_at IS NOT NULL")
    return rows[0].n >= expected
  } catch {
    return false
  } finally {
    await client.end()
  }
}
function deployRunning() {
  const ours = 'DATABASE_URL=' + process.env.DATABASE_URL
  return readdirSync('/proc').some((pid) => {
    try {
      const argv = readFileSync('/proc/' + pid + '/cmdline', 'utf8').split('\\0')
      if (!(argv.includes('migrate') && argv.includes('deploy'))) return false
      return readFileSync('/proc/' + pid + '/environ', 'utf8').split('\\0').includes(ours)
    } catch {
      return false
    }
  })
}
createInterface({ input: process.stdin }).on('line', async (line) => {
  const message = JSON.parse(line)
  if (message.method === 'getManifest') reply(message.id, { manifest: { prettyName: 'Stamp', defaultOutput: '../generated/stamp' } })
  if (message.method === 'generate') {
    const start = Date.now()
    if (process.env.STAMP_GENERATOR_FAILS) {
      process.stderr.write('the stamp generator failed on purpose\\n')
      process.exit(1)
    }
    let sawDeploy = false
    while (!(sawDeploy = await applied(2)) && Date.now() - start < 20000) await sleep(100)
    while (sawDeploy && deployRunning() && Date.now() - start < 20000) await sleep(100)
    await sleep(500)
    mkdirSync(stamps, { recursive: true })
    writeFileSync(new URL('generate.json', stamps), JSON.stringify({ start, sawDeploy, end: Date.now() }))
    reply(message.id, null)
  }
})
`

/** A seed that writes when it started. */
const STAMP_SEED = `import { mkdirSync, writeFileSync } from 'node:fs'
const stamps = new URL('../stamps/', import.meta.url)
mkdirSync(stamps, { recursive: true })
writeFileSync(new URL('seed.json', stamps), JSON.stringify({ start: Date.now() }))
`

interface Stamp {
  start: number
  end?: number
  sawDeploy?: boolean
}

interface Stamp {
  start: number
  end?: number
  /** Whether the generator saw deploy apply every migration while it ran. */
  sawDeploy?: boolean
}

function stampedProject() {
  const project = makeProject({
    files: { 'prisma/stamp-generator.mjs': STAMP_GENERATOR, 'prisma/stamp-seed.mjs': STAMP_SEED }
  })
  const schema = readFileSync(path.join(project.dir, 'prisma/schema.prisma'), 'utf8')
  project.write(
    'prisma/schema.prisma',
    schema.replace(
      'datasource db {',
      'generator stamp {\n  provider = "node prisma/stamp-generator.mjs"\n}\n\ndatasource db {'
    )
  )
  const stamp = (name: string): Stamp | undefined => {
    const file = path.join(project.dir, 'stamps', `${name}.json`)
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Stamp) : undefined
  }
  return { project, stamp }
}

async function deployFinishedAt(database: string): Promise<number> {
  const rows = await adminQuery<{ at: Date }>(
    'SELECT max(finished_at) AS at FROM _prisma_migrations',
    [],
    database
  )
  return rows[0]!.at.getTime()
}

test.concurrent(
  'generate runs beside migrate deploy, and the seed starts only when both have passed',
  async () => {
    const db = await createTestDatabase('overlap')
    const { project, stamp } = stampedProject()
    try {
      const { result } = await runPipeline({
        'database-url': db.url,
        'working-directory': project.relDir,
        'seed-command': 'node prisma/stamp-seed.mjs'
      })
      const status = Object.fromEntries(result.stages.map((s) => [s.name, s.status]))
      expect(status).toMatchObject({
        generate: 'passed',
        migrate: 'passed',
        seed: 'passed',
        compare: 'passed'
      })
      const generated = stamp('generate')
      const seeded = stamp('seed')
      const deployed = await deployFinishedAt(db.name)
      // The generator was running when deploy applied the migrations: they ran at the same time…
      expect(generated!.sawDeploy).toBe(true)
      // …and the seed waited for both.
      expect(seeded!.start).toBeGreaterThanOrEqual(generated!.end!)
      expect(seeded!.start).toBeGreaterThanOrEqual(deployed)
      // The result's clock says the same.
      const at = Object.fromEntries(result.stages.map((s) => [s.name, s]))
      expect(at.generate!.startMs).toBeLessThan(at.migrate!.endMs!)
      expect(at.seed!.startMs).toBeGreaterThanOrEqual(Math.max(at.generate!.endMs!, at.migrate!.endMs!))
    } finally {
      project.cleanup()
      await db.drop()
    }
  }
)

test.concurrent(
  'a failing generate with a passing deploy reports both and skips the seed with its reason',
  async () => {
    const db = await createTestDatabase('genfail')
    const { project, stamp } = stampedProject()
    try {
      const { result } = await runPipeline(
        {
          'database-url': db.url,
          'working-directory': project.relDir,
          'seed-command': 'node prisma/stamp-seed.mjs'
        },
        { env: { STAMP_GENERATOR_FAILS: '1' } }
      )
      expect(result.status).toBe('failed')
      const stages = Object.fromEntries(result.stages.map((s) => [s.name, [s.status, s.summary]]))
      expect(stages.generate?.[0]).toBe('failed')
      expect(stages.migrate).toEqual(['passed', '2 migration(s) applied'])
      expect(stages.seed).toEqual(['skipped', 'prisma generate failed: the seed needs the generated client'])
      // The drift check needs the migrated database, not the client: it ran.
      expect(stages.compare?.[0]).toBe('passed')
      expect(stamp('seed')).toBeUndefined()
      const errors = result.problems.filter((p) => p.severity === 'error')
      expect(errors.map((p) => p.stage)).toEqual(['generate'])
      expect(errors[0]?.message).toMatch(/the stamp generator failed on purpose/)
      expect(await deployFinishedAt(db.name)).toBeGreaterThan(0)
    } finally {
      project.cleanup()
      await db.drop()
    }
  }
)

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
    cwd
  }).toString()
}

test.concurrent(
  'the upgrade test starts before deploy ends and finds what it finds after deploy',
  async () => {
    const db = await createTestDatabase('upgradeearly')
    const project = makeProject()
    try {
      git(project.dir, 'init', '-q', '-b', 'main')
      git(project.dir, 'add', '-A')
      git(project.dir, 'commit', '-qm', 'base')
      const schema = readFileSync(path.join(project.dir, 'prisma/schema.prisma'), 'utf8').replace(
        '  name             String\n',
        '  name             String\n  nickname         String\n'
      )
      project.write('prisma/schema.prisma', schema)
      project.write(
        'prisma/migrations/20250701000000_add_nickname/migration.sql',
        '-- AlterTable\nALTER TABLE "users" ADD COLUMN "nickname" TEXT NOT NULL;\n'
      )
      git(project.dir, 'add', '-A')
      git(project.dir, 'commit', '-qm', 'head')
      const inputs = {
        'database-url': db.url,
        'working-directory': '.',
        'base-ref': 'HEAD~1',
        'seed-command': 'none'
      }

      // In the pipeline: from the moment the base and the server are known.
      const { result } = await runPipeline(inputs, { repoRoot: project.dir })
      const at = Object.fromEntries(result.stages.map((s) => [s.name, s]))
      expect(at.upgrade!.startMs).toBeLessThan(at.migrate!.endMs!)

      // Alone, after deploy: the database the pipeline migrated is there.
      const env = { ...process.env, DATABASE_URL: undefined }
      const config = parseConfig(inputs, { cwd: project.dir, repoRoot: project.dir, env })
      const found = discoverProject(config)
      await loadSqlParser()
      const history = await runHistory({
        repoRoot: project.dir,
        migrationsDir: found.migrationsDir,
        head: found.migrations,
        baseRef: 'HEAD~1',
        env
      })
      const late = new RunState(config.databaseUrl)
      await upgradeStage(late, config, found, history)

      const upgradeOf = (stages: typeof result.stages, problems: typeof result.problems) => ({
        stages: stages.filter((s) => s.name === 'upgrade').map((s) => [s.status, s.summary]),
        problems: problems
          .filter((p) => p.stage === 'upgrade')
          .map(({ title, message, location, code }) => ({ title, message, location, code }))
      })
      const early = upgradeOf(result.stages, result.problems)
      expect(early.stages).toEqual([['failed', expect.any(String)]])
      expect(early.problems[0]?.message).toMatch(/NOT NULL/)
      expect(early).toEqual(upgradeOf(late.stages, late.problems))
      expect(result.review?.migrations).toEqual(late.review?.migrations)
    } finally {
      project.cleanup()
      await db.drop()
    }
  }
)

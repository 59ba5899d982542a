/**
 * `npm run bench:upgrade -- [models]` (default 300; 300 or 1000): where the
 * upgrade test's time and the process's memory go, phase by phase, on a
 * generated benchmark project (bench/generate.ts) whose last 5 migrations are
 * the new ones: the base replay, the catalog snapshot, the fill, then for
 * each new migration the review's rehearsal, the real application and the
 * review's look afterwards. The same steps as `runUpgradeTest`, run alone
 * (no Prisma beside it); process.memoryUsage() after each phase.
 */
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { startEmbeddedPostgres } from '../src/db/embedded.js'
import { snapshotCatalog } from '../src/db/snapshot.js'
import { fillTables } from '../src/upgrade/fill.js'
import { rowsFor } from '../src/upgrade/index.js'
import { AUTO_UPGRADE_ROWS } from '../src/config.js'
import { loadSqlParser, splitSqlStatements } from '../src/sql/script.js'
import { readMigrations } from '../src/prisma/project.js'
import { MigrationReviewer } from '../src/review/index.js'
import { planFor } from '../src/migrations/engine.js'
import { applyMigration } from '../src/migrations/replay.js'
import { generateProject } from './generate.js'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const models = Number(process.argv[2] ?? 300)
const say = (line: string): void => void process.stderr.write(line + '\n')
const print = (line = ''): void => void process.stdout.write(line + '\n')
const mb = (n: number): string => `${Math.round(n / 1024 / 1024)}`

const rows: string[] = []
let last = performance.now()
function phase(name: string): void {
  const now = performance.now()
  const m = process.memoryUsage()
  rows.push(
    `| ${name} | ${Math.round(now - last)} | ${mb(m.rss)} | ${mb(m.heapUsed)} | ${mb(m.external)} | ${mb(m.arrayBuffers)} |`
  )
  last = now
}

async function main(): Promise<void> {
  await loadSqlParser()
  phase('parser loaded')
  const server = await startEmbeddedPostgres()
  const admin = new pg.Client({ connectionString: server.url })
  const url = (db: string) => Object.assign(new URL(server.url), { pathname: `/${db}` }).toString()
  try {
    await admin.connect()
    const project = await generateProject({
      models,
      migrations: models === 1000 ? 300 : 150,
      repoRoot,
      databaseUrl: server.url,
      log: say
    })
    const all = readMigrations(path.join(project.dir, 'prisma', 'migrations'))
    const base = all.slice(0, -5)
    const added = all.slice(-5)
    await admin.query('CREATE DATABASE upgrade_profile')
    const client = new pg.Client({ connectionString: url('upgrade_profile') })
    await client.connect()
    last = performance.now()
    phase('start')
    let statements = 0
    for (const m of base)
      for (const s of splitSqlStatements(m.sql)) {
        statements++
        await client.query(s.text)
      }
    phase(`base replay (${base.length} migrations, ${statements} statements)`)
    const snapshot = await snapshotCatalog(client, ['public'])
    phase(`snapshot (${snapshot.tables.length} tables)`)
    // As runUpgradeTest does: only the tables the new migrations reach (a build without fill-scope.ts fills all).
    const scopeModule = await import('../src/upgrade/fill-scope.js').catch(() => undefined)
    const scope =
      scopeModule && process.env.FILL_EVERYTHING !== '1'
        ? scopeModule.fillScope(snapshot, added, await scopeModule.baseRoutines(client))
        : undefined
    const fill = await fillTables(client, snapshot, {
      rowsPerTable: rowsFor(AUTO_UPGRADE_ROWS, snapshot.tables.length),
      ...(scope?.kind === 'some' ? { only: scope.tables } : {})
    })
    phase(`fill (${fill.rowCount} rows in ${fill.tables.length} tables)`)
    const reviewer = new MigrationReviewer({
      schemas: ['public'],
      repoRoot: project.dir,
      engine: 'statement',
      safety: 'warn'
    })
    await reviewer.filled(client, snapshot, fill)
    for (const m of added) {
      const plan = await planFor(m.sql, reviewer.engine)
      await reviewer.beforeMigration(client, m, plan)
      phase(`review rehearsal ${m.name.slice(0, 20)} (${plan.statements.length} st.)`)
      const outcome = await applyMigration(client, plan, {
        afterStatement: (c, step) => reviewer.statementApplied(c, m, step)
      })
      phase(`apply ${outcome.failure ? 'FAILED' : 'ok'}`)
      await reviewer.afterMigration(client, m, outcome.failure?.index)
      phase('review after')
    }
    const review = reviewer.result()
    phase(`result (${review.findings.length} finding(s))`)
    await client.end()
    await admin.query('DROP DATABASE upgrade_profile')
  } finally {
    await admin.end().catch(() => {})
    await server.stop()
  }
  print(`## Upgrade test, ${models} models, phase by phase (alone)`)
  print('| phase | ms | rss MB | heap used MB | external MB | arrayBuffers MB |')
  print('|---|--:|--:|--:|--:|--:|')
  for (const r of rows) print(r)
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})

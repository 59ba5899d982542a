/**
 * `npm run bench:fill`: what the upgrade test's fill costs on the generated
 * 300-model, 150-migration benchmark project (bench/generate.ts), for a range
 * of `upgrade-rows` values; the figures behind that input's default.
 *
 * One embedded PostgreSQL (always stopped). The project's migrations are
 * applied once to a template database; each measurement fills a fresh copy
 * of it (CREATE DATABASE … TEMPLATE) with `fillTables`, the upgrade test's
 * own filler, and times the fill alone. Then a typical new migration (an
 * index on a large table and a column with a constant default on every
 * table) is replayed by the migration review on the filled copy, to show
 * what the rows buy: measurable times for the statements that grow.
 */
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { startEmbeddedPostgres } from '../src/db/embedded.js'
import { snapshotCatalog } from '../src/db/snapshot.js'
import { fillTables } from '../src/upgrade/fill.js'
import { loadSqlParser, splitSqlStatements } from '../src/sql/script.js'
import { readMigrations } from '../src/prisma/project.js'
import { MigrationReviewer } from '../src/review/index.js'
import { generateProject } from './generate.js'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const SIZES = (process.env.BENCH_FILL_ROWS ?? '3,100,1000,5000,10000').split(',').map(Number)
const say = (line: string): void => void process.stderr.write(line + '\n')
const print = (line = ''): void => void process.stdout.write(line + '\n')

async function main(): Promise<void> {
  await loadSqlParser()
  const server = await startEmbeddedPostgres()
  const admin = new pg.Client({ connectionString: server.url })
  const url = (db: string) => Object.assign(new URL(server.url), { pathname: `/${db}` }).toString()
  try {
    await admin.connect()
    const project = await generateProject({
      models: 300,
      migrations: 150,
      repoRoot,
      databaseUrl: server.url,
      log: say
    })
    const migrations = readMigrations(path.join(project.dir, 'prisma', 'migrations'))
    await admin.query('CREATE DATABASE fill_template')
    const template = new pg.Client({ connectionString: url('fill_template') })
    await template.connect()
    for (const m of migrations) for (const s of splitSqlStatements(m.sql)) await template.query(s.text)
    const tables = (await snapshotCatalog(template, ['public'])).tables.length
    await template.end()
    say(`${migrations.length} migrations applied: ${tables} tables`)
    print(
      `Fill cost of the upgrade test on the 300-model benchmark project (${tables} tables, ${migrations.length} migrations)`
    )
    print()
    print(
      '| upgrade-rows | rows inserted | fill time | per 1,000 rows | review of a 301-statement migration |'
    )
    print('|--:|--:|--:|--:|--:|')
    for (const rows of SIZES) {
      const name = `fill_${rows}`
      await admin.query(`CREATE DATABASE ${name} TEMPLATE fill_template`)
      const client = new pg.Client({ connectionString: url(name) })
      await client.connect()
      try {
        const snapshot = await snapshotCatalog(client, ['public'])
        const started = performance.now()
        const fill = await fillTables(client, snapshot, { rowsPerTable: rows })
        const fillMs = performance.now() - started
        const failed = fill.tables.filter((t) => t.error)
        if (failed.length)
          say(
            `  ${failed.length} tables not filled completely, e.g. ${failed[0]?.table}: ${failed[0]?.error}`
          )
        const big = snapshot.tables[0]!
        const sql = [
          `CREATE INDEX "bench_idx" ON "${big.name}"("${big.columns[1]!.name}");`,
          ...snapshot.tables.map(
            (t) => `ALTER TABLE "${t.name}" ADD COLUMN "bench_flag" INTEGER NOT NULL DEFAULT 0;`
          )
        ].join('\n')
        const reviewer = new MigrationReviewer({
          schemas: ['public'],
          repoRoot,
          engine: 'transaction',
          safety: 'warn'
        })
        await reviewer.filled(client, snapshot, fill)
        const t = performance.now()
        await reviewer.beforeMigration(client, {
          name: 'bench',
          sqlPath: path.join(project.dir, 'bench.sql'),
          sql
        })
        const reviewMs = performance.now() - t
        const index = reviewer.result().migrations[0]?.statements[0]
        print(
          `| ${rows.toLocaleString('en-US')} | ${fill.rowCount.toLocaleString('en-US')} | ${(fillMs / 1000).toFixed(2)} s | ${((fillMs / Math.max(1, fill.rowCount)) * 1000).toFixed(1)} ms | ${(reviewMs / 1000).toFixed(2)} s (index build ${index?.durationMs?.toFixed(1)} ms) |`
        )
      } finally {
        await client.end()
        await admin.query(`DROP DATABASE ${name} WITH (FORCE)`)
      }
    }
  } finally {
    await admin.query('DROP DATABASE IF EXISTS fill_template WITH (FORCE)').catch(() => {})
    await admin.end().catch(() => {})
    await server.stop()
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  process.exitCode = 1
})

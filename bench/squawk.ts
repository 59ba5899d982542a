/**
 * `npm run bench:squawk`: the migration review side by side with Squawk
 * (`squawk-cli`, a static linter) on a corpus of generated migrations, each
 * with a ground truth established by measurement on a real PostgreSQL:
 *
 * - rewrite: `pg_class.relfilenode` of a table that existed before the
 *   migration (and holds rows) changed;
 * - blocking lock: while the migration's transaction is open, a second
 *   session cannot write to a populated table (`UPDATE … WHERE false` with
 *   lock_timeout), and the migration's time grows with the rows (best of
 *   three runs at ROWS rows against best of three on empty tables: more
 *   than 2 ms and 4 times longer; a short positive is measured again);
 * - long scan: it grows with the rows, blocks writes, and neither rewrote a
 *   table nor built an index on one (a validation scan);
 * - data loss: a value of a row that was there before (compared column by
 *   column, by attribute number, as text) is gone, or does not come back when
 *   the new value is cast to the column's old type (timestamp → timestamptz
 *   keeps every value; numeric(12,2) → numeric(10,0) does not).
 *
 * The ground truth runs every migration in a transaction that is rolled back
 * (the file's own BEGIN/COMMIT are that transaction), so one populated and
 * one empty database serve the whole corpus. The review is the product's
 * code (MigrationReviewer), on a fresh copy of the populated database for
 * each migration (nothing one case does reaches the next); Squawk reads the SQL
 * text (`--reporter json --pg-version 17`). Squawk's rules are mapped to the
 * hazard classes they claim; rules that claim none (prefer-robust-stmts,
 * require-lock-timeout, prefer-bigint-over-int…) are counted apart as style.
 * Prints a table of precision and recall per hazard class for both tools.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { startEmbeddedPostgres } from '../src/db/embedded.js'
import { snapshotCatalog } from '../src/db/snapshot.js'
import { fillTables } from '../src/upgrade/fill.js'
import { loadSqlParser, parseSqlScript, splitSqlStatements } from '../src/sql/script.js'
import type { HazardClass } from '../src/model/review.js'
import { MigrationReviewer } from '../src/review/index.js'
import { refusesTransaction } from '../src/review/locks.js'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
/**
 * Squawk is installed for this benchmark only, on first use, into .tmp/: as a
 * devDependency its platform packages, which the npm registry serves for
 * some platforms only, would break `npm ci` of the project.
 */
const SQUAWK_VERSION = '2.66.0'
const squawkHome = path.join(repoRoot, '.tmp', 'bench', `squawk-cli-${SQUAWK_VERSION}`)
const squawk = path.join(squawkHome, 'node_modules', '.bin', 'squawk')

function ensureSquawk(): void {
  if (existsSync(squawk)) return
  say(`Installing squawk-cli ${SQUAWK_VERSION} into ${path.relative(repoRoot, squawkHome)}…`)
  mkdirSync(squawkHome, { recursive: true })
  const install = spawnSync(
    'npm',
    [
      'install',
      '--prefix',
      squawkHome,
      '--no-save',
      '--no-audit',
      '--no-fund',
      `squawk-cli@${SQUAWK_VERSION}`
    ],
    { encoding: 'utf8' }
  )
  if (install.status !== 0 || !existsSync(squawk))
    throw new Error(`Could not install squawk-cli ${SQUAWK_VERSION}: ${install.stderr.trim().slice(-2000)}`)
}
const work = path.join(repoRoot, '.tmp', 'bench', `squawk-${process.pid}`)
const ROWS = Number(process.env.BENCH_SQUAWK_ROWS ?? 100_000)
const CLASSES = ['rewrite', 'blocking-lock', 'long-scan', 'data-loss'] as const
type Class = (typeof CLASSES)[number]

/** Squawk's rules and the hazard classes each one claims; any other rule is style or compatibility. */
const SQUAWK_CLASSES: Record<string, Class[]> = {
  'require-concurrent-index-creation': ['blocking-lock'],
  'require-concurrent-index-deletion': ['blocking-lock'],
  'adding-foreign-key-constraint': ['blocking-lock', 'long-scan'],
  'constraint-missing-not-valid': ['blocking-lock', 'long-scan'],
  'adding-not-nullable-field': ['blocking-lock', 'long-scan'],
  'adding-field-with-default': ['rewrite', 'blocking-lock'],
  'changing-column-type': ['rewrite', 'blocking-lock'],
  'adding-serial-primary-key-field': ['rewrite', 'blocking-lock'],
  'disallowed-unique-constraint': ['blocking-lock'],
  'ban-drop-column': ['data-loss'],
  'ban-drop-table': ['data-loss'],
  'ban-truncate-cascade': ['data-loss'],
  'ban-drop-database': ['data-loss']
}
/** Rules about backwards compatibility or correctness rather than cost: neither hazard nor style. */
const SQUAWK_COMPAT = new Set([
  'renaming-column',
  'renaming-table',
  'adding-required-field',
  'ban-concurrent-index-creation-in-transaction',
  'ban-drop-not-null'
])

const BASE_SQL = `
CREATE TYPE "Status" AS ENUM ('ACTIVE', 'INACTIVE', 'ARCHIVED');
CREATE TABLE "accounts" (
  "id" SERIAL NOT NULL, "email" TEXT NOT NULL, "name" VARCHAR(100) NOT NULL,
  "score" INTEGER NOT NULL DEFAULT 0, "note" TEXT, "status" "Status" NOT NULL DEFAULT 'ACTIVE',
  "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, "price" DECIMAL(12,2) NOT NULL DEFAULT 0,
  CONSTRAINT "accounts_pkey" PRIMARY KEY ("id"));
CREATE INDEX "accounts_created_at_idx" ON "accounts"("created_at");
CREATE TABLE "orders" (
  "id" SERIAL NOT NULL, "account_id" INTEGER NOT NULL, "total" INTEGER NOT NULL, "memo" TEXT,
  "code" VARCHAR(40) NOT NULL, "placed_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "amount" DECIMAL(12,2) NOT NULL DEFAULT 0,
  CONSTRAINT "orders_pkey" PRIMARY KEY ("id"));
CREATE INDEX "orders_placed_at_idx" ON "orders"("placed_at");`

/** Values the filler leaves alone: no NULL in the nullable text columns, fractions in the decimals. */
const SETUP_DATA = `
UPDATE "accounts" SET "note" = 'n' || "id", "price" = "id" * 1.25;
UPDATE "orders" SET "memo" = 'm' || "id", "amount" = "id" * 0.75, "account_id" = 1 + ("id" % 100)`

interface TableSpec {
  name: string
  text: string
  varchar: string
  int: string
  nullable: string
  ts: string
  decimal: string
  index: string
}
const TABLES: TableSpec[] = [
  {
    name: 'accounts',
    text: 'email',
    varchar: 'name',
    int: 'score',
    nullable: 'note',
    ts: 'created_at',
    decimal: 'price',
    index: 'accounts_created_at_idx'
  },
  {
    name: 'orders',
    text: 'memo',
    varchar: 'code',
    int: 'total',
    nullable: 'memo',
    ts: 'placed_at',
    decimal: 'amount',
    index: 'orders_placed_at_idx'
  }
]

interface Case {
  name: string
  sql: string
}

/** Statement templates on one table; `t` is the table the statements act on. */
function templates(s: TableSpec, t: string): Case[] {
  const T = `"${t}"`
  const c = (name: string, sql: string): Case => ({ name: `${name} (${t})`, sql })
  return [
    c('create index', `CREATE INDEX "${t}_x_idx" ON ${T}("${s.text}");`),
    c('create unique index', `CREATE UNIQUE INDEX "${t}_x_key" ON ${T}("id", "${s.text}");`),
    c('add nullable column', `ALTER TABLE ${T} ADD COLUMN "extra" TEXT;`),
    c('add column default 0', `ALTER TABLE ${T} ADD COLUMN "n" INTEGER NOT NULL DEFAULT 0;`),
    c('add column default false', `ALTER TABLE ${T} ADD COLUMN "flag" BOOLEAN NOT NULL DEFAULT false;`),
    c(
      'add column default now()',
      `ALTER TABLE ${T} ADD COLUMN "seen_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;`
    ),
    c(
      'add column volatile default',
      `ALTER TABLE ${T} ADD COLUMN "token" UUID NOT NULL DEFAULT gen_random_uuid();`
    ),
    c('add serial column', `ALTER TABLE ${T} ADD COLUMN "seq" SERIAL;`),
    c(
      'add generated column',
      `ALTER TABLE ${T} ADD COLUMN "twice" INTEGER GENERATED ALWAYS AS ("${s.int}" * 2) STORED;`
    ),
    c('int to bigint', `ALTER TABLE ${T} ALTER COLUMN "${s.int}" SET DATA TYPE BIGINT;`),
    c('text to varchar', `ALTER TABLE ${T} ALTER COLUMN "${s.text}" SET DATA TYPE VARCHAR(500);`),
    c('widen varchar', `ALTER TABLE ${T} ALTER COLUMN "${s.varchar}" SET DATA TYPE VARCHAR(300);`),
    c('varchar to text', `ALTER TABLE ${T} ALTER COLUMN "${s.varchar}" SET DATA TYPE TEXT;`),
    c('timestamp to timestamptz', `ALTER TABLE ${T} ALTER COLUMN "${s.ts}" SET DATA TYPE TIMESTAMPTZ(3);`),
    c('narrow decimal', `ALTER TABLE ${T} ALTER COLUMN "${s.decimal}" SET DATA TYPE DECIMAL(10,0);`),
    c('set not null', `ALTER TABLE ${T} ALTER COLUMN "${s.nullable}" SET NOT NULL;`),
    c(
      'set not null after a validated check, one migration',
      `ALTER TABLE ${T} ADD CONSTRAINT "${t}_nn" CHECK ("${s.nullable}" IS NOT NULL) NOT VALID;\nALTER TABLE ${T} VALIDATE CONSTRAINT "${t}_nn";\nALTER TABLE ${T} ALTER COLUMN "${s.nullable}" SET NOT NULL;`
    ),
    c('add check', `ALTER TABLE ${T} ADD CONSTRAINT "${t}_int_check" CHECK ("${s.int}" >= 0);`),
    c(
      'add check not valid',
      `ALTER TABLE ${T} ADD CONSTRAINT "${t}_int_check" CHECK ("${s.int}" >= 0) NOT VALID;`
    ),
    c(
      'add check not valid + validate, one migration',
      `ALTER TABLE ${T} ADD CONSTRAINT "${t}_int_check" CHECK ("${s.int}" >= 0) NOT VALID;\nALTER TABLE ${T} VALIDATE CONSTRAINT "${t}_int_check";`
    ),
    c(
      'add unique constraint',
      `ALTER TABLE ${T} ADD CONSTRAINT "${t}_id_text_key" UNIQUE ("id", "${s.text}");`
    ),
    c('drop column with values', `ALTER TABLE ${T} DROP COLUMN "${s.nullable}";`),
    c(
      'drop a column added in the same migration',
      `ALTER TABLE ${T} ADD COLUMN "tmp" TEXT;\nALTER TABLE ${T} DROP COLUMN "tmp";`
    ),
    c('rename column', `ALTER TABLE ${T} RENAME COLUMN "${s.nullable}" TO "${s.nullable}_old";`),
    c('set default', `ALTER TABLE ${T} ALTER COLUMN "${s.int}" SET DEFAULT 7;`),
    c('drop not null', `ALTER TABLE ${T} ALTER COLUMN "${s.text}" DROP NOT NULL;`),
    c('set unlogged', `ALTER TABLE ${T} SET UNLOGGED;`),
    c('backfill update', `UPDATE ${T} SET "${s.nullable}" = 'x';`)
  ]
}

function corpus(): Case[] {
  const cases: Case[] = []
  for (const s of TABLES) {
    cases.push(...templates(s, s.name))
    cases.push({
      name: `create index concurrently (${s.name})`,
      sql: `CREATE INDEX CONCURRENTLY "${s.name}_c_idx" ON "${s.name}"("${s.text}");`
    })
    cases.push({ name: `drop index (${s.name})`, sql: `DROP INDEX "${s.index}";` })
    cases.push({ name: `rename table (${s.name})`, sql: `ALTER TABLE "${s.name}" RENAME TO "${s.name}_v2";` })
    cases.push({ name: `drop table (${s.name})`, sql: `DROP TABLE "${s.name}";` })
    // The same statements on a table the migration itself creates: they block nobody.
    const copy = `${s.name}_new`
    const create = `CREATE TABLE "${copy}" (LIKE "${s.name}" INCLUDING DEFAULTS);\n`
    for (const t of templates(s, copy).filter((t) =>
      /create index|int to bigint|set not null$|add check \(|add unique|drop column with/.test(t.name)
    ))
      cases.push({ name: `${t.name}, new table`, sql: create + t.sql })
  }
  cases.push({
    name: 'add foreign key (orders)',
    sql: 'ALTER TABLE "orders" ADD CONSTRAINT "orders_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;'
  })
  cases.push({
    name: 'add foreign key not valid (orders)',
    sql: 'ALTER TABLE "orders" ADD CONSTRAINT "orders_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") NOT VALID;'
  })
  cases.push({
    name: 'add foreign key not valid + validate, one migration (orders)',
    sql: 'ALTER TABLE "orders" ADD CONSTRAINT "orders_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") NOT VALID;\nALTER TABLE "orders" VALIDATE CONSTRAINT "orders_account_id_fkey";'
  })
  cases.push({ name: 'add enum value', sql: `ALTER TYPE "Status" ADD VALUE 'SUSPENDED';` })
  cases.push(...historyShaped())
  return cases
}

/**
 * Migrations shaped like the history of real projects (written here from
 * what their migrations do, not copied): explicit transactions with SET
 * LOCAL, several statements on one table, tables the same pull request
 * creates, plain DROP INDEX, backfill UPDATEs, DO blocks, Prisma's own enum
 * change inside BEGIN … COMMIT.
 */
function historyShaped(): Case[] {
  const c = (name: string, sql: string): Case => ({ name: `history: ${name}`, sql })
  return [
    c(
      'explicit transaction, lock_timeout, column and index churn on one table',
      `BEGIN;\nSET LOCAL lock_timeout = '5s';\nALTER TABLE "accounts" ADD COLUMN "nickname" TEXT;\nCREATE INDEX "accounts_nickname_idx" ON "accounts"("nickname");\nDROP INDEX "accounts_created_at_idx";\nCREATE INDEX "accounts_created_at_idx" ON "accounts"("created_at" DESC);\nCOMMIT;`
    ),
    c(
      'add column, backfill, set not null',
      `ALTER TABLE "orders" ADD COLUMN "currency" TEXT;\nUPDATE "orders" SET "currency" = 'EUR' WHERE "currency" IS NULL;\nALTER TABLE "orders" ALTER COLUMN "currency" SET NOT NULL;`
    ),
    c(
      'backfill from another table',
      `ALTER TABLE "orders" ADD COLUMN "account_email" TEXT;\nUPDATE "orders" o SET "account_email" = a."email" FROM "accounts" a WHERE a."id" = o."account_id";`
    ),
    c(
      'DO block guarding a type, then a column of it',
      `DO $$ BEGIN\n  CREATE TYPE "Tier" AS ENUM ('FREE', 'PRO');\nEXCEPTION WHEN duplicate_object THEN NULL;\nEND $$;\nALTER TABLE "accounts" ADD COLUMN "tier" "Tier" NOT NULL DEFAULT 'FREE';`
    ),
    c(
      'DO block that backfills in a loop',
      `DO $$\nDECLARE r RECORD;\nBEGIN\n  FOR r IN SELECT "id" FROM "accounts" WHERE "note" IS NOT NULL LOOP\n    UPDATE "accounts" SET "score" = "score" + 1 WHERE "id" = r."id";\n  END LOOP;\nEND $$;`
    ),
    c(
      'new table with index and foreign key to a populated table',
      `CREATE TABLE "invoices" ("id" SERIAL NOT NULL, "order_id" INTEGER NOT NULL, "total" INTEGER NOT NULL, CONSTRAINT "invoices_pkey" PRIMARY KEY ("id"));\nCREATE INDEX "invoices_order_id_idx" ON "invoices"("order_id");\nALTER TABLE "invoices" ADD CONSTRAINT "invoices_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE RESTRICT ON UPDATE CASCADE;`
    ),
    c(
      "Prisma's enum change in BEGIN … COMMIT",
      `BEGIN;\nCREATE TYPE "Status_new" AS ENUM ('ACTIVE', 'INACTIVE');\nALTER TABLE "accounts" ALTER COLUMN "status" DROP DEFAULT;\nALTER TABLE "accounts" ALTER COLUMN "status" TYPE "Status_new" USING ("status"::text::"Status_new");\nALTER TYPE "Status" RENAME TO "Status_old";\nALTER TYPE "Status_new" RENAME TO "Status";\nDROP TYPE "Status_old";\nALTER TABLE "accounts" ALTER COLUMN "status" SET DEFAULT 'ACTIVE';\nCOMMIT;`
    ),
    c(
      'explicit transaction: drop a column, rename another',
      `BEGIN;\nALTER TABLE "orders" DROP COLUMN "memo";\nALTER TABLE "orders" RENAME COLUMN "code" TO "reference";\nCOMMIT;`
    ),
    c(
      'two plain DROP INDEX and a unique index in one file',
      `DROP INDEX "orders_placed_at_idx";\nDROP INDEX "accounts_created_at_idx";\nCREATE UNIQUE INDEX "orders_code_key" ON "orders"("id", "code");`
    ),
    c(
      'lock_timeout then a foreign key and its index',
      `SET lock_timeout = '3s';\nCREATE INDEX "orders_account_id_idx" ON "orders"("account_id");\nALTER TABLE "orders" ADD CONSTRAINT "orders_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;`
    ),
    c(
      'explicit transaction with a check added NOT VALID and validated',
      `BEGIN;\nALTER TABLE "orders" ADD CONSTRAINT "orders_total_check" CHECK ("total" >= 0) NOT VALID;\nALTER TABLE "orders" VALIDATE CONSTRAINT "orders_total_check";\nCOMMIT;`
    ),
    c(
      'new table filled from a populated one',
      `CREATE TABLE "account_stats" ("account_id" INTEGER NOT NULL, "orders" INTEGER NOT NULL, CONSTRAINT "account_stats_pkey" PRIMARY KEY ("account_id"));\nINSERT INTO "account_stats" ("account_id", "orders") SELECT "account_id", count(*) FROM "orders" GROUP BY "account_id";`
    )
  ]
}

// ---------------------------------------------------------------- ground truth

interface Truth {
  classes: Set<Class>
  bigMs: number
  emptyMs: number
}

/** Runs the statements inside the caller's transaction: the file's own BEGIN/COMMIT are that transaction. */
async function runStatements(client: pg.Client, sql: string): Promise<number> {
  const started = performance.now()
  for (const s of parseSqlScript(sql).statements)
    if (!(s.node && 'TransactionStmt' in s.node)) await client.query(s.text)
  return performance.now() - started
}

/** Time of the migration in a rolled-back transaction (or as it is, when it cannot run in one), best of `runs`. */
async function timed(client: pg.Client, sql: string, undo: string | undefined, runs = 3): Promise<number> {
  let best = Infinity
  for (let i = 0; i < runs; i++) {
    if (undo !== undefined) {
      best = Math.min(best, await runStatements(client, sql))
      await client.query(undo)
    } else {
      await client.query('BEGIN')
      best = Math.min(best, await runStatements(client, sql))
      await client.query('ROLLBACK')
    }
  }
  return best
}

type Fingerprint = Map<string, { values: number; hash: string; type: string }>

/**
 * Per table OID and attribute number: how many values, and a hash of them as
 * text in id order; a column whose type is not the one in `types` is cast
 * back to it first.
 */
async function fingerprints(client: pg.Client, types?: Fingerprint): Promise<Fingerprint> {
  const { rows: cols } = await client.query<{
    oid: number
    rel: string
    attnum: number
    att: string
    type: string
  }>(
    `SELECT c.oid, c.relname AS rel, a.attnum, a.attname AS att, format_type(a.atttypid, a.atttypmod) AS type
       FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
      WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
        AND EXISTS (SELECT 1 FROM pg_attribute k WHERE k.attrelid = c.oid AND k.attname = 'id' AND NOT k.attisdropped)`
  )
  const byTable = new Map<number, typeof cols>()
  for (const c of cols) byTable.set(c.oid, [...(byTable.get(c.oid) ?? []), c])
  const result: Fingerprint = new Map()
  for (const [oid, list] of byTable) {
    const q = (n: string) => `"${n.replaceAll('"', '""')}"`
    const exprs = list.map((c, i) => {
      const old = types?.get(`${oid}:${c.attnum}`)?.type
      const value = old && old !== c.type ? `(${q(c.att)}::${old})` : q(c.att)
      return `count(${q(c.att)}) AS v${i}, md5(coalesce(string_agg(${value}::text, ',' ORDER BY "id"), '')) AS h${i}`
    })
    const { rows } = await client.query(`SELECT ${exprs.join(', ')} FROM ${q(list[0]!.rel)}`)
    list.forEach((c, i) =>
      result.set(`${oid}:${c.attnum}`, {
        values: Number(rows[0][`v${i}`]),
        hash: rows[0][`h${i}`],
        type: c.type
      })
    )
  }
  return result
}

async function filenodes(client: pg.Client): Promise<Map<number, number>> {
  const { rows } = await client.query<{ oid: number; filenode: number }>(
    `SELECT oid, relfilenode AS filenode FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'`
  )
  return new Map(rows.map((r) => [r.oid, r.filenode]))
}

/** The indexes of the tables: a new one (not a net count, which a DROP INDEX in the same file lowers) is a build. */
async function indexIds(client: pg.Client, tables: number[]): Promise<Set<number>> {
  const { rows } = await client.query<{ id: number }>(
    `SELECT indexrelid::int AS id FROM pg_index WHERE indrelid = ANY($1)`,
    [tables]
  )
  return new Set(rows.map((r) => r.id))
}

/** Can a second session write to (and read) each pre-existing table while the migration's transaction is open? */
async function writesBlocked(probe: pg.Client, tables: string[]): Promise<boolean> {
  let blocked = false
  for (const t of tables) {
    try {
      await probe.query(`UPDATE "${t}" SET "id" = "id" WHERE false`)
    } catch (error) {
      if ((error as { code?: string }).code === '55P03') blocked = true
      else if ((error as { code?: string }).code !== '42P01') throw error
    }
  }
  return blocked
}

async function groundTruth(
  big: pg.Client,
  empty: pg.Client,
  probe: pg.Client,
  c: Case,
  undo: string | undefined
): Promise<Truth> {
  let bigMs = await timed(big, c.sql, undo)
  let emptyMs = await timed(empty, c.sql, undo)
  const growing = () => bigMs - emptyMs > 2 && bigMs > 4 * emptyMs
  // Other work on the machine can slow one side: a short positive is measured again before it counts.
  if (growing() && bigMs < 20) {
    bigMs = Math.min(bigMs, await timed(big, c.sql, undo, 5))
    emptyMs = Math.min(emptyMs, await timed(empty, c.sql, undo, 5))
  }
  const grows = growing()
  const classes = new Set<Class>()
  const nodes = await filenodes(big)
  const oids = [...nodes.keys()]
  const prints = await fingerprints(big)
  const indexes = await indexIds(big, oids)
  const tables = (
    await big.query<{ relname: string }>(`SELECT relname FROM pg_class WHERE oid = ANY($1)`, [oids])
  ).rows.map((r) => r.relname)
  const transactional = undo === undefined
  if (transactional) await big.query('BEGIN')
  await runStatements(big, c.sql)
  const after = await filenodes(big)
  if ([...nodes].some(([oid, node]) => after.has(oid) && after.get(oid) !== node)) classes.add('rewrite')
  const afterPrints = await fingerprints(big, prints)
  for (const [k, v] of prints) {
    const now = afterPrints.get(k)
    if (v.values > 0 && (!now || now.hash !== v.hash)) classes.add('data-loss')
  }
  const built = [...(await indexIds(big, oids))].some((id) => !indexes.has(id))
  const blocked = transactional ? await writesBlocked(probe, tables) : false
  if (transactional) await big.query('ROLLBACK')
  else if (undo) await big.query(undo)
  if (blocked && grows) classes.add('blocking-lock')
  if (blocked && grows && !classes.has('rewrite') && !built) classes.add('long-scan')
  return { classes, bigMs, emptyMs }
}

// ---------------------------------------------------------------- the tools

async function reviewFlags(big: pg.Client, c: Case, rows: Map<string, number>): Promise<Set<Class>> {
  const reviewer = new MigrationReviewer({
    schemas: ['public'],
    repoRoot: work,
    engine: 'transaction',
    safety: 'warn'
  })
  const snapshot = await snapshotCatalog(big, ['public'])
  await reviewer.filled(big, snapshot, {
    tables: [...rows].map(([table, n]) => ({ schema: 'public', table, rows: n })),
    rowCount: 0,
    tableCount: rows.size
  })
  const migration = { name: 'case', sqlPath: path.join(work, 'case', 'migration.sql'), sql: c.sql }
  await reviewer.beforeMigration(big, migration)
  await reviewer.afterMigration(big, migration)
  const flags = new Set<Class>()
  for (const m of reviewer.result().migrations)
    for (const s of m.statements)
      for (const h of s.hazards) if ((CLASSES as readonly HazardClass[]).includes(h)) flags.add(h as Class)
  return flags
}

function squawkFlags(
  c: Case,
  index: number
): { flags: Set<Class>; style: number; compat: number; rules: string[] } {
  const file = path.join(work, `case-${index}.sql`)
  writeFileSync(file, c.sql + '\n')
  const out = spawnSync(squawk, ['--reporter', 'json', '--pg-version', '17', file], { encoding: 'utf8' })
  const start = out.stdout.indexOf('[')
  const violations = start >= 0 ? (JSON.parse(out.stdout.slice(start)) as { rule_name: string }[]) : []
  const flags = new Set<Class>()
  let style = 0
  let compat = 0
  for (const v of violations) {
    const classes = SQUAWK_CLASSES[v.rule_name]
    if (classes) for (const k of classes) flags.add(k)
    else if (SQUAWK_COMPAT.has(v.rule_name)) compat++
    else style++
  }
  return { flags, style, compat, rules: [...new Set(violations.map((v) => v.rule_name))] }
}

// ---------------------------------------------------------------- main

const say = (line: string): void => void process.stderr.write(line + '\n')
const print = (line = ''): void => void process.stdout.write(line + '\n')

async function main(): Promise<void> {
  ensureSquawk()
  await loadSqlParser()
  mkdirSync(work, { recursive: true })
  const server = await startEmbeddedPostgres()
  const admin = new pg.Client({ connectionString: server.url })
  const clients: pg.Client[] = []
  try {
    await admin.connect()
    const url = (db: string) => Object.assign(new URL(server.url), { pathname: `/${db}` }).toString()
    for (const db of ['sq_template', 'sq_empty']) await admin.query(`CREATE DATABASE ${db}`)
    const connect = async (db: string, name: string) => {
      const client = new pg.Client({ connectionString: url(db), application_name: name })
      await client.connect()
      clients.push(client)
      return client
    }
    // The populated database is made once as a template: the ground truth runs on a copy, and
    // every review on a fresh copy of its own, so that nothing a tool does to one case (a review
    // that commits a file's own COMMIT) reaches the next.
    const template = await connect('sq_template', 'bench-template')
    const empty = await connect('sq_empty', 'bench-empty')
    for (const client of [template, empty]) await client.query(BASE_SQL)
    say(`Filling 2 tables with ${ROWS.toLocaleString('en-US')} rows each…`)
    const fill = await fillTables(template, await snapshotCatalog(template, ['public']), {
      rowsPerTable: ROWS
    })
    await template.query(SETUP_DATA)
    await template.query('VACUUM ANALYZE')
    await template.end()
    await admin.query('CREATE DATABASE sq_big TEMPLATE sq_template')
    const big = await connect('sq_big', 'bench-big')
    const probe = await connect('sq_big', 'bench-probe')
    await probe.query(`SET lock_timeout = '200ms'`)
    const reviewOnCopy = async (c: Case, rows: Map<string, number>): Promise<Set<Class>> => {
      await admin.query('DROP DATABASE IF EXISTS sq_review')
      await admin.query('CREATE DATABASE sq_review TEMPLATE sq_template')
      const client = new pg.Client({ connectionString: url('sq_review'), application_name: 'bench-review' })
      await client.connect()
      try {
        return await reviewFlags(client, c, rows)
      } finally {
        await client.end()
      }
    }
    const rows = new Map(fill.tables.map((t) => [t.table, t.rows]))

    const cases = corpus()
    const tally = {
      review: Object.fromEntries(CLASSES.map((k) => [k, { tp: 0, fp: 0, fn: 0 }])),
      squawk: Object.fromEntries(CLASSES.map((k) => [k, { tp: 0, fp: 0, fn: 0 }]))
    } as Record<'review' | 'squawk', Record<Class, { tp: number; fp: number; fn: number }>>
    const positives = Object.fromEntries(CLASSES.map((k) => [k, 0])) as Record<Class, number>
    let style = 0
    let compat = 0
    const detail: string[] = []
    for (const [i, c] of cases.entries()) {
      const concurrently = splitSqlStatements(c.sql).some((s) => refusesTransaction(s.text))
      const undo = concurrently
        ? c.sql.replace(/CREATE INDEX CONCURRENTLY ("[^"]+").*/s, 'DROP INDEX $1')
        : undefined
      const truth = await groundTruth(big, empty, probe, c, undo)
      const ours = concurrently ? new Set<Class>() : await reviewOnCopy(c, rows)
      const theirs = squawkFlags(c, i)
      style += theirs.style
      compat += theirs.compat
      for (const k of CLASSES) {
        if (truth.classes.has(k)) positives[k]++
        for (const [tool, flags] of [
          ['review', ours],
          ['squawk', theirs.flags]
        ] as const) {
          const t = tally[tool][k]
          if (flags.has(k) && truth.classes.has(k)) t.tp++
          else if (flags.has(k)) t.fp++
          else if (truth.classes.has(k)) t.fn++
        }
      }
      const list = (s: Set<Class>) => [...s].sort().join(',') || '-'
      detail.push(
        `| ${c.name} | ${truth.bigMs.toFixed(1)} / ${truth.emptyMs.toFixed(1)} | ${list(truth.classes)} | ${list(ours)} | ${list(theirs.flags)} | ${theirs.rules.join(', ') || '-'} |`
      )
      say(
        `  ${i + 1}/${cases.length} ${c.name}: truth ${list(truth.classes)}; review ${list(ours)}; squawk ${list(theirs.flags)}`
      )
    }
    const pct = (x: number, y: number) => (y === 0 ? 'n/a' : `${Math.round((100 * x) / y)}%`)
    print(
      `Migration review vs Squawk ${spawnSync(squawk, ['--version'], { encoding: 'utf8' }).stdout.trim()}: ${cases.length} generated migrations, ground truth measured on PostgreSQL with ${ROWS.toLocaleString('en-US')} rows a table`
    )
    print()
    print(
      '| Hazard class | Cases (truth) | Review precision | Review recall | Squawk precision | Squawk recall | Review false alarms | Squawk false alarms |'
    )
    print('|---|--:|--:|--:|--:|--:|--:|--:|')
    for (const k of CLASSES) {
      const r = tally.review[k]
      const s = tally.squawk[k]
      print(
        `| ${k} | ${positives[k]} | ${pct(r.tp, r.tp + r.fp)} | ${pct(r.tp, positives[k])} | ${pct(s.tp, s.tp + s.fp)} | ${pct(s.tp, positives[k])} | ${r.fp} | ${s.fp} |`
      )
    }
    print()
    print(
      `Squawk's rules that claim no hazard class, counted apart: ${style} style warnings (prefer-robust-stmts, require-lock-timeout, require-statement-timeout, prefer-bigint-over-int…) and ${compat} compatibility/correctness warnings (renaming-column, adding-required-field…).`
    )
    print()
    print('| Migration | ms at rows / empty | Truth | Review | Squawk | Squawk rules |')
    print('|---|--:|---|---|---|---|')
    for (const line of detail) print(line)
  } finally {
    for (const client of clients) await client.end().catch(() => {})
    await admin.end().catch(() => {})
    await server.stop()
    rmSync(work, { recursive: true, force: true })
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  process.exitCode = 1
})

/**
 * Drift between a database built from Prisma's SQL for a schema and one built
 * by (hand-edited) migrations, on a real PostgreSQL; and for every case, the
 * fix migration applied to the migrated database leaves no drift.
 */
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { drift, edit, fixture, repoRoot, runDrift, summary, type DriftRun } from './harness.js'

const base = fixture('base.sql')
const migrationsDir = path.join(repoRoot, 'prisma/migrations')
const sampleMigrations = readdirSync(migrationsDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort()
  .map((name) => readFileSync(path.join(migrationsDir, name, 'migration.sql'), 'utf8'))

/** The fix migration made the migrated database match. */
function expectRoundTrip(run: DriftRun): void {
  expect(drift(run.afterFix)).toEqual([])
}

describe('compareCatalogs on real databases', () => {
  test('the complete sample project is in sync: no error, warning or notice', async () => {
    const run = await runDrift(fixture('sample.sql'), sampleMigrations)
    expect(drift(run.items)).toEqual([])
    expect(run.fixSql).toBe('')
  })

  test("the design doc's drift: five columns, seven tables, three enums and their indexes and foreign keys", async () => {
    const run = await runDrift(fixture('sample.sql'), sampleMigrations[0]!)
    const errors = run.items.filter((i) => i.severity === 'error')
    expect(errors).toHaveLength(run.items.length)
    const objects = (kind: string) =>
      errors
        .filter((i) => i.kind === kind)
        .map((i) => i.object)
        .sort()
    expect(errors.every((i) => i.change === 'missing')).toBe(true)
    expect(objects('column')).toEqual([
      'users.email_verified',
      'users.last_login_at',
      'users.profile_picture',
      'users.two_factor_enabled',
      'users.two_factor_secret'
    ])
    expect(objects('table')).toEqual(
      [
        'audit_logs',
        'backup_codes',
        'email_logs',
        'notifications',
        'password_reset_tokens',
        'sessions',
        'user_preferences'
      ].sort()
    )
    expect(objects('enum')).toEqual(['EmailStatus', 'NotificationType', 'Theme'])
    expect(objects('foreignKey')).toHaveLength(7)
    expect(objects('unique')).toEqual([
      'password_reset_tokens_token_hash_key',
      'sessions_token_key',
      'user_preferences_user_id_key'
    ])
    expect(objects('index')).toHaveLength(10)
    expect(errors).toHaveLength(5 + 7 + 3 + 7 + 3 + 10)

    const column = errors.find((i) => i.object === 'users.profile_picture')!
    expect(column.target).toEqual({ schema: 'public', table: 'users', column: 'profile_picture' })
    expect(column.fixSql).toBe(
      'ALTER TABLE "public"."users" ADD COLUMN "profile_picture" character varying(500);'
    )
    const fk = errors.find((i) => i.object === 'sessions_user_id_fkey')!
    expect(fk.target).toMatchObject({ table: 'sessions', columns: ['user_id'], referencedTable: 'users' })
    const table = errors.find((i) => i.object === 'sessions')!
    expect(table.fixSql).toContain('CREATE TABLE "public"."sessions" (')
    expect(table.fixSql).toContain('CONSTRAINT "sessions_pkey" PRIMARY KEY ("id")')

    expect(run.fixSql.indexOf('-- CreateEnum')).toBeLessThan(run.fixSql.indexOf('-- CreateTable'))
    expect(run.fixSql.indexOf('-- CreateTable')).toBeLessThan(run.fixSql.indexOf('-- CreateIndex'))
    expect(run.fixSql.indexOf('-- CreateIndex')).toBeLessThan(run.fixSql.indexOf('-- AddForeignKey'))
    expectRoundTrip(run)
  })

  test('a column whose type, nullability and default differ', async () => {
    const run = await runDrift(
      base,
      edit(base, `"nickname" VARCHAR(40) NOT NULL DEFAULT 'anon'`, `"nickname" TEXT DEFAULT 'someone'`)
    )
    expect(summary(drift(run.items))).toEqual(['column different accounts.nickname error'])
    const [item] = drift(run.items)
    expect(item!.aspects).toEqual(['type', 'nullability', 'default'])
    expect(item!.expected).toBe(`character varying(40) NOT NULL DEFAULT 'anon'::character varying`)
    expect(item!.actual).toBe(`text NULL DEFAULT 'someone'::text`)
    expect(item!.fixSql).toContain('SET DATA TYPE character varying(40)')
    expectRoundTrip(run)
  })

  test('a missing column, with its fix from the expected definition', async () => {
    const run = await runDrift(base, edit(base, `    "settings" JSONB NOT NULL DEFAULT '{}',\n`, ''))
    expect(summary(drift(run.items))).toEqual(['column missing accounts.settings error'])
    expect(drift(run.items)[0]!.fixSql).toBe(
      `ALTER TABLE "public"."accounts" ADD COLUMN "settings" jsonb NOT NULL DEFAULT '{}'::jsonb;`
    )
    expectRoundTrip(run)
  })

  test('a missing index', async () => {
    const sql = edit(
      base,
      'CREATE INDEX "posts_author_id_published_idx" ON "posts"("author_id", "published");',
      ''
    )
    const run = await runDrift(base, sql)
    expect(summary(drift(run.items))).toEqual(['index missing posts_author_id_published_idx error'])
    expect(drift(run.items)[0]!.target).toEqual({
      schema: 'public',
      table: 'posts',
      constraint: 'posts_author_id_published_idx',
      columns: ['author_id', 'published']
    })
    expectRoundTrip(run)
  })

  test('a missing unique index', async () => {
    const run = await runDrift(
      base,
      edit(base, 'CREATE UNIQUE INDEX "accounts_email_key" ON "accounts"("email");', '')
    )
    expect(summary(drift(run.items))).toEqual(['unique missing accounts_email_key error'])
    expectRoundTrip(run)
  })

  test('a foreign key whose ON DELETE differs', async () => {
    const run = await runDrift(
      base,
      edit(base, 'ON DELETE CASCADE ON UPDATE CASCADE', 'ON DELETE RESTRICT ON UPDATE CASCADE')
    )
    expect(summary(drift(run.items))).toEqual(['foreignKey different posts_author_id_fkey error'])
    const [item] = drift(run.items)
    expect(item!.aspects).toEqual(['ON DELETE'])
    expect(item!.target.referencedTable).toBe('accounts')
    expect(run.fixSql.indexOf('-- DropForeignKey')).toBeLessThan(run.fixSql.indexOf('-- AddForeignKey'))
    expectRoundTrip(run)
  })

  test('a missing enum value, added with ALTER TYPE … ADD VALUE', async () => {
    const run = await runDrift(base, edit(base, `('LIGHT', 'DARK', 'SYSTEM')`, `('LIGHT', 'SYSTEM')`))
    expect(summary(drift(run.items))).toEqual(['enumValue missing Theme.DARK error'])
    expect(drift(run.items)[0]!.fixSql).toBe(`ALTER TYPE "public"."Theme" ADD VALUE 'DARK';`)
    expect(run.fixSql).toContain('cannot use an enum value in the transaction that adds it')
    expectRoundTrip(run)
  })

  test('enum values in another order are not drift', async () => {
    const run = await runDrift(base, edit(base, `('LIGHT', 'DARK', 'SYSTEM')`, `('SYSTEM', 'DARK', 'LIGHT')`))
    expect(run.items).toEqual([])
  })

  test('defaults spelled differently but meaning the same are not drift', async () => {
    let sql = edit(base, `DEFAULT ARRAY[]::TEXT[]`, `DEFAULT '{}'::text[]`)
    sql = edit(sql, `DEFAULT 'anon',`, `DEFAULT 'anon'::text,`)
    sql = edit(sql, `DEFAULT 1.5,`, `DEFAULT 1.50,`)
    sql = edit(sql, `JSONB NOT NULL DEFAULT '{}'`, `JSONB NOT NULL DEFAULT '{ }'::jsonb`)
    sql = edit(
      sql,
      `"created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP`,
      `"created_at" TIMESTAMP(3) NOT NULL DEFAULT now()`
    )
    sql = edit(sql, `NOT NULL DEFAULT 'SYSTEM'`, `NOT NULL DEFAULT 'SYSTEM'::"Theme"`)
    const run = await runDrift(base, sql)
    expect(run.items).toEqual([])
  })

  test('a unique constraint and a unique index over the same columns are the same thing', async () => {
    const sql = edit(
      base,
      'CREATE UNIQUE INDEX "accounts_email_key" ON "accounts"("email");',
      'ALTER TABLE "accounts" ADD CONSTRAINT "accounts_email_key" UNIQUE ("email");'
    )
    const run = await runDrift(base, sql)
    expect(run.items).toEqual([])
  })

  test('an identity column where Prisma writes SERIAL is the same autoincrement', async () => {
    const run = await runDrift(
      base,
      edit(base, `"id" SERIAL NOT NULL`, `"id" INTEGER GENERATED BY DEFAULT AS IDENTITY`)
    )
    expect(drift(run.items)).toEqual([])
  })

  test('an index whose columns and uniqueness differ, and a text column where the schema has an enum', async () => {
    let sql = edit(
      base,
      'CREATE INDEX "posts_author_id_published_idx" ON "posts"("author_id", "published");',
      'CREATE UNIQUE INDEX "posts_author_id_published_idx" ON "posts"("author_id");'
    )
    sql = edit(sql, `"theme" "Theme" NOT NULL DEFAULT 'SYSTEM'`, `"theme" TEXT NOT NULL DEFAULT 'SYSTEM'`)
    const run = await runDrift(base, sql)
    expect(summary(drift(run.items))).toEqual([
      'column different accounts.theme error',
      'index different posts_author_id_published_idx error'
    ])
    expect(run.items.find((i) => i.kind === 'index')!.aspects).toEqual(['columns', 'uniqueness'])
    expect(run.items.find((i) => i.kind === 'column')!.aspects).toEqual(['type'])
    expectRoundTrip(run)
  })

  test('a missing table comes with its indexes and foreign keys', async () => {
    const sql = base
      .split(/\n(?=-- )/)
      .filter((statement) => !/"posts"/.test(statement))
      .join('\n')
    const run = await runDrift(base, sql)
    expect(summary(drift(run.items))).toEqual([
      'foreignKey missing posts_author_id_fkey error',
      'index missing posts_author_id_published_idx error',
      'table missing posts error',
      'unique missing posts_title_author_id_key error'
    ])
    expectRoundTrip(run)
  })

  test('a missing enum', async () => {
    const withoutTheme = base
      .replace(`CREATE TYPE "Theme" AS ENUM ('LIGHT', 'DARK', 'SYSTEM');`, '')
      .replace(`    "theme" "Theme" NOT NULL DEFAULT 'SYSTEM',\n`, '')
    const run = await runDrift(base, withoutTheme)
    expect(summary(drift(run.items))).toEqual([
      'column missing accounts.theme error',
      'enum missing Theme error'
    ])
    expectRoundTrip(run)
  })

  test('objects only the migrations create are warnings, and their drops are flagged for review', async () => {
    let sql = edit(base, `('LIGHT', 'DARK', 'SYSTEM')`, `('LIGHT', 'DARK', 'SYSTEM', 'SEPIA')`)
    sql = edit(
      sql,
      `"published" BOOLEAN NOT NULL DEFAULT false,`,
      `"published" BOOLEAN NOT NULL DEFAULT false,\n    "legacy_slug" TEXT,`
    )
    sql += `
CREATE TABLE "legacy_audit" ("id" INTEGER PRIMARY KEY, "account_id" INTEGER REFERENCES "accounts"("id"));
CREATE INDEX "posts_legacy_slug_idx" ON "posts"("legacy_slug");
CREATE TYPE "Mood" AS ENUM ('HAPPY');
`
    const run = await runDrift(base, sql)
    expect(summary(drift(run.items))).toEqual([
      'column unexpected posts.legacy_slug warning',
      'enum unexpected Mood warning',
      'enumValue unexpected Theme.SEPIA warning',
      'index unexpected posts_legacy_slug_idx warning',
      'table unexpected legacy_audit warning'
    ])
    expect(run.fixSql).toContain('WARNING: some statements drop objects that only the migrations create')
    expect(run.fixSql).toContain('-- DropTable (only in the migrations)\nDROP TABLE "public"."legacy_audit";')
    expectRoundTrip(run)
  })

  test('an index or foreign key that differs only by name is a rename (a warning, as Prisma renames it)', async () => {
    let sql = edit(base, 'CREATE INDEX "posts_author_id_published_idx"', 'CREATE INDEX "posts_by_author"')
    sql = edit(sql, 'ADD CONSTRAINT "posts_author_id_fkey"', 'ADD CONSTRAINT "posts_author_fk"')
    sql = edit(sql, 'CONSTRAINT "accounts_pkey" PRIMARY KEY', 'CONSTRAINT "accounts_pk" PRIMARY KEY')
    const run = await runDrift(base, sql)
    expect(summary(run.items)).toEqual([
      'foreignKey different posts_author_id_fkey warning',
      'index different posts_author_id_published_idx warning',
      'primaryKey different accounts_pkey warning'
    ])
    expect(run.items.find((i) => i.kind === 'index')!.fixSql).toBe(
      'ALTER INDEX "public"."posts_by_author" RENAME TO "posts_author_id_published_idx";'
    )
    expectRoundTrip(run)
  })

  test('checks, functions, triggers, extensions, views and sequences Prisma cannot express are info only', async () => {
    const sql =
      base +
      `
CREATE EXTENSION IF NOT EXISTS pgcrypto;
ALTER TABLE "accounts" ADD CONSTRAINT "nickname_not_blank" CHECK (length("nickname") > 0);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER "accounts_touch" BEFORE UPDATE ON "accounts" FOR EACH ROW EXECUTE FUNCTION touch();
CREATE VIEW "active_accounts" AS SELECT "id", "email" FROM "accounts";
CREATE SEQUENCE "invoice_numbers";
CREATE INDEX "accounts_lower_email_idx" ON "accounts" (lower("email"));
CREATE INDEX "posts_published_idx" ON "posts" ("author_id") WHERE "published";
`
    const run = await runDrift(base, sql)
    expect(drift(run.items)).toEqual([])
    expect(summary(run.items)).toEqual([
      'check unexpected nickname_not_blank info',
      'extension unexpected pgcrypto info',
      'function unexpected touch() info',
      'index unexpected accounts_lower_email_idx info',
      'index unexpected posts_published_idx info',
      'sequence unexpected invoice_numbers info',
      'trigger unexpected accounts_touch info',
      'view unexpected active_accounts info'
    ])
    expect(run.items.every((i) => i.fixSql === undefined)).toBe(true)
    expect(run.fixSql).toBe('')
  })

  test('a non-public schema: names carry the schema, fixes are qualified', async () => {
    const expectedSql = fixture('multi-schema.sql')
    let sql = edit(expectedSql, `    "last_seen" TIMESTAMP(3),\n`, '')
    sql = edit(sql, `('USER', 'ADMIN')`, `('USER')`)
    sql = edit(sql, 'CREATE UNIQUE INDEX "users_email_key" ON "auth"."users"("email");', '')
    const run = await runDrift(expectedSql, sql, ['auth', 'public'])
    expect(summary(run.items)).toEqual([
      'column missing auth.users.last_seen error',
      'enumValue missing auth.Role.ADMIN error',
      'unique missing auth.users_email_key error'
    ])
    const column = run.items.find((i) => i.kind === 'column')!
    expect(column.target).toEqual({ schema: 'auth', table: 'users', column: 'last_seen' })
    expect(column.fixSql).toBe(
      'ALTER TABLE "auth"."users" ADD COLUMN "last_seen" timestamp(3) without time zone;'
    )
    expectRoundTrip(run)
  })
})

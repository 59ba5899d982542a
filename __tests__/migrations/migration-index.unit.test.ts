/**
 * The index of what the migrations create, read from PostgreSQL's parse
 * trees: names as PostgreSQL resolves them, schemas, renames, and migrations
 * the parser rejects in part.
 */
import { extensionsInMigrations } from '../../src/drift/expected.js'
import { MigrationIndex, type CreatedObject } from '../../src/migrations/migration-index.js'
import { findCreatingMigration, type MigrationSource } from '../../src/migrations/locate.js'

const migration = (name: string, lines: string[]): MigrationSource => ({
  name,
  path: `prisma/migrations/${name}/migration.sql`,
  sql: lines.join('\n')
})
const at = (m: MigrationSource, line: number) => ({ file: m.path, line })
const s = { schema: 'public' }
const find = (migrations: MigrationSource[], target: CreatedObject) =>
  findCreatingMigration(migrations, target)

describe('quoted, unquoted and mixed-case names', () => {
  const m = migration('1_names', [
    'CREATE TABLE Users (Id int);', // 1
    'CREATE TABLE "Posts" ("Title" text, body text);', // 2
    'CREATE TABLE "tags" (name text, value text, type text);', // 3
    'CREATE INDEX CONCURRENTLY IF NOT EXISTS "Posts_Title_idx" ON "Posts" ("Title");', // 4
    'CREATE UNIQUE INDEX tags_NAME_key ON tags (name);' // 5
  ])

  test.each([
    ['table', { ...s, table: 'users' }, 1],
    ['table', { ...s, table: 'Users' }, undefined],
    ['column', { ...s, table: 'users', column: 'id' }, 1],
    ['table', { ...s, table: 'Posts' }, 2],
    ['table', { ...s, table: 'posts' }, undefined],
    ['column', { ...s, table: 'Posts', column: 'Title' }, 2],
    ['column', { ...s, table: 'Posts', column: 'title' }, undefined],
    ['column', { ...s, table: 'tags', column: 'value' }, 3],
    ['index', { ...s, table: 'Posts', constraint: 'Posts_Title_idx' }, 4],
    ['unique', { ...s, table: 'tags', constraint: 'tags_name_key' }, 5]
  ] as const)('%s %j', (kind, target, line) => {
    expect(find([m], { kind, target: { ...target } })).toEqual(line === undefined ? undefined : at(m, line))
  })

  test('a name over 63 bytes is found as PostgreSQL truncates it', () => {
    const long = `t_${'x'.repeat(70)}`
    const m2 = migration('2_long', [`CREATE TABLE ${long} (id int);`])
    expect(find([m2], { kind: 'table', target: { ...s, table: long.slice(0, 63) } })).toEqual(at(m2, 1))
  })
})

describe('schema-qualified names', () => {
  const m = migration('1_schemas', [
    'CREATE SCHEMA "auth";', // 1
    'CREATE TABLE "auth"."users" ("id" TEXT NOT NULL);', // 2
    'CREATE TABLE "public"."users" ("id" TEXT NOT NULL, "email" TEXT);', // 3
    'CREATE TYPE "auth"."Role" AS ENUM (\'ADMIN\', \'USER\');', // 4
    'CREATE UNIQUE INDEX "users_email_key" ON "public"."users"("email");', // 5
    'CREATE TABLE plain (id int);' // 6
  ])

  test('a qualified name counts for its own schema only; an unqualified one for any', () => {
    expect(find([m], { kind: 'table', target: { schema: 'auth', table: 'users' } })).toEqual(at(m, 2))
    expect(find([m], { kind: 'table', target: { schema: 'public', table: 'users' } })).toEqual(at(m, 3))
    expect(find([m], { kind: 'column', target: { schema: 'auth', table: 'users', column: 'email' } })).toBe(
      undefined
    )
    expect(find([m], { kind: 'enum', target: { schema: 'auth', enum: 'Role' } })).toEqual(at(m, 4))
    expect(find([m], { kind: 'enum', target: { schema: 'public', enum: 'Role' } })).toBeUndefined()
    expect(
      find([m], { kind: 'unique', target: { schema: 'public', constraint: 'users_email_key' } })
    ).toEqual(at(m, 5))
    expect(find([m], { kind: 'table', target: { schema: 'other', table: 'plain' } })).toEqual(at(m, 6))
  })
})

describe('constraints, enum values and renames', () => {
  const m1 = migration('1_init', [
    'CREATE TABLE "a" (', // 1
    '  "id" SERIAL CONSTRAINT "a_pkey" PRIMARY KEY,', // 2
    '  "kind" TEXT,', // 3
    '  CONSTRAINT "kind_check" CHECK ("kind" <> \'\')', // 4
    ');', // 5
    'CREATE TABLE "b" ("id" INT, CONSTRAINT "kind_check" CHECK ("id" > 0));', // 6
    'CREATE TYPE "Mood" AS ENUM (', // 7
    "  E'it\\'s',", // 8
    "  'so''so'", // 9
    ');', // 10
    'CREATE INDEX "a_kind_idx" ON "a" ("kind");' // 11
  ])
  const m2 = migration('2_renames', [
    'ALTER TABLE "a" RENAME TO "things";', // 1
    'ALTER TABLE "things" RENAME COLUMN "kind" TO "category";', // 2
    'ALTER INDEX "a_kind_idx" RENAME TO "things_category_idx";', // 3
    'ALTER TABLE "things" RENAME CONSTRAINT "a_pkey" TO "things_pkey";', // 4
    "ALTER TYPE \"Mood\" RENAME VALUE 'so''so' TO 'meh';", // 5
    'ALTER TYPE "Mood" RENAME TO "Feeling";', // 6
    'ALTER TABLE "things" ADD COLUMN IF NOT EXISTS "note" TEXT, ADD CONSTRAINT "things_note_key" UNIQUE ("note");' // 7
  ])
  const all = [m1, m2]

  test.each([
    ['primaryKey', { ...s, table: 'a', constraint: 'a_pkey' }, at(m1, 2)],
    ['check', { ...s, table: 'a', constraint: 'kind_check' }, at(m1, 4)],
    ['check', { ...s, table: 'b', constraint: 'kind_check' }, at(m1, 6)],
    ['enumValue', { ...s, enum: 'Mood', value: "it's" }, at(m1, 8)],
    ['enumValue', { ...s, enum: 'Mood', value: "so'so" }, at(m1, 9)]
  ] as const)('%s %j, before the renames', (kind, target, expected) => {
    expect(find([m1], { kind, target: { ...target } })).toEqual(expected)
  })

  test.each([
    ['table', { ...s, table: 'things' }, at(m2, 1)],
    ['column', { ...s, table: 'things', column: 'id' }, at(m1, 2)],
    ['column', { ...s, table: 'things', column: 'category' }, at(m2, 2)],
    ['column', { ...s, table: 'things', column: 'note' }, at(m2, 7)],
    ['index', { ...s, table: 'things', constraint: 'things_category_idx' }, at(m2, 3)],
    ['primaryKey', { ...s, table: 'things', constraint: 'things_pkey' }, at(m2, 4)],
    ['check', { ...s, table: 'things', constraint: 'kind_check' }, at(m1, 4)],
    ['unique', { ...s, table: 'things', constraint: 'things_note_key' }, at(m2, 7)],
    ['enum', { ...s, enum: 'Feeling' }, at(m2, 6)],
    ['enumValue', { ...s, enum: 'Feeling', value: 'meh' }, at(m2, 5)],
    ['enumValue', { ...s, enum: 'Feeling', value: "it's" }, at(m1, 8)]
  ] as const)('%s %j, after them', (kind, target, expected) => {
    expect(find(all, { kind, target: { ...target } })).toEqual(expected)
  })
})

describe('a migration PostgreSQL rejects in part', () => {
  const m = migration('1_broken', [
    '-- Überprüfung 😀', // 1
    'CREATE TABLE "ok" ("id" INT);', // 2
    'CREATE TABLE "broken" ("id" INT,, "x" INT);', // 3
    'CREATE TABLE "after" (', // 4
    '  "id" INT', // 5
    ');' // 6
  ])

  test('what its other statements create is found; the rejected statement creates nothing', () => {
    expect(find([m], { kind: 'table', target: { ...s, table: 'ok' } })).toEqual(at(m, 2))
    expect(find([m], { kind: 'table', target: { ...s, table: 'broken' } })).toBeUndefined()
    expect(find([m], { kind: 'column', target: { ...s, table: 'after', column: 'id' } })).toEqual(at(m, 5))
  })
})

describe('the index is read once per list of migrations', () => {
  test('the same list gives the same index; a changed list is read again', () => {
    const list = [migration('1', ['CREATE TABLE t (id int);'])]
    const index = MigrationIndex.of(list)
    expect(MigrationIndex.of(list)).toBe(index)
    list.push(migration('2', ['CREATE TABLE u (id int);']))
    expect(MigrationIndex.of(list)).not.toBe(index)
    expect(MigrationIndex.of(list).find({ kind: 'table', target: { ...s, table: 'u' } })).toEqual({
      migration: 1,
      line: 1
    })
  })
})

describe('extensionsInMigrations', () => {
  test('the extensions the migrations create, with their schema; not those in comments or strings', () => {
    const migrations = [
      {
        name: '1',
        sqlPath: '1/migration.sql',
        sql: [
          '-- CREATE EXTENSION pg_trgm;',
          'CREATE EXTENSION IF NOT EXISTS "uuid-ossp" WITH SCHEMA "extensions";',
          "COMMENT ON SCHEMA public IS 'CREATE EXTENSION postgis';",
          'create extension CITEXT;'
        ].join('\n')
      },
      { name: '2', sqlPath: '2/migration.sql', sql: 'CREATE EXTENSION IF NOT EXISTS citext SCHEMA other;' }
    ]
    expect(extensionsInMigrations({ migrations })).toEqual([
      { name: 'uuid-ossp', schema: 'extensions' },
      { name: 'citext', schema: 'public' }
    ])
  })
})

import {
  appliedStatements,
  findCreatingMigration,
  locateMigrationError,
  namesInMessage,
  parseMigrateDeployFailure,
  splitSqlStatements,
  type MigrationSource
} from '../../src/migrations/locate.js'
import { fixture } from '../helpers/locate-fixtures.js'

const MIGRATION = '20250612143000_add_auth_and_user_features'

/** Real WASM-engine runs: fixture name → the failing line of its migration.sql. */
const wasmCases: [string, string, string, number][] = [
  ['unknown-type', '42704', 'ERROR: type "varchr" does not exist', 13],
  ['no-such-table', '42P01', 'No such table: user_prefs', 32],
  ['syntax-error', '42601', 'ERROR: syntax error at or near ""token""', 50],
  [
    'column-not-found',
    '42703',
    'Error accessing result set, column not found: nickname of relation users',
    18
  ],
  ['already-exists', '42710', 'ERROR: type "Theme" already exists', 18]
]

describe('parseMigrateDeployFailure + locateMigrationError, WASM engine (real output)', () => {
  test.each(wasmCases)('%s', (name, sqlState, message, line) => {
    const failure = parseMigrateDeployFailure(fixture(`deploy-wasm-${name}.txt`))
    expect(failure).toEqual({ migration: MIGRATION, message, databaseCode: sqlState, engine: 'wasm' })
    const sql = fixture(`deploy-wasm-${name}.sql`)
    const located = locateMigrationError(sql, failure)
    expect(located?.line).toBe(line)
    const statement = splitSqlStatements(sql)[located?.statementIndex ?? -1]
    expect(statement?.startLine).toBeLessThanOrEqual(line)
    expect(statement?.endLine).toBeGreaterThanOrEqual(line)
  })
})

/** Native-engine layout with PostgreSQL's real positions for the same scripts. */
const nativeCases: [string, string, number, number][] = [
  ['no-such-table', '42P01', 1113, 32],
  ['unknown-type', '42704', 486, 13],
  ['syntax-error', '42601', 1574, 50]
]

describe('parseMigrateDeployFailure + locateMigrationError, native engine (P3018)', () => {
  test.each(nativeCases)('%s', (name, sqlState, position, line) => {
    const failure = parseMigrateDeployFailure(fixture(`deploy-native-${name}.txt`))
    expect(failure).toMatchObject({
      code: 'P3018',
      migration: MIGRATION,
      databaseCode: sqlState,
      position,
      line
    })
    expect(failure.engine).toBe('native')
    expect(failure.message).toMatch(/^ERROR: /)
    const sql = fixture(`deploy-wasm-${name}.sql`)
    // The position alone, the Position: line alone and the message alone all agree.
    expect(locateMigrationError(sql, { position })?.line).toBe(line)
    expect(locateMigrationError(sql, { line })?.line).toBe(line)
    expect(locateMigrationError(sql, { message: failure.message })?.line).toBe(line)
  })

  test('strips colours and reads CRLF output', () => {
    const text = fixture('deploy-native-unknown-type.txt')
      .replace(/\n/g, '\r\n')
      .replace('Error: P3018', '\u001b[31mError: P3018\u001b[39m')
    expect(parseMigrateDeployFailure(text)).toMatchObject({ code: 'P3018', line: 13, position: 486 })
  })

  test('P3009 names the migration that failed earlier', () => {
    const text =
      'Error: P3009\n\nmigrate found failed migrations in the target database, new migrations will not be applied.\nThe `20240528214728_add_cursor_index` migration started at 2025-10-10 13:48:23.538445 UTC failed\n'
    expect(parseMigrateDeployFailure(text)).toEqual({
      code: 'P3009',
      migration: '20240528214728_add_cursor_index'
    })
  })

  test('an unrelated output yields an empty result', () => {
    expect(parseMigrateDeployFailure('Error: getaddrinfo ENOTFOUND binaries.prisma.sh')).toEqual({})
  })
})

describe('locateMigrationError', () => {
  const sql = [
    '-- CreateTable', // 1
    'CREATE TABLE "a" (', // 2
    '  "id" INT', // 3
    ');', // 4
    '', // 5
    '-- Backfill; with "missing" in a comment', // 6
    'UPDATE "a"', // 7
    'SET "id" = 1', // 8
    'WHERE "missing" = 2;' // 9
  ].join('\n')

  test('a position within a given statement becomes a file line', () => {
    const statement = 'UPDATE "a"\nSET "id" = 1\nWHERE "missing" = 2'
    expect(locateMigrationError(sql, { statement, position: 31 })).toEqual({ line: 9, statementIndex: 1 })
    expect(locateMigrationError(sql, { statement })).toEqual({ line: 7, statementIndex: 1 })
  })

  test('a position without a statement is an offset into the whole script', () => {
    const offset = sql.indexOf('"missing" = 2') + 1
    expect(locateMigrationError(sql, { position: offset })).toEqual({ line: 9, statementIndex: 1 })
  })

  test('a name in the message is searched in code, not in comments', () => {
    expect(locateMigrationError(sql, { message: 'ERROR: column "missing" does not exist' })).toEqual({
      line: 9,
      statementIndex: 1
    })
  })

  test('unquoted names match case-insensitively, quoted ones exactly', () => {
    const script = 'CREATE TABLE "Users" (id int);\nSELECT * FROM USERS;\nSELECT * FROM "Users";'
    expect(locateMigrationError(script, { message: 'relation "users" does not exist' })?.line).toBe(2)
    expect(locateMigrationError(script, { message: 'type "Users" already exists' })?.line).toBe(3)
  })

  test('gives up rather than guess', () => {
    expect(locateMigrationError(sql, { message: 'connection reset' })).toBeUndefined()
    expect(locateMigrationError(sql, { message: 'relation "nowhere" does not exist' })).toBeUndefined()
    expect(locateMigrationError('-- empty', { position: 1 })).toBeUndefined()
  })
})

describe('namesInMessage', () => {
  test('reads the names PostgreSQL and the adapter print', () => {
    expect(namesInMessage('ERROR: column u.nickname does not exist').names).toEqual(['nickname'])
    expect(namesInMessage('relation "public.users" does not exist').names).toEqual(['users'])
    expect(namesInMessage('ERROR: syntax error at or near "NOT"')).toEqual({
      names: ['NOT'],
      duplicate: false,
      literal: true
    })
    expect(namesInMessage('ERROR: relation "t" already exists').duplicate).toBe(true)
  })
})

describe('appliedStatements', () => {
  const sql = 'SELECT 1;\nSELECT 2;\nSELECT 3;'
  test('the WASM engine leaves the statements before the failing one applied', () => {
    expect(appliedStatements(sql, 2).map((s) => s.text)).toEqual(['SELECT 1;', 'SELECT 2;'])
    expect(appliedStatements(sql, 0)).toEqual([])
  })
  test('the native engine runs the script as one transaction', () => {
    expect(appliedStatements(sql, 2, 'native')).toEqual([])
  })
})

describe('findCreatingMigration', () => {
  const migrations: MigrationSource[] = [
    {
      name: '1_init',
      path: 'prisma/migrations/1_init/migration.sql',
      sql: [
        '-- CREATE TABLE "audit" (commented out)', // 1
        'CREATE TABLE IF NOT EXISTS public.audit (', // 2
        '  id serial PRIMARY KEY,', // 3
        '  "Payload" jsonb,', // 4
        '  CONSTRAINT audit_payload_check CHECK ("Payload" IS NOT NULL)', // 5
        ');', // 6
        'CREATE TYPE "Mood" AS ENUM (\'HAPPY\',', // 7
        "  'SAD');", // 8
        'CREATE UNIQUE INDEX "audit_id_key" ON audit (id);', // 9
        'CREATE EXTENSION IF NOT EXISTS "pg_trgm";', // 10
        'CREATE OR REPLACE FUNCTION touch() RETURNS trigger AS $$ BEGIN RETURN NEW; END; $$ LANGUAGE plpgsql;', // 11
        'CREATE TRIGGER audit_touch BEFORE UPDATE ON audit FOR EACH ROW EXECUTE FUNCTION touch();', // 12
        'CREATE SEQUENCE counter_seq;', // 13
        'CREATE MATERIALIZED VIEW audit_view AS SELECT id FROM audit;' // 14
      ].join('\n')
    },
    {
      name: '2_more',
      path: 'prisma/migrations/2_more/migration.sql',
      sql: [
        'ALTER TABLE "audit" ADD COLUMN "note" TEXT,', // 1
        'ADD COLUMN   extra int;', // 2
        'ALTER TYPE "Mood" ADD VALUE \'MEH\';', // 3
        'ALTER TABLE "audit" ADD CONSTRAINT "audit_note_fkey" FOREIGN KEY ("note") REFERENCES t(x);' // 4
      ].join('\n')
    }
  ]
  const at = (file: 1 | 2, line: number) => ({ file: migrations[file - 1]?.path, line })
  const s = { schema: 'public' }

  test.each([
    ['table', { ...s, table: 'audit' }, at(1, 2)],
    ['column', { ...s, table: 'audit', column: 'Payload' }, at(1, 4)],
    ['column', { ...s, table: 'audit', column: 'note' }, at(2, 1)],
    ['column', { ...s, table: 'audit', column: 'extra' }, at(2, 2)],
    ['enum', { ...s, enum: 'Mood' }, at(1, 7)],
    ['enumValue', { ...s, enum: 'Mood', value: 'SAD' }, at(1, 8)],
    ['enumValue', { ...s, enum: 'Mood', value: 'MEH' }, at(2, 3)],
    ['unique', { ...s, table: 'audit', constraint: 'audit_id_key' }, at(1, 9)],
    ['check', { ...s, table: 'audit', constraint: 'audit_payload_check' }, at(1, 5)],
    ['foreignKey', { ...s, table: 'audit', constraint: 'audit_note_fkey' }, at(2, 4)],
    ['extension', { ...s, constraint: 'pg_trgm' }, at(1, 10)],
    ['function', { ...s, constraint: 'touch' }, at(1, 11)],
    ['trigger', { ...s, table: 'audit', constraint: 'audit_touch' }, at(1, 12)],
    ['sequence', { ...s, constraint: 'counter_seq' }, at(1, 13)],
    ['view', { ...s, table: 'audit_view' }, at(1, 14)]
  ] as const)('%s %j', (kind, target, expected) => {
    expect(findCreatingMigration(migrations, { kind, target: { ...target } })).toEqual(expected)
  })

  test('falls back to the display name when the target has no name field', () => {
    expect(findCreatingMigration(migrations, { kind: 'function', target: s, object: 'touch' })).toEqual(
      at(1, 11)
    )
  })

  test('quoted names are case-sensitive; unknown objects are not found', () => {
    expect(
      findCreatingMigration(migrations, {
        kind: 'column',
        target: { ...s, table: 'audit', column: 'payload' }
      })
    ).toBeUndefined()
    expect(
      findCreatingMigration(migrations, { kind: 'table', target: { ...s, table: 'Audit' } })
    ).toBeUndefined()
    expect(
      findCreatingMigration(migrations, { kind: 'table', target: { ...s, table: 'aud' } })
    ).toBeUndefined()
    expect(findCreatingMigration(migrations, { kind: 'index', target: s })).toBeUndefined()
  })

  test('the last migration that creates it wins', () => {
    const again: MigrationSource = {
      name: '3',
      path: 'm3.sql',
      sql: 'DROP TABLE audit;\nCREATE TABLE audit (id int);'
    }
    expect(
      findCreatingMigration([...migrations, again], { kind: 'table', target: { ...s, table: 'audit' } })
    ).toEqual({
      file: 'm3.sql',
      line: 2
    })
  })
})

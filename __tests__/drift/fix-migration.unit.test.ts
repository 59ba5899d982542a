/** The fix migration: order, comments, header and deduplication, from items alone. */
import { buildFixMigration } from '../../src/drift/fix-migration.js'
import { splitStatements } from '../../src/sql/quote.js'
import type { DriftItem } from '../../src/model/drift.js'

const item = (fields: Partial<DriftItem> & Pick<DriftItem, 'kind' | 'change' | 'fixSql'>): DriftItem => ({
  object: 'x',
  target: { schema: 'public' },
  severity: fields.change === 'unexpected' ? 'warning' : 'error',
  ...fields
})

describe('buildFixMigration', () => {
  test('is empty when nothing is fixable', () => {
    expect(buildFixMigration([])).toBe('')
    expect(
      buildFixMigration([item({ kind: 'check', change: 'unexpected', severity: 'info', fixSql: undefined })])
    ).toBe('')
  })

  test("no comment line holds a semicolon (Prisma's WebAssembly engine splits a migration on every one)", () => {
    const sql = buildFixMigration([
      item({ kind: 'enumValue', change: 'missing', fixSql: `ALTER TYPE "E" ADD VALUE 'B';` }),
      item({ kind: 'table', change: 'unexpected', fixSql: 'DROP TABLE "old";' })
    ])
    expect(sql).toMatch(/^-- WARNING/m)
    expect(sql).toMatch(/^-- Note/m)
    expect(sql.split('\n').filter((line) => line.startsWith('--') && line.includes(';'))).toEqual([])
  })

  test('writes the fixes in dependency order, whatever the item order', () => {
    const sql = buildFixMigration([
      item({
        kind: 'foreignKey',
        change: 'missing',
        fixSql: 'ALTER TABLE "b" ADD CONSTRAINT "fk" FOREIGN KEY ("a_id") REFERENCES "a"("id");'
      }),
      item({ kind: 'index', change: 'missing', fixSql: 'CREATE INDEX "i" ON "b"("a_id");' }),
      item({ kind: 'table', change: 'missing', fixSql: 'CREATE TABLE "b" ("a_id" TEXT);' }),
      item({ kind: 'enum', change: 'missing', fixSql: `CREATE TYPE "E" AS ENUM ('A');` }),
      item({
        kind: 'foreignKey',
        change: 'different',
        fixSql:
          'ALTER TABLE "c" DROP CONSTRAINT "c_fk";\nALTER TABLE "c" ADD CONSTRAINT "c_fk" FOREIGN KEY ("x") REFERENCES "a"("id");'
      }),
      item({
        kind: 'index',
        change: 'different',
        severity: 'warning',
        aspects: ['name'],
        fixSql: 'ALTER INDEX "old" RENAME TO "new";'
      }),
      item({ kind: 'column', change: 'unexpected', fixSql: 'ALTER TABLE "a" DROP COLUMN "z";' })
    ])
    const order = [
      '-- CreateEnum',
      '-- DropForeignKey',
      '-- CreateTable',
      '-- AlterTable (only in the migrations)',
      '-- CreateIndex',
      '-- AddForeignKey',
      '-- RenameIndex'
    ].map((comment) => sql.indexOf(comment))
    expect(order.every((position) => position >= 0)).toBe(true)
    expect([...order].sort((a, b) => a - b)).toEqual(order)
    expect(sql).toContain('-- DropForeignKey\nALTER TABLE "c" DROP CONSTRAINT "c_fk";')
    expect(sql).toMatch(/^-- Suggested by migrate-seed-check/)
    expect(sql).toContain('WARNING: some statements drop objects that only the migrations create')
  })

  test('adds enum values first, with the transaction caveat, and writes a shared fix once', () => {
    const recreate = `CREATE TYPE "E_new" AS ENUM ('A');\nALTER TYPE "E" RENAME TO "E_old";`
    const sql = buildFixMigration([
      item({ kind: 'table', change: 'missing', fixSql: 'CREATE TABLE "t" ("e" "E");' }),
      item({ kind: 'enumValue', change: 'missing', fixSql: `ALTER TYPE "F" ADD VALUE 'B';` }),
      item({ kind: 'enumValue', change: 'unexpected', fixSql: recreate }),
      item({ kind: 'enumValue', change: 'unexpected', fixSql: recreate })
    ])
    expect(sql).toContain('cannot use an enum value in the transaction that adds it')
    expect(sql.indexOf('ADD VALUE')).toBeLessThan(sql.indexOf('CREATE TABLE'))
    expect(sql.split('CREATE TYPE "E_new"')).toHaveLength(2)
  })
})

describe('splitStatements', () => {
  test('splits on semicolons outside quotes, comments and dollar quotes', () => {
    expect(
      splitStatements(
        `-- c;\nSELECT 'a;b';\nCREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\nSELECT "x;y"`
      )
    ).toEqual([
      `SELECT 'a;b'`,
      'CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql',
      'SELECT "x;y"'
    ])
  })
})

/**
 * The engine model: which Prisma applies a migration how, and the
 * transaction each statement of a file runs in under each model.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, test } from '@jest/globals'
import {
  engineModelOf,
  loadSplitter,
  planFor,
  planMigration,
  splitterRejects
} from '../../src/migrations/engine.js'

function config(text: string): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'msc-engine-')), 'prisma.config.ts')
  writeFileSync(file, text)
  return file
}

describe('engine model by version and configuration', () => {
  test.each([
    ['5.22.0', 'transaction', undefined],
    ['6.19.3', 'transaction', undefined],
    ['7.3.0', 'transaction', undefined],
    ['7.4.0', 'statement', 'sqlparser'],
    ['7.10.1', 'statement', 'sqlparser'],
    ['8.0.0', 'statement', 'sqlparser']
  ])('Prisma %s native: %s', (version, mode, splitter) => {
    const model = engineModelOf(version, undefined)
    expect(model.mode).toBe(mode)
    expect(model.splitter).toBe(splitter)
  })

  test('a driver adapter (engine: "js") runs statements one by one, whatever the version; a commented one does not count', () => {
    expect(engineModelOf('6.19.3', config('export default { engine: "js" }'))).toMatchObject({
      mode: 'statement'
    })
    expect(engineModelOf('6.19.3', config('export default {\n  // engine: "js"\n}')).mode).toBe('transaction')
  })
})

const EXPLICIT = `ALTER TABLE "a" ADD COLUMN "x" INT;
BEGIN;
ALTER TABLE "a" ADD COLUMN "y" INT;
CREATE INDEX "a_y_idx" ON "a"("y");
COMMIT;
ALTER TABLE "a" ADD COLUMN "z" INT;
`

describe('the transaction of each statement', () => {
  const spans = (sql: string, model = engineModelOf('7.10.1', undefined), fallback?: string) =>
    planMigration(sql, model, fallback).statements.map((p) => [p.transaction, p.from, p.until ?? null])

  test("statement by statement: each statement alone, the file's BEGIN … COMMIT one transaction", () => {
    expect(spans(EXPLICIT)).toEqual([
      ['own', 0, 0],
      ['explicit', 1, 4],
      ['explicit', 1, 4],
      ['explicit', 1, 4],
      ['explicit', 1, 4],
      ['own', 5, 5]
    ])
  })

  test('the whole file at once: BEGIN turns the implicit transaction into the explicit one, which COMMIT ends; a new one follows', () => {
    expect(spans(EXPLICIT, engineModelOf('6.19.3', undefined))).toEqual([
      ['explicit', 0, 4],
      ['explicit', 0, 4],
      ['explicit', 0, 4],
      ['explicit', 0, 4],
      ['explicit', 0, 4],
      ['implicit', 5, null]
    ])
  })

  test('a splitting engine sends a file its splitter cannot read whole', () => {
    const plan = planMigration(
      EXPLICIT,
      engineModelOf('7.10.1', undefined),
      'Expected: an SQL statement, found: DO'
    )
    expect(plan.sent).toBe('whole')
    expect(plan.fallback).toContain('DO')
  })

  test('one statement sent whole opens no transaction block (CONCURRENTLY works alone in its file)', () => {
    const plan = planMigration(
      'CREATE INDEX CONCURRENTLY "i" ON "a"("x");',
      engineModelOf('6.19.3', undefined)
    )
    expect(plan.statements[0]).toMatchObject({ transaction: 'own', refusesTransaction: true })
  })

  test('ROLLBACK ends the explicit transaction; SET TRANSACTION is marked', () => {
    const plan = planMigration(
      'BEGIN;\nSET TRANSACTION ISOLATION LEVEL REPEATABLE READ;\nUPDATE "a" SET "x" = 1;\nROLLBACK;\nSELECT 1;\n',
      engineModelOf('7.10.1', undefined)
    )
    expect(plan.statements.map((p) => [p.control ?? null, p.transaction, p.until ?? null])).toEqual([
      ['begin', 'explicit', 3],
      [null, 'explicit', 3],
      [null, 'explicit', 3],
      ['rollback', 'explicit', 3],
      [null, 'own', 4]
    ])
    expect(plan.statements[1]?.transactionSetting).toBe(true)
  })
})

describe("Prisma's splitter (sqlparser 0.62)", () => {
  test('reads what Prisma generates and explicit transactions; not DO blocks or DROP INDEX CONCURRENTLY', async () => {
    await loadSplitter()
    expect(splitterRejects(EXPLICIT)).toBeUndefined()
    expect(splitterRejects("BEGIN;\nSET LOCAL lock_timeout = '5s';\nCOMMIT;")).toBeUndefined()
    expect(splitterRejects('DO $$ BEGIN PERFORM 1; END $$;')).toMatch(/DO/)
    expect(splitterRejects('DROP INDEX CONCURRENTLY "i";')).toMatch(/Expected/)
    const plan = await planFor(
      'DO $$ BEGIN PERFORM 1; END $$;\nSELECT 1;',
      engineModelOf('7.10.1', undefined)
    )
    expect(plan.sent).toBe('whole')
  })
})

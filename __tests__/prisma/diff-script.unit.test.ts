// Prisma's scripts are read from the file `--output` writes (5.13 and later), and must be SQL.
import { describe, expect, test } from '@jest/globals'
import { diffHasOutputFlag, firstParseError, unreadableReason } from '../../src/prisma/diff-script.js'
import { parseSql } from '../../src/sql/parser.js'

test('migrate diff writes its script to a file from Prisma 5.13 on', () => {
  expect(diffHasOutputFlag('5.0.0')).toBe(false)
  expect(diffHasOutputFlag('5.12.1')).toBe(false)
  expect(diffHasOutputFlag('5.13.0')).toBe(true)
  expect(diffHasOutputFlag('5.22.0')).toBe(true)
  expect(diffHasOutputFlag('6.19.3')).toBe(true)
  expect(diffHasOutputFlag('7.10.1')).toBe(true)
})

test("dotenv 17's line before Prisma's SQL makes the script unreadable, with the line it stops on", () => {
  const stdout =
    '◇ injected env (0) from .env // tip: ⌘ enable debugging { debug: true }\n-- AlterTable\nALTER TABLE "Group" ADD COLUMN     "driftProbe" TEXT;\n'
  expect(unreadableReason(stdout)).toMatch(
    /^syntax error at or near "◇" \(line 1: ◇ injected env \(0\) from \.env \/\/ tip: /
  )
})

test("Prisma's scripts read: statements, an empty migration, nothing at all", () => {
  expect(
    unreadableReason('-- AlterTable\nALTER TABLE "Group" ADD COLUMN     "driftProbe" TEXT;\n')
  ).toBeUndefined()
  expect(unreadableReason('-- This is an empty migration.\n')).toBeUndefined()
  expect(unreadableReason('')).toBeUndefined()
})

test('a line past 120 characters is cut in the reason', () => {
  const reason = unreadableReason(`SELEC ${'x'.repeat(300)};`) ?? ''
  expect(reason).toMatch(/…\)$/)
  expect(reason.length).toBeLessThan(200)
})

describe('read piece by piece, a script gives the error (or none) the whole of it gives', () => {
  const body = `CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END;
$$;
`
  const scripts: Record<string, string> = {
    'statements and a function body with lines ending in ;': `CREATE TABLE "a" ("id" INT);\n${body}CREATE TABLE "b" ("id" INT);\n`,
    'an error after a function body': `${body}CREATE TABLE "b" ("id" INT;\nCREATE TABLE "c" ("id" INT);\n`,
    'an error in the first statement': `CREATE TABLE "a" ("id" IN T);\n${body}`,
    'a string holding ;\\n': `INSERT INTO "t" VALUES ('one;\ntwo;\n');\nSELEC 1;\n`,
    'a rule with two actions': `CREATE RULE "r" AS ON INSERT TO "t" DO ALSO (INSERT INTO "u" VALUES (1);\nINSERT INTO "u" VALUES (2));\nSELECT 1;\n`,
    'a block comment holding ;\\n': `/* a;\nb;\n*/ SELECT 1;\nSELECT (;\n`,
    'an unterminated string': `SELECT 1;\nSELECT 'abc;\n`
  }
  test.each(Object.keys(scripts))('%s', (name) => {
    const script = scripts[name]!
    const whole = parseSql(script)
    const expected = whole.ok ? undefined : { message: whole.message, offset: whole.offset }
    for (const piece of [1, 8, 40, 64 * 1024]) expect(firstParseError(script, piece)).toEqual(expected)
  })
})

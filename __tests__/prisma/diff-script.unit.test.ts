// Prisma's scripts are read from the file `--output` writes (5.13 and later), and must be SQL.
import { diffHasOutputFlag, unreadableReason } from '../../src/prisma/diff-script.js'

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

import { renderTerminal } from '../../src/report/terminal.js'
import { designDocResult, failedMigrationResult, passingResult, unreadableVerdictResult } from './fixtures.js'

describe('renderTerminal', () => {
  const text = renderTerminal(designDocResult(), { color: false })

  it('starts with the verdict and why', () => {
    expect(text.split('\n')[0]).toBe('✖ migrate-seed-check failed: seed failed, 35 drift errors (16.4 s)')
  })

  it('lists the stages with status marks and aligned times', () => {
    expect(text).toContain('  ✔ Migrate           10.6 s  1 migration applied: `20250301090000_init`')
    expect(text).toContain(
      '  ✖ Seed               2.1 s  P2022: column `users.profile_picture` does not exist'
    )
  })

  it('shows the problem with file:line, the explaining drift and the output', () => {
    expect(text).toContain('  ● prisma/seed.ts:18  Seed failed [P2022]')
    expect(text).toContain(
      '    caused by drift:\n      prisma/schema.prisma:56  users.profile_picture: missing column'
    )
    expect(text).toContain('    output of npx prisma db seed:')
  })

  it('groups the drift by severity, each item on its schema line', () => {
    expect(text).toContain('Drift: 35 errors\n  Errors (7 tables, 5 columns, 3 enums')
    expect(text).toContain(
      '    prisma/schema.prisma:56   users.profile_picture: missing column  (schema: varchar(500))'
    )
    expect(text).toContain('    prisma/schema.prisma:199  email_logs: missing table')
  })

  it('names the fix migration and the Prisma command', () => {
    expect(text).toContain('suggested migration: .migrate-seed-check/20250701120000_fix_drift/migration.sql')
    expect(text).toContain('npx prisma migrate dev --name fix_drift')
  })

  it('uses colours only when asked', () => {
    expect(text).not.toContain('\u001b[')
    expect(renderTerminal(designDocResult(), { color: true })).toContain(
      '\u001b[31m✖ migrate-seed-check failed'
    )
  })

  it('strips escape sequences coming from the repository', () => {
    const result = failedMigrationResult('20250101_\u001b]0;pwned\u0007\u001b[2Jx')
    const output = renderTerminal(result, { color: false })
    expect(output).not.toContain('\u001b')
    expect(output).not.toContain('\u0007')
  })

  it('reports a pass in one line plus the stages', () => {
    const output = renderTerminal(passingResult(), { color: false })
    expect(output.split('\n')[0]).toBe('✔ migrate-seed-check passed in 15.0 s')
    expect(output).not.toContain('Drift')
    expect(output).not.toContain('Problems')
  })
})

test("a verdict that could not be read is never 'Drift: none'", () => {
  const text = renderTerminal(unreadableVerdictResult(), { color: false })
  expect(text).not.toContain('Drift: none')
  expect(text).toContain('Drift: not known (the compare stage failed)')
  expect(text).toContain("● Prisma's verdict could not be read [verdict-unreadable]")
})

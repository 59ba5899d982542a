/**
 * End-to-end drift checks: a fixture project, a fresh database on the test
 * server, the real pipeline (`runCheck` with a `Config` from `parseConfig`)
 * and the real Prisma CLI. Also the round trip (apply the fix migration, check
 * again) and the check that the run left no scratch database behind.
 */
import { cpSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { parseConfig, type RawInputs } from '../../src/config.js'
import { runCheck } from '../../src/pipeline/index.js'
import type { CheckResult } from '../../src/model/result.js'
import type { DriftItem } from '../../src/model/drift.js'
import { createTestDatabase, databasesLike } from '../helpers/pg.js'
import {
  makeProject,
  sampleMigrations,
  type FixtureProject,
  type ProjectOptions
} from '../helpers/project.js'

/** Concurrent e2e cases wait on Prisma (about 12 s per `migrate deploy`) on a shared, busy machine. */
export const E2E_TIMEOUT = 420_000

/** A fixture of `__tests__/fixtures/projects/`, alone: the sample's migrations and seed are left out. */
export function fixtureProject(name: string, files: ProjectOptions['files'] = {}): FixtureProject {
  return makeProject({
    fixture: name,
    dropMigrations: sampleMigrations(),
    files: { 'prisma/seed.ts': null, ...files }
  })
}

/**
 * Runs the whole check on `project` against the database at `url`. The
 * project folder is the repository root, so locations read `prisma/…`. After
 * the run, waits until no scratch database that it could have created is left.
 */
export async function check(
  project: FixtureProject,
  url: string,
  inputs: RawInputs = {}
): Promise<CheckResult> {
  const config = parseConfig(
    { 'database-url': url, 'seed-command': 'none', ...inputs },
    { cwd: project.dir, env: process.env }
  )
  const started = Date.now()
  const result = await runCheck(config, {
    group: (_name, fn) => fn(),
    info: () => {},
    env: process.env
  })
  await expectNoScratchDatabaseLeft(started, Date.now())
  return result
}

/** Scratch databases are named `msc_<purpose>_<Date.now() in base 36>_<hex>`. */
function createdAt(name: string): number | undefined {
  const match = /^msc_.*_([0-9a-z]+)_[0-9a-f]+$/.exec(name)
  return match?.[1] ? parseInt(match[1], 36) : undefined
}

/**
 * Other test files run the pipeline at the same time, so their scratch
 * databases may exist for a few seconds. Every `msc_` database created
 * between `from` and `to` (or whose name does not tell when) must disappear;
 * one the run leaked never does.
 */
export async function expectNoScratchDatabaseLeft(from: number, to: number, waitMs = 60_000): Promise<void> {
  const deadline = Date.now() + waitMs
  let left: string[] = []
  for (;;) {
    left = (await databasesLike('msc_')).filter((name) => {
      const at = createdAt(name)
      return at === undefined || (at >= from - 1000 && at <= to + 1000)
    })
    if (left.length === 0 || Date.now() > deadline) break
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
  expect(left).toEqual([])
}

/**
 * For a test file: at the end, once the file's runs have settled, no scratch
 * database created while the file ran is left (each run also checks its own).
 */
export function checkScratchDatabasesAfterAll(): void {
  let started = 0
  beforeAll(() => {
    started = Date.now()
  })
  afterAll(() => expectNoScratchDatabaseLeft(started, Date.now()), 90_000)
}

/** Items that count as drift: everything but `info`. */
export const counted = (items: DriftItem[]): DriftItem[] => items.filter((i) => i.severity !== 'info')

/** `kind change object severity` per item, sorted, for compact assertions. */
export const summary = (items: DriftItem[]): string[] =>
  items.map((i) => `${i.kind} ${i.change} ${i.object} ${i.severity}`).sort()

/**
 * Commits the run's fix migration the way its reader will — its
 * `<timestamp>_fix_drift/` folder copied into prisma/migrations/ — and runs
 * the check again on the same database (not empty now, no generate, no seed):
 * `prisma migrate deploy` must apply it, and the drift must be gone.
 */
export async function expectRoundTrip(
  project: FixtureProject,
  url: string,
  first: CheckResult
): Promise<void> {
  expect(first.fixSql).toBeTruthy()
  expectReportFiles(project, first)
  const folder = path.dirname(first.fixSqlPath!)
  cpSync(folder, path.join(project.dir, 'prisma', 'migrations', path.basename(folder)), { recursive: true })
  const second = await check(project, url, {
    'allow-non-empty-database': 'true',
    generate: 'false',
    'seed-command': 'none'
  })
  const migrate = second.stages.find((s) => s.name === 'migrate')
  expect({
    status: migrate?.status,
    summary: migrate?.summary,
    output: migrate?.status === 'passed' ? '' : migrate?.output
  }).toEqual({
    status: 'passed',
    summary: '1 migration(s) applied',
    output: ''
  })
  expect(summary(counted(second.drift))).toEqual([])
  expect(second.problems.filter((p) => p.severity === 'error')).toEqual([])
  expect(second.status).toBe('passed')
}

/**
 * The run's files under the default report folder: the fix migration in a
 * folder named like Prisma's (`<timestamp>_fix_drift/migration.sql`) and
 * report.json with the same drift items and locations.
 */
export function expectReportFiles(project: FixtureProject, result: CheckResult): void {
  const reportDir = path.join(project.dir, 'migrate-seed-check-report')
  expect(path.relative(reportDir, result.fixSqlPath ?? '')).toMatch(/^\d{14}_fix_drift[/\\]migration\.sql$/)
  expect(readFileSync(result.fixSqlPath!, 'utf8')).toBe(result.fixSql)
  const json = JSON.parse(readFileSync(path.join(reportDir, 'report.json'), 'utf8')) as {
    status: string
    drift: Pick<DriftItem, 'kind' | 'change' | 'object' | 'severity' | 'location'>[]
    fixSqlPath?: string
  }
  expect(json.status).toBe(result.status)
  expect(json.fixSqlPath).toBe(result.fixSqlPath)
  const brief = (i: Pick<DriftItem, 'kind' | 'change' | 'object' | 'severity' | 'location'>) => ({
    kind: i.kind,
    change: i.change,
    object: i.object,
    severity: i.severity,
    location: i.location
  })
  expect(json.drift.map(brief)).toEqual(result.drift.map(brief))
}

/**
 * The 1-based line of the first line matching `pattern` inside the block
 * that starts with `header` (`model Post {`, `enum Role {`) of a project
 * file; with no pattern, the header's own line.
 */
export function lineIn(project: FixtureProject, file: string, header: string, pattern?: RegExp): number {
  const lines = readFileSync(path.join(project.dir, file), 'utf8').split('\n')
  const start = lines.findIndex((l) => l.trim() === header)
  if (start < 0) throw new Error(`${file} has no line '${header}'`)
  if (!pattern) return start + 1
  for (let i = start + 1; i < lines.length && lines[i]!.trim() !== '}'; i++) {
    if (pattern.test(lines[i]!)) return i + 1
  }
  throw new Error(`${file}: no line matching ${pattern} in '${header}'`)
}

/** The 1-based line of the first line of a project file that contains `text`. */
export function lineOf(project: FixtureProject, file: string, text: string): number {
  const index = readFileSync(path.join(project.dir, file), 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(text))
  if (index < 0) throw new Error(`${file} does not contain '${text}'`)
  return index + 1
}

/**
 * The common shape of a single-drift fixture: a fresh database, the check,
 * the assertions of the case, the round trip; everything dropped at the end.
 */
export async function withFixture(
  name: string,
  assertions: (result: CheckResult, project: FixtureProject) => void,
  files: ProjectOptions['files'] = {}
): Promise<void> {
  const project = fixtureProject(name, files)
  const db = await createTestDatabase('e2e')
  try {
    const result = await check(project, db.url)
    expect(result.stages.find((s) => s.name === 'migrate')?.status).toBe('passed')
    assertions(result, project)
    expect(result.status).toBe(
      counted(result.drift).some((i) => i.severity === 'error') ? 'failed' : 'passed'
    )
    await expectRoundTrip(project, db.url, result)
  } finally {
    await db.drop()
    project.cleanup()
  }
}

export const SCHEMA = 'prisma/schema.prisma'

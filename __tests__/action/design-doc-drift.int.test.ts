/**
 * The design doc's drift on the built action: the sample project without its
 * `add_auth_and_user_features` migration (the schema declares what no
 * migration creates). Asserts the annotations on schema.prisma, the outputs,
 * the fix migration, the job summary and the pull-request comment.
 */
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { createTestDatabase, type TestDatabase } from '../helpers/pg.js'
import { makeProject, type FixtureProject } from '../helpers/project.js'
import { startGitHubStandIn, type GitHubStandIn } from '../helpers/github-stand-in.js'
import {
  ensureDist,
  HEAD_SHA,
  leaksOf,
  markdownInjections,
  passwordOf,
  runAction,
  TOKEN,
  type ActionRun
} from './harness.js'

const DROPPED = '20250612143000_add_auth_and_user_features'
const DRIFT_COUNT = 35

let standIn: GitHubStandIn
let project: FixtureProject
let db: TestDatabase
let run: ActionRun
let schemaLines: string[]

beforeAll(async () => {
  await ensureDist()
  standIn = await startGitHubStandIn()
  project = makeProject({ dropMigrations: [DROPPED] })
  schemaLines = readFileSync(path.join(project.dir, 'prisma', 'schema.prisma'), 'utf8').split('\n')
  db = await createTestDatabase('act_drift')
  run = await runAction({
    inputs: { 'database-url': db.url, 'working-directory': project.relDir },
    apiUrl: standIn.url
  })
})

afterAll(async () => {
  await standIn?.close()
  await db?.drop()
  project?.cleanup()
})

/** 1-based line of the first schema line matching `pattern`. */
function schemaLine(pattern: RegExp): number {
  const index = schemaLines.findIndex((line) => pattern.test(line))
  if (index < 0) throw new Error(`no schema line matches ${pattern}`)
  return index + 1
}

describe('the design doc drift on the built action', () => {
  it('fails with drift=true, drift-count=35 and a fix migration', () => {
    expect(run.exitCode).toBe(1)
    expect(run.outputs).toMatchObject({ status: 'failed', drift: 'true', 'drift-count': String(DRIFT_COUNT) })
    const fixSql = run.outputs['fix-sql'] ?? ''
    expect(fixSql).toMatch(/_fix_drift\/migration\.sql$/)
    expect(existsSync(fixSql)).toBe(true)
    const sql = readFileSync(fixSql, 'utf8')
    expect(sql).toMatch(/CREATE TYPE "(public"\.")?Theme" AS ENUM/)
    expect(sql).toMatch(/CREATE TABLE "(public"\.")?user_preferences"/)
    expect(sql).toMatch(/ALTER TABLE "(public"\.")?users" ADD COLUMN\s+"profile_picture"/)
    expect(existsSync(run.outputs['report-json'] ?? '')).toBe(true)
  })

  it('annotates schema.prisma on the declaring lines, at most 10 errors in all', () => {
    // The closing "migrate-seed-check failed" line is an error annotation too.
    expect(run.errors.length).toBeLessThanOrEqual(10)
    const schemaFile = `${project.relDir}/prisma/schema.prisma`
    const drift = run.errors.filter((error) => error.properties.title?.startsWith('Drift:'))
    expect(drift.length).toBeGreaterThanOrEqual(5)
    for (const error of drift) expect(error.properties.file).toBe(schemaFile)
    const at = (title: string) => drift.find((error) => error.properties.title?.startsWith(title))
    expect(at('Drift: missing enum Theme')?.properties.line).toBe(String(schemaLine(/^enum Theme \{/)))
    expect(at('Drift: missing column users.profile_picture')?.properties.line).toBe(
      String(schemaLine(/@map\("profile_picture"\)/))
    )
    expect(at('Drift: missing column users.two_factor_enabled')?.properties.line).toBe(
      String(schemaLine(/@map\("two_factor_enabled"\)/))
    )
  })

  it('makes the last drift annotation name how many more there are', () => {
    const located = run.errors.filter((error) => error.properties.file)
    const last = located[located.length - 1]
    const more = /\(\+(\d+) more\)$/.exec(last?.properties.title ?? '')
    expect(more).not.toBeNull()
    const remaining = Number(more?.[1])
    expect(last?.message).toContain(`${remaining} more errors are not annotated`)
    expect(last?.message).toContain('job summary')
    // Findings shown (one per annotation plus those grouped on a line) and the remainder cover all:
    // the 35 drift items and the seed failure they cause.
    const grouped = located.reduce(
      (sum, error) =>
        sum + Number(/\(\+(\d+) more on this line\)/.exec(error.properties.title ?? '')?.[1] ?? 0),
      0
    )
    expect(located.length + grouped + remaining).toBe(DRIFT_COUNT + 1)
  })

  it('annotates all 35 drift errors and the seed failure in one check run on the head commit', () => {
    expect(standIn.checkRuns).toHaveLength(1)
    const checkRun = standIn.checkRuns[0]!
    expect(checkRun).toMatchObject({
      name: 'migrate-seed-check (' + project.relDir + ')',
      head_sha: HEAD_SHA,
      status: 'completed',
      conclusion: 'failure'
    })
    expect(checkRun.title).toMatch(/^Failed: seed failed, 35 drift errors \(\d+ annotations\)$/)
    const findings = checkRun.annotations.reduce(
      (sum, a) => sum + 1 + Number(/\(\+(\d+) more on this line\)/.exec(String(a.title))?.[1] ?? 0),
      0
    )
    expect(findings).toBe(DRIFT_COUNT + 1)
    const schemaFile = `${project.relDir}/prisma/schema.prisma`
    const profile = checkRun.annotations.find((a) =>
      String(a.title).startsWith('Drift: missing column users.profile_picture')
    )
    expect(profile).toMatchObject({
      path: schemaFile,
      start_line: schemaLine(/@map\("profile_picture"\)/),
      annotation_level: 'failure'
    })
    expect(checkRun.annotations.some((a) => a.path === `${project.relDir}/prisma/seed.ts`)).toBe(true)
    // Every request carried at most 50 annotations; the summary is the report, within 65,535 characters.
    const checkRequests = standIn.requests.filter((r) => r.path.includes('/check-runs'))
    for (const request of checkRequests) {
      const output = (request.body as { output: { annotations: unknown[] } }).output
      expect(output.annotations.length).toBeLessThanOrEqual(50)
    }
    expect(checkRun.summary).toContain(`### Drift: ${DRIFT_COUNT} errors`)
    expect(checkRun.summary!.length).toBeLessThanOrEqual(65_535)
    expect(markdownInjections(checkRun.summary!)).toEqual([])
  })

  it('says in the step annotation that the check run has every finding, with its link', () => {
    const located = run.errors.filter((error) => error.properties.file)
    const last = located[located.length - 1]
    expect(last?.message).toContain(standIn.checkRuns[0]!.html_url)
    expect(last?.message).toContain('annotates every finding on its line')
  })

  it('writes the drift table, the collapsed suggested migration and the fix commands to the summary', () => {
    const { summary } = run
    expect(summary).toMatch(/^### ❌ migrate-seed-check failed/m)
    expect(summary).toContain('| Stage | Result | Time | Details |')
    expect(summary).toContain(`### Drift: ${DRIFT_COUNT} errors`)
    expect(summary).toContain('| | Object | Change | Schema expects | Migrations create | Where |')
    const rows = summary.split('\n').filter((line) => line.startsWith('| ❌ |'))
    expect(rows).toHaveLength(DRIFT_COUNT)
    expect(summary).toContain(
      `\`${project.relDir}/prisma/schema.prisma:${schemaLine(/@map\("profile_picture"\)/)}\``
    )
    expect(summary).toMatch(/<details><summary>Suggested migration: \d+ statements<\/summary>\n\n```sql\n/)
    expect(summary).toContain('npx prisma migrate dev --name fix_drift')
  })

  it("shows the seed's error and its own line, not Prisma's minified runtime", () => {
    const output =
      /<summary>Output of <code>prisma db seed<\/code>[\s\S]*?<\/details>/.exec(run.summary)?.[0] ?? ''
    expect(output).toMatch(/does not exist in the current database/)
    expect(output).toContain("of Prisma's own code left out")
    expect(output).not.toMatch(/^\s*(?:→\s*)?\d+ .*function \w+\(/m)
    expect(output).not.toContain('more characters)')
  })

  it('creates one comment with the project marker', () => {
    const posts = standIn.requests.filter((request) => request.method === 'POST')
    expect(posts.map((request) => request.path)).toEqual([
      '/repos/acme/shop/check-runs',
      '/repos/acme/shop/issues/7/comments'
    ])
    expect(standIn.comments).toHaveLength(1)
    const body = standIn.comments[0]?.body ?? ''
    expect(body.startsWith(`<!-- migrate-seed-check:${project.relDir} -->\n`)).toBe(true)
    expect(body).toContain(`### Drift: ${DRIFT_COUNT} errors`)
    expect(body).toContain('https://github.com/acme/shop/actions/runs/4242')
    expect(body.length).toBeLessThan(65_536)
    expect(markdownInjections(body)).toEqual([])
    expect(run.outputs['comment-url']).toBe(standIn.comments[0]?.html_url)
  })

  it('never shows the database password', () => {
    const password = passwordOf(db.url)
    expect(leaksOf(run, password)).toEqual([])
    expect(leaksOf(run, TOKEN)).toEqual([])
    for (const request of standIn.requests)
      expect(JSON.stringify(request.body ?? '')).not.toMatch(new RegExp(`${password}|${TOKEN}`))
    for (const comment of standIn.comments) expect(comment.body).not.toContain(password)
    expect(readFileSync(run.outputs['report-json'] ?? '', 'utf8')).not.toContain(password)
    expect(readFileSync(run.outputs['report-json'] ?? '', 'utf8')).not.toContain(TOKEN)
    expect(readFileSync(run.outputs['fix-sql'] ?? '', 'utf8')).not.toContain(password)
  })
})

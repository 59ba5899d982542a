/**
 * The check run on the built action, on a drift of 60 items (more than the 50
 * annotations one request takes, far more than the step's 10): all 60 reach
 * the check run in a create and an update; a token that may not write checks
 * (403) leaves the verdict and the step's annotations as they are without a
 * check run; `check-run: false` sends no check request.
 */
import { createTestDatabase, type TestDatabase } from '../helpers/pg.js'
import { makeProject, type FixtureProject } from '../helpers/project.js'
import { startGitHubStandIn, type GitHubStandIn } from '../helpers/github-stand-in.js'
import {
  ensureDist,
  HEAD_SHA,
  leaksOf,
  passwordOf,
  runAction,
  SAMPLE_MIGRATIONS,
  TOKEN,
  wideDriftFiles,
  type ActionRun
} from './harness.js'

const COLUMNS = 60

interface Case {
  standIn: GitHubStandIn
  project: FixtureProject
  db: TestDatabase
  run: ActionRun
}

const cases: Case[] = []
let written: Case
let refused: Case
let off: Case

async function runCase(name: string, inputs: Record<string, string>, fail403 = false): Promise<Case> {
  const standIn = await startGitHubStandIn()
  if (fail403) standIn.setFailure(403, { path: /\/check-runs/ })
  const project = makeProject({
    dropMigrations: SAMPLE_MIGRATIONS,
    files: wideDriftFiles({ tables: 1, columns: COLUMNS })
  })
  const db = await createTestDatabase(`act_checkrun_${name}`)
  const entry: Case = { standIn, project, db, run: undefined as unknown as ActionRun }
  cases.push(entry)
  entry.run = await runAction({
    inputs: {
      'database-url': db.url,
      'working-directory': project.relDir,
      generate: 'false',
      'seed-command': 'none',
      ...inputs
    },
    apiUrl: standIn.url
  })
  return entry
}

beforeAll(async () => {
  await ensureDist()
  ;[written, refused, off] = await Promise.all([
    runCase('ok', {}),
    runCase('403', {}, true),
    runCase('off', { 'check-run': 'false' })
  ])
})

afterAll(async () => {
  for (const c of cases) {
    await c.standIn.close()
    await c.db.drop()
    c.project.cleanup()
  }
})

/** What the step shows, without the part that names where every finding is. */
function stepAnnotations(run: ActionRun): unknown[] {
  return run.commands
    .filter((c) => ['error', 'warning'].includes(c.name))
    .map((c) => ({ ...c, message: c.message.replace(/GitHub shows at most 10 per step\. [\s\S]*$/, '') }))
}

describe('a drift of 60 items', () => {
  it('reaches the check run whole: a create with 50 annotations and an update with 10', () => {
    const { standIn, run, project } = written
    expect(run.exitCode).toBe(1)
    const calls = standIn.requests.filter((r) => r.path.includes('/check-runs'))
    const sizes = calls.map(
      (r) => `${r.method} ${(r.body as { output: { annotations: unknown[] } }).output.annotations.length}`
    )
    expect(sizes).toEqual(['POST 50', 'PATCH 10'])
    expect(calls[1]?.path).toBe(`/repos/acme/shop/check-runs/${standIn.checkRuns[0]?.id}`)
    const [checkRun] = standIn.checkRuns
    expect(checkRun).toMatchObject({ head_sha: HEAD_SHA, conclusion: 'failure', status: 'completed' })
    expect(checkRun?.annotations).toHaveLength(COLUMNS)
    for (let i = 1; i <= COLUMNS; i++) {
      const column = `wide_01.column_${String(i).padStart(2, '0')}`
      const matching = checkRun?.annotations.filter((a) => a.title === `Drift: missing column ${column}`)
      expect(matching).toHaveLength(1)
      expect(matching?.[0]).toMatchObject({
        path: `${project.relDir}/prisma/schema.prisma`,
        annotation_level: 'failure'
      })
    }
    // Each line holds one column: the annotations sit on 60 distinct lines.
    expect(new Set(checkRun?.annotations.map((a) => a.start_line)).size).toBe(COLUMNS)
    expect(checkRun?.summary).toContain(`### Drift: ${COLUMNS} errors`)
  })

  it('names the check run where the step’s 10 annotations stop', () => {
    const { standIn, run } = written
    const cut = run.errors.filter((e) => e.message.includes('not annotated here'))
    expect(cut).toHaveLength(1)
    expect(cut[0]?.message).toContain(
      `“migrate-seed-check (${written.project.relDir})” (${standIn.checkRuns[0]?.html_url})`
    )
  })

  it('on a 403 for checks: the same verdict and step annotations as without a check run, and a notice', () => {
    expect(refused.standIn.checkRuns).toHaveLength(0)
    expect(refused.run.exitCode).toBe(off.run.exitCode)
    expect(refused.run.outputs).toEqual({
      ...off.run.outputs,
      'report-json': refused.run.outputs['report-json'],
      'fix-sql': refused.run.outputs['fix-sql']
    })
    expect(refused.run.errors).toEqual(
      off.run.errors.map((e) => ({
        ...e,
        properties: {
          ...e.properties,
          file: e.properties.file?.replace(off.project.relDir, refused.project.relDir)
        }
      }))
    )
    const cut = refused.run.errors.find((e) => e.message.includes('not annotated here'))
    expect(cut?.message).toContain('The job summary and the pull-request comment list every finding.')
    const notice = refused.run.commands.find((c) => c.name === 'notice' && c.message.includes('check run'))
    expect(notice?.message).toMatch(/HTTP 403/)
    expect(notice?.message).toContain('checks: write')
    expect(refused.run.warnings.filter((w) => w.message.includes('check run'))).toEqual([])
    // The comment is still posted.
    expect(refused.standIn.comments).toHaveLength(1)
  })

  it('the step annotations of a written check run differ only in where they point', () => {
    // git words the same failed fetch of the base in two ways, by a race between
    // its two processes ("remote error: upload-pack: …" or "git upload-pack: …").
    const norm = (c: Case) =>
      stepAnnotations(c.run).map((a) =>
        JSON.stringify(a)
          .split(c.project.relDir)
          .join('<dir>')
          .replace(/failed \(fatal: [^)]*upload-pack: not our ref \w+\)/, 'failed (<git: not our ref>)')
      )
    expect(norm(written)).toEqual(norm(off))
  })

  it('check-run: false sends no check request', () => {
    expect(off.standIn.requests.filter((r) => r.path.includes('check-runs'))).toEqual([])
  })

  it('never shows the password or the token', () => {
    for (const c of cases) {
      const password = passwordOf(c.db.url)
      expect(leaksOf(c.run, password)).toEqual([])
      expect(leaksOf(c.run, TOKEN)).toEqual([])
      for (const request of c.standIn.requests) {
        const body = JSON.stringify(request.body ?? '')
        expect(body).not.toContain(password)
        expect(body).not.toContain(TOKEN)
      }
    }
  })
})

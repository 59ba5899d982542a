/**
 * Where the built action comments, and what happens when it cannot: two
 * projects keep two comments, a 403 becomes a warning that leaves the result
 * alone, `workflow_dispatch` and `push` comment only on a pull request they
 * can find, a fork's pull request gets a warning and no request (neither
 * comment nor check run: its token is read-only). Most runs
 * fail cheaply on an unreachable database: the report is what is tested.
 */
import { createTestDatabase, type TestDatabase } from '../helpers/pg.js'
import { makeProject, type FixtureProject } from '../helpers/project.js'
import { startGitHubStandIn, type GitHubStandIn } from '../helpers/github-stand-in.js'
import {
  commentCalls,
  ensureDist,
  HEAD_SHA,
  leaksOf,
  passwordOf,
  PR_NUMBER,
  runAction,
  unreachableUrl,
  type ActionRun
} from './harness.js'

const unreachable = unreachableUrl()
const projects: FixtureProject[] = []
const standIns: GitHubStandIn[] = []

beforeAll(async () => {
  await ensureDist()
})

afterAll(async () => {
  for (const standIn of standIns) await standIn.close()
  for (const project of projects) project.cleanup()
})

async function standIn(options: Parameters<typeof startGitHubStandIn>[0] = {}): Promise<GitHubStandIn> {
  const started = await startGitHubStandIn(options)
  standIns.push(started)
  return started
}

function project(): FixtureProject {
  const made = makeProject()
  projects.push(made)
  return made
}

/** A run that fails at once on an unreachable database. */
function cheapRun(
  api: GitHubStandIn,
  dir: FixtureProject,
  extra: { inputs?: Record<string, string>; event?: Parameters<typeof runAction>[0]['event'] } = {}
): Promise<ActionRun> {
  return runAction({
    inputs: {
      'database-url': unreachable.url,
      'working-directory': dir.relDir,
      'connect-timeout': '1s',
      ...extra.inputs
    },
    event: extra.event,
    apiUrl: api.url
  })
}

function expectNoLeak(run: ActionRun): void {
  expect(leaksOf(run, unreachable.password)).toEqual([])
}

describe('two working directories', () => {
  it('keep two comments, each edited by its own project', async () => {
    const api = await standIn()
    const [a, b] = [project(), project()]
    if (!a || !b) throw new Error('projects')
    await cheapRun(api, a)
    await cheapRun(api, b)
    expect(api.comments).toHaveLength(2)
    const [first, second] = api.comments
    expect(first?.body.startsWith(`<!-- migrate-seed-check:${a.relDir} -->`)).toBe(true)
    expect(second?.body.startsWith(`<!-- migrate-seed-check:${b.relDir} -->`)).toBe(true)
    const before = api.requests.length
    const again = [await cheapRun(api, b), await cheapRun(api, a)]
    expect(api.comments).toHaveLength(2)
    expect(commentCalls(api.requests.slice(before)).filter((call) => !call.startsWith('GET'))).toEqual([
      `PATCH /repos/acme/shop/issues/comments/${second?.id}`,
      `PATCH /repos/acme/shop/issues/comments/${first?.id}`
    ])
    expect(first?.body).toContain(`\`${a.relDir}\``)
    expect(second?.body).toContain(`\`${b.relDir}\``)
    for (const run of again) expect(run.outputs['comment-url']).not.toBe('')
    for (const run of again) expectNoLeak(run)
  })
})

describe('a token without pull-requests: write (the stand-in answers 403)', () => {
  it('warns naming the permission and leaves a failing run as it was', async () => {
    const api = await standIn()
    api.setFailure(403)
    const dir = project()
    const withComment = await cheapRun(api, dir)
    const without = await cheapRun(await standIn(), dir, { inputs: { comment: 'false' } })
    expect(api.requests.length).toBeGreaterThan(0)
    const warning = withComment.warnings.find((w) => w.message.includes('pull-requests: write'))
    expect(warning?.message).toContain('HTTP 403')
    expect(withComment.exitCode).toBe(without.exitCode)
    expect(withComment.outputs.status).toBe(without.outputs.status)
    expect(withComment.outputs.status).toBe('failed')
    expect(withComment.outputs['comment-url']).toBe('')
    expect(withComment.summary).toMatch(/^### ❌ migrate-seed-check failed/m)
    expectNoLeak(withComment)
  })

  it('warns and leaves a passing run passing', async () => {
    const api = await standIn()
    api.setFailure(403)
    const dir = project()
    const db: TestDatabase = await createTestDatabase('act_403')
    try {
      const run = await runAction({
        inputs: {
          'database-url': db.url,
          'working-directory': dir.relDir,
          generate: 'false',
          'seed-command': 'none'
        },
        apiUrl: api.url
      })
      expect({ exitCode: run.exitCode, status: run.outputs.status }).toEqual({
        exitCode: 0,
        status: 'passed'
      })
      expect(run.warnings.some((w) => w.message.includes('pull-requests: write'))).toBe(true)
      expect(run.errors).toEqual([])
      expect(api.comments).toHaveLength(0)
      expect(leaksOf(run, passwordOf(db.url))).toEqual([])
    } finally {
      await db.drop()
    }
  })
})

describe('runs without a pull request in their event', () => {
  it('workflow_dispatch: writes the summary, looks for a pull request of the commit, finds none, posts nothing', async () => {
    const api = await standIn()
    const run = await cheapRun(api, project(), { event: { name: 'workflow_dispatch' } })
    expect(run.outputs.status).toBe('failed')
    expect(run.summary).toMatch(/^### ❌ migrate-seed-check failed/m)
    expect(run.summary).toContain('| Stage | Result | Time | Details |')
    // The check run goes on the commit whatever the comment finds.
    expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /repos/acme/shop/check-runs',
      `GET /repos/acme/shop/commits/${HEAD_SHA}/pulls`
    ])
    expect(api.checkRuns.map((c) => c.head_sha)).toEqual([HEAD_SHA])
    expect(api.comments).toHaveLength(0)
    expect(run.outputs['comment-url']).toBe('')
    expectNoLeak(run)
  })

  it('push: comments on the open pull request of the commit', async () => {
    const api = await standIn({ pullsForCommit: { [HEAD_SHA]: [{ number: 12, state: 'open' }] } })
    const run = await cheapRun(api, project(), { event: { name: 'push' } })
    expect(commentCalls(api.requests).filter((call) => !call.startsWith('GET'))).toEqual([
      'POST /repos/acme/shop/issues/12/comments'
    ])
    expect(run.outputs['comment-url']).toBe(api.comments[0]?.html_url)
  })

  it('workflow_dispatch with pr-number: comments on that pull request', async () => {
    const api = await standIn()
    await cheapRun(api, project(), { event: { name: 'workflow_dispatch' }, inputs: { 'pr-number': '31' } })
    expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /repos/acme/shop/check-runs',
      'GET /repos/acme/shop/issues/31/comments',
      'POST /repos/acme/shop/issues/31/comments'
    ])
  })
})

describe('a pull request from a fork', () => {
  it('warns, points to the publishing workflow and sends no request at all', async () => {
    const api = await standIn()
    const run = await cheapRun(api, project(), { event: { name: 'pull_request', fork: true } })
    expect(api.requests).toEqual([])
    const warning = run.warnings.find((w) => /fork/i.test(w.message))
    expect(warning?.message).toContain('docs/fork-pull-requests.md')
    const notice = run.commands.find((c) => c.name === 'notice' && /fork/.test(c.message))
    expect(notice?.message).toContain('mode: publish')
    expect(run.outputs.status).toBe('failed')
    expect(run.summary).toMatch(/^### ❌ migrate-seed-check failed/m)
    expectNoLeak(run)
  })
})

describe('comment: false', () => {
  it('sends no comment request (the check run only)', async () => {
    const api = await standIn()
    const run = await cheapRun(api, project(), { inputs: { comment: 'false' } })
    expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /repos/acme/shop/check-runs'])
    expect(run.outputs.status).toBe('failed')
    expect(run.summary).not.toBe('')
  })
})

it('uses the pull request number of the event', async () => {
  const api = await standIn()
  await cheapRun(api, project(), { event: { name: 'pull_request', number: PR_NUMBER + 1 } })
  expect(api.comments.map((comment) => comment.issueNumber)).toEqual([PR_NUMBER + 1])
})

/**
 * The sticky comment over a pull request's life, on the built action: a first
 * failing run creates the comment (while 250 other comments push it to the
 * third page), a second edits it in place, and a passing run of the sample
 * project edits it to a passing report. The passing run is also the
 * action-level check that the sample passes every stage.
 */
import { existsSync, readFileSync } from 'node:fs'
import { createTestDatabase, type TestDatabase } from '../helpers/pg.js'
import { makeProject, type FixtureProject } from '../helpers/project.js'
import { startGitHubStandIn, type GitHubStandIn } from '../helpers/github-stand-in.js'
import {
  commentCalls,
  ensureDist,
  leaksOf,
  passwordOf,
  PR_NUMBER,
  runAction,
  TOKEN,
  unreachableUrl,
  type ActionRun
} from './harness.js'

let standIn: GitHubStandIn
let project: FixtureProject
let db: TestDatabase
const runs: { first?: ActionRun; second?: ActionRun; passing?: ActionRun } = {}
const requestsOf: { first: number; second: number; passing: number } = { first: 0, second: 0, passing: 0 }
/** Our comment's body after each run. */
const bodies: string[] = []
const unreachable = unreachableUrl()

const marker = (): string => `<!-- migrate-seed-check:${project.relDir} -->`
const ourComments = () => standIn.comments.filter((comment) => comment.body.startsWith(marker()))

beforeAll(async () => {
  await ensureDist()
  standIn = await startGitHubStandIn({
    comments: Array.from({ length: 250 }, (_, i) => ({ issueNumber: PR_NUMBER, body: `LGTM ${i}` }))
  })
  project = makeProject()
  db = await createTestDatabase('act_sticky')
  const cheap = {
    'database-url': unreachable.url,
    'working-directory': project.relDir,
    'connect-timeout': '1s'
  }
  runs.first = await runAction({ inputs: cheap, apiUrl: standIn.url })
  requestsOf.first = standIn.requests.length
  bodies.push(ourComments()[0]?.body ?? '')
  runs.second = await runAction({ inputs: cheap, apiUrl: standIn.url })
  requestsOf.second = standIn.requests.length
  bodies.push(ourComments()[0]?.body ?? '')
  runs.passing = await runAction({
    inputs: { 'database-url': db.url, 'working-directory': project.relDir },
    apiUrl: standIn.url
  })
  requestsOf.passing = standIn.requests.length
})

afterAll(async () => {
  await standIn?.close()
  await db?.drop()
  project?.cleanup()
})

function the(run: ActionRun | undefined): ActionRun {
  if (!run) throw new Error('the run did not happen (see beforeAll)')
  return run
}

describe('the sticky pull-request comment', () => {
  it('is created once by the first failing run, after the 250 comments already there', () => {
    const run = the(runs.first)
    expect(run.exitCode).toBe(1)
    expect(run.outputs.status).toBe('failed')
    const calls = commentCalls(standIn.requests.slice(0, requestsOf.first))
    expect(calls.filter((call) => call.startsWith('POST'))).toEqual([
      `POST /repos/acme/shop/issues/${PR_NUMBER}/comments`
    ])
    expect(calls.filter((call) => call.startsWith('PATCH'))).toEqual([])
    expect(standIn.requests[0]?.authorization).toBe(`token ${TOKEN}`)
    expect(ourComments()).toHaveLength(1)
    expect(standIn.comments).toHaveLength(251)
    expect(bodies[0]?.startsWith(marker())).toBe(true)
    expect(bodies[0]).toMatch(/^### ❌ migrate-seed-check failed/m)
    expect(run.outputs['comment-url']).toBe(ourComments()[0]?.html_url)
  })

  it('is edited in place by the second run, found on the third page of comments', () => {
    const run = the(runs.second)
    expect(run.exitCode).toBe(1)
    const requests = standIn.requests.slice(requestsOf.first, requestsOf.second)
    const pages = requests.filter((r) => r.method === 'GET' && r.path.endsWith('/comments'))
    expect(pages.map((r) => r.query.page ?? '1')).toEqual(['1', '2', '3'])
    const [comment] = ourComments()
    expect(commentCalls(requests).filter((call) => !call.startsWith('GET'))).toEqual([
      `PATCH /repos/acme/shop/issues/comments/${comment?.id}`
    ])
    expect(ourComments()).toHaveLength(1)
    expect(standIn.comments).toHaveLength(251)
    expect(bodies[1]).toMatch(/^### ❌ migrate-seed-check failed/m)
    expect(bodies[1]).toContain('Database unreachable')
    expect(run.outputs['comment-url']).toBe(comment?.html_url)
  })

  it('is edited to a passing report when the sample project then passes', () => {
    const run = the(runs.passing)
    const requests = standIn.requests.slice(requestsOf.second, requestsOf.passing)
    const [comment] = ourComments()
    expect(commentCalls(requests).filter((call) => !call.startsWith('GET'))).toEqual([
      `PATCH /repos/acme/shop/issues/comments/${comment?.id}`
    ])
    expect(ourComments()).toHaveLength(1)
    expect(comment?.body.startsWith(marker())).toBe(true)
    expect(comment?.body).toMatch(/^### ✅ migrate-seed-check passed/m)
    expect(comment?.body).not.toContain('❌')
    expect(comment?.body).not.toContain('Database unreachable')
    expect(run.outputs['comment-url']).toBe(comment?.html_url)
  })

  it('never shows the database password', () => {
    const urlPassword = passwordOf(db.url)
    for (const run of [the(runs.first), the(runs.second)])
      expect(leaksOf(run, unreachable.password)).toEqual([])
    expect(leaksOf(the(runs.passing), urlPassword)).toEqual([])
    for (const request of standIn.requests) {
      const body = JSON.stringify(request.body ?? '')
      expect(body).not.toContain(unreachable.password)
      expect(body).not.toContain(urlPassword)
    }
    const reportJson = the(runs.passing).outputs['report-json'] ?? ''
    expect(readFileSync(reportJson, 'utf8')).not.toContain(urlPassword)
  })
})

describe('the sample project on the built action', () => {
  it('passes every stage with no drift', () => {
    const run = the(runs.passing)
    expect({ exitCode: run.exitCode, status: run.outputs.status }).toEqual({ exitCode: 0, status: 'passed' })
    expect(run.outputs.drift).toBe('false')
    expect(run.outputs['drift-count']).toBe('0')
    expect(run.outputs['fix-sql']).toBe('')
    expect(run.errors).toEqual([])
  })

  it('writes report.json where the report-json output says', () => {
    const file = the(runs.passing).outputs['report-json'] ?? ''
    expect(file).toMatch(/report\.json$/)
    expect(existsSync(file)).toBe(true)
    const report = JSON.parse(readFileSync(file, 'utf8')) as { status?: string }
    expect(report.status).toBe('passed')
  })

  it('writes the stage table to the job summary', () => {
    const { summary } = the(runs.passing)
    expect(summary).toMatch(/^### ✅ migrate-seed-check passed/m)
    expect(summary).toContain('| Stage | Result | Time | Details |')
    for (const stage of ['Connect', 'Generate', 'Migrate', 'Seed', 'Compare'])
      expect(summary).toMatch(new RegExp(`^\\| ${stage} \\| ✅ passed \\| [\\d.]+ m?s \\|`, 'm'))
  })
})

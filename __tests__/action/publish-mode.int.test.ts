/**
 * `mode: publish` on the built action: the report.json of a pull_request run
 * (the design doc's drift), published from a workflow_run event as GitHub
 * sends it for a fork's pull request (no `pull_requests`): the comment goes to
 * the pull request the report names once the API confirms its head, the
 * check run to that head commit, and both, with the job summary, match the
 * same-repository run's byte for byte. Tampered, foreign, oversized reports
 * and a pull request whose head moved are refused with a clear error and no
 * write request.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { createTestDatabase, type TestDatabase } from '../helpers/pg.js'
import { makeProject, REPO_ROOT, type FixtureProject } from '../helpers/project.js'
import { startGitHubStandIn, type GitHubStandIn } from '../helpers/github-stand-in.js'
import {
  ensureDist,
  HEAD_SHA,
  leaksOf,
  markdownInjections,
  passwordOf,
  PR_NUMBER,
  runAction,
  TOKEN,
  type ActionRun
} from './harness.js'

const DROPPED = '20250612143000_add_auth_and_user_features'
const OTHER_SHA = 'b'.repeat(40)

let checkApi: GitHubStandIn
let project: FixtureProject
let db: TestDatabase
let checkRun: ActionRun
let scratch: string
let reportFile: string
const standIns: GitHubStandIn[] = []

beforeAll(async () => {
  await ensureDist()
  checkApi = await startGitHubStandIn()
  project = makeProject({ dropMigrations: [DROPPED] })
  db = await createTestDatabase('act_publish')
  // The pull_request run: the same repository, so it comments and writes its check run itself.
  checkRun = await runAction({
    inputs: { 'database-url': db.url, 'working-directory': project.relDir },
    apiUrl: checkApi.url
  })
  // The artifact as the publishing workflow downloads it: outside the checkout.
  scratch = mkdtempSync(path.join(REPO_ROOT, '.tmp', 'publish-'))
  reportFile = path.join(scratch, 'report.json')
  copyFileSync(checkRun.outputs['report-json'] ?? '', reportFile)
})

afterAll(async () => {
  for (const api of [checkApi, ...standIns]) await api?.close()
  await db?.drop()
  project?.cleanup()
  if (scratch) rmSync(scratch, { recursive: true, force: true })
})

async function publish(
  options: {
    report?: string
    pulls?: Record<number, { headSha: string }>
    pullRequests?: number[]
    headSha?: string
    inputs?: Record<string, string>
    event?: string
  } = {}
): Promise<{ run: ActionRun; api: GitHubStandIn }> {
  const api = await startGitHubStandIn({ pulls: options.pulls ?? { [PR_NUMBER]: { headSha: HEAD_SHA } } })
  standIns.push(api)
  const run = await runAction({
    inputs: { mode: 'publish', 'report-json': options.report ?? reportFile, ...options.inputs },
    event: {
      name: 'workflow_run',
      headSha: options.headSha ?? HEAD_SHA,
      pullRequests: options.pullRequests ?? [],
      fork: true,
      event: options.event
    },
    apiUrl: api.url,
    timeoutMs: 60_000
  })
  return { run, api }
}

/** A copy of the report with `change` applied, written next to it. */
function tampered(name: string, change: (report: Record<string, unknown>) => unknown): string {
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as Record<string, unknown>
  const file = path.join(scratch, `${name}.json`)
  writeFileSync(file, JSON.stringify(change(report) ?? report))
  return file
}

function writes(api: GitHubStandIn): string[] {
  return api.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`)
}

function expectNoSecret(run: ActionRun, api: GitHubStandIn): void {
  expect(leaksOf(run, TOKEN)).toEqual([])
  expect(leaksOf(run, passwordOf(db.url))).toEqual([])
  for (const request of api.requests) expect(JSON.stringify(request.body ?? '')).not.toContain(TOKEN)
}

describe('publishing a fork pull request’s report from workflow_run', () => {
  let run: ActionRun
  let api: GitHubStandIn

  beforeAll(async () => {
    ;({ run, api } = await publish())
  })

  it('verifies the pull request, then writes the check run and the comment', () => {
    expect(run.exitCode).toBe(0)
    expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /repos/acme/shop/pulls/${PR_NUMBER}`,
      'POST /repos/acme/shop/check-runs',
      `GET /repos/acme/shop/issues/${PR_NUMBER}/comments`,
      `POST /repos/acme/shop/issues/${PR_NUMBER}/comments`
    ])
    expect(api.checkRuns).toHaveLength(1)
    expect(api.checkRuns[0]).toMatchObject({ head_sha: HEAD_SHA, conclusion: 'failure' })
    expect(api.comments.map((c) => c.issueNumber)).toEqual([PR_NUMBER])
    expect(run.outputs).toMatchObject({
      status: 'failed',
      drift: 'true',
      'drift-count': '35',
      'comment-url': api.comments[0]?.html_url
    })
  })

  it('posts what the same-repository run posted: comment, check run and job summary', () => {
    expect(api.comments[0]?.body).toBe(checkApi.comments[0]?.body)
    const [published] = api.checkRuns
    const [direct] = checkApi.checkRuns
    expect(published?.name).toBe(direct?.name)
    expect(published?.title).toBe(direct?.title)
    expect(published?.summary).toBe(direct?.summary)
    expect(published?.annotations).toEqual(direct?.annotations)
    expect(run.summary).toBe(checkRun.summary)
    expect(run.summary).toContain('### Drift: 35 errors')
    expect(markdownInjections(api.comments[0]?.body ?? '')).toEqual([])
  })

  it('starts no database and never shows the token', () => {
    expect(run.stdout).not.toMatch(/Connect to the database|prisma migrate/)
    expectNoSecret(run, api)
  })
})

describe('what decides the pull request', () => {
  it('takes the event’s pull request when GitHub names one (same repository)', async () => {
    const { run, api } = await publish({
      pullRequests: [PR_NUMBER],
      report: tampered('no-pr', (r) => {
        delete r.pullRequest
      })
    })
    expect(run.exitCode).toBe(0)
    expect(api.comments.map((c) => c.issueNumber)).toEqual([PR_NUMBER])
  })

  it('refuses when the pull request’s head is not the commit the run checked', async () => {
    const { run, api } = await publish({ pulls: { [PR_NUMBER]: { headSha: OTHER_SHA } } })
    expect(run.exitCode).toBe(1)
    expect(run.errors[0]?.message).toMatch(
      new RegExp(
        `did not publish the report: pull request #${PR_NUMBER}'s head is ${OTHER_SHA}, but the workflow run checked ${HEAD_SHA}`
      )
    )
    expect(writes(api)).toEqual([])
    expectNoSecret(run, api)
  })

  it('refuses a report recorded for another commit than the workflow run’s', async () => {
    const { run, api } = await publish({ headSha: OTHER_SHA, pulls: { [PR_NUMBER]: { headSha: OTHER_SHA } } })
    expect(run.exitCode).toBe(1)
    expect(run.errors[0]?.message).toContain(`the report was made for commit ${HEAD_SHA}`)
    expect(api.requests).toEqual([])
  })

  it('refuses the report of a run that was not a pull request', async () => {
    const { run, api } = await publish({ event: 'push' })
    expect(run.exitCode).toBe(1)
    expect(run.errors[0]?.message).toContain('not pull_request')
    expect(api.requests).toEqual([])
  })
})

describe('a report that is not to be trusted', () => {
  it.each<[string, () => string, RegExp]>([
    [
      'a foreign file',
      () => tampered('foreign', () => ({ version: 1, status: 'passed' })),
      /is not a migrate-seed-check report/
    ],
    [
      'another version',
      () => tampered('v9', (r) => ({ ...r, version: 9 })),
      /version 9 is not one this action reads/
    ],
    ['a tampered status', () => tampered('status', (r) => ({ ...r, status: 'passed ✅' })), /status: /],
    [
      'an annotation path outside the repository',
      () =>
        tampered('path', (r) => {
          ;(r.drift as Array<{ location: unknown }>)[0]!.location = { file: '../../../etc/passwd', line: 1 }
        }),
      /drift\.0\.location\.file: must be a path inside the repository/
    ],
    [
      'a file that is no JSON',
      () => {
        const file = path.join(scratch, 'garbage.json')
        writeFileSync(file, '{"format": "migrate-seed-check/report", ')
        return file
      },
      /is refused: it is not JSON/
    ],
    [
      'a missing file',
      () => path.join(scratch, 'missing.json'),
      /does not exist\. Download the pull_request run's artifact/
    ]
  ])('refuses %s, naming the input, and writes nothing', async (_name, file, message) => {
    const { run, api } = await publish({ report: file() })
    expect(run.exitCode).toBe(1)
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]?.message).toMatch(
      /^migrate-seed-check did not publish the report: Input 'report-json': /
    )
    expect(run.errors[0]?.message).toMatch(message)
    expect(api.requests).toEqual([])
    expect(run.summary).toBe('')
    expect(run.outputs.status).toBe('failed')
    expectNoSecret(run, api)
  })

  it('refuses a file over 8 MiB before reading it', async () => {
    const file = path.join(scratch, 'huge.json')
    writeFileSync(file, `{"format":"migrate-seed-check/report","pad":"${'x'.repeat(8 * 1024 * 1024)}"}`)
    const { run, api } = await publish({ report: file })
    expect(run.exitCode).toBe(1)
    expect(run.errors[0]?.message).toMatch(
      /more than the 8,388,608 a report of this action has; it is refused unread/
    )
    expect(api.requests).toEqual([])
  })

  it('renders markup in the report as text', async () => {
    const file = tampered('markup', (r) => {
      const drift = r.drift as Array<{ object: string; expected?: string }>
      drift[0]!.object = 'users.<img src=x onerror=alert(1)>'
      drift[0]!.expected = '`x` | <script>alert(1)</script>'
    })
    const { run, api } = await publish({ report: file })
    expect(run.exitCode).toBe(0)
    for (const text of [api.comments[0]?.body ?? '', api.checkRuns[0]?.summary ?? '', run.summary])
      expect(markdownInjections(text)).toEqual([])
  })
})

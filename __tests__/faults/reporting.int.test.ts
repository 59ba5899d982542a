// The GitHub API failing while the built action posts its comment. Each case:
// the stand-in answers 403, 404, 422 (body too long), 500, or never answers →
// the check's result is exactly what it is without a comment (same exit code,
// status output and error annotations) and the reason is one `::warning::` →
// exit 1 for the cheap failing run, exit 0 for the passing one.
import { createTestDatabase } from '../helpers/pg.js'
import { startGitHubStandIn, type GitHubStandIn } from '../helpers/github-stand-in.js'
import { makeProject, type FixtureProject } from '../helpers/project.js'
import { REQUEST_TIMEOUT_MS } from '../../src/github/comment.js'
import {
  ensureDist,
  leaksOf,
  passwordOf,
  runAction,
  unreachableUrl,
  type ActionRun
} from '../action/harness.js'
import { expectNoProcessLeft, FAULT_TIMEOUT } from './debris.js'

const unreachable = unreachableUrl()
const standIns: GitHubStandIn[] = []
let project: FixtureProject
let baseline: ActionRun

async function standIn(): Promise<GitHubStandIn> {
  const api = await startGitHubStandIn()
  standIns.push(api)
  return api
}

/** A run that fails at once on an unreachable database: the report is what is tested. */
function cheapRun(api: GitHubStandIn, inputs: Record<string, string> = {}): Promise<ActionRun> {
  return runAction({
    inputs: {
      'database-url': unreachable.url,
      'working-directory': project.relDir,
      'connect-timeout': '1s',
      ...inputs
    },
    apiUrl: api.url
  })
}

/** What the check decided, apart from the comment: exit code, outputs, error annotations. */
function verdict(run: ActionRun) {
  return {
    exitCode: run.exitCode,
    status: run.outputs.status,
    drift: run.outputs.drift,
    errors: run.errors.map((e) => e.message)
  }
}

beforeAll(async () => {
  await ensureDist()
  project = makeProject()
  baseline = await cheapRun(await standIn(), { comment: 'false' })
}, 300_000)

afterAll(async () => {
  for (const api of standIns) await api.close()
  project?.cleanup()
})

test.concurrent.each([
  [403, undefined, /HTTP 403.*`pull-requests: write`/s],
  [404, undefined, /HTTP 404.*`pull-requests: write`/s],
  [
    422,
    'POST',
    /GitHub rejected the pull-request comment \(HTTP 422: .*body is too long.*the limit is 65,536/s
  ],
  [
    500,
    undefined,
    /Could not post the pull-request comment \(HTTP 500: .*\)\. The job summary has the full report/s
  ]
])(
  'the API answers %i → the same failed result (exit 1), the reason as a warning, no comment-url',
  async (status, method, warning) => {
    const api = await standIn()
    api.setFailure(status, method ? { method } : {})
    const run = await cheapRun(api)
    expect(api.requests.length).toBeGreaterThan(0)
    expect(verdict(run)).toEqual(verdict(baseline))
    expect(verdict(run).exitCode).toBe(1)
    const warnings = run.warnings.filter((w) => /comment/.test(w.message))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]?.message).toMatch(warning)
    expect(run.outputs['comment-url']).toBe('')
    expect(run.summary).toMatch(/^### ❌ migrate-seed-check failed/m)
    expect(leaksOf(run, unreachable.password)).toEqual([])
  },
  120_000
)

test.concurrent(
  'commenting fails in a way no HTTP status describes (an API URL that is no URL) → outputs are written all the same, the reason is a warning, the same result',
  async () => {
    const api = await standIn()
    const run = await runAction({
      inputs: {
        'database-url': unreachable.url,
        'working-directory': project.relDir,
        'connect-timeout': '1s'
      },
      apiUrl: 'http://[not-a-url'
    })
    expect(api.requests).toEqual([])
    expect(verdict(run)).toEqual(verdict(baseline))
    expect(run.outputs).toMatchObject({ status: 'failed', drift: 'false', 'comment-url': '' })
    expect(run.outputs['report-json']).toMatch(/report\.json$/)
    expect(run.warnings.map((w) => w.message).join('\n')).toMatch(/Could not post the pull-request comment/)
  },
  120_000
)

test.concurrent(
  'the API never answers → the comment gives up after the request timeout with a warning, a passing run still passes (exit 0), no hang',
  async () => {
    const api = await standIn()
    api.setHang(true)
    const db = await createTestDatabase('f_apihang')
    try {
      const run = await runAction({
        inputs: {
          'database-url': db.url,
          'working-directory': project.relDir,
          generate: 'false',
          'seed-command': 'none'
        },
        apiUrl: api.url,
        // Without the bound it would wait until this kills it (and the test fails).
        timeoutMs: 150_000
      })
      expect(run.describe()).toMatch(/exit code 0/)
      expect(run.outputs.status).toBe('passed')
      expect(run.errors).toEqual([])
      const warnings = run.warnings.filter((w) => /comment/.test(w.message))
      expect(warnings.map((w) => w.message)).toEqual([
        `Could not post the pull-request comment: the GitHub API did not answer within ${REQUEST_TIMEOUT_MS / 1000}s. The job summary has the full report.`
      ])
      // The check run's request and then the comment's, each given up after the request timeout.
      expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
        'POST /repos/acme/shop/check-runs',
        'GET /repos/acme/shop/issues/7/comments'
      ])
      expect(run.warnings.filter((w) => /check run/.test(w.message)).map((w) => w.message)).toEqual([
        `Could not write the check run (the GitHub API did not answer within ${REQUEST_TIMEOUT_MS / 1000}s). The job summary has the full report.`
      ])
      expect(run.outputs['comment-url']).toBe('')
      expect(run.summary).toMatch(/migrate-seed-check passed/)
      expect(leaksOf(run, passwordOf(db.url))).toEqual([])
      await expectNoProcessLeft({ dir: project.dir })
    } finally {
      await db.drop()
    }
  },
  FAULT_TIMEOUT
)

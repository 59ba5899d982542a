/**
 * Every GitHub request is bounded: an API that accepts the connection and
 * never answers is given up at the request's own bound, also while the
 * garbage collector runs (a timeout signal only `AbortSignal.any()` refers to
 * could be collected before it fired, and the request then waited for the
 * total bound). The API is a stand-in on 127.0.0.1 that never answers.
 */
import v8 from 'node:v8'
import vm from 'node:vm'
import { startGitHubStandIn, type GitHubStandIn } from '../helpers/github-stand-in.js'

v8.setFlagsFromString('--expose-gc')
const gc = vm.runInNewContext('gc') as () => void

let api: GitHubStandIn
beforeAll(async () => {
  api = await startGitHubStandIn()
  api.setHang(true)
})
afterAll(() => api.close())

test('a request the API never answers is aborted at its own bound, not the total one, with the collector running', async () => {
  // @actions/github reads the API's address when it is loaded.
  process.env.GITHUB_API_URL = api.url
  const { getOctokit } = await import('@actions/github')
  const { boundRequests, timedOut } = await import('../../src/github/comment.js')
  const totalMs = 20_000
  const octokit = boundRequests(getOctokit('token'), { perRequestMs: 300, totalMs })
  const collector = setInterval(gc, 10)
  try {
    for (let i = 0; i < 5; i++) {
      const started = Date.now()
      const error = await octokit.rest.issues
        .listComments({ owner: 'acme', repo: 'shop', issue_number: 7 })
        .then(
          () => undefined,
          (e: unknown) => e
        )
      expect(timedOut(error)).toBe(true)
      // Given up by its own bound: long before the total one.
      expect(Date.now() - started).toBeLessThan(totalMs / 2)
    }
  } finally {
    clearInterval(collector)
  }
  // The requests reached the API (on a busy machine one may be given up before it is sent).
  expect(api.requests.length).toBeGreaterThan(0)
}, 60_000)

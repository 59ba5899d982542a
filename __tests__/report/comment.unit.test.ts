import { getOctokit } from '@actions/github'
import { findPullRequestForCommit, upsertComment } from '../../src/github/comment.js'
import { startGitHubStandIn, type GitHubStandIn } from '../helpers/github-stand-in.js'

const MARKER = '<!-- migrate-seed-check:. -->'
const where = { owner: 'acme', repo: 'cms', issueNumber: 7 }

describe('upsertComment against the GitHub stand-in', () => {
  let github: GitHubStandIn
  let octokit: ReturnType<typeof getOctokit>

  async function start(options?: Parameters<typeof startGitHubStandIn>[0]): Promise<void> {
    github = await startGitHubStandIn(options)
    octokit = getOctokit('token', { baseUrl: github.url })
  }

  afterEach(async () => {
    await github.close()
  })

  function post(body: string, marker = MARKER) {
    return upsertComment({ octokit, ...where, marker, body: `${marker}\n${body}` })
  }

  function writes() {
    return github.requests.filter((request) => request.method !== 'GET')
  }

  it('creates the comment on the first run and edits it on the second', async () => {
    await start()
    const first = await post('❌ failed')
    expect(first.action).toBe('created')
    expect(first.url).toMatch(/#issuecomment-\d+$/)
    const second = await post('✅ passed')
    expect(second).toMatchObject({ action: 'updated', url: first.url })
    expect(github.comments).toHaveLength(1)
    expect(github.comments[0]?.body).toBe(`${MARKER}\n✅ passed`)
    expect(writes().map((request) => request.method)).toEqual(['POST', 'PATCH'])
    expect(github.requests[0]?.authorization).toBe('token token')
  })

  it('finds the marker comment on page 3 and edits it instead of adding one', async () => {
    await start({ maxPerPage: 5 })
    for (let i = 0; i < 12; i++) github.addComment(7, `review comment ${i}`)
    const ours = github.addComment(7, `${MARKER}\nold report`, 'github-actions[bot]')
    github.addComment(7, 'a later comment')
    const result = await post('new report')
    expect(result.action).toBe('updated')
    expect(github.comments).toHaveLength(14)
    expect(github.comments.find((comment) => comment.id === ours.id)?.body).toBe(`${MARKER}\nnew report`)
    const pages = github.requests
      .filter((request) => request.method === 'GET')
      .map((r) => r.query.page ?? '1')
    expect(pages).toEqual(['1', '2', '3'])
  })

  it('keeps two comments for two working directories', async () => {
    await start()
    const api = '<!-- migrate-seed-check:apps/api -->'
    const web = '<!-- migrate-seed-check:apps/web -->'
    await post('api report', api)
    await post('web report', web)
    await post('api report 2', api)
    expect(github.comments.map((comment) => comment.body)).toEqual([
      `${api}\napi report 2`,
      `${web}\nweb report`
    ])
  })

  it('does not take over a comment that only quotes the marker', async () => {
    await start()
    github.addComment(7, `> ${MARKER}\n> quoted report\n\nWhy does this fail?`, 'octocat')
    const result = await post('report')
    expect(result.action).toBe('created')
    expect(github.comments).toHaveLength(2)
  })

  it('adds the marker when the body lacks it', async () => {
    await start()
    await upsertComment({ octokit, ...where, marker: MARKER, body: 'no marker' })
    expect(github.comments[0]?.body).toBe(`${MARKER}\nno marker`)
  })

  it('turns a 403 into a warning naming pull-requests: write and forks', async () => {
    await start()
    github.setFailure(403)
    const result = await post('report')
    expect(result.action).toBe('skipped')
    expect(result.url).toBeUndefined()
    expect(result.warning).toContain('pull-requests: write')
    expect(result.warning).toContain('forks')
    expect(result.warning).toContain('HTTP 403')
  })

  it('turns a 404 on creation (fork token) into the same permission warning', async () => {
    await start()
    github.setFailure(404, { method: 'POST' })
    const result = await post('report')
    expect(result).toMatchObject({ action: 'skipped' })
    expect(result.warning).toContain('pull-requests: write')
  })

  it('turns a 422 (body too long) into a warning', async () => {
    await start()
    const result = await post('x'.repeat(70_000))
    expect(result.action).toBe('skipped')
    expect(result.warning).toContain('HTTP 422')
    expect(result.warning).toContain('65,536')
  })

  it('turns a 500 into a warning and does not throw', async () => {
    await start()
    github.setFailure(500)
    const result = await post('report')
    expect(result.action).toBe('skipped')
    expect(result.warning).toContain('HTTP 500')
  })

  it('turns an unreachable API into a warning', async () => {
    await start()
    await github.close()
    const closed = getOctokit('token', { baseUrl: github.url })
    github = await startGitHubStandIn()
    const result = await upsertComment({ octokit: closed, ...where, marker: MARKER, body: 'x' })
    expect(result.action).toBe('skipped')
    expect(result.warning).toContain('Could not post the pull-request comment')
  })
})

describe('findPullRequestForCommit against the GitHub stand-in', () => {
  let github: GitHubStandIn

  afterEach(async () => {
    await github.close()
  })

  it('returns the open pull request of a commit and ignores closed ones', async () => {
    github = await startGitHubStandIn({
      pullsForCommit: {
        abc123: [
          { number: 3, state: 'closed' },
          { number: 9, state: 'open' }
        ],
        merged: [{ number: 4, state: 'closed' }]
      }
    })
    const octokit = getOctokit('token', { baseUrl: github.url })
    const found = await findPullRequestForCommit({ octokit, owner: 'acme', repo: 'cms', sha: 'abc123' })
    expect(found).toEqual({ pullRequest: { number: 9, url: 'https://github.com/acme/repo/pull/9' } })
    expect(github.requests[0]?.path).toBe('/repos/acme/cms/commits/abc123/pulls')
    expect(await findPullRequestForCommit({ octokit, owner: 'acme', repo: 'cms', sha: 'merged' })).toEqual({})
  })

  it('returns a warning on an HTTP error', async () => {
    github = await startGitHubStandIn()
    github.setFailure(403)
    const octokit = getOctokit('token', { baseUrl: github.url })
    const found = await findPullRequestForCommit({ octokit, owner: 'acme', repo: 'cms', sha: 'abc' })
    expect(found.pullRequest).toBeUndefined()
    expect(found.warning).toContain('HTTP 403')
  })
})

/**
 * The sticky pull-request comment: one per project directory, found again by
 * its hidden marker and edited in place, so a pull request carries one current
 * report instead of a comment per push. Posting is a courtesy: no HTTP error
 * here may change the result of the check, so failures come back as warnings.
 * The GitHub client is passed in (an Octokit from `getOctokit`), which keeps
 * this module free of `@actions/*` at run time and lets tests point it anywhere.
 */
import type { getOctokit } from '@actions/github'
import { errorMessage } from '../util/errors.js'

/** The client `@actions/github`'s `getOctokit(token, { baseUrl })` returns. */
export type Octokit = ReturnType<typeof getOctokit>

/** Arguments of {@link upsertComment}. */
export interface UpsertCommentOptions {
  octokit: Octokit
  owner: string
  repo: string
  /** The pull request's number (pull requests are issues to the comments API). */
  issueNumber: number
  /** Hidden marker that identifies this project's comment; `body` is made to start with it. */
  marker: string
  body: string
}

/** What {@link upsertComment} did. */
export interface UpsertCommentResult {
  /** Link to the comment, when it was created or updated. */
  url?: string
  action: 'created' | 'updated' | 'skipped'
  /** Why nothing was posted, worded for the job log (names the permission when that is the cause). */
  warning?: string
}

/** A pull request found for a commit. */
export interface PullRequestRef {
  number: number
  url: string
}

const PERMISSION_HINT =
  'The token needs `pull-requests: write` (add `permissions: { pull-requests: write }` to the job). ' +
  'Pull requests from forks get a read-only token whatever the workflow asks, so no comment can be posted there; ' +
  'the job summary has the full report.'

/**
 * Creates this project's comment on the pull request, or edits it in place when
 * a comment starting with `marker` exists on any page. Never throws for HTTP
 * errors: 403/404 (no permission, fork), 422 (body rejected, usually too long)
 * and any other failure return `action: 'skipped'` with a warning.
 */
export async function upsertComment(options: UpsertCommentOptions): Promise<UpsertCommentResult> {
  const { octokit, owner, repo, issueNumber, marker } = options
  const body = options.body.startsWith(marker) ? options.body : `${marker}\n${options.body}`
  try {
    const existing = await findMarkedComment(octokit, { owner, repo, issueNumber, marker })
    if (existing) {
      const { data } = await octokit.rest.issues.updateComment({ owner, repo, comment_id: existing, body })
      return { url: data.html_url, action: 'updated' }
    }
    const { data } = await octokit.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body })
    return { url: data.html_url, action: 'created' }
  } catch (error) {
    return { action: 'skipped', warning: commentWarning(error, body.length) }
  }
}

/**
 * The id of the first comment whose body starts with the marker, looking
 * through every page. Starting with it (not merely containing it) matters: a
 * person quoting our comment in a reply must not have their comment overwritten.
 */
async function findMarkedComment(
  octokit: Octokit,
  where: { owner: string; repo: string; issueNumber: number; marker: string }
): Promise<number | undefined> {
  let found: number | undefined
  await octokit.paginate(
    octokit.rest.issues.listComments,
    { owner: where.owner, repo: where.repo, issue_number: where.issueNumber, per_page: 100 },
    (response, done) => {
      const match = response.data.find((comment) => comment.body?.trimStart().startsWith(where.marker))
      if (match) {
        found = match.id
        done()
      }
      return []
    }
  )
  return found
}

/** How long one GitHub API request may take, and all of them together. */
export const REQUEST_TIMEOUT_MS = 20_000
export const TOTAL_TIMEOUT_MS = 60_000

/**
 * Bounds every request of `octokit`: Octokit has no timeout of its own, so an
 * API that accepts the connection and never answers would hold the job until
 * GitHub's 6-hour limit. Each request is aborted after `perRequestMs`, and all
 * of them once `totalMs` has passed since this call; the abort becomes a
 * warning like any other failure. (A hook, not `request: { signal }` in the
 * constructor options: those would replace `@actions/github`'s proxy settings.)
 *
 * Timers and controllers held here, not `AbortSignal.timeout()`: a timeout
 * signal that only `AbortSignal.any()` refers to may be garbage-collected
 * before it fires, and the request then waited for the total bound instead.
 */
export function boundRequests(
  octokit: Octokit,
  { perRequestMs = REQUEST_TIMEOUT_MS, totalMs = TOTAL_TIMEOUT_MS } = {}
): Octokit {
  const total = new AbortController()
  setTimeout(() => total.abort(timeoutError(totalMs)), totalMs).unref()
  octokit.hook.wrap('request', async (request, options) => {
    const own = new AbortController()
    const timer = setTimeout(() => own.abort(timeoutError(perRequestMs)), perRequestMs)
    try {
      options.request = { ...options.request, signal: AbortSignal.any([total.signal, own.signal]) }
      return await request(options)
    } finally {
      clearTimeout(timer)
    }
  })
  return octokit
}

function timeoutError(ms: number): DOMException {
  return new DOMException(`The GitHub API did not answer within ${ms / 1000}s.`, 'TimeoutError')
}

/** Whether a request failed because it was aborted by {@link boundRequests}. */
export function timedOut(error: unknown): boolean {
  const names = [error, (error as { cause?: unknown })?.cause].map((e) => (e as { name?: unknown })?.name)
  return names.includes('TimeoutError') || names.includes('AbortError')
}

/** A warning for the job log that says what went wrong and what to change. */
function commentWarning(error: unknown, bodyLength: number): string {
  if (timedOut(error))
    return `Could not post the pull-request comment: the GitHub API did not answer within ${REQUEST_TIMEOUT_MS / 1000}s. The job summary has the full report.`
  const status = httpStatus(error)
  const reason = errorMessage(error)
  if (status === 403 || status === 404) {
    return `Could not post the pull-request comment (HTTP ${status}: ${reason}). ${PERMISSION_HINT}`
  }
  if (status === 422) {
    return (
      `GitHub rejected the pull-request comment (HTTP 422: ${reason}); its body has ` +
      `${bodyLength.toLocaleString('en-US')} characters, the limit is 65,536. The job summary has the full report.`
    )
  }
  const what = status ? `HTTP ${status}: ${reason}` : reason
  return `Could not post the pull-request comment (${what}). The job summary has the full report.`
}

/**
 * The open pull request that contains a commit, for `push` and
 * `workflow_dispatch` runs that have no pull request in their event. Closed and
 * merged pull requests are ignored: commenting on them would only add noise.
 * HTTP errors come back as a warning, never thrown.
 */
export async function findPullRequestForCommit(options: {
  octokit: Octokit
  owner: string
  repo: string
  sha: string
}): Promise<{ pullRequest?: PullRequestRef; warning?: string }> {
  const { octokit, owner, repo, sha } = options
  try {
    const { data } = await octokit.request('GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls', {
      owner,
      repo,
      commit_sha: sha
    })
    const open = data.find((pull) => pull.state === 'open')
    return open ? { pullRequest: { number: open.number, url: open.html_url } } : {}
  } catch (error) {
    const status = httpStatus(error)
    const what = timedOut(error)
      ? `the GitHub API did not answer within ${REQUEST_TIMEOUT_MS / 1000}s`
      : status
        ? `HTTP ${status}: ${errorMessage(error)}`
        : errorMessage(error)
    return { warning: `Could not look up the pull request of commit ${sha} (${what}); no comment is posted.` }
  }
}

export function httpStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('status' in error)) return undefined
  const status = (error as { status: unknown }).status
  return typeof status === 'number' ? status : undefined
}

/**
 * Writes a planned check run (src/report/check-run.ts) through the Checks
 * API: created completed with its conclusion and the first 50 annotations,
 * then updated once per further 50 (GitHub appends them). Like the comment,
 * it is a courtesy: no HTTP error here changes the check's result; it comes
 * back as a notice (a token that may not write checks, under `auto`) or a warning.
 */
import type { CheckRunPlan } from '../report/check-run.js'
import { errorMessage } from '../util/errors.js'
import { httpStatus, REQUEST_TIMEOUT_MS, timedOut, type Octokit } from './comment.js'

/** What {@link writeCheckRun} did. */
export interface CheckRunOutcome {
  url?: string
  /** Requests sent (create and updates). */
  requests: number
  /** Annotations GitHub accepted. */
  annotations: number
  /** Said as a notice: the token may not write checks and the user did not insist (`check-run: auto`). */
  notice?: string
  warning?: string
}

const PERMISSION_HINT =
  'The token needs `checks: write` (add it to the job’s `permissions:`). Pull requests from forks get a read-only token: publish from a workflow_run workflow (mode: publish, see docs/fork-pull-requests.md).'

export async function writeCheckRun(options: {
  octokit: Octokit
  owner: string
  repo: string
  headSha: string
  plan: CheckRunPlan
  /** `check-run: true`: a refusal is a warning rather than a notice. */
  insist: boolean
}): Promise<CheckRunOutcome> {
  const { octokit, owner, repo, headSha, plan } = options
  const total = plan.batches.flat().length
  const [first = [], ...rest] = plan.batches
  const output = (annotations: typeof first) => ({ title: plan.title, summary: plan.summary, annotations })
  let requests = 0
  let sent = 0
  let url: string | undefined
  try {
    requests++
    const { data } = await octokit.rest.checks.create({
      owner,
      repo,
      name: plan.name,
      head_sha: headSha,
      status: 'completed',
      conclusion: plan.conclusion,
      completed_at: new Date().toISOString(),
      output: output(first)
    })
    url = data.html_url ?? undefined
    sent += first.length
    for (const batch of rest) {
      requests++
      await octokit.rest.checks.update({ owner, repo, check_run_id: data.id, output: output(batch) })
      sent += batch.length
    }
    return { url, requests, annotations: sent }
  } catch (error) {
    const status = httpStatus(error)
    const reason = timedOut(error)
      ? `the GitHub API did not answer within ${REQUEST_TIMEOUT_MS / 1000}s`
      : status
        ? `HTTP ${status}: ${errorMessage(error)}`
        : errorMessage(error)
    if (url) {
      return {
        url,
        requests,
        annotations: sent,
        warning: `The check run ${url} has ${sent} of ${total} annotations: adding the rest failed (${reason}). The job summary lists every finding.`
      }
    }
    const text = `Could not write the check run (${reason}).`
    if ((status === 403 || status === 404) && !options.insist)
      return { requests, annotations: 0, notice: `${text} ${PERMISSION_HINT}` }
    return {
      requests,
      annotations: 0,
      warning: `${text} ${status === 403 || status === 404 ? PERMISSION_HINT : 'The job summary has the full report.'}`
    }
  }
}

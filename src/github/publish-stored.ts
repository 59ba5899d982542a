/**
 * `mode: publish`: posts the comment and the check run of a report.json that
 * a `pull_request` run made, from a `workflow_run` workflow, which has a
 * token that may write even when the pull request comes from a fork. No
 * database work, no checkout needed, nothing of the pull request executed.
 *
 * The report is untrusted (a fork's workflow wrote it): its size is checked
 * before it is read, its fields are validated (src/report/json-read.ts), no
 * path in it is opened, and the pull request it names is only a hint: the
 * pull request's head commit, asked of the API, must be the commit the
 * workflow run checked, which GitHub (not the report) tells us.
 */
import { lstatSync, readFileSync } from 'node:fs'
import * as core from '@actions/core'
import type { PublishConfig } from '../config.js'
import { INPUTS, OUTPUTS } from '../inputs.js'
import { readJsonReport, ReportFormatError } from '../report/json-read.js'
import { errorMessage } from '../util/errors.js'
import { httpStatus, type Octokit } from './comment.js'
import { readEvent, repository, runUrl } from './event.js'
import { lazyClient, postCheckRun, postComment, setOutputs, writeSummary } from './publish.js'

/** A report.json larger than this is refused unread (a real one is well under 1 MiB). */
export const REPORT_SIZE_LIMIT = 8 * 1024 * 1024

/** Publishing refused: the message says why and what to change. */
export class PublishRefused extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'PublishRefused'
  }
}

export async function publishStoredReport(config: PublishConfig): Promise<void> {
  const run = readEvent().workflow_run
  if (process.env.GITHUB_EVENT_NAME !== 'workflow_run' || !run) {
    throw new PublishRefused(
      `mode: publish runs in a workflow started by \`on: workflow_run\` (this one was started by ${process.env.GITHUB_EVENT_NAME || 'an unknown event'}). See docs/fork-pull-requests.md.`
    )
  }
  if (run.event !== 'pull_request') {
    throw new PublishRefused(
      `the workflow run that made the report was started by ${JSON.stringify(run.event)}, not pull_request: mode: publish only publishes the reports of pull requests.`
    )
  }
  const headSha = run.head_sha
  if (!headSha || !/^[0-9a-f]{40}$/.test(headSha))
    throw new PublishRefused('the workflow_run event has no head commit (head_sha).')

  const { result, pullRequest } = readReport(config.reportJson)
  if (pullRequest && pullRequest.headSha !== headSha) {
    throw new PublishRefused(
      `the report was made for commit ${pullRequest.headSha}, but the workflow run checked ${headSha}: it is not this run's report.`
    )
  }
  const where = repository()
  if (!where) throw new PublishRefused('GITHUB_REPOSITORY is not set.')
  if (!config.githubToken) {
    throw new PublishRefused(
      `Input '${INPUTS.githubToken}': mode: publish needs a token with \`pull-requests: write\` and \`checks: write\`.`
    )
  }
  const api = lazyClient(config.githubToken)

  // GitHub leaves workflow_run.pull_requests empty for pull requests from forks.
  const number = run.pull_requests?.[0]?.number ?? config.prNumber ?? pullRequest?.number
  if (!number) {
    throw new PublishRefused(
      `no pull request to publish on: the event names none (a fork's pull request) and the report records none. Give \`${INPUTS.prNumber}\`, or use a report made by this version of the action.`
    )
  }
  await verifyPullRequest(await api(), where, number, headSha)

  const counted = result.drift.filter((i) => i.severity !== 'info')
  setOutputs([
    [OUTPUTS.status, result.status],
    [OUTPUTS.drift, String(counted.length > 0)],
    [OUTPUTS.driftCount, String(counted.length)],
    [OUTPUTS.reportJson, config.reportJson],
    [OUTPUTS.fixSql, '']
  ])
  const clean = (text: string): string => text
  const summaryUrl = runUrl()
  if (config.checkRun !== 'false')
    await postCheckRun(result, { api, headSha, choice: config.checkRun, clean, summaryUrl })
  await writeSummary(result, clean, summaryUrl)
  const commentUrl = config.comment
    ? await postComment(result, { api, issueNumber: number, clean, summaryUrl })
    : undefined
  setOutputs([[OUTPUTS.commentUrl, commentUrl ?? '']])
  core.info(`Published the report of pull request #${number} (${result.status}) on ${headSha}.`)
}

/** Reads and validates the report, refusing a file that is not a plain file or too large before reading it. */
function readReport(file: string): ReturnType<typeof readJsonReport> {
  const name = `Input '${INPUTS.reportJson}'`
  let stat
  try {
    stat = lstatSync(file)
  } catch {
    throw new PublishRefused(
      `${name}: ${file} does not exist. Download the pull_request run's artifact first (actions/download-artifact with run-id: \${{ github.event.workflow_run.id }}).`
    )
  }
  if (!stat.isFile()) throw new PublishRefused(`${name}: ${file} is not a regular file.`)
  if (stat.size > REPORT_SIZE_LIMIT) {
    throw new PublishRefused(
      `${name}: ${file} has ${stat.size.toLocaleString('en-US')} bytes, more than the ${REPORT_SIZE_LIMIT.toLocaleString('en-US')} a report of this action has; it is refused unread.`
    )
  }
  try {
    return readJsonReport(readFileSync(file, 'utf8'))
  } catch (error) {
    if (error instanceof ReportFormatError)
      throw new PublishRefused(`${name}: ${file} is refused: ${error.message}`)
    throw error
  }
}

/** The pull request's head, asked of the API, must be the commit the workflow run checked. */
async function verifyPullRequest(
  octokit: Octokit,
  where: { owner: string; repo: string },
  number: number,
  headSha: string
): Promise<void> {
  let head: string
  try {
    const { data } = await octokit.rest.pulls.get({ ...where, pull_number: number })
    head = data.head.sha
  } catch (error) {
    const status = httpStatus(error)
    throw new PublishRefused(
      `could not read pull request #${number} to check it (${status ? `HTTP ${status}: ` : ''}${errorMessage(error)}); nothing was published.`
    )
  }
  if (head !== headSha) {
    throw new PublishRefused(
      `pull request #${number}'s head is ${head}, but the workflow run checked ${headSha}: the report is not of that pull request's head (or it was pushed to since); nothing was published.`
    )
  }
}

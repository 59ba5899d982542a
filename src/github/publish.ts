/**
 * Publishes a `CheckResult` on GitHub: the step outputs, the check run, the
 * annotations, the job summary and the sticky pull-request comment. With
 * `src/main.ts`, the only place that touches `@actions/*`. A reporting
 * failure never changes the check's result: it becomes a warning (or a
 * notice, for a check run the token may not write under `check-run: auto`).
 */
import path from 'node:path'
import * as core from '@actions/core'
import type { CheckRunChoice, Config } from '../config.js'
import { OUTPUTS } from '../inputs.js'
import { planAnnotations } from '../report/annotations.js'
import { planCheckRun } from '../report/check-run.js'
import { boundRequests, findPullRequestForCommit, upsertComment, type Octokit } from './comment.js'
import { writeCheckRun } from './check-run.js'
import { isForkPullRequest, readEvent, repository, runUrl, type RunEvent } from './event.js'
import { commentMarker, renderMarkdown } from '../report/markdown.js'
import { redact, secretsOfUrl } from '../util/secrets.js'
import type { CheckResult } from '../model/result.js'
import { errorMessage } from '../util/errors.js'

/** GitHub's limits: 65,536 characters a comment, 1 MiB a step summary (we keep a margin). */
export const COMMENT_LIMIT = 60_000
export const SUMMARY_LIMIT = 1_000_000

/** The GitHub client, made on first use: Octokit is most of the bundle's start-up time. */
export function lazyClient(token: string): () => Promise<Octokit> {
  let client: Octokit | undefined
  return async () => {
    if (!client) {
      const { getOctokit } = await import('@actions/github')
      // Bounded: an API that never answers must not hang the job (see boundRequests).
      client = boundRequests(getOctokit(token))
    }
    return client
  }
}

/**
 * Emits everything. The outputs come first (a later step may read `status`
 * whatever happens to the report), then the check run (its link goes into the
 * annotation that says how many findings the step could not annotate), the
 * annotations, the summary, and last the comment.
 */
export async function publishReport(
  result: CheckResult & { reportJsonPath?: string },
  config: Config
): Promise<void> {
  const secrets = secretsOfUrl(config.databaseUrl)
  const clean = (text: string): string => redact(text, secrets)

  const counted = result.drift.filter((i) => i.severity !== 'info')
  setOutputs([
    [OUTPUTS.status, result.status],
    [OUTPUTS.drift, String(counted.length > 0)],
    [OUTPUTS.driftCount, String(counted.length)],
    [OUTPUTS.reportJson, result.reportJsonPath ?? ''],
    [OUTPUTS.fixSql, result.fixSqlPath ?? '']
  ])

  // Paths in the report read relative to the repository, as on GitHub; the outputs keep absolute paths.
  const shown: CheckResult = {
    ...result,
    fixSqlPath: result.fixSqlPath && path.relative(config.repoRoot, result.fixSqlPath)
  }
  const event = readEvent()
  const api = config.githubToken ? lazyClient(config.githubToken) : undefined
  const summaryUrl = runUrl()

  let checkRun: string | undefined
  if (config.checkRun !== 'false') {
    const headSha = event.pull_request?.head?.sha ?? process.env.GITHUB_SHA
    if (isForkPullRequest(event)) {
      const text =
        'No check run: this pull request comes from a fork, and GitHub gives its workflows a read-only token. To annotate every finding on a fork’s pull request, publish the report from a workflow_run workflow (mode: publish; see docs/fork-pull-requests.md).'
      if (config.checkRun === 'true') core.warning(text)
      else core.notice(text)
    } else if (api && headSha) {
      checkRun = await postCheckRun(shown, { api, headSha, choice: config.checkRun, clean, summaryUrl })
    }
  }

  for (const a of planAnnotations(result, { checkRun })) {
    const props: core.AnnotationProperties = {
      title: clean(a.title),
      file: a.file,
      startLine: a.startLine,
      endLine: a.endLine
    }
    const message = clean(a.message)
    if (a.level === 'error') core.error(message, props)
    else if (a.level === 'warning') core.warning(message, props)
    else core.notice(message, props)
  }

  await writeSummary(shown, clean, summaryUrl)

  let commentUrl: string | undefined
  if (config.comment) {
    if (isForkPullRequest(event)) {
      core.warning(
        'This pull request comes from a fork, and GitHub gives fork workflows a read-only token, so no comment was written (the job summary has the report). ' +
          'To comment on a fork’s pull request, publish the report from a workflow_run workflow (mode: publish; see docs/fork-pull-requests.md).'
      )
    } else if (!api) {
      core.info('No github-token: the pull-request comment is skipped.')
    } else {
      const issueNumber = await pullRequestToComment(event, config.prNumber, api)
      if (issueNumber === undefined)
        core.info('No pull request for this run: the report is in the job summary only.')
      else commentUrl = await postComment(shown, { api, issueNumber, clean, summaryUrl })
    }
  }
  setOutputs([[OUTPUTS.commentUrl, commentUrl ?? '']])
}

/** The job summary: the whole report. A failure to write it is a warning. */
export async function writeSummary(
  result: CheckResult,
  clean: (text: string) => string,
  summaryUrl: string | undefined
): Promise<void> {
  try {
    await core.summary
      .addRaw(
        clean(
          renderMarkdown(result, {
            maxLength: SUMMARY_LIMIT,
            summaryUrl,
            fullReport: 'the `report-json` file of this run'
          })
        )
      )
      .write()
  } catch (error) {
    core.warning(`Could not write the job summary: ${errorMessage(error)}`)
  }
}

/**
 * Writes the check run; returns how the annotations may name it (its name
 * and link) when it was written. Logs what happened.
 */
export async function postCheckRun(
  result: CheckResult,
  options: {
    api: () => Promise<Octokit>
    headSha: string
    choice: CheckRunChoice
    clean: (text: string) => string
    summaryUrl: string | undefined
  }
): Promise<string | undefined> {
  const where = repository()
  if (!where) return undefined
  try {
    const plan = planCheckRun(result, { summaryUrl: options.summaryUrl, clean: options.clean })
    const outcome = await writeCheckRun({
      octokit: await options.api(),
      ...where,
      headSha: options.headSha,
      plan,
      insist: options.choice === 'true'
    })
    if (outcome.notice) core.notice(options.clean(outcome.notice))
    if (outcome.warning) core.warning(options.clean(outcome.warning))
    if (!outcome.url) return undefined
    core.info(
      `Check run “${plan.name}” written on ${options.headSha}: ${outcome.annotations} annotations in ${outcome.requests} requests, ${outcome.url}`
    )
    return `“${plan.name}” (${outcome.url})`
  } catch (error) {
    core.warning(options.clean(`Could not write the check run: ${errorMessage(error)}.`))
    return undefined
  }
}

/** The pull request a check-mode run comments on: the input, the event's, or the open one of the commit. */
async function pullRequestToComment(
  event: RunEvent,
  prNumber: number | undefined,
  api: () => Promise<Octokit>
): Promise<number | undefined> {
  const fromEvent = event.pull_request?.number ?? (event.issue?.pull_request ? event.issue.number : undefined)
  const number = prNumber ?? fromEvent
  const where = repository()
  if (number !== undefined || !process.env.GITHUB_SHA || !where) return number
  const found = await findPullRequestForCommit({
    octokit: await api(),
    ...where,
    sha: process.env.GITHUB_SHA
  })
  if (found.warning) core.warning(found.warning)
  return found.pullRequest?.number
}

/** Creates or updates the sticky comment; returns its link. Failures are warnings. */
export async function postComment(
  result: CheckResult,
  options: {
    api: () => Promise<Octokit>
    issueNumber: number
    clean: (text: string) => string
    summaryUrl: string | undefined
  }
): Promise<string | undefined> {
  const where = repository()
  if (!where) return undefined
  const { clean } = options
  try {
    const marker = commentMarker(result.workingDirectory)
    const body = clean(
      renderMarkdown(result, { marker, maxLength: COMMENT_LIMIT, summaryUrl: options.summaryUrl })
    )
    const outcome = await upsertComment({
      octokit: await options.api(),
      ...where,
      issueNumber: options.issueNumber,
      marker,
      body
    })
    if (outcome.warning) core.warning(clean(outcome.warning))
    else core.info(`Pull-request comment ${outcome.action}: ${outcome.url ?? ''}`)
    return outcome.url
  } catch (error) {
    core.warning(
      clean(
        `Could not post the pull-request comment: ${errorMessage(error)}. The job summary has the full report.`
      )
    )
    return undefined
  }
}

export function setOutputs(outputs: [string, string][]): void {
  try {
    for (const [name, value] of outputs) core.setOutput(name, value)
  } catch (error) {
    core.warning(`Could not set the step outputs: ${errorMessage(error)}`)
  }
}

/**
 * Publishes a `CheckResult` on GitHub: annotations, job summary, the sticky
 * pull-request comment and the step outputs. With `src/main.ts`, the only
 * place that touches `@actions/*`. A reporting failure never changes the
 * check's result: it becomes a warning.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import type { Config } from '../config.js'
import { OUTPUTS } from '../inputs.js'
import { planAnnotations } from '../report/annotations.js'
import { boundRequests, findPullRequestForCommit, upsertComment } from './comment.js'
import { commentMarker, renderMarkdown } from '../report/markdown.js'
import { redact, secretsOfUrl } from '../util/secrets.js'
import type { CheckResult } from '../model/result.js'
import { errorMessage } from '../util/errors.js'

/** GitHub's limits: 65,536 characters a comment, 1 MiB a step summary (we keep a margin). */
export const COMMENT_LIMIT = 60_000
export const SUMMARY_LIMIT = 1_000_000

interface PullRequestEvent {
  pull_request?: {
    number: number
    head?: { repo?: { full_name?: string } | null }
    base?: { repo?: { full_name?: string } }
  }
  issue?: { number: number; pull_request?: unknown }
}

function readEvent(): PullRequestEvent {
  const file = process.env.GITHUB_EVENT_PATH
  if (!file) return {}
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PullRequestEvent
  } catch {
    return {}
  }
}

function runUrl(): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: runId } = process.env
  return server && repo && runId ? `${server}/${repo}/actions/runs/${runId}` : undefined
}

/**
 * Emits everything. The outputs come first (a later step may read `status`
 * whatever happens to the report), then the annotations and the summary, and
 * last the comment, the only part that talks to GitHub's API; any failure
 * there is a warning.
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

  for (const a of planAnnotations(result)) {
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

  // Paths in the report read relative to the repository, as on GitHub; the outputs keep absolute paths.
  const shown: CheckResult = {
    ...result,
    fixSqlPath: result.fixSqlPath && path.relative(config.repoRoot, result.fixSqlPath)
  }
  const summaryUrl = runUrl()
  try {
    await core.summary
      .addRaw(
        clean(
          renderMarkdown(shown, {
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

  let commentUrl: string | undefined
  if (config.comment) {
    try {
      commentUrl = await comment(shown, config, clean, summaryUrl)
    } catch (error) {
      core.warning(
        clean(
          `Could not post the pull-request comment: ${errorMessage(error)}. The job summary has the full report.`
        )
      )
    }
  }
  setOutputs([[OUTPUTS.commentUrl, commentUrl ?? '']])
}

function setOutputs(outputs: [string, string][]): void {
  try {
    for (const [name, value] of outputs) core.setOutput(name, value)
  } catch (error) {
    core.warning(`Could not set the step outputs: ${errorMessage(error)}`)
  }
}

async function comment(
  result: CheckResult,
  config: Config,
  clean: (text: string) => string,
  summaryUrl: string | undefined
): Promise<string | undefined> {
  const [owner, repo] = (process.env.GITHUB_REPOSITORY ?? '').split('/')
  if (!owner || !repo) return undefined
  if (!config.githubToken) {
    core.info('No github-token: the pull-request comment is skipped.')
    return undefined
  }
  const event = readEvent()
  const pr = event.pull_request
  if (
    pr?.head?.repo?.full_name &&
    pr.base?.repo?.full_name &&
    pr.head.repo.full_name !== pr.base.repo.full_name
  ) {
    core.warning(
      'This pull request comes from a fork, and GitHub gives fork workflows a read-only token, so no comment was written (the job summary has the report). ' +
        'A `pull_request_target` workflow can comment with `pull-requests: write`, but must not run the fork’s code with that token.'
    )
    return undefined
  }
  // Bounded: an API that never answers must not hang the job (see boundRequests).
  // Loaded only when a comment is due: Octokit is most of the bundle's start-up time.
  const { getOctokit } = await import('@actions/github')
  const octokit = boundRequests(getOctokit(config.githubToken))
  let issueNumber =
    config.prNumber ?? pr?.number ?? (event.issue?.pull_request ? event.issue.number : undefined)
  if (issueNumber === undefined && process.env.GITHUB_SHA) {
    const found = await findPullRequestForCommit({ octokit, owner, repo, sha: process.env.GITHUB_SHA })
    if (found.warning) core.warning(found.warning)
    issueNumber = found.pullRequest?.number
  }
  if (issueNumber === undefined) {
    core.info('No pull request for this run: the report is in the job summary only.')
    return undefined
  }
  const marker = commentMarker(result.workingDirectory)
  const body = clean(renderMarkdown(result, { marker, maxLength: COMMENT_LIMIT, summaryUrl }))
  const outcome = await upsertComment({ octokit, owner, repo, issueNumber, marker, body })
  if (outcome.warning) core.warning(outcome.warning)
  else core.info(`Pull-request comment ${outcome.action}: ${outcome.url ?? ''}`)
  return outcome.url
}

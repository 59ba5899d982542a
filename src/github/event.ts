/**
 * The event a workflow run was started by, as GitHub writes it to
 * GITHUB_EVENT_PATH: only the fields the action reads, all optional (a
 * missing or unreadable file reads as an empty event).
 */
import { readFileSync } from 'node:fs'

export interface RunEvent {
  pull_request?: {
    number: number
    head?: { sha?: string; repo?: { full_name?: string } | null }
    base?: { repo?: { full_name?: string } }
  }
  issue?: { number: number; pull_request?: unknown }
  workflow_run?: {
    id?: number
    event?: string
    head_sha?: string
    conclusion?: string | null
    pull_requests?: Array<{ number?: number; head?: { sha?: string } }>
    head_repository?: { full_name?: string } | null
  }
}

export function readEvent(): RunEvent {
  const file = process.env.GITHUB_EVENT_PATH
  if (!file) return {}
  try {
    const event = JSON.parse(readFileSync(file, 'utf8')) as unknown
    return typeof event === 'object' && event !== null ? (event as RunEvent) : {}
  } catch {
    return {}
  }
}

/** Whether the event is a pull request from a fork (its token is read-only whatever the workflow asks). */
export function isForkPullRequest(event: RunEvent): boolean {
  const head = event.pull_request?.head?.repo?.full_name
  const base = event.pull_request?.base?.repo?.full_name
  return Boolean(head && base && head !== base)
}

/** The pull request an event names, with its head commit, when it is a pull_request event. */
export function pullRequestOfEvent(event: RunEvent): { number: number; headSha: string } | undefined {
  const pr = event.pull_request
  const sha = pr?.head?.sha
  return pr && Number.isInteger(pr.number) && sha && /^[0-9a-f]{40}$/.test(sha)
    ? { number: pr.number, headSha: sha }
    : undefined
}

/** Link to this workflow run's page (its job summary). */
export function runUrl(): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: runId } = process.env
  return server && repo && runId ? `${server}/${repo}/actions/runs/${runId}` : undefined
}

/** `owner` and `repo` of GITHUB_REPOSITORY, when set. */
export function repository(): { owner: string; repo: string } | undefined {
  const [owner, repo] = (process.env.GITHUB_REPOSITORY ?? '').split('/')
  return owner && repo ? { owner, repo } : undefined
}

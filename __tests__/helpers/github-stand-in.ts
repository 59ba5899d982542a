/**
 * A small stand-in for the GitHub REST API, served on 127.0.0.1 on a random
 * port, for tests that drive a real Octokit (`getOctokit(token, { baseUrl })`)
 * or the built action (`GITHUB_API_URL`). It records every request, keeps issue
 * comments in memory, paginates them with `Link` headers the way GitHub does,
 * and can be told to fail every request with a given status.
 *
 * Routes: list / create issue comments, update a comment, list the pull
 * requests of a commit, get a pull request, create / update a check run
 * (annotations appended, at most 50 a request and a summary of at most
 * 65,535 characters, as GitHub enforces). Anything else answers 404, which is
 * recorded too, so a test sees an unexpected call.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** A request as the stand-in received it. */
export interface RecordedRequest {
  method: string
  /** Path without the query string. */
  path: string
  query: Record<string, string>
  /** Parsed JSON body, when there was one. */
  body?: unknown
  authorization?: string
}

/** A stored issue comment. */
export interface StandInComment {
  id: number
  issueNumber: number
  body: string
  user: { login: string; type: string }
  html_url: string
}

/** A pull request the stand-in reports for a commit. */
export interface StandInPull {
  number: number
  state: 'open' | 'closed'
}

/** A check run as the stand-in stores it. */
export interface StandInCheckRun {
  id: number
  repo: string
  name: string
  head_sha: string
  status?: string
  conclusion?: string
  title?: string
  summary?: string
  /** Every annotation sent, in order, across the create and the updates. */
  annotations: Array<Record<string, unknown>>
  html_url: string
}

/** Options of {@link startGitHubStandIn}. */
export interface GitHubStandInOptions {
  /** Largest page size served, whatever `per_page` asks (GitHub: 100). Lower it to test pagination cheaply. */
  maxPerPage?: number
  /** Comments present from the start. */
  comments?: Array<{ issueNumber: number; body: string; login?: string }>
  /** Pull requests per commit sha, for `GET /repos/{o}/{r}/commits/{sha}/pulls`. */
  pullsForCommit?: Record<string, StandInPull[]>
  /** Pull requests by number with their head commit, for `GET /repos/{o}/{r}/pulls/{n}`. */
  pulls?: Record<number, { headSha: string; state?: 'open' | 'closed' }>
}

/** Failure injection: every matching request answers `status` with a GitHub-shaped error body. */
export interface StandInFailure {
  status: number
  /** Only requests with this method fail (e.g. `POST` to fail creation but not listing). */
  method?: string
  /** Only requests whose path matches fail (e.g. `/check-runs/`). */
  path?: RegExp
  message?: string
}

/** A running stand-in. */
export interface GitHubStandIn {
  /** Base URL for `getOctokit(token, { baseUrl })` or `GITHUB_API_URL`. */
  url: string
  requests: RecordedRequest[]
  comments: StandInComment[]
  checkRuns: StandInCheckRun[]
  /** Adds a comment as if someone had posted it. */
  addComment(issueNumber: number, body: string, login?: string): StandInComment
  /** Makes later requests fail with `status` (optionally only for one method); `null` stops failing. */
  setFailure(status: number | null, options?: Omit<StandInFailure, 'status'>): void
  /** Makes later requests hang: recorded, the connection accepted, never answered (`false` stops it). */
  setHang(hang: boolean): void
  close(): Promise<void>
}

const DEFAULT_MESSAGES: Record<number, string> = {
  403: 'Resource not accessible by integration',
  404: 'Not Found',
  422: 'Validation Failed: body is too long (maximum is 65536 characters)',
  500: 'Internal Server Error'
}

/** Starts the stand-in; `close()` it in `afterEach`/`afterAll`. */
export async function startGitHubStandIn(options: GitHubStandInOptions = {}): Promise<GitHubStandIn> {
  const state = new StandInState(options)
  const server = createServer((req, res) => {
    readBody(req)
      .then((raw) => state.handle(req, raw, res))
      .catch((error: unknown) => send(res, 500, { message: String(error) }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  state.baseUrl = `http://127.0.0.1:${port}`
  return {
    url: state.baseUrl,
    requests: state.requests,
    comments: state.comments,
    checkRuns: state.checkRuns,
    addComment: (issueNumber, body, login) => state.addComment(issueNumber, body, login),
    setFailure: (status, failureOptions) => {
      state.failure = status === null ? undefined : { status, ...failureOptions }
    },
    setHang: (hang) => {
      state.hang = hang
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      })
  }
}

class StandInState {
  readonly requests: RecordedRequest[] = []
  readonly comments: StandInComment[] = []
  readonly checkRuns: StandInCheckRun[] = []
  failure?: StandInFailure
  hang = false
  baseUrl = ''
  private nextId = 1000
  private readonly maxPerPage: number
  private readonly pulls: Record<string, StandInPull[]>
  private readonly pullsByNumber: NonNullable<GitHubStandInOptions['pulls']>

  constructor(options: GitHubStandInOptions) {
    this.maxPerPage = options.maxPerPage ?? 100
    this.pulls = options.pullsForCommit ?? {}
    this.pullsByNumber = options.pulls ?? {}
    for (const comment of options.comments ?? [])
      this.addComment(comment.issueNumber, comment.body, comment.login)
  }

  addComment(issueNumber: number, body: string, login = 'someone', repo = 'acme/repo'): StandInComment {
    const id = this.nextId++
    const comment = {
      id,
      issueNumber,
      body,
      user: { login, type: login.endsWith('[bot]') ? 'Bot' : 'User' },
      html_url: `https://github.com/${repo}/pull/${issueNumber}#issuecomment-${id}`
    }
    this.comments.push(comment)
    return comment
  }

  handle(req: IncomingMessage, raw: string, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://stand-in')
    const request: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body: raw ? (JSON.parse(raw) as unknown) : undefined,
      authorization: req.headers.authorization
    }
    this.requests.push(request)
    // Never answered; close() ends the connection.
    if (this.hang) return
    if (
      this.failure &&
      (!this.failure.method || this.failure.method === request.method) &&
      (!this.failure.path || this.failure.path.test(request.path))
    ) {
      const message = this.failure.message ?? DEFAULT_MESSAGES[this.failure.status] ?? 'Error'
      send(res, this.failure.status, { message, documentation_url: 'https://docs.github.com/rest' })
      return
    }
    this.route(request, url, res)
  }

  private route(request: RecordedRequest, url: URL, res: ServerResponse): void {
    const list = /^\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)\/comments$/.exec(request.path)
    const edit = /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/.exec(request.path)
    const pulls = /^\/repos\/[^/]+\/[^/]+\/commits\/([^/]+)\/pulls$/.exec(request.path)
    if (list && request.method === 'GET') return this.listComments(Number(list[2]), url, res)
    if (list && request.method === 'POST')
      return this.createComment(Number(list[2]), request.body, res, decodeURIComponent(list[1] ?? ''))
    if (edit && request.method === 'PATCH') return this.updateComment(Number(edit[1]), request.body, res)
    if (pulls && request.method === 'GET') return this.listPulls(decodeURIComponent(pulls[1] ?? ''), res)
    const pull = /^\/repos\/[^/]+\/[^/]+\/pulls\/(\d+)$/.exec(request.path)
    if (pull && request.method === 'GET') return this.getPull(Number(pull[1]), res)
    const checks = /^\/repos\/([^/]+\/[^/]+)\/check-runs(?:\/(\d+))?$/.exec(request.path)
    if (checks && !checks[2] && request.method === 'POST')
      return this.createCheckRun(decodeURIComponent(checks[1] ?? ''), request.body, res)
    if (checks?.[2] && request.method === 'PATCH')
      return this.updateCheckRun(Number(checks[2]), request.body, res)
    send(res, 404, { message: 'Not Found' })
  }

  private getPull(number: number, res: ServerResponse): void {
    const pull = this.pullsByNumber[number]
    if (!pull) return send(res, 404, { message: 'Not Found' })
    send(res, 200, { number, state: pull.state ?? 'open', head: { sha: pull.headSha } })
  }

  private createCheckRun(repo: string, body: unknown, res: ServerResponse): void {
    const input = (body ?? {}) as Record<string, unknown>
    if (typeof input.name !== 'string' || typeof input.head_sha !== 'string')
      return send(res, 422, { message: 'Validation Failed: name and head_sha are required' })
    const id = this.nextId++
    const run: StandInCheckRun = {
      id,
      repo,
      name: input.name,
      head_sha: input.head_sha,
      status: typeof input.status === 'string' ? input.status : undefined,
      conclusion: typeof input.conclusion === 'string' ? input.conclusion : undefined,
      annotations: [],
      html_url: `https://github.com/${repo}/runs/${id}`
    }
    const problem = applyOutput(run, input.output)
    if (problem) return send(res, 422, { message: problem })
    this.checkRuns.push(run)
    send(res, 201, { id, html_url: run.html_url, name: run.name, head_sha: run.head_sha })
  }

  private updateCheckRun(id: number, body: unknown, res: ServerResponse): void {
    const run = this.checkRuns.find((candidate) => candidate.id === id)
    if (!run) return send(res, 404, { message: 'Not Found' })
    const problem = applyOutput(run, (body as Record<string, unknown> | undefined)?.output)
    if (problem) return send(res, 422, { message: problem })
    send(res, 200, { id, html_url: run.html_url })
  }

  private listComments(issueNumber: number, url: URL, res: ServerResponse): void {
    const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), this.maxPerPage)
    const page = Number(url.searchParams.get('page') ?? 1)
    const all = this.comments.filter((comment) => comment.issueNumber === issueNumber)
    const lastPage = Math.max(1, Math.ceil(all.length / perPage))
    const data = all.slice((page - 1) * perPage, page * perPage).map(toApiComment)
    const links: string[] = []
    const pageUrl = (n: number) => {
      const next = new URL(`${this.baseUrl}${url.pathname}`)
      next.searchParams.set('per_page', String(perPage))
      next.searchParams.set('page', String(n))
      return next.toString()
    }
    if (page < lastPage)
      links.push(`<${pageUrl(page + 1)}>; rel="next"`, `<${pageUrl(lastPage)}>; rel="last"`)
    if (page > 1) links.push(`<${pageUrl(1)}>; rel="first"`, `<${pageUrl(page - 1)}>; rel="prev"`)
    send(res, 200, data, links.length ? { link: links.join(', ') } : {})
  }

  private createComment(issueNumber: number, body: unknown, res: ServerResponse, repo: string): void {
    const text = bodyText(body)
    if (text === undefined) return send(res, 422, { message: 'Validation Failed: body is missing' })
    if (text.length > MAX_BODY) return send(res, 422, { message: DEFAULT_MESSAGES[422] })
    send(res, 201, toApiComment(this.addComment(issueNumber, text, 'github-actions[bot]', repo)))
  }

  private updateComment(id: number, body: unknown, res: ServerResponse): void {
    const comment = this.comments.find((candidate) => candidate.id === id)
    const text = bodyText(body)
    if (!comment) return send(res, 404, { message: 'Not Found' })
    if (text === undefined) return send(res, 422, { message: 'Validation Failed: body is missing' })
    if (text.length > MAX_BODY) return send(res, 422, { message: DEFAULT_MESSAGES[422] })
    comment.body = text
    send(res, 200, toApiComment(comment))
  }

  private listPulls(sha: string, res: ServerResponse): void {
    const pulls = (this.pulls[sha] ?? []).map((pull) => ({
      ...pull,
      html_url: `https://github.com/acme/repo/pull/${pull.number}`
    }))
    send(res, 200, pulls)
  }
}

/** Applies a check run's `output` the way GitHub does (annotations appended); returns a 422 message when GitHub would refuse it. */
function applyOutput(run: StandInCheckRun, output: unknown): string | undefined {
  if (output === undefined) return undefined
  const out = output as Record<string, unknown>
  if (typeof out.title !== 'string' || typeof out.summary !== 'string')
    return 'Validation Failed: output.title and output.summary are required'
  if (out.summary.length > 65_535)
    return 'Validation Failed: output.summary is too long (maximum is 65535 characters)'
  const annotations = Array.isArray(out.annotations)
    ? (out.annotations as Array<Record<string, unknown>>)
    : []
  if (annotations.length > 50) return 'Validation Failed: only 50 annotations are allowed per request'
  for (const a of annotations) {
    if (typeof a.path !== 'string' || typeof a.start_line !== 'number' || typeof a.end_line !== 'number')
      return 'Validation Failed: an annotation needs path, start_line and end_line'
    if (
      !['notice', 'warning', 'failure'].includes(String(a.annotation_level)) ||
      typeof a.message !== 'string'
    )
      return 'Validation Failed: annotation_level and message'
  }
  run.title = out.title
  run.summary = out.summary
  run.annotations.push(...annotations)
  return undefined
}

function toApiComment(comment: StandInComment) {
  return { id: comment.id, body: comment.body, user: comment.user, html_url: comment.html_url }
}

/** GitHub's limit on a comment body; longer bodies get the 422 GitHub answers. */
const MAX_BODY = 65_536

function bodyText(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || !('body' in body)) return undefined
  const text = (body as { body: unknown }).body
  return typeof text === 'string' ? text : undefined
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function send(
  res: ServerResponse,
  status: number,
  data: unknown,
  headers: Record<string, string> = {}
): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
  res.end(JSON.stringify(data))
}

/**
 * Runs the built action (`dist/index.js`) the way a GitHub runner does: a
 * child `node` process with `INPUT_*` variables, an event file, and the
 * summary and output files, its API calls going to the stand-in. Parses what
 * the runner would read back: workflow commands on stdout, the job summary and
 * the step outputs.
 */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { HASH_FILE, sourceHash } from '../../scripts/source-hash.mjs'
import { startGitHubStandIn, type GitHubStandIn } from '../helpers/github-stand-in.js'
import { createTestDatabase, type TestDatabase } from '../helpers/pg.js'
import { makeProject, REPO_ROOT, type FixtureProject, type ProjectOptions } from '../helpers/project.js'

const DIST = path.join(REPO_ROOT, 'dist', 'index.js')
const RUNS_DIR = path.join(REPO_ROOT, '.tmp', 'action-runs')

/** A workflow command as the runner parses it from stdout (`::name k=v,…::message`). */
export interface WorkflowCommand {
  name: string
  properties: Record<string, string>
  message: string
}

/** What one run of the action left behind. */
export interface ActionRun {
  exitCode: number | null
  stdout: string
  stderr: string
  /** Content of the `GITHUB_STEP_SUMMARY` file. */
  summary: string
  /** Raw content of the `GITHUB_OUTPUT` file. */
  outputsFile: string
  outputs: Record<string, string>
  commands: WorkflowCommand[]
  errors: WorkflowCommand[]
  warnings: WorkflowCommand[]
  durationMs: number
  /** Everything above, for assertion messages. */
  describe(): string
}

/** The event a workflow was triggered by. */
export type ActionEvent =
  | { name: 'pull_request'; number?: number; fork?: boolean }
  | { name: 'workflow_dispatch' }
  | { name: 'push' }
  /** A workflow_run event after a pull_request run: `pullRequests` is empty for a fork's pull request, as GitHub sends it. */
  | { name: 'workflow_run'; headSha: string; pullRequests: number[]; fork?: boolean; event?: string }

export interface RunActionOptions {
  /** Inputs by their action.yml name (`database-url`, `working-directory`, …). */
  inputs: Record<string, string>
  event?: ActionEvent
  /** Base URL of the GitHub API stand-in. */
  apiUrl: string
  sha?: string
  timeoutMs?: number
  /** The checkout the run sees as GITHUB_WORKSPACE (default: this repository). */
  workspace?: string
}

export const REPOSITORY = 'acme/shop'
export const PR_NUMBER = 7
export const HEAD_SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678'
export const TOKEN = 'ghs_standInToken123'

/**
 * Fails clearly when `dist/` is not the bundle of the current source. The
 * jest global setup builds it before any test starts, so this only trips when
 * src/ changed during the run. `ACTION_TESTS_ANY_DIST=1` tests the bundle as
 * it is (while src/ is mid-edit and does not build).
 */
export async function ensureDist(): Promise<void> {
  if (!existsSync(DIST)) throw new Error('dist/index.js is missing: run `npm run build`.')
  if (process.env.ACTION_TESTS_ANY_DIST === '1') return
  const recorded = readFileSync(path.join(REPO_ROOT, 'dist', HASH_FILE), 'utf8').trim()
  if (recorded !== sourceHash(REPO_ROOT))
    throw new Error(
      'dist/ is not built from the current src/ (it changed during the run): run `npm run build`.'
    )
}

/** A pull_request event as GitHub writes it to GITHUB_EVENT_PATH (the fields the action may read). */
function eventPayload(event: ActionEvent, sha: string): unknown {
  const repository = {
    id: 1,
    name: REPOSITORY.split('/')[1],
    full_name: REPOSITORY,
    owner: { login: REPOSITORY.split('/')[0], type: 'Organization' },
    html_url: `https://github.com/${REPOSITORY}`
  }
  if (event.name === 'workflow_dispatch') {
    return {
      inputs: {},
      ref: 'refs/heads/main',
      repository,
      sender: { login: 'octocat' },
      workflow: 'ci.yml'
    }
  }
  if (event.name === 'push') {
    return { ref: 'refs/heads/feature', after: sha, before: '0'.repeat(40), repository }
  }
  if (event.name === 'workflow_run') {
    const headRepo = event.fork ? 'contributor/shop' : REPOSITORY
    return {
      action: 'completed',
      workflow_run: {
        id: 9001,
        name: 'CI',
        event: event.event ?? 'pull_request',
        status: 'completed',
        conclusion: 'failure',
        head_sha: event.headSha,
        head_branch: 'feature/auth',
        head_repository: { full_name: headRepo },
        pull_requests: event.pullRequests.map((number) => ({
          number,
          head: { sha: event.headSha, ref: 'feature/auth' },
          base: { sha: 'f'.repeat(40), ref: 'main' }
        }))
      },
      repository,
      sender: { login: 'contributor' }
    }
  }
  const number = event.number ?? PR_NUMBER
  const headRepo = event.fork ? 'contributor/shop' : REPOSITORY
  return {
    action: 'synchronize',
    number,
    pull_request: {
      id: 1000 + number,
      number,
      state: 'open',
      title: 'Add auth and user features',
      html_url: `https://github.com/${REPOSITORY}/pull/${number}`,
      head: {
        ref: 'feature/auth',
        sha,
        repo: {
          full_name: headRepo,
          fork: Boolean(event.fork),
          name: 'shop',
          owner: { login: 'contributor' }
        }
      },
      base: { ref: 'main', sha: 'f'.repeat(40), repo: { full_name: REPOSITORY, fork: false, name: 'shop' } }
    },
    repository,
    sender: { login: 'contributor' }
  }
}

/** The environment GitHub gives a step, without anything of the test runner's own CI job. */
function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(INPUT_|GITHUB_|RUNNER_|ACTIONS_)/.test(key)) continue
    if (key === 'DATABASE_URL' || key === 'TEST_DATABASE_URL' || key === 'CI') continue
    env[key] = value
  }
  return env
}

/** Runs `node dist/index.js` once and reads back its commands, summary and outputs. */
export async function runAction(options: RunActionOptions): Promise<ActionRun> {
  const event = options.event ?? { name: 'pull_request' }
  const sha = options.sha ?? HEAD_SHA
  const dir = path.join(RUNS_DIR, `r_${randomBytes(5).toString('hex')}`)
  mkdirSync(dir, { recursive: true })
  try {
    const eventPath = path.join(dir, 'event.json')
    const summaryPath = path.join(dir, 'step_summary.md')
    const outputPath = path.join(dir, 'output.txt')
    writeFileSync(eventPath, JSON.stringify(eventPayload(event, sha), null, 2))
    writeFileSync(summaryPath, '')
    writeFileSync(outputPath, '')
    const env: NodeJS.ProcessEnv = {
      ...baseEnv(),
      'INPUT_GITHUB-TOKEN': TOKEN,
      GITHUB_ACTIONS: 'true',
      CI: 'true',
      GITHUB_EVENT_NAME: event.name,
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_REPOSITORY: REPOSITORY,
      GITHUB_REPOSITORY_OWNER: REPOSITORY.split('/')[0],
      GITHUB_SHA: sha,
      GITHUB_REF: event.name === 'pull_request' ? `refs/pull/${PR_NUMBER}/merge` : 'refs/heads/main',
      GITHUB_WORKSPACE: options.workspace ?? REPO_ROOT,
      GITHUB_STEP_SUMMARY: summaryPath,
      GITHUB_OUTPUT: outputPath,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_API_URL: options.apiUrl,
      GITHUB_RUN_ID: '4242',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_ACTION: 'migrate-seed-check',
      GITHUB_JOB: 'check',
      GITHUB_WORKFLOW: 'CI',
      NO_PROXY: '127.0.0.1,localhost',
      no_proxy: '127.0.0.1,localhost'
    }
    // GitHub's naming: INPUT_ + the input name upper-cased, dashes kept.
    for (const [name, value] of Object.entries(options.inputs)) env[`INPUT_${name.toUpperCase()}`] = value
    const started = Date.now()
    const child = await spawnNode([DIST], env, options.timeoutMs ?? 150_000)
    const summary = readFileSync(summaryPath, 'utf8')
    const outputsFile = readFileSync(outputPath, 'utf8')
    const commands = parseWorkflowCommands(child.stdout)
    const run: ActionRun = {
      ...child,
      summary,
      outputsFile,
      outputs: parseOutputs(outputsFile),
      commands,
      errors: commands.filter((command) => command.name === 'error'),
      warnings: commands.filter((command) => command.name === 'warning'),
      durationMs: Date.now() - started,
      describe: () =>
        `exit code ${child.exitCode}\n--- stdout ---\n${child.stdout.slice(-6000)}\n--- stderr ---\n${child.stderr.slice(-3000)}\n--- outputs ---\n${outputsFile}`
    }
    return run
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Spawns node in its own process group so a timeout kills the whole tree (Prisma, tsx, …). */
function spawnNode(
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number
): Promise<{ exitCode: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, detached: true })
    const stdout: Buffer[] = []
    const stderr: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk))
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      if (child.pid) process.kill(-child.pid, 'SIGKILL')
    }, timeoutMs)
    child.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      const out = Buffer.concat(stdout).toString('utf8')
      const err = Buffer.concat(stderr).toString('utf8')
      if (timedOut)
        reject(new Error(`node dist/index.js timed out after ${timeoutMs} ms\n${out.slice(-4000)}`))
      else resolve({ exitCode: code, stdout: out, stderr: err })
    })
  })
}

/** Decodes a command's message the way the runner does (`%25`, `%0D`, `%0A`). */
function unescapeData(text: string): string {
  return text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
}

/** Decodes a property value (adds `%3A` and `%2C`). */
function unescapeProperty(text: string): string {
  return unescapeData(text.replace(/%3A/g, ':').replace(/%2C/g, ','))
}

/** Parses the `::name k=v,k=v::message` lines of a step's stdout. */
export function parseWorkflowCommands(stdout: string): WorkflowCommand[] {
  const commands: WorkflowCommand[] = []
  for (const line of stdout.split('\n')) {
    const match = /^::([a-z-]+)(?: ([^:]*))?::(.*)$/.exec(line.replace(/\r$/, ''))
    if (!match) continue
    const properties: Record<string, string> = {}
    for (const pair of (match[2] ?? '').split(',').filter(Boolean)) {
      const eq = pair.indexOf('=')
      if (eq > 0) properties[pair.slice(0, eq)] = unescapeProperty(pair.slice(eq + 1))
    }
    commands.push({ name: match[1] ?? '', properties, message: unescapeData(match[3] ?? '') })
  }
  return commands
}

/** Parses a `GITHUB_OUTPUT` file: `name<<delimiter` blocks (and plain `name=value` lines). */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? ''
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    if (heredoc) {
      const [, name = '', delimiter] = heredoc
      const value: string[] = []
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] ?? '')
      if (i >= lines.length) throw new Error(`GITHUB_OUTPUT: no closing delimiter for '${name}'`)
      outputs[name] = value.join('\n')
    } else if (line.includes('=')) {
      outputs[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1)
    }
  }
  return outputs
}

/**
 * A URL nobody listens on, with a recognisable password: the cheapest failing
 * run (with `connect-timeout: 1s`), for tests about where the report goes.
 */
export function unreachableUrl(password = `pw${randomBytes(8).toString('hex')}`): {
  url: string
  password: string
} {
  return { url: `postgresql://checker:${password}@127.0.0.1:9/app`, password }
}

/** The password part of a PostgreSQL URL. */
export function passwordOf(url: string): string {
  return decodeURIComponent(new URL(url).password)
}

/**
 * Where a run could leak the password: stdout except the `::add-mask::`
 * commands (they exist to tell the runner what to mask), stderr, the summary
 * and the outputs.
 */
export function leaksOf(run: ActionRun, password: string): string[] {
  const stdout = run.stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n')
  const places: Record<string, string> = {
    stdout,
    stderr: run.stderr,
    summary: run.summary,
    outputs: run.outputsFile
  }
  return Object.entries(places)
    .filter(([, text]) => text.includes(password))
    .map(([place]) => place)
}

/** The comments API calls a run made (list, create, update), as `METHOD path`. */
export function commentCalls(requests: Array<{ method: string; path: string }>): string[] {
  return requests
    .filter((request) => /\/issues\//.test(request.path))
    .map((request) => `${request.method} ${request.path}`)
}

/**
 * Checks that markdown cannot turn repository text into markup: outside code
 * blocks and code spans no raw HTML tag from the list, no unbalanced backtick,
 * and every table row has as many cells as its header. Returns the problems.
 */
export function markdownInjections(markdown: string, tags = ['script', 'img', 'iframe']): string[] {
  const problems: string[] = []
  // Fenced blocks (``` or longer, closed by a fence at least as long).
  const withoutBlocks = markdown.replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1`*[ \t]*$/gm, '')
  const lines = withoutBlocks.split('\n')
  let headerCells: number | undefined
  for (const line of lines) {
    const text = stripCodeSpans(line)
    for (const tag of tags)
      if (new RegExp(`<\\s*${tag}`, 'i').test(text)) problems.push(`raw <${tag}>: ${line}`)
    if (/(^|[^\\])`/.test(text)) problems.push(`unbalanced backtick: ${line}`)
    if (line.startsWith('|')) {
      const cells = countCells(line)
      if (headerCells === undefined) headerCells = cells
      else if (cells !== headerCells)
        problems.push(`table row with ${cells} cells, header has ${headerCells}: ${line}`)
    } else headerCells = undefined
  }
  return problems
}

/** Removes CommonMark code spans (a backtick run closed by a run of the same length). */
function stripCodeSpans(line: string): string {
  let out = ''
  let i = 0
  while (i < line.length) {
    if (line[i] === '\\') {
      out += line.slice(i, i + 2)
      i += 2
      continue
    }
    if (line[i] !== '`') {
      out += line[i]
      i++
      continue
    }
    const run = /^`+/.exec(line.slice(i))?.[0] ?? '`'
    const close = findClosingRun(line, i + run.length, run.length)
    if (close < 0) {
      out += run
      i += run.length
    } else {
      out += ' code '
      i = close + run.length
    }
  }
  return out
}

function findClosingRun(line: string, from: number, length: number): number {
  const re = /`+/g
  re.lastIndex = from
  for (let match = re.exec(line); match; match = re.exec(line)) {
    if (match[0].length === length) return match.index
  }
  return -1
}

/** Cells of a GFM table row: `|` not escaped by a backslash separates cells (also inside code spans). */
function countCells(row: string): number {
  const trimmed = row
    .trim()
    .replace(/^\|/, '')
    .replace(/(^|[^\\])\|$/, '$1')
  let cells = 1
  for (let i = 0; i < trimmed.length; i++) {
    if (trimmed[i] === '\\') i++
    else if (trimmed[i] === '|') cells++
  }
  return cells
}

/** The sample's two migrations, dropped by fixtures that bring their own. */
export const SAMPLE_MIGRATIONS = ['20250301090000_init', '20250612143000_add_auth_and_user_features']

/**
 * A project whose schema declares `tables` tables of `columns` nullable text
 * columns each, while its only migration creates the tables with just their
 * `id`: every column is a missing-column drift item, declared on its own line.
 * Returns the files for `makeProject({ dropMigrations: SAMPLE_MIGRATIONS, files })`.
 */
export function wideDriftFiles(options: {
  tables: number
  columns: number
  columnName?: (table: number, column: number) => string
}): Record<string, string> {
  const name =
    options.columnName ?? ((_table: number, column: number) => `column_${String(column).padStart(2, '0')}`)
  const tableName = (t: number) => `wide_${String(t).padStart(2, '0')}`
  const models: string[] = []
  const sql: string[] = []
  for (let t = 1; t <= options.tables; t++) {
    const fields = Array.from({ length: options.columns }, (_, i) => {
      const column = name(t, i + 1)
      return `  c${i + 1} String? @map("${column}")`
    })
    models.push(
      [
        `model Wide${t} {`,
        '  id Int @id @default(autoincrement())',
        ...fields,
        '',
        `  @@map("${tableName(t)}")`,
        '}'
      ].join('\n')
    )
    sql.push(
      `CREATE TABLE "${tableName(t)}" (\n    "id" SERIAL NOT NULL,\n\n    CONSTRAINT "${tableName(t)}_pkey" PRIMARY KEY ("id")\n);`
    )
  }
  const schema = [
    'generator client {',
    '  provider   = "prisma-client-js"',
    '  output     = "../generated/prisma"',
    '  engineType = "client"',
    '}',
    '',
    'datasource db {',
    '  provider = "postgresql"',
    '  url      = env("DATABASE_URL")',
    '}',
    '',
    models.join('\n\n'),
    ''
  ].join('\n')
  return {
    'prisma/schema.prisma': schema,
    'prisma/migrations/20250101000000_init/migration.sql': sql.join('\n\n') + '\n'
  }
}

/** One run of the built action on a project copy with its own database and API stand-in. */
export interface ProjectRun {
  standIn: GitHubStandIn
  project: FixtureProject
  db: TestDatabase
  run: ActionRun
  cleanup(): Promise<void>
}

/**
 * Copies a project (`makeProject` options), gives it a fresh database and an
 * API stand-in, and runs the built action once on it with generate off and no
 * seed: the shape of the reporting tests that need one real result.
 */
export async function runOnProject(dbPrefix: string, projectOptions: ProjectOptions): Promise<ProjectRun> {
  await ensureDist()
  const standIn = await startGitHubStandIn()
  const project = makeProject(projectOptions)
  const db = await createTestDatabase(dbPrefix)
  const cleanup = async (): Promise<void> => {
    await standIn.close()
    await db.drop()
    project.cleanup()
  }
  try {
    const run = await runAction({
      inputs: {
        'database-url': db.url,
        'working-directory': project.relDir,
        generate: 'false',
        'seed-command': 'none'
      },
      apiUrl: standIn.url
    })
    return { standIn, project, db, run, cleanup }
  } catch (error) {
    await cleanup()
    throw error
  }
}

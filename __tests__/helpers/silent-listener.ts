/**
 * A TCP listener on 127.0.0.1 that accepts connections and never answers:
 * what a client sees from a database host that swallows its packets, without
 * sending anything off this machine.
 */
import net from 'node:net'

export interface SilentListener {
  port: number
  /** Connections it accepted so far. */
  accepted(): number
  close(): Promise<void>
}

export async function startSilentListener(): Promise<SilentListener> {
  const sockets = new Set<net.Socket>()
  let accepted = 0
  const server = net.createServer((socket) => {
    accepted++
    sockets.add(socket)
    socket.on('error', () => {})
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    port,
    accepted: () => accepted,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}

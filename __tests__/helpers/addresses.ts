/**
 * Finds network addresses outside the loopback range written into test and
 * benchmark sources: IPv4 and IPv6 literals, and the hosts of database URLs.
 * Tests may only talk to 127.0.0.0/8 and ::1.
 */
import net from 'node:net'

export interface FarAddress {
  line: number
  address: string
}

const IPV4 = /(?<![\w.])(\d{1,3}(?:\.\d{1,3}){3})(?![\w.]*\d)/g
// IPv6 literals as code writes them: a whole quoted string, or bracketed as in a URL.
const IPV6 = /(?:['"`]|\[)((?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4})(?:%\w+)?(?:['"`]|\])/gi
const URL_HOST = /\bpostgres(?:ql)?:\/\/(?:[^@\s/'"`]*@)?(\[[^\]]+\]|[^:/\s'"`?$]*)/g

/** Whether `address` (IPv4, IPv6 or a host name) stays on this machine. */
export function isLoopback(address: string): boolean {
  const host = address.replace(/^\[|\]$/g, '').toLowerCase()
  if (host === 'localhost' || host.endsWith('.localhost')) return true
  if (net.isIPv4(host)) return host.startsWith('127.')
  if (net.isIPv6(host)) return host === '::1' || /^::ffff:127\./.test(host)
  return false
}

/** A host name that cannot resolve and so makes no DNS query (an empty label). */
function unresolvable(host: string): boolean {
  return host.includes('..')
}

export function farAddresses(source: string): FarAddress[] {
  const found: FarAddress[] = []
  source.split('\n').forEach((text, i) => {
    const add = (address: string): void => void found.push({ line: i + 1, address })
    for (const m of text.matchAll(IPV4)) {
      const ip = m[1] as string
      // 0.0.0.0 only appears as "any address" in listen calls, never as a destination.
      if (net.isIPv4(ip) && ip !== '0.0.0.0' && !isLoopback(ip)) add(ip)
    }
    for (const m of text.matchAll(IPV6)) {
      const ip = m[1] as string
      if (net.isIPv6(ip) && ip !== '::' && !isLoopback(ip)) add(ip)
    }
    for (const m of text.matchAll(URL_HOST)) {
      const host = m[1] as string
      // Interpolated hosts (`${host}`) are checked where they are defined.
      if (host === '' || host.startsWith('$') || host.includes('{')) continue
      if (!isLoopback(host) && !unresolvable(host) && !net.isIP(host)) add(host)
    }
  })
  return found
}

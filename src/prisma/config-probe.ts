/**
 * Asks Prisma's own config loader which environment variables the project's
 * `prisma.config.*` puts into its datasource: `url` (and `directUrl` on
 * Prisma 6's classic engine) and `shadowDatabaseUrl`. A pattern over the
 * file's text cannot follow `env('A') || env('B')`, `??` chains, helper
 * modules or spreads; the loader Prisma itself runs (`@prisma/config`, a
 * dependency of the installed `prisma` package) can.
 *
 * The config is user code, so it is loaded in a child process, never in
 * ours. There `process.env` is a Proxy: every variable the config's text
 * names, or the project's own code reads (a helper module the config
 * imports), reads as a distinct sentinel URL when the environment lacks it,
 * and the sentinels found in the loaded datasource tell which variable fills
 * which role. Variables the environment has keep their value and are
 * recognised by it. A fallback chain (`A ?? B ?? ''`) is followed by loading
 * again with the variables already found unset, until no new one appears.
 * What packages read for themselves (jiti's, dotenv's, DEBUG…) is left alone.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { execCommand } from '../util/exec.js'

/** What the loader said. */
export interface ConfigProbe {
  /** The config file Prisma's loader picked (absolute), or undefined when it found none. */
  configFile?: string
  /** Variables per datasource role, in the order a fallback chain reads them. */
  url: string[]
  directUrl: string[]
  shadowDatabaseUrl: string[]
  /** `js`: a driver adapter (Prisma 6 `engine: "js"`) connects, not a URL. */
  engine?: string
  /** Variables the config read while it loaded (only names its text mentions). */
  read: string[]
}

/** Why the loader could not tell. */
export class ConfigProbeError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ConfigProbeError'
  }
}

/** Where the project's Prisma CLI finds its config loader, or undefined (Prisma 5 has none). */
export function configLoaderOf(prismaDir: string): string | undefined {
  try {
    return createRequire(path.join(prismaDir, 'package.json')).resolve('@prisma/config')
  } catch {
    return undefined
  }
}

/**
 * Loads the project's config through `loader` in a child process and returns
 * the datasource's variables. @throws ConfigProbeError when the loader fails
 * (the config throws, does not compile…) or the child does.
 */
export async function probeConfig(options: {
  loader: string
  root: string
  /** The text of the config file: only variables it names get sentinels. */
  configText: string
  env: NodeJS.ProcessEnv
  timeoutMs: number
  signal?: AbortSignal
}): Promise<ConfigProbe> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'msc-config-'))
  try {
    const resultFile = path.join(dir, 'result.json')
    const names = [...new Set(options.configText.match(/\b[A-Za-z_][A-Za-z0-9_]*\b/g) ?? [])]
    const namesFile = path.join(dir, 'names.json')
    await writeFile(namesFile, JSON.stringify(names))
    const result = await execCommand(
      [process.execPath, '-e', PROBE_SCRIPT, options.loader, options.root, namesFile, resultFile],
      { cwd: options.root, env: options.env, timeoutMs: options.timeoutMs, signal: options.signal }
    )
    const text = await readFile(resultFile, 'utf8').catch(() => undefined)
    if (!text) {
      const why = result.timedOut ? 'timed out' : `exit code ${result.exitCode}`
      throw new ConfigProbeError(`loading the config ${why}: ${lastLines(result.output)}`)
    }
    const parsed = JSON.parse(text) as Partial<ConfigProbe> & { error?: string }
    if (parsed.error) throw new ConfigProbeError(parsed.error)
    return {
      configFile: parsed.configFile,
      url: parsed.url ?? [],
      directUrl: parsed.directUrl ?? [],
      shadowDatabaseUrl: parsed.shadowDatabaseUrl ?? [],
      engine: parsed.engine,
      read: parsed.read ?? []
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

function lastLines(output: string): string {
  return output.trim().split('\n').slice(-5).join('\n') || 'no output'
}

/**
 * The child: `node -e PROBE_SCRIPT <loader> <root> <names.json> <result.json>`.
 * CommonJS, as `node -e` runs it; the loader is imported (it may be either
 * kind of module). Its result goes to a file: the config may print anything
 * on stdout.
 */
const PROBE_SCRIPT = String.raw`
const fs = require('node:fs')
const { pathToFileURL } = require('node:url')
const [loaderPath, root, namesFile, resultFile] = process.argv.slice(1)
const write = (value) => fs.writeFileSync(resultFile, JSON.stringify(value))
const ROLES = ['url', 'directUrl', 'shadowDatabaseUrl']
const MAX_ROUNDS = 6

async function main() {
  const loader = await import(pathToFileURL(loaderPath).href)
  const load = loader.loadConfigFromFile || (loader.default && loader.default.loadConfigFromFile)
  if (typeof load !== 'function') return write({ error: 'the installed @prisma/config has no loadConfigFromFile' })
  const mentioned = new Set(JSON.parse(fs.readFileSync(namesFile, 'utf8')))
  const base = Object.assign({}, process.env)
  const has = (name) => Object.prototype.hasOwnProperty.call(base, name)
  const sentinels = new Map()
  const read = new Set()
  const masked = new Set()
  // On loopback's discard port: a config that connects while it loads reaches nothing beyond this machine.
  const sentinel = (n) => 'postgresql://msc-probe:msc-probe@127.0.0.1:9/msc_env_' + n + '_'
  // Whether the project's own code reads the variable (a helper module the config imports),
  // directly or through Prisma's env(): the first frame outside @prisma/config is not a package's.
  const fromProject = () => {
    const frames = String(new Error().stack).split('\n').slice(3).filter((f) => /[\\/]/.test(f))
    const first = frames.find((f) => !/node_modules[\\/]@prisma[\\/]config[\\/]/.test(f))
    return first !== undefined && !/node_modules[\\/]|\(node:|at node:/.test(first)
  }
  process.env = new Proxy(Object.assign({}, base), {
    get(target, key) {
      if (typeof key !== 'string' || !(mentioned.has(key) || fromProject())) return Reflect.get(target, key)
      read.add(key)
      if (masked.has(key)) return undefined
      if (has(key)) return base[key]
      if (!sentinels.has(key)) sentinels.set(key, sentinels.size + 1)
      return sentinel(sentinels.get(key))
    },
    has(target, key) {
      if (typeof key === 'string' && masked.has(key)) return false
      return Reflect.has(target, key)
    }
  })
  const found = { url: [], directUrl: [], shadowDatabaseUrl: [] }
  // Which variables fill which role in one load; masked ones read as unset.
  const fill = async () => {
    const loaded = await load({ configRoot: root })
    if (loaded.error) return { loaded }
    const datasource = (loaded.config && loaded.config.datasource) || {}
    const fills = { url: [], directUrl: [], shadowDatabaseUrl: [] }
    for (const role of ROLES) {
      const value = typeof datasource[role] === 'string' ? datasource[role] : ''
      if (!value) continue
      // The variable is the URL (perhaps with parameters appended), not a part of one.
      for (const [name, n] of sentinels) if (value.startsWith(sentinel(n))) fills[role].push(name)
      for (const name of read)
        if (has(name) && String(base[name]).length >= 8 && value.startsWith(base[name])) fills[role].push(name)
    }
    return { loaded, fills }
  }
  const first = await fill()
  if (first.loaded.error) {
    const e = first.loaded.error
    return write({ error: e._tag + (e.error ? ': ' + (e.error.message || String(e.error)) : '') })
  }
  // A fallback chain, role by role: unset what was found and load again.
  for (const role of ROLES) {
    let fills = first.fills
    masked.clear()
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const fresh = fills[role].filter((name) => !found[role].includes(name))
      if (fresh.length === 0) break
      for (const name of fresh) {
        found[role].push(name)
        masked.add(name)
      }
      const next = await fill()
      if (next.loaded.error) break
      fills = next.fills
    }
  }
  masked.clear()
  write({
    configFile: first.loaded.resolvedPath || undefined,
    url: found.url,
    directUrl: found.directUrl,
    shadowDatabaseUrl: found.shadowDatabaseUrl,
    engine: first.loaded.config && first.loaded.config.engine,
    read: [...read]
  })
}

main().catch((error) => write({ error: String((error && error.stack) || error) }))
`

/**
 * Which variables a prisma.config.ts puts into its datasource, as the
 * project's own Prisma config loader (Prisma 7.10's and 6.19's
 * @prisma/config) evaluates it in a child process, for the ways real
 * configs write it.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import {
  configLoaderOf,
  ConfigProbeError,
  probeConfig,
  type ConfigProbe
} from '../../src/prisma/config-probe.js'
import { REPO_ROOT } from '../helpers/project.js'
import { VERSIONS_DIR } from '../helpers/versions.js'

/** Loads `config` (prisma.config.ts) and `files` in a throw-away project on `version`'s installed Prisma. */
async function probe(
  config: string,
  options: { files?: Record<string, string>; env?: NodeJS.ProcessEnv; version?: string } = {}
): Promise<ConfigProbe> {
  const version = options.version ?? 'prisma-7'
  const name = `probe_${randomBytes(5).toString('hex')}`
  const dir = path.join(REPO_ROOT, '.tmp', 'probe', name)
  const modules = path.join(VERSIONS_DIR, version, 'node_modules')
  mkdirSync(path.join(dir, 'prisma'), { recursive: true })
  symlinkSync(modules, path.join(dir, 'node_modules'), 'dir')
  writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n')
  writeFileSync(path.join(dir, 'prisma.config.ts'), config)
  for (const [file, text] of Object.entries(options.files ?? {})) writeFileSync(path.join(dir, file), text)
  try {
    const loader = configLoaderOf(path.join(modules, 'prisma'))
    if (!loader) throw new Error(`${version} has no @prisma/config`)
    return await probeConfig({
      loader,
      root: dir,
      configText: config,
      env: { PATH: process.env.PATH, ...options.env },
      timeoutMs: 60_000
    })
  } finally {
    rmSync(dir, { recursive: true, force: true })
    const cache = path.join(modules, '.cache', 'jiti')
    for (const file of existsSync(cache) ? readdirSync(cache) : [])
      if (file.startsWith(`${name}-`)) rmSync(path.join(cache, file), { force: true })
  }
}

const roles = (p: ConfigProbe) => ({ url: p.url, directUrl: p.directUrl, shadow: p.shadowDatabaseUrl })

test.concurrent("env('DATABASE_URL') after dotenv's config(), which prints on stdout", async () => {
  const result = await probe(
    `import { config } from 'dotenv'
import { defineConfig, env } from 'prisma/config'
config()
export default defineConfig({ schema: 'prisma/schema.prisma', datasource: { url: env('DATABASE_URL') } })
`,
    { files: { '.env': 'DATABASE_URL=postgresql://dev:dev@localhost:5432/dev\n' } }
  )
  // The committed .env's value is not the run's: the variable is what counts.
  expect(roles(result)).toEqual({ url: ['DATABASE_URL'], directUrl: [], shadow: [] })
  expect(result.configFile).toMatch(/prisma\.config\.ts$/)
})

test.concurrent(
  'a ?? chain is followed to its end, and the shadow database has its own variable',
  async () => {
    const result = await probe(`import { defineConfig, env } from 'prisma/config'
export default defineConfig({
  datasource: {
    url: process.env.POSTGRES_URL_NON_POOLING ?? process.env.POSTGRES_PRISMA_URL ?? '',
    shadowDatabaseUrl: env('SHADOW_DATABASE_URL')
  }
})
`)
    expect(roles(result)).toEqual({
      url: ['POSTGRES_URL_NON_POOLING', 'POSTGRES_PRISMA_URL'],
      directUrl: [],
      shadow: ['SHADOW_DATABASE_URL']
    })
  }
)

test.concurrent("an || chain of process.env['…'] and a conditional spread of the shadow URL", async () => {
  const result = await probe(`import 'dotenv/config'
import { defineConfig } from 'prisma/config'
export default defineConfig({
  datasource: {
    url: process.env['DIRECT_URL'] || process.env['DATABASE_URL'] || 'postgresql://localhost/fallback',
    ...(process.env['SHADOW_DATABASE_URL'] ? { shadowDatabaseUrl: process.env['SHADOW_DATABASE_URL'] } : {})
  }
})
`)
  expect(roles(result)).toEqual({
    url: ['DIRECT_URL', 'DATABASE_URL'],
    directUrl: [],
    shadow: ['SHADOW_DATABASE_URL']
  })
})

test.concurrent('a helper module the config imports, and a URL with parameters appended', async () => {
  const result = await probe(
    `import { defineConfig } from 'prisma/config'
import { databaseUrl } from './db-env'
export default defineConfig({ datasource: { url: databaseUrl + '?connection_limit=1' } })
`,
    { files: { 'db-env.ts': 'export const databaseUrl = process.env.APP_DB_URL\n' } }
  )
  expect(roles(result)).toEqual({ url: ['APP_DB_URL'], directUrl: [], shadow: [] })
})

test.concurrent(
  'a URL built from parts names no URL variable; the parts are what the config read',
  async () => {
    const result = await probe(`import { defineConfig } from 'prisma/config'
const { DB_USER, DB_PASSWORD, DB_HOST } = process.env
export default defineConfig({
  datasource: { url: ['postgresql://', DB_USER, ':', DB_PASSWORD, '@', DB_HOST, ':5432/app'].join('') }
})
`)
    expect(roles(result)).toEqual({ url: [], directUrl: [], shadow: [] })
    expect(result.read.sort()).toEqual(['DB_HOST', 'DB_PASSWORD', 'DB_USER'])
  }
)

test.concurrent('a variable the environment already holds is recognised by its value', async () => {
  const result = await probe(
    `import { defineConfig, env } from 'prisma/config'
export default defineConfig({ datasource: { url: env('DATABASE_URL') } })
`,
    { env: { DATABASE_URL: 'postgresql://ci:ci@127.0.0.1:5432/ci' } }
  )
  expect(roles(result)).toEqual({ url: ['DATABASE_URL'], directUrl: [], shadow: [] })
})

test.concurrent("Prisma 6.19's classic engine: url and directUrl in the config", async () => {
  const result = await probe(
    `import { defineConfig, env } from 'prisma/config'
export default defineConfig({
  engine: 'classic',
  datasource: { url: env('POOLED_URL'), directUrl: env('DIRECT_URL') }
})
`,
    { version: 'prisma-6-native' }
  )
  expect(roles(result)).toEqual({ url: ['POOLED_URL'], directUrl: ['DIRECT_URL'], shadow: [] })
})

test.concurrent('a config that throws is a ConfigProbeError with its message', async () => {
  const error = await probe(`throw new Error('secrets vault unreachable')\n`).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(ConfigProbeError)
  expect(String(error)).toMatch(/secrets vault unreachable/)
})

/**
 * Which environment variables the project's datasource reads, so that every
 * Prisma process of the run finds the database with nothing but its URL:
 * the schema's `url = env("…")`, `directUrl = env("…")` and
 * `shadowDatabaseUrl = env("…")` (Prisma 5 and 6), and what
 * `prisma.config.*` puts in `datasource` (asked of Prisma's own config
 * loader; read from the file's text only when the loader cannot run).
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { parseSchema } from './schema.js'
import { configDatasourceEnv } from './config-file.js'
import { configLoaderOf, ConfigProbeError, probeConfig } from './config-probe.js'
import type { Project } from './project.js'

/** The variables of the datasource, by what they must hold. */
export interface DatasourceEnv {
  /** Variables Prisma connects with (`url`, `directUrl`): they receive the database URL. */
  url: string[]
  /** Variables of the shadow database: they receive a scratch database of their own. */
  shadow: string[]
  /** Every variable the config read while it loaded (for messages). */
  read: string[]
  /** Where the names were found, for the report ("schema.prisma", "prisma.config.ts"). */
  sources: string[]
  /** Why Prisma's config loader could not tell, when it could not. */
  probeError?: string
}

/** The name most projects and seeds read the URL from: always set unless `database-url-env` says otherwise. */
export const DEFAULT_URL_ENV = 'DATABASE_URL'

export interface DiscoverEnvOptions {
  /** The environment the config is loaded with (the action's, without the URL variables). */
  env: NodeJS.ProcessEnv
  timeoutMs: number
  signal?: AbortSignal
}

/** Finds the datasource's variables of `project`. Never throws: what cannot be found is left out. */
export async function discoverDatasourceEnv(
  project: Pick<Project, 'root' | 'configFile' | 'schemaFiles' | 'prisma'>,
  options: DiscoverEnvOptions
): Promise<DatasourceEnv> {
  const out: DatasourceEnv = { url: [], shadow: [], read: [], sources: [] }
  const add = (list: string[], names: (string | undefined)[]) => {
    for (const name of names) if (name && !list.includes(name)) list.push(name)
  }
  const datasource = parseSchema(project.schemaFiles.map((f) => ({ path: f.path, text: f.text }))).datasource
  if (datasource) {
    const { url, directUrl, shadowDatabaseUrl } = datasource.env
    if (url || directUrl || shadowDatabaseUrl) out.sources.push(path.basename(datasource.file))
    add(out.url, [url, directUrl])
    add(out.shadow, [shadowDatabaseUrl])
  }
  if (project.configFile) {
    const configName = path.basename(project.configFile)
    const configText = readFileSync(project.configFile, 'utf8')
    const loader = configLoaderOf(project.prisma.dir)
    let probed = false
    if (loader) {
      try {
        const probe = await probeConfig({ loader, root: project.root, configText, ...options })
        add(out.url, [...probe.url, ...probe.directUrl])
        add(out.shadow, probe.shadowDatabaseUrl)
        add(out.read, probe.read)
        probed = true
      } catch (error) {
        if (!(error instanceof ConfigProbeError)) throw error
        out.probeError = error.message
      }
    }
    if (!probed) {
      // Prisma's loader could not run: the names written in the datasource block stand in.
      const fromText = configDatasourceEnv(configText)
      add(out.url, fromText.url)
      add(out.shadow, fromText.shadow)
      add(out.read, [...fromText.url, ...fromText.shadow])
    }
    if (out.url.length || out.shadow.length) out.sources.push(configName)
  }
  // A variable the config uses for both (its shadow is the main database) must hold the URL, or Prisma cannot connect.
  out.shadow = out.shadow.filter((name) => !out.url.includes(name))
  return out
}

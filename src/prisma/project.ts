/**
 * Finds the Prisma project under the working directory — schema,
 * config file, migrations, the installed Prisma CLI, the package manager and
 * how the seed is configured. Only reads files; runs nothing.
 *
 * What is found here is a best guess from the files; the run stage refines
 * the schema and migrations paths from what Prisma itself prints.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { configPath, configSeed } from './config-file.js'
import { errorMessage } from '../util/errors.js'

export type PackageManager = 'npm' | 'pnpm' | 'yarn' | 'bun'

export interface Migration {
  /** Folder name, e.g. `20250612143000_add_auth_and_user_features`. */
  name: string
  /** Absolute path of its migration.sql. */
  sqlPath: string
  sql: string
}

export interface SchemaFile {
  /** Absolute path. */
  path: string
  text: string
}

export interface SeedConfig {
  /** Where the seed comes from. `none`: nothing configured. */
  source: 'package.json' | 'prisma.config' | 'seed-command' | 'none' | 'skipped'
  /** The command as configured (for display). */
  command?: string
}

export interface PrismaCli {
  version: string
  major: number
  /** Absolute path of the installed `prisma` package. */
  dir: string
  /** Absolute path of the CLI's JavaScript entry (run with this Node). */
  entry: string
}

export interface Project {
  root: string
  packageJson?: Record<string, unknown>
  /** Absolute path of prisma.config.*, when there is one. */
  configFile?: string
  /** Absolute path of the schema file or folder. */
  schemaPath: string
  schemaFiles: SchemaFile[]
  /** Absolute path of the migrations folder (may not exist). */
  migrationsDir: string
  migrations: Migration[]
  prisma: PrismaCli
  packageManager: PackageManager
  seed: SeedConfig
  /** `node_modules/.bin` folders from the project up to the file-system root, nearest first. */
  binDirs: string[]
  /** PostgreSQL schemas the datasource uses (`schemas = [...]`, `?schema=`), default `public`. */
  dbSchemas: string[]
}

/** A project that cannot be checked; `message` says what to do. */
export class ProjectError extends Error {
  constructor(
    readonly code: string,
    message: string
  ) {
    super(message)
    this.name = 'ProjectError'
  }
}

/** Where Prisma's config loader looks, in its order (Prisma 7 tries `prisma7.config.*` first). */
const CONFIG_EXTENSIONS = ['ts', 'mts', 'cts', 'js', 'mjs', 'cjs']
const CONFIG_NAMES = [
  ...CONFIG_EXTENSIONS.map((ext) => `prisma7.config.${ext}`),
  ...CONFIG_EXTENSIONS.map((ext) => `.config/prisma7.${ext}`),
  ...['prisma.config', '.config/prisma', '.config/prisma.config'].flatMap((base) => [
    ...CONFIG_EXTENSIONS.map((ext) => `${base}.${ext}`),
    ...CONFIG_EXTENSIONS.map((ext) => `${base}/index.${ext}`)
  ])
]

/** What discovery needs from the run's settings (a `Config` has them all). */
export interface ProjectOptions {
  /** Absolute path of the project (where package.json is). */
  workingDirectory: string
  /** Absolute path of the schema file or folder, when the `schema` input names it. */
  schema?: string
  /** The seed the run will use: as the project configures it, a `seed-command`, or none. */
  seed: { kind: 'configured' } | { kind: 'command'; raw: string } | { kind: 'none' }
  /** The database URL: its `?schema=` names the PostgreSQL schema when the datasource does not. */
  databaseUrl: string
}

/** Discovers the project. @throws ProjectError */
export function discoverProject(config: ProjectOptions): Project {
  const root = config.workingDirectory
  const packageJson = readJson(path.join(root, 'package.json'))
  const prisma = findPrismaCli(root)
  if (prisma.major >= 8) throw unsupportedPrisma(prisma)
  const configFile = CONFIG_NAMES.map((n) => path.join(root, n)).find((p) => existsSync(p))
  const configText = configFile ? readFileSync(configFile, 'utf8') : undefined
  const prismaKey = (packageJson?.prisma ?? {}) as Record<string, unknown>

  // Prisma resolves the config's paths from the config file's folder.
  const configSource =
    configFile && configText !== undefined ? { text: configText, dir: path.dirname(configFile) } : undefined
  const schemaPath = findSchema(root, config.schema, configSource, prismaKey)
  const schemaFiles = readSchemaFiles(schemaPath)
  const migrationsDir = findMigrationsDir(schemaPath, schemaFiles, configSource)
  return {
    root,
    packageJson,
    configFile,
    schemaPath,
    schemaFiles,
    migrationsDir,
    migrations: readMigrations(migrationsDir),
    prisma,
    packageManager: detectPackageManager(root, packageJson),
    seed: findSeed(config, configText, prismaKey),
    binDirs: ancestors(root).map((dir) => path.join(dir, 'node_modules', '.bin')),
    dbSchemas: datasourceSchemas(schemaFiles, config.databaseUrl)
  }
}

function readJson(file: string): Record<string, unknown> | undefined {
  if (!existsSync(file)) return undefined
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
  } catch (error) {
    throw new ProjectError('package-json', `${file} is not valid JSON: ${errorMessage(error)}`)
  }
}

function ancestors(dir: string): string[] {
  const dirs: string[] = []
  for (let d = dir; ; d = path.dirname(d)) {
    dirs.push(d)
    if (path.dirname(d) === d) return dirs
  }
}

/** A config file's text and the folder its relative paths start from. */
interface ConfigSource {
  text: string
  dir: string
}

function findSchema(
  root: string,
  explicit: string | undefined,
  config: ConfigSource | undefined,
  prismaKey: Record<string, unknown>
): string {
  if (explicit) return explicit
  const fromConfig = config && configPath(config.text, 'schema')
  const fromPackage = typeof prismaKey.schema === 'string' ? prismaKey.schema : undefined
  // Prisma's own search order when nothing is configured.
  const candidates = [
    fromConfig && path.resolve(config.dir, fromConfig),
    fromPackage,
    'prisma/schema.prisma',
    'prisma/schema',
    'schema.prisma'
  ]
  for (const candidate of candidates) {
    if (!candidate) continue
    const p = path.resolve(root, candidate)
    if (existsSync(p)) return p
  }
  throw new ProjectError(
    'no-schema',
    `No Prisma schema found in ${root} (looked for prisma/schema.prisma, prisma/schema/ and schema.prisma, and the \`schema\` setting of prisma.config.ts and package.json). Set the \`schema\` input to your schema file or folder.`
  )
}

function readSchemaFiles(schemaPath: string): SchemaFile[] {
  if (statSync(schemaPath).isFile()) return [{ path: schemaPath, text: readFileSync(schemaPath, 'utf8') }]
  const files: SchemaFile[] = []
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name)
    )) {
      const p = path.join(dir, entry.name)
      if (entry.isDirectory() && entry.name !== 'migrations' && entry.name !== 'node_modules') walk(p)
      else if (entry.isFile() && entry.name.endsWith('.prisma'))
        files.push({ path: p, text: readFileSync(p, 'utf8') })
    }
  }
  walk(schemaPath)
  if (files.length === 0) {
    throw new ProjectError('no-schema', `The schema folder ${schemaPath} holds no .prisma file.`)
  }
  return files
}

function findMigrationsDir(
  schemaPath: string,
  schemaFiles: SchemaFile[],
  config: ConfigSource | undefined
): string {
  const fromConfig = config && configPath(config.text, 'path')
  if (fromConfig) return path.resolve(config.dir, fromConfig)
  if (statSync(schemaPath).isFile()) return path.join(path.dirname(schemaPath), 'migrations')
  // In a schema folder, migrations sit beside the file with the datasource block.
  const withDatasource = schemaFiles.find((f) => /^\s*datasource\s+\w+\s*\{/m.test(f.text))
  const inFolder = path.join(schemaPath, 'migrations')
  if (existsSync(inFolder) || !withDatasource) return inFolder
  return path.join(path.dirname(withDatasource.path), 'migrations')
}

/** Migrations in the order Prisma applies them: folder names, sorted. */
export function readMigrations(dir: string): Migration[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(path.join(dir, e.name, 'migration.sql')))
    .map((e) => e.name)
    .sort()
    .map((name) => {
      const sqlPath = path.join(dir, name, 'migration.sql')
      return { name, sqlPath, sql: readFileSync(sqlPath, 'utf8') }
    })
}

/** The project's own Prisma CLI, found the way Node resolves packages. */
function findPrismaCli(root: string): PrismaCli {
  for (const dir of ancestors(root)) {
    const pkgFile = path.join(dir, 'node_modules', 'prisma', 'package.json')
    if (!existsSync(pkgFile)) continue
    const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as {
      version?: string
      bin?: string | Record<string, string>
    }
    const bin = typeof pkg.bin === 'string' ? pkg.bin : (pkg.bin?.prisma ?? 'build/index.js')
    const version = pkg.version ?? '0.0.0'
    const pkgDir = path.dirname(pkgFile)
    return { version, major: Number(version.split('.')[0]), dir: pkgDir, entry: path.join(pkgDir, bin) }
  }
  throw new ProjectError(
    'prisma-not-installed',
    `The Prisma CLI is not installed in ${root} (no node_modules/prisma). Run your install step (npm ci, pnpm install --frozen-lockfile, yarn install --immutable or bun install) before this action, and keep \`prisma\` in your package.json.`
  )
}

/**
 * Prisma 8 (a release candidate as of this writing) is another CLI: its
 * migrations are not `migration.sql` folders and it has no `migrate deploy`
 * or `migrate diff`. Running its commands would only fail one by one.
 */
function unsupportedPrisma(prisma: PrismaCli): ProjectError {
  return new ProjectError(
    'prisma-unsupported',
    `This project uses Prisma ${prisma.version}. Prisma 8 replaces \`prisma migrate deploy\` and \`prisma migrate diff\` with a new migration system (\`prisma migration …\`, without migration.sql folders), which this check does not run yet. ` +
      'Nothing was run: prisma generate, migrate deploy, the seed and the drift check are all skipped. ' +
      'The check runs projects on Prisma 5, 6 and 7: pin `prisma` to 7.x to check this project.'
  )
}

function detectPackageManager(
  root: string,
  packageJson: Record<string, unknown> | undefined
): PackageManager {
  const declared = typeof packageJson?.packageManager === 'string' ? packageJson.packageManager : ''
  for (const pm of ['pnpm', 'yarn', 'bun', 'npm'] as const) if (declared.startsWith(pm + '@')) return pm
  for (const dir of ancestors(root)) {
    if (existsSync(path.join(dir, 'pnpm-lock.yaml'))) return 'pnpm'
    if (existsSync(path.join(dir, 'yarn.lock'))) return 'yarn'
    if (existsSync(path.join(dir, 'bun.lockb')) || existsSync(path.join(dir, 'bun.lock'))) return 'bun'
    if (existsSync(path.join(dir, 'package-lock.json'))) return 'npm'
  }
  return 'npm'
}

function findSeed(
  config: Pick<ProjectOptions, 'seed'>,
  configText: string | undefined,
  prismaKey: Record<string, unknown>
): SeedConfig {
  if (config.seed.kind === 'none') return { source: 'skipped' }
  if (config.seed.kind === 'command') return { source: 'seed-command', command: config.seed.raw }
  // With a config file, Prisma 6.19+ reads the seed from it only.
  if (configText !== undefined) {
    const seed = configSeed(configText)
    if (seed !== undefined) return { source: 'prisma.config', command: seed }
  }
  if (typeof prismaKey.seed === 'string' && prismaKey.seed.trim()) {
    return { source: 'package.json', command: prismaKey.seed }
  }
  return { source: 'none' }
}

/** The PostgreSQL schemas to inspect: the datasource's `schemas`, else the URL's `?schema=`, else public. */
function datasourceSchemas(files: SchemaFile[], databaseUrl: string): string[] {
  for (const file of files) {
    const block = /datasource\s+\w+\s*\{([\s\S]*?)\n\s*\}/.exec(file.text)?.[1]
    const list = block && /^\s*schemas\s*=\s*\[([^\]]*)\]/m.exec(block)?.[1]
    if (list) {
      const names = [...list.matchAll(/"([^"]+)"/g)].map((m) => m[1] as string)
      if (names.length) return names
    }
  }
  try {
    const fromUrl = new URL(databaseUrl).searchParams.get('schema')
    if (fromUrl) return [fromUrl]
  } catch {
    // validated in config
  }
  return ['public']
}

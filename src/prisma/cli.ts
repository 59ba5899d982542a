/**
 * Runs the project's own Prisma CLI (never a bundled one): the same version
 * and engines the project uses, from its folder, with the database URL in
 * every variable the project reads it from.
 */
import path from 'node:path'
import { execCommand, type ExecOptions, type ExecResult } from '../util/exec.js'
import type { Project } from './project.js'

export interface PrismaContext {
  project: Project
  /** Variables that receive the database URL: the datasource's, or `database-url-env`. */
  urlEnv: string[]
  /** Variables of the datasource's shadow database, and the scratch database they receive. */
  shadowEnv?: { names: string[]; url: string }
  databaseUrl: string
  timeoutMs: number
  onOutput?: (chunk: string) => void
  signal?: AbortSignal
  /** The environment to start from (the action's own). */
  baseEnv: NodeJS.ProcessEnv
}

/**
 * The environment of the project's tools without any database variable set
 * by us and without the action's inputs: the project's `node_modules/.bin` folders first on PATH (as
 * `npm run` does, so a seed of `tsx prisma/seed.ts` finds tsx), and Prisma's
 * update check and hints off.
 */
export function toolEnv(project: Pick<Project, 'binDirs'>, baseEnv: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  // The action's own inputs (`INPUT_GITHUB-TOKEN` among them) are ours, not the project's:
  // a seed or a config is user code and never sees them.
  const env: NodeJS.ProcessEnv = Object.fromEntries(
    Object.entries(baseEnv).filter(([name]) => !name.startsWith('INPUT_'))
  )
  env.PATH = [...project.binDirs, env.PATH ?? ''].filter(Boolean).join(path.delimiter)
  env.CHECKPOINT_DISABLE = '1'
  env.PRISMA_HIDE_UPDATE_MESSAGE = '1'
  env.FORCE_COLOR = '0'
  env.NO_COLOR = '1'
  return env
}

/** The child environment: {@link toolEnv} with the URL under each of the datasource's names. */
export function childEnv(
  ctx: Pick<PrismaContext, 'project' | 'urlEnv' | 'shadowEnv' | 'baseEnv'>,
  url: string
): NodeJS.ProcessEnv {
  const env = toolEnv(ctx.project, ctx.baseEnv)
  for (const name of ctx.urlEnv) env[name] = url
  for (const name of ctx.shadowEnv?.names ?? []) env[name] = ctx.shadowEnv?.url
  return env
}

/**
 * What `prisma migrate deploy` prints once every migration is applied and its
 * connection closed (Prisma 5 to 7). Prisma 6's CLI then stays alive on a
 * timer for about 10 s; the run ends it a second later instead of waiting.
 */
export const DEPLOY_DONE = {
  pattern: /All migrations have been successfully applied\.|No pending migrations to apply\./,
  graceMs: 1000
}

/** Runs `prisma <args>` from the project folder with the given database URL. */
export function runPrisma(
  ctx: PrismaContext,
  args: string[],
  options: {
    url?: string
    keepStdout?: boolean
    quiet?: boolean
    doneWhen?: ExecOptions['doneWhen']
    niceness?: number
  } = {}
): Promise<ExecResult> {
  return execCommand([process.execPath, ctx.project.prisma.entry, ...args], {
    cwd: ctx.project.root,
    env: childEnv(ctx, options.url ?? ctx.databaseUrl),
    timeoutMs: ctx.timeoutMs,
    onOutput: options.quiet ? undefined : ctx.onOutput,
    signal: ctx.signal,
    keepStdout: options.keepStdout,
    doneWhen: options.doneWhen,
    ...(options.niceness ? { niceness: options.niceness } : {})
  })
}

/** Runs an arbitrary command (the `seed-command` input) the same way. */
export function runCommand(ctx: PrismaContext, argv: string[]): Promise<ExecResult> {
  return execCommand(argv, {
    cwd: ctx.project.root,
    env: childEnv(ctx, ctx.databaseUrl),
    timeoutMs: ctx.timeoutMs,
    onOutput: ctx.onOutput,
    signal: ctx.signal
  })
}

/** `--schema <path>` when the user named the schema; otherwise Prisma finds it as usual. */
export function schemaArgs(explicitSchema: string | undefined): string[] {
  return explicitSchema ? ['--schema', explicitSchema] : []
}

/**
 * The arguments that print the SQL creating the schema from nothing.
 * Prisma 7 renamed `--to-schema-datamodel` to `--to-schema`.
 */
export function diffFromEmptyArgs(major: number, schemaPath: string): string[] {
  const to = major >= 7 ? '--to-schema' : '--to-schema-datamodel'
  return ['migrate', 'diff', '--from-empty', to, schemaPath, '--script']
}

/**
 * The arguments that print what Prisma would change going from the migrated
 * database to the schema: Prisma 7 reads the database from the config's
 * datasource, earlier versions from the schema's datasource block. Neither
 * puts the URL (and its password) on a command line.
 */
export function verdictDiffArgs(major: number, schemaPath: string): string[] {
  if (major >= 7)
    return ['migrate', 'diff', '--from-config-datasource', '--to-schema', schemaPath, '--script']
  return [
    'migrate',
    'diff',
    '--from-schema-datasource',
    schemaPath,
    '--to-schema-datamodel',
    schemaPath,
    '--script'
  ]
}

/**
 * What Prisma says about where things are: "Prisma schema loaded from
 * prisma/schema.prisma" (Prisma 5 and 6) or "… from prisma/schema.prisma."
 * (Prisma 7 ends the sentence with a period, which is not part of the path).
 */
export function parseLoadedSchema(output: string): string | undefined {
  return /Prisma schema loaded from (.+?)\.?\s*$/m.exec(output)?.[1]
}

/**
 * Migration folder names `migrate deploy` applied, in order: the folders of
 * the tree under "The following migration(s) have been applied:".
 */
export function parseAppliedMigrations(output: string): string[] {
  const header = /The following migrations?(?:\(s\))? ha(?:ve|s) been applied:/.exec(output)
  if (!header) return []
  const names: string[] = []
  for (const line of output.slice(header.index + header[0].length).split('\n')) {
    if (/^All migrations/.test(line.trim())) break
    const folder = /^\s*└─\s*(\S+)\/\s*$/.exec(line)?.[1]
    if (folder) names.push(folder)
  }
  return names
}

/** Whether `prisma db seed` actually ran a command (it exits 0 silently when none is configured). */
export function seedCommandRan(output: string): boolean {
  return /Running seed command/.test(output)
}

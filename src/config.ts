/**
 * One typed, validated `Config`, built from the action's inputs or the CLI's
 * flags (the same names). Every bad value fails here, before anything runs,
 * with a message that names the input and says what to do.
 */
import { existsSync, statSync } from 'node:fs'
import path from 'node:path'
import type { MigrationSafety } from './model/review.js'
import type { FailOn } from './model/result.js'

/** Input names, shared by action.yml, the action entry and the CLI flags. */
export const INPUTS = {
  databaseUrl: 'database-url',
  databaseUrlEnv: 'database-url-env',
  workingDirectory: 'working-directory',
  schema: 'schema',
  seedCommand: 'seed-command',
  generate: 'generate',
  failOn: 'fail-on',
  comment: 'comment',
  githubToken: 'github-token',
  prNumber: 'pr-number',
  stepTimeout: 'step-timeout',
  connectTimeout: 'connect-timeout',
  allowNonEmptyDatabase: 'allow-non-empty-database',
  reportDir: 'report-dir',
  baseRef: 'base-ref',
  upgradeTest: 'upgrade-test',
  upgradeRows: 'upgrade-rows',
  migrationSafety: 'migration-safety'
} as const

export type InputName = (typeof INPUTS)[keyof typeof INPUTS]

/** Output names, shared by action.yml and the action entry. */
export const OUTPUTS = {
  status: 'status',
  drift: 'drift',
  driftCount: 'drift-count',
  reportJson: 'report-json',
  fixSql: 'fix-sql',
  commentUrl: 'comment-url'
} as const

const FAIL_ON_VALUES: readonly FailOn[] = ['migrate', 'seed', 'drift', 'warning']

/** The seed to run: Prisma's configured seed, an explicit command, or none. */
export type SeedChoice =
  { kind: 'configured' } | { kind: 'command'; argv: string[]; raw: string } | { kind: 'none' }

/** Everything the pipeline needs to know, validated. */
export interface Config {
  /** Connection URL of the service database (a secret: never log it). */
  databaseUrl: string
  /**
   * Environment variables set to the URL for every child process, when given;
   * undefined: the ones the project's datasource reads (and DATABASE_URL).
   */
  databaseUrlEnv?: string[]
  /** Absolute path of the project (where package.json is). */
  workingDirectory: string
  /** Absolute path of the repository root; report paths are relative to it. */
  repoRoot: string
  /** Absolute path of the schema file or folder, when given explicitly. */
  schema?: string
  seed: SeedChoice
  generate: boolean
  failOn: FailOn[]
  comment: boolean
  githubToken?: string
  prNumber?: number
  stepTimeoutMs: number
  connectTimeoutMs: number
  allowNonEmptyDatabase: boolean
  /** Absolute path of the folder for report.json and the fix migration. */
  reportDir: string
  /** Git revision to compare migrations with, when the event has no pull-request base. */
  baseRef?: string
  /** `auto`: when a base is known and the pull request adds migrations. */
  upgradeTest: 'auto' | 'true' | 'false'
  /** Rows the upgrade test puts into every table before the new migrations run; `auto`: see {@link AUTO_UPGRADE_ROWS}. */
  upgradeRows: number | 'auto'
  /** How the migration review reports hazards: warnings, errors (fail the check as a migration failure), or not at all. */
  migrationSafety: MigrationSafety
}

/**
 * `upgrade-rows: auto` (the default): 50,000 rows for the whole database,
 * spread over its tables, 100 to 5,000 a table. Chosen from the fill's
 * measured cost (bench/fill.ts, figures in the README): about 40 µs a row
 * plus a few milliseconds a table, so the sample's 10 tables get 5,000 rows
 * each in about 2 s, and the 375 tables of the 300-model benchmark project
 * 133 rows each in about 2 s, while 1,000 rows a table there cost 15 s.
 */
export const AUTO_UPGRADE_ROWS = { total: 50_000, min: 100, max: 5_000 } as const
/** Above this the fill alone takes minutes on a few hundred tables. */
const MAX_UPGRADE_ROWS = 1_000_000

/** A bad input: `input` names it, `message` says what is wrong and how to fix it. */
export class ConfigError extends Error {
  constructor(
    readonly input: string,
    message: string
  ) {
    super(`Input '${input}': ${message}`)
    this.name = 'ConfigError'
  }
}

/** Raw values by input name; absent or empty means "use the default". */
export type RawInputs = Partial<Record<InputName, string>>

export interface ConfigContext {
  /** Where relative paths start (GITHUB_WORKSPACE in the action, the cwd in the CLI). */
  cwd: string
  /** The repository root; defaults to `cwd`. */
  repoRoot?: string
  env: NodeJS.ProcessEnv
}

/**
 * Validates raw inputs into a `Config`.
 * @throws ConfigError naming the first bad input.
 */
export function parseConfig(raw: RawInputs, ctx: ConfigContext): Config {
  const get = (name: InputName): string | undefined => {
    const value = raw[name]?.trim()
    return value ? value : undefined
  }
  const repoRoot = path.resolve(ctx.repoRoot ?? ctx.cwd)
  const workingDirectory = parseDirectory(get(INPUTS.workingDirectory) ?? '.', ctx.cwd, repoRoot)
  const databaseUrlEnv = parseEnvNames(get(INPUTS.databaseUrlEnv))
  const databaseUrl = parseDatabaseUrl(get(INPUTS.databaseUrl) ?? ctx.env.DATABASE_URL)
  return {
    databaseUrl,
    databaseUrlEnv,
    workingDirectory,
    repoRoot,
    schema: parseSchema(get(INPUTS.schema), workingDirectory, repoRoot),
    seed: parseSeedCommand(get(INPUTS.seedCommand)),
    generate: parseBoolean(INPUTS.generate, get(INPUTS.generate), true),
    failOn: parseFailOn(get(INPUTS.failOn)),
    comment: parseBoolean(INPUTS.comment, get(INPUTS.comment), true),
    githubToken: get(INPUTS.githubToken),
    prNumber: parsePrNumber(get(INPUTS.prNumber)),
    stepTimeoutMs: parseDuration(INPUTS.stepTimeout, get(INPUTS.stepTimeout) ?? '10m'),
    connectTimeoutMs: parseDuration(INPUTS.connectTimeout, get(INPUTS.connectTimeout) ?? '60s'),
    allowNonEmptyDatabase: parseBoolean(
      INPUTS.allowNonEmptyDatabase,
      get(INPUTS.allowNonEmptyDatabase),
      false
    ),
    reportDir: parseReportDir(get(INPUTS.reportDir), workingDirectory, repoRoot),
    baseRef: parseBaseRef(get(INPUTS.baseRef)),
    upgradeTest: parseUpgradeTest(get(INPUTS.upgradeTest)),
    upgradeRows: parseUpgradeRows(get(INPUTS.upgradeRows)),
    migrationSafety: parseMigrationSafety(get(INPUTS.migrationSafety))
  }
}

function parseUpgradeRows(value: string | undefined): number | 'auto' {
  if (!value || value.toLowerCase() === 'auto') return 'auto'
  const cleaned = value.replace(/[_,]/g, '')
  if (!/^\d+$/.test(cleaned) || Number(cleaned) > MAX_UPGRADE_ROWS) {
    throw new ConfigError(
      INPUTS.upgradeRows,
      `'${value}' is not a number of rows. Give a whole number from 0 to ${MAX_UPGRADE_ROWS.toLocaleString('en-US')} or auto (the default: 50,000 rows spread over the tables); 0 runs the new migrations on empty tables.`
    )
  }
  return Number(cleaned)
}

const SAFETY_VALUES: readonly MigrationSafety[] = ['warn', 'fail', 'off']

function parseMigrationSafety(value: string | undefined): MigrationSafety {
  if (!value) return 'warn'
  const v = value.toLowerCase()
  if ((SAFETY_VALUES as readonly string[]).includes(v)) return v as MigrationSafety
  throw new ConfigError(
    INPUTS.migrationSafety,
    `'${value}' is not one of warn, fail, off. warn (default) annotates risky statements, fail also fails the check, off turns the migration review off.`
  )
}

function parseBaseRef(value: string | undefined): string | undefined {
  if (!value) return undefined
  // Passed to git as one argument; a leading dash would read as an option.
  if (value.startsWith('-') || /[\s\0]/.test(value)) {
    throw new ConfigError(
      INPUTS.baseRef,
      `'${value}' is not a git revision. Give a branch, tag or commit SHA, e.g. origin/main.`
    )
  }
  return value
}

function parseUpgradeTest(value: string | undefined): Config['upgradeTest'] {
  if (!value || value.toLowerCase() === 'auto') return 'auto'
  return parseBoolean(INPUTS.upgradeTest, value, true) ? 'true' : 'false'
}

/** Parses and checks a PostgreSQL URL; the message never repeats the URL (it holds a password). */
export function parseDatabaseUrl(value: string | undefined): string {
  const name = INPUTS.databaseUrl
  if (!value) {
    throw new ConfigError(
      name,
      'no database URL. Set `database-url` (for a service container: postgresql://postgres:postgres@localhost:5432/postgres) or the DATABASE_URL environment variable.'
    )
  }
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new ConfigError(
      name,
      'not a valid URL. Expected postgresql://USER:PASSWORD@HOST:PORT/DATABASE (percent-encode special characters in the password).'
    )
  }
  if (url.protocol !== 'postgresql:' && url.protocol !== 'postgres:') {
    throw new ConfigError(
      name,
      `the scheme is '${url.protocol.replace(/:$/, '')}', but this action checks PostgreSQL: use postgresql://USER:PASSWORD@HOST:PORT/DATABASE.`
    )
  }
  if (!url.hostname) {
    throw new ConfigError(
      name,
      'the URL has no host. Expected postgresql://USER:PASSWORD@HOST:PORT/DATABASE.'
    )
  }
  return value
}

function parseEnvNames(value: string | undefined): string[] | undefined {
  if (!value) return undefined
  const names = value.split(/[\s,]+/).filter(Boolean)
  for (const name of names) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new ConfigError(
        INPUTS.databaseUrlEnv,
        `'${name}' is not an environment variable name. List names separated by commas or new lines, e.g. DATABASE_URL, DIRECT_URL.`
      )
    }
  }
  return [...new Set(names)]
}

/** Resolves a path input and refuses one that leaves the repository. */
function insideRepo(input: string, value: string, base: string, repoRoot: string): string {
  const resolved = path.resolve(base, value)
  const relative = path.relative(repoRoot, resolved)
  if (relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new ConfigError(
      input,
      `'${value}' is outside the repository (${repoRoot}). Give a path inside the checkout.`
    )
  }
  return resolved
}

function parseDirectory(value: string, cwd: string, repoRoot: string): string {
  const dir = insideRepo(INPUTS.workingDirectory, value, cwd, repoRoot)
  if (!existsSync(dir)) {
    throw new ConfigError(
      INPUTS.workingDirectory,
      `'${value}' does not exist. Point it at the folder that holds your package.json and Prisma project (did the checkout step run?).`
    )
  }
  if (!statSync(dir).isDirectory()) {
    throw new ConfigError(
      INPUTS.workingDirectory,
      `'${value}' is a file; give the folder that holds package.json.`
    )
  }
  return dir
}

function parseSchema(
  value: string | undefined,
  workingDirectory: string,
  repoRoot: string
): string | undefined {
  if (!value) return undefined
  const schema = insideRepo(INPUTS.schema, value, workingDirectory, repoRoot)
  if (!existsSync(schema)) {
    throw new ConfigError(
      INPUTS.schema,
      `'${value}' does not exist (relative to working-directory). Give the schema file (prisma/schema.prisma) or the folder of .prisma files, or leave it empty to discover it.`
    )
  }
  return schema
}

function parseReportDir(value: string | undefined, workingDirectory: string, repoRoot: string): string {
  if (!value) return path.join(workingDirectory, 'migrate-seed-check-report')
  return insideRepo(INPUTS.reportDir, value, workingDirectory, repoRoot)
}

/**
 * `seed-command` runs without a shell. Characters that only a shell gives a
 * meaning to are refused rather than passed on literally, so nobody is
 * surprised by `a && b` running `a` with the arguments `&&` and `b`.
 */
export function parseSeedCommand(value: string | undefined): SeedChoice {
  if (!value) return { kind: 'configured' }
  if (value === 'none') return { kind: 'none' }
  const argv = splitArgs(value)
  if (argv.length === 0) return { kind: 'configured' }
  return { kind: 'command', argv, raw: value }
}

const SHELL_ONLY = /[;&|<>`]|\$\(/

/** Splits a command line on white space, honouring single and double quotes. */
export function splitArgs(value: string): string[] {
  const args: string[] = []
  let current = ''
  let quote: '"' | "'" | undefined
  let started = false
  for (const ch of value) {
    if (quote) {
      if (ch === quote) quote = undefined
      else current += ch
    } else if (ch === '"' || ch === "'") {
      quote = ch
      started = true
    } else if (/\s/.test(ch)) {
      if (started) args.push(current)
      current = ''
      started = false
    } else {
      if (SHELL_ONLY.test(ch) || (ch === '(' && current.endsWith('$'))) {
        throw new ConfigError(
          INPUTS.seedCommand,
          `'${ch}' would need a shell, and the seed command runs without one (arguments are passed as they are). Put the commands in a package.json script and use e.g. \`npm run db:seed\`, or quote the character.`
        )
      }
      current += ch
      started = true
    }
  }
  if (quote) throw new ConfigError(INPUTS.seedCommand, `unterminated ${quote} quote.`)
  if (started) args.push(current)
  return args
}

function parseBoolean(input: string, value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback
  const v = value.toLowerCase()
  if (['true', 'yes', 'on', '1'].includes(v)) return true
  if (['false', 'no', 'off', '0'].includes(v)) return false
  throw new ConfigError(input, `'${value}' is not a boolean. Use true or false.`)
}

function parseFailOn(value: string | undefined): FailOn[] {
  if (!value) return ['migrate', 'seed', 'drift']
  const parts = value
    .split(/[\s,]+/)
    .map((p) => p.trim().toLowerCase())
    .filter(Boolean)
  if (parts.length === 1 && parts[0] === 'none') return []
  for (const part of parts) {
    if (!(FAIL_ON_VALUES as readonly string[]).includes(part)) {
      throw new ConfigError(
        INPUTS.failOn,
        `unknown value '${part}'. Use a comma-separated list of ${FAIL_ON_VALUES.join(', ')} (default migrate,seed,drift), or none.`
      )
    }
  }
  return [...new Set(parts)] as FailOn[]
}

function parsePrNumber(value: string | undefined): number | undefined {
  if (!value) return undefined
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw new ConfigError(
      INPUTS.prNumber,
      `'${value}' is not a pull-request number. Give a positive integer, or leave it empty.`
    )
  }
  return Number(value)
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

/** Parses `90s`, `10m`, `1h`, `1500ms` or a bare number of seconds. */
export function parseDuration(input: string, value: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/i.exec(value.trim())
  if (!match) {
    throw new ConfigError(input, `'${value}' is not a duration. Use a number with a unit: 90s, 10m, 1h.`)
  }
  const ms = Number(match[1]) * (UNITS[(match[2] ?? 's').toLowerCase()] ?? 1000)
  if (ms <= 0) throw new ConfigError(input, `'${value}' must be longer than zero.`)
  if (ms > 6 * 3_600_000) throw new ConfigError(input, `'${value}' is longer than GitHub's 6-hour job limit.`)
  return Math.round(ms)
}

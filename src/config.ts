/**
 * One typed, validated `Config`, built from the action's inputs or the CLI's
 * flags (the same names), with the defaults of the input spec (`inputs.ts`).
 * Every bad value fails here, before anything runs, with a message that names
 * the input and says what to do.
 */
import { existsSync, statSync } from 'node:fs'
import path from 'node:path'
import ms from 'ms'
import { parse as parseShellWords } from 'shell-quote'
import { INPUTS, INPUT_SPEC, type InputKey, type InputName } from './inputs.js'
import type { MigrationSafety } from './model/review.js'
import type { FailOn } from './model/result.js'

const FAIL_ON_VALUES: readonly FailOn[] = ['migrate', 'seed', 'drift', 'warning']

export type CheckRunChoice = 'auto' | 'true' | 'false'

/** `mode: publish`: what publishing a report made elsewhere needs; nothing touches a database. */
export interface PublishConfig {
  /** Absolute path of the report.json to publish. */
  reportJson: string
  comment: boolean
  checkRun: CheckRunChoice
  githubToken?: string
  prNumber?: number
}

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
  /** `auto`: try, and a token that may not write checks is a notice. */
  checkRun: CheckRunChoice
  githubToken?: string
  prNumber?: number
  /** The pull request the event names (set by the action from the event, not an input); recorded in report.json. */
  pullRequest?: { number: number; headSha: string }
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

/** Inputs that have a default in the spec: reading one always gives a value. */
type DefaultedKey = {
  [K in InputKey]: (typeof INPUT_SPEC)[K] extends { default: string } ? K : never
}[InputKey]

/**
 * Validates raw inputs into a `Config`; an empty input takes its default
 * from the input spec (`inputs.ts`).
 * @throws ConfigError naming the first bad input.
 */
export function parseConfig(raw: RawInputs, ctx: ConfigContext): Config {
  /** The input as given, trimmed; undefined when empty. */
  const given = (key: InputKey): string | undefined => raw[INPUT_SPEC[key].name]?.trim() || undefined
  /** The input as given, else its default. */
  const value = (key: DefaultedKey): string => given(key) ?? INPUT_SPEC[key].default
  const repoRoot = path.resolve(ctx.repoRoot ?? ctx.cwd)
  const workingDirectory = parseDirectory(value('workingDirectory'), ctx.cwd, repoRoot)
  const databaseUrlEnv = parseEnvNames(given('databaseUrlEnv'))
  const databaseUrl = parseDatabaseUrl(given('databaseUrl') ?? ctx.env.DATABASE_URL)
  return {
    databaseUrl,
    databaseUrlEnv,
    workingDirectory,
    repoRoot,
    schema: parseSchema(given('schema'), workingDirectory, repoRoot),
    seed: parseSeedCommand(given('seedCommand')),
    generate: parseBoolean(INPUTS.generate, value('generate')),
    failOn: parseFailOn(value('failOn')),
    comment: parseBoolean(INPUTS.comment, value('comment')),
    checkRun: parseCheckRun(value('checkRun')),
    githubToken: given('githubToken'),
    prNumber: parsePrNumber(given('prNumber')),
    stepTimeoutMs: parseDuration(INPUTS.stepTimeout, value('stepTimeout')),
    connectTimeoutMs: parseDuration(INPUTS.connectTimeout, value('connectTimeout')),
    allowNonEmptyDatabase: parseBoolean(INPUTS.allowNonEmptyDatabase, value('allowNonEmptyDatabase')),
    reportDir: insideRepo(INPUTS.reportDir, value('reportDir'), workingDirectory, repoRoot),
    baseRef: parseBaseRef(given('baseRef')),
    upgradeTest: parseUpgradeTest(value('upgradeTest')),
    upgradeRows: parseUpgradeRows(value('upgradeRows')),
    migrationSafety: parseMigrationSafety(value('migrationSafety'))
  }
}

/** `mode`: read first, since `publish` needs none of the check's inputs (no database URL). */
export function parseMode(raw: RawInputs): 'check' | 'publish' {
  const value = raw[INPUTS.mode]?.trim().toLowerCase() || INPUT_SPEC.mode.default
  if (value === 'check' || value === 'publish') return value
  throw new ConfigError(
    INPUTS.mode,
    `'${value}' is not a mode. Use check (run the check, the default) or publish (post the report.json of a pull_request run from a workflow_run workflow).`
  )
}

/** The inputs of `mode: publish`. @throws ConfigError naming the first bad input. */
export function parsePublishConfig(raw: RawInputs, ctx: ConfigContext): PublishConfig {
  const given = (key: InputKey): string | undefined => raw[INPUT_SPEC[key].name]?.trim() || undefined
  const reportJson = given('reportJson')
  if (!reportJson) {
    throw new ConfigError(
      INPUTS.reportJson,
      'mode: publish needs the report.json to publish. Download the artifact of the pull_request run (actions/download-artifact with run-id: ${{ github.event.workflow_run.id }}) and give its path, e.g. report-json: report/report.json.'
    )
  }
  return {
    reportJson: path.resolve(ctx.cwd, reportJson),
    comment: parseBoolean(INPUTS.comment, given('comment') ?? INPUT_SPEC.comment.default),
    checkRun: parseCheckRun(given('checkRun') ?? INPUT_SPEC.checkRun.default),
    githubToken: given('githubToken'),
    prNumber: parsePrNumber(given('prNumber'))
  }
}

function parseCheckRun(value: string): CheckRunChoice {
  if (value.toLowerCase() === 'auto') return 'auto'
  try {
    return parseBoolean(INPUTS.checkRun, value) ? 'true' : 'false'
  } catch {
    throw new ConfigError(
      INPUTS.checkRun,
      `'${value}' is not auto, true or false. auto (default) writes a check run when the token may (checks: write), true warns when it cannot, false never writes one.`
    )
  }
}

function parseUpgradeRows(value: string): number | 'auto' {
  if (value.toLowerCase() === 'auto') return 'auto'
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

function parseMigrationSafety(value: string): MigrationSafety {
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

function parseUpgradeTest(value: string): Config['upgradeTest'] {
  if (value.toLowerCase() === 'auto') return 'auto'
  return parseBoolean(INPUTS.upgradeTest, value) ? 'true' : 'false'
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

/**
 * `seed-command` runs without a shell: it is split into arguments as a POSIX
 * shell splits words (quotes, backslashes), and what only a shell gives a
 * meaning to is refused rather than passed on literally, so nobody is
 * surprised by `a && b` running `a` with the arguments `&&` and `b`.
 */
export function parseSeedCommand(value: string | undefined): SeedChoice {
  if (!value) return { kind: 'configured' }
  if (value === 'none') return { kind: 'none' }
  const argv = splitArgs(value)
  if (argv.length === 0) return { kind: 'configured' }
  return { kind: 'command', argv, raw: value }
}

/**
 * The seed command's arguments, read by shell-quote. It reports operators
 * and redirections (`&&`, `|`, `;`, `>`, `$(…)`), comments and, through the
 * lookup below, variables: each would need a shell. A glob stays the literal
 * argument it always was here (nothing expands it).
 */
export function splitArgs(value: string): string[] {
  refuseWhatShellQuoteIgnores(value)
  const args: string[] = []
  let entries: ReturnType<typeof parseShellWords<{ variable: string }>>
  try {
    entries = parseShellWords(value, (name) => (name ? { variable: name } : undefined))
  } catch {
    // shell-quote throws on a malformed `${…}` ("Bad substitution").
    throw needsShell('`${…}`')
  }
  for (const entry of entries) {
    if (typeof entry === 'string') args.push(entry)
    else if ('op' in entry && entry.op === 'glob') args.push(entry.pattern)
    else if ('op' in entry) throw needsShell(`'${entry.op}'`)
    else if ('comment' in entry) throw needsShell(`'#' (a comment)`)
    else throw needsShell(`the variable $${entry.variable}`)
  }
  return args
}

function needsShell(what: string): ConfigError {
  return new ConfigError(
    INPUTS.seedCommand,
    `${what} would need a shell, and the seed command runs without one (arguments are passed as they are). Put the commands in a package.json script or a wrapper script and use e.g. \`npm run db:seed\`, or run a shell explicitly (\`sh -c '…'\`); to pass it as it is, put it in single quotes.`
  )
}

/**
 * What shell-quote passes over in silence: a quote left open (its tokenizer
 * drops the lone quote) and a backtick outside quotes (command substitution,
 * which it reads as a plain character).
 */
function refuseWhatShellQuoteIgnores(value: string): void {
  let open: '"' | "'" | "$'" | undefined
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]
    if (open === "'") {
      if (ch === "'") open = undefined
    } else if (open) {
      if (ch === '\\') i++
      else if (ch === open.slice(-1)) open = undefined
    } else if (ch === '\\') i++
    else if (ch === '"' || ch === "'") open = ch
    else if (ch === '$' && value[i + 1] === "'") {
      open = "$'"
      i++
    } else if (ch === '`') throw needsShell("'`'")
  }
  if (open) throw new ConfigError(INPUTS.seedCommand, `unterminated ${open.slice(-1)} quote.`)
}

function parseBoolean(input: string, value: string): boolean {
  const v = value.toLowerCase()
  if (['true', 'yes', 'on', '1'].includes(v)) return true
  if (['false', 'no', 'off', '0'].includes(v)) return false
  throw new ConfigError(input, `'${value}' is not a boolean. Use true or false.`)
}

function parseFailOn(value: string): FailOn[] {
  const parts = value
    .split(/[\s,]+/)
    .map((p) => p.trim().toLowerCase())
    .filter(Boolean)
  if (parts.length === 1 && parts[0] === 'none') return []
  for (const part of parts) {
    if (!(FAIL_ON_VALUES as readonly string[]).includes(part)) {
      throw new ConfigError(
        INPUTS.failOn,
        `unknown value '${part}'. Use a comma-separated list of ${FAIL_ON_VALUES.join(', ')} (default ${INPUT_SPEC.failOn.default}), or none.`
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

/**
 * Parses a duration the way `ms` reads one (`90s`, `10m`, `1h`, `1500ms`,
 * `2 minutes`), and a bare number as seconds, which `ms` would read as
 * milliseconds.
 */
export function parseDuration(input: string, value: string): number {
  const text = value.trim().replace(/\s+/g, ' ')
  const parsed = /^\d+(?:\.\d+)?$/.test(text) ? Number(text) * 1000 : ms(text as ms.StringValue)
  if (typeof parsed !== 'number' || !Number.isFinite(parsed)) {
    throw new ConfigError(input, `'${value}' is not a duration. Use a number with a unit: 90s, 10m, 1h.`)
  }
  if (parsed <= 0) throw new ConfigError(input, `'${value}' must be longer than zero.`)
  if (parsed > 6 * 3_600_000)
    throw new ConfigError(input, `'${value}' is longer than GitHub's 6-hour job limit.`)
  return Math.round(parsed)
}

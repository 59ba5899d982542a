/**
 * Terminal entry: `npx migrate-seed-check` / `npm run check`. Flags mirror
 * the action's inputs (same names). With no database URL it starts an
 * embedded PostgreSQL in a temporary folder and always removes it.
 *
 * Exit status: 0 passed, 1 failed, 2 unusable arguments.
 */
import { existsSync, realpathSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { ConfigError, INPUTS, parseConfig, type InputName, type RawInputs } from './config.js'
import { EmbeddedPostgresError, startEmbeddedPostgres, type EmbeddedServer } from './db/embedded.js'
import { runCheck } from './pipeline/index.js'
import { toJson } from './report/json.js'
import { renderTerminal } from './report/terminal.js'
import { redact, secretsOfUrl } from './util/secrets.js'

const USAGE = `Usage: migrate-seed-check [options]

Checks that a Prisma + PostgreSQL project builds from an empty database:
prisma generate, prisma migrate deploy, the seed, and that the migrated
database is exactly what schema.prisma describes.

Options (the same names as the action's inputs):
  --database-url URL            empty PostgreSQL database (default: $DATABASE_URL;
                                without either, an embedded PostgreSQL is started)
  --database-url-env NAMES      variables that receive the URL (default: DATABASE_URL and
                                the ones the project's datasource reads)
  --working-directory DIR       the project folder (default .)
  --schema PATH                 schema file or folder (default: discovered)
  --seed-command CMD            seed command, or none (default: Prisma's configured seed)
  --generate true|false         run prisma generate first (default true)
  --fail-on LIST                migrate,seed,drift,warning or none (default migrate,seed,drift)
  --step-timeout DURATION       per child process (default 10m)
  --connect-timeout DURATION    wait for the database (default 60s)
  --allow-non-empty-database    run even if the database holds tables
  --base-ref REV                compare the migrations with this git revision (history
                                checks and the upgrade test), e.g. origin/main
  --upgrade-test auto|true|false  apply the new migrations on a populated copy of the base
  --upgrade-rows N|auto         rows per table for the upgrade test (default auto:
                                50,000 spread over the tables, 100 to 5,000 each)
  --migration-safety warn|fail|off  review the new migrations' locks, rewrites, scans
                                and lost data, measured on that copy (default warn)
  --report-dir DIR              where report.json and the fix migration go
  --json PATH                   also write the machine-readable result to PATH
  --verbose                     stream Prisma's and the seed's output
  --no-color                    plain output
  -h, --help                    this text

Exit status: 0 passed, 1 failed, 2 unusable arguments.`

const CLI_INPUTS = new Set<string>(
  Object.values(INPUTS).filter(
    (n) => n !== INPUTS.githubToken && n !== INPUTS.comment && n !== INPUTS.prNumber
  )
)
const BOOLEAN_INPUTS = new Set<string>([INPUTS.allowNonEmptyDatabase, INPUTS.generate])

interface CliArgs {
  inputs: RawInputs
  json?: string
  verbose: boolean
  color: boolean
  help: boolean
}

class UsageError extends Error {}

/** Parses `--name value`, `--name=value` and bare boolean flags. */
export function parseArgs(argv: string[]): CliArgs {
  const args: CliArgs = {
    inputs: {},
    verbose: false,
    color: process.stdout.isTTY === true && !process.env.NO_COLOR,
    help: false
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    if (arg === '-h' || arg === '--help') {
      args.help = true
      continue
    }
    if (arg === '--verbose') {
      args.verbose = true
      continue
    }
    if (arg === '--no-color') {
      args.color = false
      continue
    }
    const match = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg)
    if (!match) throw new UsageError(`Unexpected argument '${arg}'.`)
    const name = match[1] as string
    let value = match[2]
    if (name !== 'json' && !CLI_INPUTS.has(name)) throw new UsageError(`Unknown option '--${name}'.`)
    if (value === undefined) {
      const next = argv[i + 1]
      if (BOOLEAN_INPUTS.has(name) && (next === undefined || next.startsWith('--'))) value = 'true'
      else if (next === undefined) throw new UsageError(`Option '--${name}' needs a value.`)
      else value = argv[++i]
    }
    if (name === 'json') args.json = value
    else args.inputs[name as InputName] = value
  }
  return args
}

/** Runs the CLI; returns the exit status. */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let args: CliArgs
  try {
    args = parseArgs(argv)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    process.stderr.write(`migrate-seed-check: ${error.message}\n\n${USAGE}\n`)
    return 2
  }
  if (args.help) {
    process.stdout.write(USAGE + '\n')
    return 0
  }
  const say = (line: string): void => void process.stderr.write(line + '\n')
  let server: EmbeddedServer | undefined
  const abort = new AbortController()
  const onSignal = (): void => abort.abort()
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  try {
    if (!args.inputs[INPUTS.databaseUrl] && !env.DATABASE_URL) {
      say('No --database-url and no DATABASE_URL: starting an embedded PostgreSQL…')
      try {
        server = await startEmbeddedPostgres()
      } catch (error) {
        if (!(error instanceof EmbeddedPostgresError)) throw error
        process.stderr.write(`migrate-seed-check: ${error.message}\n`)
        return 1
      }
      args.inputs[INPUTS.databaseUrl] = server.url
      say(`Embedded PostgreSQL listening on 127.0.0.1:${server.port}.`)
    }
    let config
    try {
      const cwd = process.cwd()
      const repoRoot = findRepoRoot(path.resolve(cwd, args.inputs[INPUTS.workingDirectory]?.trim() || '.'))
      config = parseConfig(args.inputs, { cwd, repoRoot, env })
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error
      process.stderr.write(`migrate-seed-check: ${error.message}\n`)
      return 2
    }
    const secrets = secretsOfUrl(config.databaseUrl)
    const result = await runCheck(config, {
      env,
      signal: abort.signal,
      info: (m) => say(m),
      output: args.verbose ? (chunk) => void process.stderr.write(chunk) : undefined,
      group: async (name, fn) => {
        say(`▸ ${name}`)
        return fn()
      }
    })
    process.stdout.write(redact(renderTerminal(result, { color: args.color }), secrets) + '\n')
    if (args.json)
      await writeFile(
        path.resolve(args.json),
        redact(JSON.stringify(toJson(result), null, 2), secrets) + '\n'
      )
    return result.status === 'passed' ? 0 : 1
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    await server?.stop()
  }
}

/**
 * The repository of the project: the nearest folder at or above the working
 * directory that holds `.git` (a folder, or a file in worktrees and
 * submodules), else the working directory itself. Report paths are relative
 * to it, and a project anywhere on disk can be checked from anywhere.
 */
function findRepoRoot(workingDirectory: string): string {
  for (let dir = workingDirectory; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, '.git'))) return dir
    if (path.dirname(dir) === dir) return workingDirectory
  }
}

// Run when executed (node dist/cli.js, or through the npm bin link), not when imported by tests.
// The exit is explicit, once stdout has drained: a stray handle (a pg socket
// closing, a timer) must neither keep the process alive nor reset its status.
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  const exit = (code: number): void => void process.stdout.write('', () => process.exit(code))
  main(process.argv.slice(2)).then(exit, (error: unknown) => {
    process.stderr.write(
      `migrate-seed-check: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`
    )
    exit(1)
  })
}

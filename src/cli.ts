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
import { parseArgs } from 'node:util'
import { ConfigError, parseConfig, type RawInputs } from './config.js'
import { INPUTS, INPUT_LIST, type CliFlag, type InputName, type InputSpec } from './inputs.js'
import { EmbeddedPostgresError, startEmbeddedPostgres, type EmbeddedServer } from './db/embedded.js'
import { runCheck } from './pipeline/index.js'
import { toJson } from './report/json.js'
import { renderTerminal } from './report/terminal.js'
import { renderTimeline } from './report/timeline.js'
import { redact, secretsOfUrl } from './util/secrets.js'

/** The inputs the CLI takes (the comment's are GitHub's alone), by name. */
const CLI_INPUTS = new Map<string, InputSpec & { name: InputName; cli: CliFlag }>(
  INPUT_LIST.flatMap((input) => (input.cli ? [[input.name, { ...input, cli: input.cli }]] : []))
)

/** The CLI's own options, beside the inputs. */
const OWN_OPTIONS = {
  json: { type: 'string', value: 'PATH', help: 'also write the machine-readable result to PATH' },
  verbose: {
    type: 'boolean',
    help: "stream Prisma's and the seed's output; end with the stages' timeline"
  },
  'no-color': { type: 'boolean', help: 'plain output' },
  help: { type: 'boolean', short: 'h', help: 'this text' }
} as const

/**
 * What `node:util`'s `parseArgs` knows. An input given alone means true is
 * a boolean here, and takes a value that follows it (`--generate false`)
 * below; every other input takes a string.
 */
const PARSE_OPTIONS = Object.fromEntries([
  ...[...CLI_INPUTS.values()].map(
    ({ name, cli }) => [name, { type: cli.alone ? 'boolean' : 'string' }] as const
  ),
  ...Object.entries(OWN_OPTIONS).map(([name, { type, ...rest }]) => [
    name,
    'short' in rest ? { type, short: rest.short } : { type }
  ])
])

const HELP_WIDTH = 88
const FLAG_WIDTH = 32

/** The help, from the input spec: every input the CLI takes, with its default. */
export function usage(): string {
  const inputs = [...CLI_INPUTS.values()].map(({ name, cli, ...input }) =>
    option(`--${name}${cli.value ? ` ${cli.value}` : ''}`, `${cli.help} (default: ${cliDefault(input, cli)})`)
  )
  const own = Object.entries(OWN_OPTIONS).map(([name, o]) =>
    option(`${'short' in o ? `-${o.short}, ` : ''}--${name}${'value' in o ? ` ${o.value}` : ''}`, o.help)
  )
  return `Usage: migrate-seed-check [options]

Checks that a Prisma + PostgreSQL project builds from an empty database:
prisma generate, prisma migrate deploy, the seed, and that the migrated
database is exactly what schema.prisma describes.

Options (the same names as the action's inputs):
${[...inputs, ...own].join('\n')}

Exit status: 0 passed, 1 failed, 2 unusable arguments.`
}

/** The default as the help shows it. */
export function cliDefault(input: Omit<InputSpec, 'name' | 'cli'>, cli: CliFlag): string {
  return cli.defaultText ?? input.default ?? input.defaultText ?? 'none'
}

/** One option of the help: the flag, then its text wrapped in a column of its own. */
function option(flag: string, text: string): string {
  const head = `  ${flag}`
  // The column, or two spaces after a flag too long for it.
  let line = head.length <= FLAG_WIDTH - 2 ? head.padEnd(FLAG_WIDTH) : `${head}  `
  let fresh = true
  const lines: string[] = []
  for (const word of text.split(' ')) {
    if (!fresh && line.length + 1 + word.length > HELP_WIDTH) {
      lines.push(line)
      line = ' '.repeat(FLAG_WIDTH)
      fresh = true
    }
    line += fresh ? word : ` ${word}`
    fresh = false
  }
  return [...lines, line].join('\n')
}

interface CliArgs {
  inputs: RawInputs
  json?: string
  verbose: boolean
  color: boolean
  help: boolean
}

class UsageError extends Error {}

/**
 * Reads the command line with `node:util`'s `parseArgs` (`--name value`,
 * `--name=value`, `-h`); its tokens are checked here so that every message
 * names the flag in our words.
 */
export function parseCliArgs(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  isTTY = process.stdout.isTTY === true
): CliArgs {
  const { tokens } = parseArgs({
    args: argv,
    options: PARSE_OPTIONS,
    strict: false,
    allowPositionals: true,
    tokens: true
  })
  const args: CliArgs = {
    inputs: {},
    verbose: false,
    color: isTTY && !env.NO_COLOR,
    help: false
  }
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!
    if (token.kind === 'positional') throw new UsageError(`Unexpected argument '${token.value}'.`)
    if (token.kind === 'option-terminator') throw new UsageError("Unexpected argument '--'.")
    const input = CLI_INPUTS.get(token.name)
    let value = token.value
    if (input?.cli.alone && value === undefined) {
      // Alone it means true; a value right after it is its value.
      const next = tokens[i + 1]
      if (next?.kind === 'positional' && next.index === token.index + 1) {
        value = next.value
        i++
      } else value = 'true'
    }
    if (input || token.name === 'json') {
      if (value === undefined) throw new UsageError(`Option '${token.rawName}' needs a value.`)
      if (input) args.inputs[input.name] = value
      else args.json = value
    } else if (token.name in OWN_OPTIONS) {
      if (value !== undefined) throw new UsageError(`Option '${token.rawName}' takes no value.`)
      if (token.name === 'help') args.help = true
      else if (token.name === 'verbose') args.verbose = true
      else args.color = false
    } else throw new UsageError(`Unknown option '${token.rawName}'.`)
  }
  return args
}

/** Runs the CLI; returns the exit status. */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let args: CliArgs
  try {
    args = parseCliArgs(argv, env)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    process.stderr.write(`migrate-seed-check: ${error.message}\n\n${usage()}\n`)
    return 2
  }
  if (args.help) {
    process.stdout.write(usage() + '\n')
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
    if (args.verbose) say(renderTimeline(result.stages, result.durationMs))
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

/**
 * The command line of Prisma's native schema engine, as the CLIs call it:
 *
 *   schema-engine --datamodels <path> … [--datasource <json|url>]
 *                 [--enabled-preview-features a,b] [--extension-types <json>]
 *   schema-engine [--datasource <json|url>] cli <can-connect-to-database|create-database|drop-database>
 *   schema-engine cli --datasource <url> can-connect-to-database      (Prisma 5 and 6)
 *   schema-engine --version
 *
 * Prisma 7 passes `--datasource` as JSON (`{"url":…,"shadowDatabaseUrl":…}`);
 * Prisma 5 and 6 pass the bare URL to `cli` commands and nothing in RPC mode
 * (the engine then reads the datasource block of the schema).
 */

const VALUE_FLAGS = new Set([
  '--datamodels',
  '-d',
  '--datasource',
  '--enabled-preview-features',
  '--extension-types'
])

/**
 * @typedef {object} EngineArgs
 * @property {string[]} datamodels   schema files, in the order given
 * @property {{ url?: string, shadowDatabaseUrl?: string } | undefined} datasource
 * @property {string[]} previewFeatures
 * @property {boolean} version
 * @property {string | undefined} cliCommand   the subcommand after `cli`
 */

/** @param {string[]} argv @returns {EngineArgs} */
export function parseArgs(argv) {
  /** @type {EngineArgs} */
  const args = {
    datamodels: [],
    datasource: undefined,
    previewFeatures: [],
    version: false,
    cliCommand: undefined
  }
  let cli = false
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (VALUE_FLAGS.has(arg)) {
      const value = argv[++i]
      if (value === undefined) throw new UsageError(`${arg} needs a value`)
      if (arg === '--datamodels' || arg === '-d') args.datamodels.push(value)
      else if (arg === '--datasource') args.datasource = parseDatasource(value)
      else if (arg === '--enabled-preview-features') args.previewFeatures = value.split(',').filter(Boolean)
    } else if (arg === '--version' || arg === '-V') args.version = true
    else if (arg === 'cli') cli = true
    else if (cli && !arg.startsWith('-') && !args.cliCommand) args.cliCommand = arg
    else throw new UsageError(`unexpected argument ${JSON.stringify(arg)}`)
  }
  if (cli && !args.cliCommand) throw new UsageError('`cli` needs a subcommand')
  return args
}

/** `{"url":…}` from Prisma 7, or a bare connection string from Prisma 5 and 6. */
function parseDatasource(value) {
  const text = value.trim()
  if (!text.startsWith('{')) return { url: text }
  const parsed = JSON.parse(text)
  return {
    url: typeof parsed.url === 'string' ? parsed.url : undefined,
    shadowDatabaseUrl: typeof parsed.shadowDatabaseUrl === 'string' ? parsed.shadowDatabaseUrl : undefined
  }
}

export class UsageError extends Error {}

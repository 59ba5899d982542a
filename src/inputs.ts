/**
 * The one description of every input and output. `config.ts` reads each
 * input's default from here, the action reads its inputs by these names, the
 * CLI prints its help from here, and action.yml's `inputs:` and `outputs:`
 * are generated from it (`npm run build`; a unit test holds action.yml, the
 * CLI help and the README to it).
 */

/** How the CLI takes an input (inputs that only make sense on GitHub have none). */
export interface CliFlag {
  /** What the value looks like in the help, e.g. `URL`; absent for a flag given alone. */
  value?: string
  /** One short line for the help; the default is added after it. */
  help: string
  /** The default in the CLI's words, when it differs from {@link InputSpec.defaultText}. */
  defaultText?: string
  /** Given alone (`--generate`), the flag means true; `--generate false` still works. */
  alone?: true
}

export interface InputSpec {
  name: string
  /** action.yml's description. */
  description: string
  /** The value an empty input takes, in action.yml and in `parseConfig`. */
  default?: string
  /** action.yml's default when the runner fills it in (an expression), never one of ours. */
  actionDefault?: string
  /** The default in words, for an input whose default is found at run time (README, CLI help). */
  defaultText?: string
  cli?: CliFlag
}

export interface OutputSpec {
  name: string
  description: string
}

/** Every input, in the order action.yml, the README and the CLI help list them. */
export const INPUT_SPEC = {
  databaseUrl: {
    name: 'database-url',
    description:
      'URL of an EMPTY PostgreSQL database, e.g. a service container: postgresql://postgres:postgres@localhost:5432/postgres. Defaults to the DATABASE_URL environment variable. The password is masked in every log, summary, comment and file.',
    defaultText: 'env `DATABASE_URL`',
    cli: {
      value: 'URL',
      help: 'empty PostgreSQL database',
      defaultText: '$DATABASE_URL; without either, an embedded PostgreSQL is started'
    }
  },
  databaseUrlEnv: {
    name: 'database-url-env',
    description:
      "Environment variables that receive the database URL in every child process (comma or newline separated). Default: DATABASE_URL and every variable the project's datasource connects with (the schema's url/directUrl = env(\"…\"), the datasource of prisma.config.ts as Prisma's own config loader reads it); its shadowDatabaseUrl variables get a scratch database of their own. Set this to override the discovered names.",
    defaultText: 'discovered',
    cli: {
      value: 'NAMES',
      help: 'variables that receive the URL',
      defaultText: "DATABASE_URL and the ones the project's datasource reads"
    }
  },
  workingDirectory: {
    name: 'working-directory',
    description: 'Folder of the project (package.json, prisma/), relative to the repository root.',
    default: '.',
    cli: { value: 'DIR', help: 'the project folder' }
  },
  schema: {
    name: 'schema',
    description:
      'Schema file or folder of .prisma files, relative to working-directory. Default: discovered the way Prisma does (prisma.config.ts, package.json, prisma/schema.prisma, prisma/schema/).',
    defaultText: 'discovered',
    cli: { value: 'PATH', help: 'schema file or folder' }
  },
  seedCommand: {
    name: 'seed-command',
    description:
      'Seed command to run instead of the configured seed (run without a shell, e.g. "npx tsx prisma/seed.ts"), or "none" to skip the seed. Default: `prisma db seed` with the seed configured in prisma.config.ts or package.json.',
    defaultText: 'configured seed',
    cli: { value: 'CMD', help: 'seed command, or none', defaultText: "Prisma's configured seed" }
  },
  generate: {
    name: 'generate',
    description: 'Run `prisma generate` before migrating.',
    default: 'true',
    cli: { value: 'true|false', help: 'run prisma generate first', alone: true }
  },
  failOn: {
    name: 'fail-on',
    description:
      'Which findings fail the check: a comma-separated list of migrate, seed, drift, warning; or none.',
    default: 'migrate,seed,drift',
    cli: { value: 'LIST', help: 'migrate,seed,drift,warning or none' }
  },
  comment: {
    name: 'comment',
    description: 'Create or update one sticky comment on the pull request with the report.',
    default: 'true'
  },
  checkRun: {
    name: 'check-run',
    description:
      'Write a check run on the commit with every finding annotated on its line (the workflow-command annotations stop at 10 errors and 10 warnings a step); needs `checks: write`. auto (tries, and a refused token is a notice), true (a refusal is a warning) or false.',
    default: 'auto'
  },
  mode: {
    name: 'mode',
    description:
      'check runs the check. publish runs nothing: it posts the comment and the check run of a report.json made by a pull_request run (give it in report-json), from a workflow_run workflow, so pull requests from forks get them too (see docs/fork-pull-requests.md).',
    default: 'check'
  },
  reportJson: {
    name: 'report-json',
    description:
      'mode: publish only: path of the report.json to publish (the artifact of the pull_request run), relative to the workspace.',
    defaultText: 'none'
  },
  githubToken: {
    name: 'github-token',
    description:
      'Token for the pull-request comment and the check run; needs `pull-requests: write` and `checks: write`.',
    actionDefault: '${{ github.token }}'
  },
  prNumber: {
    name: 'pr-number',
    description:
      'Pull request to comment on when the event is not a pull request (workflow_dispatch, push). Default: the pull request of the event, or the one found for the commit.',
    defaultText: 'from the event'
  },
  stepTimeout: {
    name: 'step-timeout',
    description:
      'Time limit for each child process (generate, migrate deploy, seed, migrate diff): 90s, 10m, 1h. The whole process tree is killed when it runs out.',
    default: '10m',
    cli: { value: 'DURATION', help: 'per child process' }
  },
  connectTimeout: {
    name: 'connect-timeout',
    description: 'How long to wait for the database to accept connections.',
    default: '60s',
    cli: { value: 'DURATION', help: 'wait for the database' }
  },
  allowNonEmptyDatabase: {
    name: 'allow-non-empty-database',
    description: 'Run even if the database already holds tables. Off by default to protect real databases.',
    default: 'false',
    cli: { help: 'run even if the database holds tables', alone: true }
  },
  baseRef: {
    name: 'base-ref',
    description:
      'Git revision whose migrations this run is compared with (edited, deleted, renamed or out-of-order migrations; the upgrade test), for workflow_dispatch and push. Pull requests use their base commit. Needs the history: actions/checkout with fetch-depth: 0, or the action fetches the one commit.',
    defaultText: "the pull request's base",
    cli: {
      value: 'REV',
      help: 'compare the migrations with this git revision (history checks and the upgrade test), e.g. origin/main',
      defaultText: 'none, no history checks'
    }
  },
  upgradeTest: {
    name: 'upgrade-test',
    description:
      "Apply the base's migrations to a scratch database, fill the tables the new migrations reach with rows (those they name, the tables referencing those and what those reference; every table when a migration holds code whose reach cannot be read), then apply the new migrations, to catch migrations that only fail on a database with data: auto (when a base is known and the pull request adds migrations), true or false.",
    default: 'auto',
    cli: { value: 'auto|true|false', help: 'apply the new migrations on a populated copy of the base' }
  },
  upgradeRows: {
    name: 'upgrade-rows',
    description:
      'Rows the upgrade test puts into each table it fills (set-based, keeping unique values, enums and foreign keys) before it applies the new migrations: a number from 0 to 1000000, or auto: 50,000 rows spread over the tables, 100 to 5,000 a table (chosen from the fill cost measured on a 300-model project, see the README).',
    default: 'auto',
    cli: {
      value: 'N|auto',
      help: 'rows per table for the upgrade test: a number, or auto (50,000 spread over the tables, 100 to 5,000 each)'
    }
  },
  migrationSafety: {
    name: 'migration-safety',
    description:
      "The migration review of the new migrations on the upgrade test's populated database (locks, rewrites, scans and lost data, measured per statement): warn annotates risky statements, fail also fails the check (as a migration failure), off turns the review off.",
    default: 'warn',
    cli: {
      value: 'warn|fail|off',
      help: "review the new migrations' locks, rewrites, scans and lost data, measured on that copy"
    }
  },
  reportDir: {
    name: 'report-dir',
    description: 'Folder for report.json and the fix migration, relative to working-directory.',
    default: 'migrate-seed-check-report',
    cli: { value: 'DIR', help: 'where report.json and the fix migration go' }
  }
} as const satisfies Record<string, InputSpec>

/** Every output, in action.yml's order. */
export const OUTPUT_SPEC = {
  status: { name: 'status', description: 'passed or failed.' },
  drift: {
    name: 'drift',
    description:
      'true when the migrated database differs from the schema (errors, warnings or notices), else false.'
  },
  driftCount: {
    name: 'drift-count',
    description: 'Number of drift items (informational items not counted).'
  },
  reportJson: { name: 'report-json', description: 'Path of the machine-readable result (report.json).' },
  fixSql: {
    name: 'fix-sql',
    description:
      'Path of the suggested migration.sql that fixes the drift, in a <timestamp>_fix_drift folder; empty when there is nothing to fix.'
  },
  commentUrl: { name: 'comment-url', description: 'URL of the pull-request comment, when one was written.' }
} as const satisfies Record<string, OutputSpec>

export type InputKey = keyof typeof INPUT_SPEC
export type InputName = (typeof INPUT_SPEC)[InputKey]['name']

type NamesOf<S extends Record<string, { name: string }>> = { readonly [K in keyof S]: S[K]['name'] }

function namesOf<S extends Record<string, { name: string }>>(spec: S): NamesOf<S> {
  return Object.fromEntries(Object.entries(spec).map(([key, { name }]) => [key, name])) as NamesOf<S>
}

/** Input names by key: `INPUTS.databaseUrl` is `'database-url'`. */
export const INPUTS = namesOf(INPUT_SPEC)
/** Output names by key: `OUTPUTS.driftCount` is `'drift-count'`. */
export const OUTPUTS = namesOf(OUTPUT_SPEC)

/** The inputs as a list, in order. */
export const INPUT_LIST: readonly (InputSpec & { name: InputName })[] = Object.values(INPUT_SPEC)
/** The outputs as a list, in order. */
export const OUTPUT_LIST: readonly OutputSpec[] = Object.values(OUTPUT_SPEC)

// The schema-engine stand-in speaks the native engine's protocol: through the
// real Prisma 7 and Prisma 6 CLIs in their normal mode (deploy, diff, status,
// db execute), and directly (--version, the `cli` commands, the `print`
// request, the shadow database).
import { execFile, spawn } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { freePort } from '../../src/db/embedded.js'
import { AUTH_MIGRATION } from '../e2e/design-doc.js'
import { adminQuery, createTestDatabase, databasesLike, serverUrl, urlFor } from '../helpers/pg.js'
import { makeVersionProject, STAND_IN, VERSIONS_DIR, type VersionName } from '../helpers/versions.js'

const TIMEOUT = 300_000
const NATIVE: VersionName[] = ['prisma-7', 'prisma-6-native']

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; input?: string }
): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      command,
      args,
      {
        cwd: options.cwd,
        env: { ...process.env, CHECKPOINT_DISABLE: '1', NO_COLOR: '1', ...options.env },
        maxBuffer: 1 << 26
      },
      (error, stdout, stderr) =>
        resolve({
          code: error ? ((error as { code?: number }).code ?? 1) : 0,
          stdout: String(stdout),
          stderr: String(stderr)
        })
    )
    child.stdin?.end(options.input ?? '')
  })
}

/** The version's own Prisma CLI, run in the project copy with the stand-in as its schema engine. */
function prisma(
  version: VersionName,
  cwd: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  input?: string
) {
  const cli = path.join(VERSIONS_DIR, version, 'node_modules', 'prisma', 'build', 'index.js')
  return run(process.execPath, [cli, ...args], {
    cwd,
    env: { PRISMA_SCHEMA_ENGINE_BINARY: STAND_IN, ...env },
    input
  })
}

const schemaFlag = (version: VersionName) =>
  version === 'prisma-7' ? '--to-schema' : '--to-schema-datamodel'

/** How each CLI names the migrated database as the diff's origin. */
const fromDatabase = (version: VersionName, url: string) =>
  version === 'prisma-7' ? ['--from-config-datasource'] : ['--from-url', url]

async function shadowDatabases(): Promise<string[]> {
  return databasesLike('prisma_migrate_shadow_db_')
}

describe.each(NATIVE)('the stand-in under %s', (version) => {
  test.concurrent(
    'migrate deploy applies each migration as one script, dollar-quoted bodies included; status agrees',
    async () => {
      const project = makeVersionProject(version, {
        files: {
          'prisma/migrations/20250701000000_add_function/migration.sql':
            '-- A function whose body has semicolons: one statement, only if the file is sent whole.\nCREATE FUNCTION touch_user() RETURNS trigger AS $$\nBEGIN\n  NEW.updated_at := now();\n  RETURN NEW;\nEND;\n$$ LANGUAGE plpgsql;\n'
        }
      })
      const db = await createTestDatabase('standin')
      try {
        const env = { DATABASE_URL: db.url }
        const before = await prisma(version, project.dir, ['migrate', 'status'], env)
        expect(before.code).toBe(1)
        expect(before.stdout).toMatch(/Following migrations have not yet been applied/)

        const deploy = await prisma(version, project.dir, ['migrate', 'deploy'], env)
        expect(deploy.stderr + deploy.stdout).toMatch(/All migrations have been successfully applied/)
        expect(deploy.code).toBe(0)
        const rows = await adminQuery<{ migration_name: string; finished: boolean }>(
          'SELECT migration_name, finished_at IS NOT NULL AS finished FROM _prisma_migrations ORDER BY 1',
          [],
          db.name
        )
        expect(rows).toEqual([
          { migration_name: '20250301090000_init', finished: true },
          { migration_name: AUTH_MIGRATION, finished: true },
          { migration_name: '20250701000000_add_function', finished: true }
        ])
        const fn = await adminQuery("SELECT proname FROM pg_proc WHERE proname = 'touch_user'", [], db.name)
        expect(fn).toHaveLength(1)

        const after = await prisma(version, project.dir, ['migrate', 'status'], env)
        expect(after.stdout).toMatch(/Database schema is up to date!/)
        expect(after.code).toBe(0)
      } finally {
        await db.drop()
        project.cleanup()
      }
    },
    TIMEOUT
  )

  test.concurrent(
    'migrate diff from empty, from migrations (through a shadow database) and from the database, with --script and --exit-code',
    async () => {
      const project = makeVersionProject(version)
      const partial = makeVersionProject(version, { dropMigrations: [AUTH_MIGRATION] })
      const db = await createTestDatabase('standin')
      const shadow = await createTestDatabase('standin_shadow')
      try {
        const env = { DATABASE_URL: db.url }
        const schema = ['prisma/schema.prisma']
        const empty = await prisma(
          version,
          project.dir,
          ['migrate', 'diff', '--from-empty', schemaFlag(version), ...schema, '--script'],
          env
        )
        expect(empty.code).toBe(0)
        expect(empty.stdout).toMatch(/CREATE TABLE "users" \(/)
        expect(empty.stdout).toMatch(/CREATE TABLE "sessions" \(/)

        // Prisma 7 makes a shadow database of its own; Prisma 5 and 6 need one named.
        let shadowArgs: string[] = []
        if (version !== 'prisma-7') {
          const refused = await prisma(
            version,
            project.dir,
            [
              'migrate',
              'diff',
              '--from-migrations',
              'prisma/migrations',
              schemaFlag(version),
              ...schema,
              '--script'
            ],
            env
          )
          expect(refused.stdout + refused.stderr).toMatch(
            /You must pass the --shadow-database-url if you want to diff a migrations directory/
          )
          expect(refused.code).toBe(1)
          shadowArgs = ['--shadow-database-url', shadow.url]
        }
        const shadowsBefore = await shadowDatabases()
        const behind = await prisma(
          version,
          project.dir,
          [
            'migrate',
            'diff',
            '--from-migrations',
            path.join(partial.dir, 'prisma/migrations'),
            schemaFlag(version),
            ...schema,
            '--script',
            '--exit-code',
            ...shadowArgs
          ],
          env
        )
        expect(behind.stdout).toMatch(/CREATE TABLE "sessions" \(/)
        expect(behind.stdout).not.toMatch(/CREATE TABLE "users" \(/)
        expect(behind.code).toBe(2)
        const inSync = await prisma(
          version,
          project.dir,
          [
            'migrate',
            'diff',
            '--from-migrations',
            'prisma/migrations',
            schemaFlag(version),
            ...schema,
            '--script',
            '--exit-code',
            ...shadowArgs
          ],
          env
        )
        expect(inSync.stdout).toMatch(/-- This is an empty migration\./)
        expect(inSync.code).toBe(0)
        // Each shadow database of its own was dropped (others' may come and go meanwhile).
        expect((await shadowDatabases()).filter((d) => !shadowsBefore.includes(d))).toEqual([])

        expect((await prisma(version, project.dir, ['migrate', 'deploy'], env)).code).toBe(0)
        const fromDb = [
          'migrate',
          'diff',
          ...fromDatabase(version, db.url),
          schemaFlag(version),
          ...schema,
          '--script',
          '--exit-code'
        ]
        const same = await prisma(version, project.dir, fromDb, env)
        expect(same.stdout).toMatch(/-- This is an empty migration\./)
        expect(same.code).toBe(0)
        // The describer reads pg_constraint's "char" columns: a dropped foreign key is seen.
        await adminQuery('ALTER TABLE sessions DROP CONSTRAINT sessions_user_id_fkey', [], db.name)
        const drifted = await prisma(version, project.dir, fromDb, env)
        expect(drifted.stdout).toMatch(
          /ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_fkey" FOREIGN KEY/
        )
        expect(drifted.code).toBe(2)
      } finally {
        await db.drop()
        await shadow.drop()
        project.cleanup()
        partial.cleanup()
      }
    },
    TIMEOUT
  )

  test.concurrent(
    'a user-facing engine error keeps its code: P3005 on a database that is not empty',
    async () => {
      const project = makeVersionProject(version)
      const db = await createTestDatabase('standin')
      try {
        await adminQuery('CREATE TABLE customers (id int)', [], db.name)
        const result = await prisma(version, project.dir, ['migrate', 'deploy'], { DATABASE_URL: db.url })
        expect(result.stderr + result.stdout).toMatch(/Error: P3005\s+The database schema is not empty/)
        expect(result.code).toBe(1)
      } finally {
        await db.drop()
        project.cleanup()
      }
    },
    TIMEOUT
  )

  test.concurrent(
    version === 'prisma-7'
      ? 'Prisma 7.10 applies a migration statement by statement: CONCURRENTLY beside other statements works, a failure keeps what ran, a file sqlparser cannot read goes whole'
      : 'Prisma 6.19 applies a migration as one script: CONCURRENTLY beside other statements fails, a failure keeps nothing',
    async () => {
      const concurrently = 'prisma/migrations/20250701000000_concurrently/migration.sql'
      const failing = 'prisma/migrations/20250701000000_failing/migration.sql'
      const fallback = 'prisma/migrations/20250701000000_fallback/migration.sql'
      const cases = {
        concurrently: makeVersionProject(version),
        failing: makeVersionProject(version),
        fallback: makeVersionProject(version)
      }
      cases.concurrently.write(
        concurrently,
        'ALTER TABLE "users" ADD COLUMN "nickname" TEXT;\nCREATE INDEX CONCURRENTLY "users_nickname_idx" ON "users"("nickname");\n'
      )
      cases.failing.write(
        failing,
        'CREATE TABLE "tags" ("id" SERIAL PRIMARY KEY);\nALTER TABLE "nowhere" ADD COLUMN "x" TEXT;\n'
      )
      cases.fallback.write(
        fallback,
        'DO $$ BEGIN PERFORM 1; END $$;\nCREATE INDEX CONCURRENTLY "users_name_idx" ON "users"("name");\n'
      )
      const dbs = {
        concurrently: await createTestDatabase('standin'),
        failing: await createTestDatabase('standin'),
        fallback: await createTestDatabase('standin')
      }
      const splits = version === 'prisma-7'
      try {
        const deploy = (name: keyof typeof cases) =>
          prisma(version, cases[name].dir, ['migrate', 'deploy'], { DATABASE_URL: dbs[name].url })
        const [a, b, c] = await Promise.all([deploy('concurrently'), deploy('failing'), deploy('fallback')])
        const index = await adminQuery(
          "SELECT indexname FROM pg_indexes WHERE indexname = 'users_nickname_idx'",
          [],
          dbs.concurrently.name
        )
        if (splits) {
          expect(a.code).toBe(0)
          expect(index).toHaveLength(1)
        } else {
          expect(a.code).toBe(1)
          expect(a.stdout + a.stderr).toMatch(/cannot run inside a transaction block/)
          expect(index).toHaveLength(0)
        }
        expect(b.code).toBe(1)
        const tags = await adminQuery(
          "SELECT relname FROM pg_class WHERE relname = 'tags'",
          [],
          dbs.failing.name
        )
        expect(tags).toHaveLength(splits ? 1 : 0)
        // sqlparser cannot read DO: even Prisma 7.10 sends that file whole, where CONCURRENTLY is refused.
        expect(c.code).toBe(1)
        expect(c.stdout + c.stderr).toMatch(/cannot run inside a transaction block/)
      } finally {
        await Promise.all(Object.values(dbs).map((db) => db.drop()))
        for (const project of Object.values(cases)) project.cleanup()
      }
    },
    TIMEOUT
  )

  test.concurrent(
    'db execute runs a script with a dollar-quoted body',
    async () => {
      const project = makeVersionProject(version)
      const db = await createTestDatabase('standin')
      try {
        const script =
          'CREATE TABLE t (id int);\nDO $$ BEGIN INSERT INTO t VALUES (1); INSERT INTO t VALUES (2); END $$;\n'
        const target = version === 'prisma-7' ? [] : ['--url', db.url]
        const result = await prisma(
          version,
          project.dir,
          ['db', 'execute', '--stdin', ...target],
          { DATABASE_URL: db.url },
          script
        )
        expect(result.stdout + result.stderr).toMatch(/Script executed successfully/)
        expect(result.code).toBe(0)
        expect(await adminQuery('SELECT id FROM t ORDER BY id', [], db.name)).toEqual([{ id: 1 }, { id: 2 }])
      } finally {
        await db.drop()
        project.cleanup()
      }
    },
    TIMEOUT
  )
})

/** Runs the stand-in itself in `cwd` (it serves the Prisma CLI it finds from there). */
function standIn(cwd: string, args: string[]) {
  return run(process.execPath, [STAND_IN, ...args], { cwd })
}

const jsonLines = (text: string) =>
  text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { level: string; target: string; fields: Record<string, unknown> })

describe('the stand-in on its own', () => {
  test.concurrent(
    '--version names the engine of the CLI it serves',
    async () => {
      for (const version of NATIVE) {
        const cwd = path.join(VERSIONS_DIR, version)
        const pkg = path.join(cwd, 'node_modules', '@prisma', 'engines-version', 'package.json')
        const hash = JSON.parse(readFileSync(pkg, 'utf8')).prisma.enginesVersion as string
        const result = await standIn(cwd, ['--version'])
        expect({ version, stdout: result.stdout, code: result.code }).toEqual({
          version,
          stdout: `schema-engine-cli ${hash}\n`,
          code: 0
        })
      }
    },
    TIMEOUT
  )

  test.concurrent(
    'cli can-connect-to-database: success, and P1001 on a port nobody listens on, in both argument orders',
    async () => {
      const cwd = path.join(VERSIONS_DIR, 'prisma-7')
      const ok = await standIn(cwd, [
        '--datasource',
        JSON.stringify({ url: serverUrl() }),
        'cli',
        'can-connect-to-database'
      ])
      expect(ok.code).toBe(0)
      const okLines = jsonLines(ok.stderr)
      expect(okLines.at(-1)?.fields.message).toBe('Connection successful')

      const port = await freePort()
      const unreachable = `postgresql://u:p@127.0.0.1:${port}/db`
      // Prisma 7: JSON before `cli`; Prisma 5 and 6: the bare URL after it.
      for (const args of [
        ['--datasource', JSON.stringify({ url: unreachable }), 'cli', 'can-connect-to-database'],
        ['cli', '--datasource', unreachable, 'can-connect-to-database']
      ]) {
        const failed = await standIn(path.join(VERSIONS_DIR, 'prisma-6-native'), args)
        expect(failed.code).toBe(1)
        const lines = jsonLines(failed.stderr)
        // The CLIs skip the first line and read the ERROR line of schema_engine::logger.
        expect(lines.length).toBeGreaterThan(1)
        const error = lines.find((l) => l.level === 'ERROR' && l.target === 'schema_engine::logger')
        expect(error?.fields.error_code).toBe('P1001')
        expect(error?.fields.message).toMatch(
          new RegExp(`Can't reach database server at \`127\\.0\\.0\\.1:${port}\``)
        )
      }
    },
    TIMEOUT
  )

  test.concurrent(
    'cli create-database creates the database of the URL',
    async () => {
      const name = `standin_created_${Date.now().toString(36)}`
      try {
        const result = await standIn(path.join(VERSIONS_DIR, 'prisma-7'), [
          '--datasource',
          JSON.stringify({ url: urlFor(name) }),
          'cli',
          'create-database'
        ])
        expect(result.code).toBe(0)
        expect(jsonLines(result.stderr).at(-1)?.fields.message).toBe(
          `Database '${name}' was successfully created.`
        )
        expect(await databasesLike(name)).toEqual([name])
      } finally {
        await adminQuery(`DROP DATABASE IF EXISTS "${name}"`)
      }
    },
    TIMEOUT
  )

  test.concurrent(
    'RPC: diff output goes to the CLI as a print request, answered before the result; an explicit shadow database is reset first',
    async () => {
      const project = makeVersionProject('prisma-7')
      const main = await createTestDatabase('standin')
      const shadow = await createTestDatabase('standin_shadow')
      let child: ReturnType<typeof spawn> | undefined
      try {
        await adminQuery('CREATE TABLE leftover (id int)', [], shadow.name)
        const schemaFile = path.join(project.dir, 'prisma', 'schema.prisma')
        child = spawn(
          process.execPath,
          [
            STAND_IN,
            '--datamodels',
            schemaFile,
            '--datasource',
            JSON.stringify({ url: main.url, shadowDatabaseUrl: shadow.url })
          ],
          { cwd: project.dir, stdio: ['pipe', 'pipe', 'pipe'] }
        )
        const engine = child
        const exited = new Promise<number | null>((resolve) => engine.on('exit', resolve))
        const lines = createInterface({ input: engine.stdout! })[Symbol.asyncIterator]()
        const next = async () => JSON.parse(((await lines.next()).value as string) ?? 'null')
        const send = (message: unknown) => engine.stdin!.write(JSON.stringify(message) + '\n')
        const migrations = readMigrationsList(path.join(project.dir, 'prisma', 'migrations'))
        const content = readFileSync(schemaFile, 'utf8')
        send({
          jsonrpc: '2.0',
          id: 7,
          method: 'diff',
          params: {
            from: { tag: 'migrations', ...migrations },
            to: { tag: 'schemaDatamodel', files: [{ path: schemaFile, content }] },
            script: true,
            shadowDatabaseUrl: null,
            exitCode: true,
            filters: { externalTables: [], externalEnums: [] }
          }
        })
        const print = await next()
        expect(print).toMatchObject({
          jsonrpc: '2.0',
          method: 'print',
          params: { content: '-- This is an empty migration.' }
        })
        send({ jsonrpc: '2.0', id: print.id, result: {} })
        // The shadow database was reset: its leftover table would have shown in the diff.
        expect(await next()).toEqual({ jsonrpc: '2.0', id: 7, result: { exitCode: 0, stdout: null } })
        expect(
          await adminQuery("SELECT relname FROM pg_class WHERE relname = 'leftover'", [], shadow.name)
        ).toEqual([])
        engine.stdin!.end()
        expect(await exited).toBe(0)
      } finally {
        // A failed assertion must not leave the engine waiting on its stdin.
        if (child && child.exitCode === null) child.kill()
        await main.drop()
        await shadow.drop()
        project.cleanup()
      }
    },
    TIMEOUT
  )
})

/** A migrations folder as the CLIs send it (`MigrationList`). */
function readMigrationsList(dir: string) {
  const names = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()
  return {
    baseDir: dir,
    lockfile: {
      path: 'migration_lock.toml',
      content: readFileSync(path.join(dir, 'migration_lock.toml'), 'utf8')
    },
    migrationDirectories: names.map((name) => ({
      path: name,
      migrationFile: {
        path: 'migration.sql',
        content: { tag: 'ok', value: readFileSync(path.join(dir, name, 'migration.sql'), 'utf8') }
      }
    })),
    shadowDbInitScript: ''
  }
}

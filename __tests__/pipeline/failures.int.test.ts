// Failures of stages 1–4 are reported where the author will look, and the
// service database is never harmed.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, cpSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { adminQuery, createTestDatabase } from '../helpers/pg.js'
import { makeProject, REPO_ROOT } from '../helpers/project.js'
import { runPipeline } from './run.js'

const MIGRATION_2 = 'prisma/migrations/20250612143000_add_auth_and_user_features/migration.sql'

function lineOf(text: string, needle: string): number {
  const index = text.indexOf(needle)
  if (index < 0) throw new Error(`fixture lacks ${needle}`)
  return text.slice(0, index).split('\n').length
}

test.concurrent('a broken statement in the middle of a migration is reported on its line', async () => {
  const db = await createTestDatabase('broken')
  const project = makeProject()
  try {
    const file = path.join(project.dir, MIGRATION_2)
    const broken = readFileSync(file, 'utf8').replace(
      'CREATE INDEX "sessions_user_id_idx" ON "sessions"("user_id");',
      'CREATE INDEX "sessions_user_id_idx" ON "sesions"("user_id");'
    )
    writeFileSync(file, broken)
    const { result } = await runPipeline({ 'database-url': db.url, 'working-directory': project.relDir })
    expect(result.status).toBe('failed')
    expect(result.failedOn).toEqual(['migrate'])
    const problem = result.problems.find((p) => p.stage === 'migrate')
    expect(problem?.title).toBe('Migration 20250612143000_add_auth_and_user_features failed')
    expect(problem?.location).toEqual({
      file: `${project.relDir}/${MIGRATION_2}`,
      line: lineOf(broken, 'ON "sesions"')
    })
    expect(problem?.message).toMatch(/relation "sesions" does not exist/)
    expect(problem?.code).toBe('42P01')
    expect(result.stages.find((s) => s.name === 'seed')?.status).toBe('skipped')
    expect(result.stages.find((s) => s.name === 'compare')?.summary).toMatch(/a migration failed/)
  } finally {
    project.cleanup()
    await db.drop()
  }
})

test.concurrent('a seed that throws is a seed failure on the seed file line', async () => {
  const db = await createTestDatabase('seedthrow')
  const project = makeProject()
  try {
    const seed = readFileSync(path.join(project.dir, 'prisma/seed.ts'), 'utf8').replace(
      '  console.log(`Seeded users',
      "  throw new Error('the seed exploded on purpose')\n  console.log(`Seeded users"
    )
    project.write('prisma/seed.ts', seed)
    const { result } = await runPipeline({ 'database-url': db.url, 'working-directory': project.relDir })
    expect(result.status).toBe('failed')
    expect(result.failedOn).toEqual(['seed'])
    const problem = result.problems.find((p) => p.stage === 'seed')
    expect(problem?.title).toBe('Seed failed')
    expect(problem?.message).toContain('the seed exploded on purpose')
    expect(problem?.location).toMatchObject({
      file: `${project.relDir}/prisma/seed.ts`,
      line: lineOf(seed, 'throw new Error')
    })
    // Drift is still checked when the seed fails, and there is none.
    expect(result.stages.find((s) => s.name === 'compare')?.status).toBe('passed')
  } finally {
    project.cleanup()
    await db.drop()
  }
})

test.concurrent(
  'allow-non-empty-database on a database migrated before → runs, and the stages say what they found, not "empty"',
  async () => {
    const db = await createTestDatabase('nonempty_ok')
    const project = makeProject()
    try {
      const inputs = {
        'database-url': db.url,
        'working-directory': project.relDir,
        generate: 'false',
        'seed-command': 'none'
      }
      const first = await runPipeline(inputs)
      expect(first.result.status).toBe('passed')
      const { result } = await runPipeline({ ...inputs, 'allow-non-empty-database': 'true' })
      expect(result.stages.find((s) => s.name === 'connect')).toMatchObject({
        status: 'passed',
        summary:
          'database reachable; it already holds 11 table(s) or view(s) (allow-non-empty-database); DATABASE_URL set to the database URL'
      })
      expect(result.stages.find((s) => s.name === 'migrate')).toMatchObject({
        status: 'passed',
        summary: 'no pending migration (2 already applied)'
      })
      expect(result.status).toBe('passed')
    } finally {
      project.cleanup()
      await db.drop()
    }
  }
)

test.concurrent('a database that holds tables is refused and left untouched', async () => {
  const db = await createTestDatabase('nonempty')
  const project = makeProject()
  try {
    await adminQuery(
      'CREATE TABLE customers (id int primary key, name text); INSERT INTO customers VALUES (1, $$Ada$$)',
      [],
      db.name
    )
    const { result } = await runPipeline({ 'database-url': db.url, 'working-directory': project.relDir })
    expect(result.status).toBe('failed')
    const problem = result.problems.find((p) => p.stage === 'connect')
    expect(problem?.title).toBe('Database is not empty')
    expect(problem?.message).toMatch(/public\.customers/)
    expect(problem?.message).toMatch(/allow-non-empty-database: true/)
    expect(result.stages.map((s) => [s.name, s.status])).toEqual([
      ['history', 'skipped'],
      ['connect', 'failed'],
      ['generate', 'skipped'],
      ['migrate', 'skipped'],
      ['seed', 'skipped']
    ])
    const tables = await adminQuery<{ relname: string }>(
      "SELECT relname FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace",
      [],
      db.name
    )
    expect(tables.map((t) => t.relname)).toEqual(['customers'])
    expect(await adminQuery('SELECT * FROM customers', [], db.name)).toEqual([{ id: 1, name: 'Ada' }])
  } finally {
    project.cleanup()
    await db.drop()
  }
})

test.concurrent(
  'an unreachable database fails within the wait, naming the cause, without the password',
  async () => {
    const project = makeProject()
    try {
      const url = 'postgresql://app:Sup3r%40Secret-pw@127.0.0.1:9/app'
      const { result, log } = await runPipeline({
        'database-url': url,
        'working-directory': project.relDir,
        'connect-timeout': '2s'
      })
      // Retried until connect-timeout, then given up (the margin is for a busy machine).
      expect(log).toContain('Database not ready (attempt 1)')
      expect(result.stages.find((s) => s.name === 'connect')?.durationMs).toBeLessThan(2000 + 10_000)
      expect(result.status).toBe('failed')
      expect(result.problems.find((p) => p.stage === 'connect')?.message).toMatch(
        /Could not connect to the database at 127\.0\.0\.1:9\/app within 2s: .*ECONNREFUSED/
      )
      const everything = [log, JSON.stringify(result), readFileSync(result.reportJsonPath, 'utf8')].join('\n')
      for (const secret of ['Sup3r%40Secret-pw', 'Sup3r@Secret-pw', url])
        expect(everything).not.toContain(secret)
    } finally {
      project.cleanup()
    }
  }
)

test.concurrent('no configured seed is a warning, never a pass', async () => {
  const db = await createTestDatabase('noseed')
  const project = makeProject()
  try {
    const config = readFileSync(path.join(project.dir, 'prisma.config.ts'), 'utf8').replace(
      /\n\s*seed: .*\n/,
      '\n'
    )
    project.write('prisma.config.ts', config)
    const { result } = await runPipeline({ 'database-url': db.url, 'working-directory': project.relDir })
    const seed = result.stages.find((s) => s.name === 'seed')
    expect(seed?.status).toBe('warning')
    expect(seed?.summary).toBe('no seed configured')
    expect(result.problems.filter((p) => p.severity !== 'notice').map((p) => [p.severity, p.title])).toEqual([
      ['warning', 'No seed configured']
    ])
    expect(result.status).toBe('passed')
    // With fail-on warning, the same run fails.
    const db2 = await createTestDatabase('noseed2')
    try {
      const strict = await runPipeline({
        'database-url': db2.url,
        'working-directory': project.relDir,
        'fail-on': 'migrate,seed,drift,warning',
        generate: 'false'
      })
      expect(strict.result.status).toBe('failed')
      expect(strict.result.failedOn).toEqual(['warning'])
    } finally {
      await db2.drop()
    }
  } finally {
    project.cleanup()
    await db.drop()
  }
})

test.concurrent('an invalid schema fails at generate with Prisma’s message on the schema line', async () => {
  const db = await createTestDatabase('badschema')
  const project = makeProject()
  try {
    const schema = readFileSync(path.join(project.dir, 'prisma/schema.prisma'), 'utf8').replace(
      '  isActive         Boolean   @default(true) @map("is_active")',
      '  isActive         Boolen    @default(true) @map("is_active")'
    )
    project.write('prisma/schema.prisma', schema)
    const { result } = await runPipeline({ 'database-url': db.url, 'working-directory': project.relDir })
    expect(result.status).toBe('failed')
    const problem = result.problems.find((p) => p.stage === 'generate')
    expect(problem?.message).toMatch(/Type "Boolen" is neither a built-in type/)
    expect(problem?.location).toEqual({
      file: `${project.relDir}/prisma/schema.prisma`,
      line: lineOf(schema, 'Boolen')
    })
    // `migrate deploy` ran beside generate and needs only the datasource: its
    // result is reported; nothing can be seeded or compared with this schema.
    const stages = Object.fromEntries(result.stages.map((s) => [s.name, [s.status, s.summary]]))
    expect(stages.migrate?.[0]).toBe('passed')
    expect(stages.seed).toEqual(['skipped', 'prisma generate failed'])
    expect(stages.compare).toEqual(['skipped', 'the schema is invalid (see prisma generate)'])
    expect(result.problems.filter((p) => p.severity === 'error').map((p) => p.stage)).toEqual(['generate'])
  } finally {
    project.cleanup()
    await db.drop()
  }
})

test.concurrent('the URL reaches every variable named in database-url-env', async () => {
  const db = await createTestDatabase('urlenv')
  const project = makeProject()
  try {
    const config = readFileSync(path.join(project.dir, 'prisma.config.ts'), 'utf8').replaceAll(
      'process.env.DATABASE_URL',
      'process.env.APP_DIRECT_URL'
    )
    project.write('prisma.config.ts', config)
    const { result } = await runPipeline({
      'database-url': db.url,
      'working-directory': project.relDir,
      'database-url-env': 'DATABASE_URL, APP_DIRECT_URL',
      'seed-command': 'none'
    })
    expect(result.problems.filter((p) => p.severity !== 'notice')).toEqual([])
    expect(result.status).toBe('passed')
    expect(result.stages.find((s) => s.name === 'seed')?.status).toBe('skipped')
  } finally {
    project.cleanup()
    await db.drop()
  }
})

test('a project without the Prisma CLI installed says to run the install step', async () => {
  // Outside the repository, so no node_modules/prisma is found above it.
  const root = mkdtempSync(path.join(os.tmpdir(), 'msc-noprisma-'))
  try {
    mkdirSync(path.join(root, 'app'))
    cpSync(path.join(REPO_ROOT, 'prisma'), path.join(root, 'app', 'prisma'), { recursive: true })
    writeFileSync(path.join(root, 'app', 'package.json'), '{"name":"app"}')
    const { result } = await runPipeline(
      { 'database-url': 'postgresql://u:p@127.0.0.1:9/db', 'working-directory': 'app' },
      { repoRoot: root }
    )
    expect(result.status).toBe('failed')
    expect(result.problems[0]?.code).toBe('prisma-not-installed')
    expect(result.problems[0]?.message).toMatch(/Run your install step \(npm ci/)
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
})

test('a project on Prisma 8 gets one message: what it is, and that nothing of Prisma runs', async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'msc-prisma8-'))
  try {
    cpSync(path.join(REPO_ROOT, 'prisma'), path.join(root, 'prisma'), { recursive: true })
    writeFileSync(
      path.join(root, 'package.json'),
      '{"name":"app","devDependencies":{"prisma":"8.0.0-rc.19"}}'
    )
    // The installed package as npm lays it out (its manifest is what discovery reads; nothing of it runs).
    mkdirSync(path.join(root, 'node_modules', 'prisma', 'dist'), { recursive: true })
    writeFileSync(
      path.join(root, 'node_modules', 'prisma', 'package.json'),
      JSON.stringify({
        name: 'prisma',
        version: '8.0.0-rc.19',
        type: 'module',
        bin: { prisma: './dist/prisma.js' }
      })
    )
    const { result } = await runPipeline(
      { 'database-url': 'postgresql://u:p@127.0.0.1:9/db', 'working-directory': '.' },
      { repoRoot: root }
    )
    expect(result.status).toBe('failed')
    expect(result.problems.map((p) => [p.stage, p.severity, p.code])).toEqual([
      ['project', 'error', 'prisma-unsupported']
    ])
    expect(result.problems[0]?.message).toMatch(
      /^This project uses Prisma 8\.0\.0-rc\.19\. .*Nothing was run: prisma generate, migrate deploy, the seed and the drift check are all skipped\. .*pin `prisma` to 7\.x/
    )
    expect(result.stages.map((s) => [s.name, s.status, s.summary])).toEqual([
      ['generate', 'skipped', 'this Prisma version is not supported'],
      ['migrate', 'skipped', 'this Prisma version is not supported'],
      ['seed', 'skipped', 'this Prisma version is not supported']
    ])
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
})

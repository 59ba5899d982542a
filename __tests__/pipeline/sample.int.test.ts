// The sample project passes every stage, and what each stage reports.
import { readFileSync } from 'node:fs'
import { expectNoScratchDatabaseLeft } from '../e2e/harness.js'
import { createTestDatabase, adminQuery } from '../helpers/pg.js'
import { makeProject } from '../helpers/project.js'
import { runPipeline } from './run.js'

test('the sample project passes every stage with no drift', async () => {
  const db = await createTestDatabase('sample')
  const project = makeProject()
  try {
    const from = Date.now()
    const { result } = await runPipeline({ 'database-url': db.url, 'working-directory': project.relDir })
    // Outside a pull request there is no base to compare the migrations with: a notice only.
    expect(result.problems.map((p) => [p.stage, p.severity])).toEqual([['history', 'notice']])
    expect(result.stages.map((s) => [s.name, s.status])).toEqual([
      ['history', 'skipped'],
      ['connect', 'passed'],
      ['generate', 'passed'],
      ['migrate', 'passed'],
      ['seed', 'passed'],
      ['expect', 'passed'],
      ['inspect', 'passed'],
      ['compare', 'passed']
    ])
    expect(result.status).toBe('passed')
    expect(result.drift.filter((d) => d.severity !== 'info')).toEqual([])
    expect(result.fixSqlPath).toBeUndefined()
    expect(result.prismaVersion).toBe('6.19.3')
    const migrate = result.stages.find((s) => s.name === 'migrate')
    expect(migrate?.summary).toBe('2 migration(s) applied')
    // Prisma 6.19's CLI stays alive about 10 s after it reported every migration
    // applied; the run ended it instead of waiting (no exit code of its own).
    expect(migrate?.output).toContain('All migrations have been successfully applied.')
    expect(migrate?.exitCode).toBeNull()
    // …and the seed started once the process was gone, not before.
    const seed = result.stages.find((s) => s.name === 'seed')
    expect(seed?.startMs).toBeGreaterThanOrEqual(migrate?.endMs ?? Infinity)
    // The seed really ran against the database we gave.
    const users = await adminQuery<{ email: string }>('SELECT email FROM users ORDER BY email', [], db.name)
    expect(users.map((u) => u.email)).toEqual(['admin@example.com', 'editor@example.com'])
    // The machine-readable result was written.
    const json = JSON.parse(readFileSync(result.reportJsonPath, 'utf8'))
    expect(json.status).toBe('passed')
    // The scratch database is gone (other files' runs may have theirs at this moment).
    await expectNoScratchDatabaseLeft(from, Date.now())
  } finally {
    project.cleanup()
    await db.drop()
  }
})

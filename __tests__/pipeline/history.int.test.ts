// The history and upgrade stages inside the whole pipeline, on a real git
// repository: a migration that only fails on a database with rows.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { createTestDatabase } from '../helpers/pg.js'
import { makeProject } from '../helpers/project.js'
import { runPipeline } from './run.js'

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
    cwd
  }).toString()
}

test('a NOT NULL column without a default passes on the empty database and fails the upgrade test on its line', async () => {
  const db = await createTestDatabase('upgrade')
  const project = makeProject()
  try {
    git(project.dir, 'init', '-q', '-b', 'main')
    git(project.dir, 'add', '-A')
    git(project.dir, 'commit', '-qm', 'base')
    const schema = readFileSync(path.join(project.dir, 'prisma/schema.prisma'), 'utf8').replace(
      '  name             String\n',
      '  name             String\n  nickname         String\n'
    )
    project.write('prisma/schema.prisma', schema)
    const migration = 'prisma/migrations/20250701000000_add_nickname/migration.sql'
    project.write(migration, '-- AlterTable\nALTER TABLE "users" ADD COLUMN "nickname" TEXT NOT NULL;\n')
    git(project.dir, 'add', '-A')
    git(project.dir, 'commit', '-qm', 'head')

    const { result } = await runPipeline(
      { 'database-url': db.url, 'working-directory': '.', 'base-ref': 'HEAD~1', 'seed-command': 'none' },
      { repoRoot: project.dir }
    )
    const stages = Object.fromEntries(result.stages.map((s) => [s.name, s.status]))
    expect(stages).toMatchObject({
      history: 'passed',
      migrate: 'passed',
      upgrade: 'failed',
      compare: 'passed'
    })
    const problem = result.problems.find((p) => p.stage === 'upgrade')
    expect(problem?.severity).toBe('error')
    expect(problem?.location).toMatchObject({ file: migration, line: 2 })
    expect(problem?.message).toMatch(/NOT NULL/)
    expect(problem?.message).toMatch(/users/)
    expect(result.status).toBe('failed')
    expect(result.failedOn).toEqual(['migrate'])
  } finally {
    project.cleanup()
    await db.drop()
  }
})

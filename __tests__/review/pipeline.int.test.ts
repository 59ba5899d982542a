// The migration review inside the whole pipeline, on a real git repository:
// the sample project with a risky migration added, reported in the summary,
// on the statements' lines, and in report.json.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { planAnnotations } from '../../src/report/annotations.js'
import { renderMarkdown } from '../../src/report/markdown.js'
import { createTestDatabase } from '../helpers/pg.js'
import { makeProject, type FixtureProject } from '../helpers/project.js'
import { runPipeline } from '../pipeline/run.js'

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
    cwd
  }).toString()
}

export const RISKY_MIGRATION = `-- AlterTable
ALTER TABLE "users" DROP COLUMN "two_factor_secret",
ADD COLUMN     "login_count" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "articles" ALTER COLUMN "body" SET DATA TYPE VARCHAR(10000);

-- CreateIndex
CREATE INDEX "users_name_idx" ON "users"("name");
`

/** The sample project, committed, then a head commit whose schema and migration drop, add, retype and index. */
export function riskyProject(): { project: FixtureProject; migration: string } {
  const project = makeProject()
  git(project.dir, 'init', '-q', '-b', 'main')
  git(project.dir, 'add', '-A')
  git(project.dir, 'commit', '-qm', 'base')
  const schema = readFileSync(path.join(project.dir, 'prisma/schema.prisma'), 'utf8')
    .replace(
      '  twoFactorSecret  String?   @map("two_factor_secret") @db.VarChar(255)\n',
      '  loginCount       Int       @default(0) @map("login_count")\n'
    )
    .replace('  body        String\n', '  body        String        @db.VarChar(10000)\n')
    .replace(
      '  articles            Article[]\n\n  @@map("users")',
      '  articles            Article[]\n\n  @@index([name])\n  @@map("users")'
    )
  project.write('prisma/schema.prisma', schema)
  const migration = 'prisma/migrations/20250701000000_risky/migration.sql'
  project.write(migration, RISKY_MIGRATION)
  git(project.dir, 'add', '-A')
  git(project.dir, 'commit', '-qm', 'head')
  return { project, migration }
}

test('a risky migration: database changes and measured statements in the summary, warnings on its lines, items in report.json', async () => {
  const dbs = [
    await createTestDatabase('review'),
    await createTestDatabase('review'),
    await createTestDatabase('review')
  ]
  const db = dbs[0]!
  const { project, migration } = riskyProject()
  try {
    const inputs = {
      'database-url': db.url,
      'working-directory': '.',
      'base-ref': 'HEAD~1',
      'seed-command': 'none',
      'upgrade-rows': '300'
    }
    const { result } = await runPipeline(inputs, { repoRoot: project.dir })
    const stages = Object.fromEntries(result.stages.map((s) => [s.name, s.status]))
    expect(stages).toMatchObject({ migrate: 'passed', upgrade: 'passed', compare: 'passed' })
    expect(result.status).toBe('passed')
    const review = result.review!
    expect(review.rowsPerTable).toBe(300)
    expect(review.changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          object: 'users.two_factor_secret',
          change: 'dropped',
          dataLoss: expect.objectContaining({
            rows: 300,
            text: expect.stringMatching(/^\d+ of 300 rows have a value$/)
          }),
          location: { file: migration, line: 2 }
        }),
        expect.objectContaining({ object: 'users.login_count', change: 'added' }),
        expect.objectContaining({
          object: 'users_name_idx',
          change: 'added',
          location: { file: migration, line: 9 }
        })
      ])
    )
    const hazards = Object.fromEntries(
      review.migrations[0]!.statements.map((s) => [s.line, [...s.hazards].sort()])
    )
    // The sample applies migrations through a driver adapter, statement by
    // statement: the narrowing cast on line 6 can fail after line 2 committed.
    expect(hazards).toEqual({
      2: ['data-loss'],
      6: ['blocking-lock', 'half-applied', 'rewrite'],
      9: ['blocking-lock']
    })

    const annotations = planAnnotations(result)
    for (const line of [2, 6, 9])
      expect(annotations).toContainEqual(
        expect.objectContaining({
          level: 'warning',
          file: migration,
          startLine: line,
          title: expect.stringContaining('Migration review')
        })
      )
    const summary = renderMarkdown(result, { maxLength: 1024 * 1024 })
    expect(summary).toContain('### Database changes')
    expect(summary).toContain('### Migration review: 3 risky statements')
    expect(summary).toMatch(/drops column `two_factor_secret` \| ⚠️ \d+ of 300 rows have a value/)
    expect(summary).toContain('CREATE INDEX CONCURRENTLY')

    const json = JSON.parse(readFileSync(result.reportJsonPath, 'utf8'))
    expect(json.review.findings.map((f: { location: { line: number } }) => f.location.line).sort()).toEqual([
      2, 6, 6, 9
    ])

    const failing = await runPipeline(
      { ...inputs, 'database-url': dbs[1]!.url, 'migration-safety': 'fail' },
      { repoRoot: project.dir }
    )
    expect(failing.result.status).toBe('failed')
    expect(failing.result.failedOn).toEqual(['migrate'])
    expect(failing.result.problems).toContainEqual(
      expect.objectContaining({ stage: 'upgrade', severity: 'error', code: 'migration-safety' })
    )
    const off = await runPipeline(
      { ...inputs, 'database-url': dbs[2]!.url, 'migration-safety': 'off' },
      { repoRoot: project.dir }
    )
    expect(off.result.review).toBeUndefined()
    expect(planAnnotations(off.result).some((a) => a.title.includes('Migration review'))).toBe(false)
  } finally {
    project.cleanup()
    for (const d of dbs) await d.drop()
  }
})

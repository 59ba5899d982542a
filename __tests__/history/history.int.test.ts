/**
 * The history checks on real git repositories: a base commit and a head
 * commit of prisma/migrations, compared by `runHistory` as the pipeline will.
 */
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, test } from '@jest/globals'
import { readMigrations } from '../../src/prisma/project.js'
import { readBaseMigrations, resolveBase } from '../../src/history/git.js'
import { runHistory, type HistoryOutcome } from '../../src/history/index.js'
import {
  cleanupRepos,
  countingGit,
  LOCK,
  makeRepo,
  migrationFiles,
  shallowClone,
  type TestRepo
} from './git-repo.js'

const INIT = `-- CreateTable
CREATE TABLE "users" (
    "id" SERIAL NOT NULL,
    "email" TEXT NOT NULL,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);
`
const POSTS = `-- CreateTable
CREATE TABLE "posts" (
    "id" SERIAL NOT NULL,
    "title" TEXT NOT NULL,
    CONSTRAINT "posts_pkey" PRIMARY KEY ("id")
);
`
const BASE = { '20250101000000_init': INIT, '20250201000000_posts': POSTS }

afterAll(() => cleanupRepos())

/** A repository with the base commit, then `head` committed on top; runs the history stage on the head. */
async function history(
  head: Record<string, string | null>,
  options: { base?: Record<string, string | null>; event?: boolean } = {}
): Promise<{ repo: TestRepo; baseSha: string; outcome: HistoryOutcome }> {
  const repo = makeRepo()
  const baseSha = repo.commit(migrationFiles(options.base ?? BASE), 'base')
  repo.commit(head, 'head')
  const outcome = await runHistory({
    repoRoot: repo.dir,
    migrationsDir: repo.migrationsDir,
    head: readMigrations(repo.migrationsDir),
    ...(options.event === false
      ? {}
      : { eventPath: pullRequestEvent(repo, baseSha), eventName: 'pull_request' })
  })
  return { repo, baseSha, outcome }
}

function pullRequestEvent(repo: TestRepo, baseSha: string): string {
  // Inside .git: removed with the repository, never part of a commit.
  const file = path.join(repo.dir, '.git', 'event.json')
  writeFileSync(file, JSON.stringify({ pull_request: { number: 7, base: { sha: baseSha, ref: 'main' } } }))
  return file
}

const codes = (o: HistoryOutcome) => o.problems.map((p) => p.code)

describe('history checks', () => {
  test('an unchanged history with one new migration passes and lists the new migration', async () => {
    const { outcome, baseSha } = await history({
      'prisma/migrations/20250301000000_tags/migration.sql':
        'CREATE TABLE "tags" ("id" SERIAL PRIMARY KEY);\n'
    })
    expect(outcome.base).toMatchObject({ sha: baseSha, source: 'pull_request' })
    expect(outcome.problems).toEqual([])
    expect(outcome.stage).toMatchObject({ name: 'history', status: 'passed' })
    expect(outcome.stage.summary).toContain('2 base migration(s), 1 new')
    expect(outcome.added.map((m) => m.name)).toEqual(['20250301000000_tags'])
    expect(outcome.baseMigrations?.migrations.map((m) => m.name)).toEqual(Object.keys(BASE))
    expect(outcome.baseMigrations?.lockProvider).toBe('postgresql')
  })

  test('two base migrations with byte-identical files (one git blob) are both read, and the pull request is not out of order', async () => {
    const ADD = 'ALTER TABLE "users" ADD COLUMN "nickname" TEXT;\n'
    const base = {
      ...BASE,
      '20250301000000_add_nickname': ADD,
      '20250302000000_drop_nickname': 'ALTER TABLE "users" DROP COLUMN "nickname";\n',
      '20250303000000_add_nickname_again': ADD
    }
    const { outcome } = await history(
      migrationFiles({ '20250401000000_bio': 'ALTER TABLE "users" ADD COLUMN "bio" TEXT;\n' }),
      { base }
    )
    expect(outcome.baseMigrations?.migrations.map((m) => m.name)).toEqual(Object.keys(base))
    expect(outcome.problems).toEqual([])
    expect(outcome.added.map((m) => m.name)).toEqual(['20250401000000_bio'])
  })

  test('an edited migration is an error on its first changed line', async () => {
    const edited = POSTS.replace('"title" TEXT NOT NULL', '"title" VARCHAR(200) NOT NULL')
    const { outcome } = await history({ 'prisma/migrations/20250201000000_posts/migration.sql': edited })
    expect(outcome.problems).toHaveLength(1)
    expect(outcome.problems[0]).toMatchObject({
      stage: 'history',
      severity: 'error',
      code: 'migration-edited',
      title: 'Migration 20250201000000_posts was edited',
      location: { file: 'prisma/migrations/20250201000000_posts/migration.sql', line: 4 }
    })
    expect(outcome.problems[0]?.message).toContain('does not re-run or re-check')
    expect(outcome.stage.status).toBe('failed')
    expect(outcome.added).toEqual([])
  })

  test('a change of line endings only is not an edit (Prisma accepts CRLF and LF alike)', async () => {
    const { outcome } = await history({
      'prisma/migrations/20250101000000_init/migration.sql': INIT.replaceAll('\n', '\r\n')
    })
    expect(outcome.problems).toEqual([])
  })

  test('a deleted migration is an error at its old path', async () => {
    const { outcome } = await history({ 'prisma/migrations/20250201000000_posts': null })
    expect(outcome.problems).toEqual([
      expect.objectContaining({
        severity: 'error',
        code: 'migration-deleted',
        location: { file: 'prisma/migrations/20250201000000_posts/migration.sql', line: 1 }
      })
    ])
  })

  test('a renamed migration (same checksum) is an error at its new folder and is not a new migration', async () => {
    const { outcome } = await history({
      'prisma/migrations/20250201000000_posts': null,
      'prisma/migrations/20250201000000_create_posts/migration.sql': POSTS
    })
    expect(outcome.problems).toEqual([
      expect.objectContaining({
        severity: 'error',
        code: 'migration-renamed',
        title: 'Migration 20250201000000_posts was renamed to 20250201000000_create_posts',
        location: { file: 'prisma/migrations/20250201000000_create_posts/migration.sql', line: 1 }
      })
    ])
    expect(outcome.added).toEqual([])
  })

  test('a new migration that sorts before the newest base migration is a warning', async () => {
    const { outcome } = await history({
      'prisma/migrations/20250115000000_tags/migration.sql':
        'CREATE TABLE "tags" ("id" SERIAL PRIMARY KEY);\n',
      'prisma/migrations/20250301000000_late/migration.sql': 'SELECT 1;\n'
    })
    expect(outcome.problems).toEqual([
      expect.objectContaining({
        severity: 'warning',
        code: 'migration-out-of-order',
        title: 'Migration 20250115000000_tags sorts before 20250201000000_posts',
        location: { file: 'prisma/migrations/20250115000000_tags/migration.sql', line: 1 }
      })
    ])
    expect(outcome.stage.status).toBe('warning')
    expect(outcome.added.map((m) => m.name)).toEqual(['20250115000000_tags', '20250301000000_late'])
  })

  test('a changed lock provider is an error on the provider line of migration_lock.toml', async () => {
    const { outcome } = await history({
      'prisma/migrations/migration_lock.toml': LOCK.replace('postgresql', 'mysql')
    })
    expect(outcome.problems).toEqual([
      expect.objectContaining({
        severity: 'error',
        code: 'lock-provider-changed',
        location: { file: 'prisma/migrations/migration_lock.toml', line: 3 }
      })
    ])
    expect(outcome.problems[0]?.message).toContain('"postgresql"')
  })

  test('several findings at once, and a head in a subfolder of the repository', async () => {
    const repo = makeRepo()
    const base = Object.fromEntries(
      Object.entries(migrationFiles(BASE)).map(([file, text]) => [`apps/api/${file}`, text])
    )
    const baseSha = repo.commit(base)
    repo.commit({
      'apps/api/prisma/migrations/20250101000000_init/migration.sql': INIT + '-- touched\n',
      'apps/api/prisma/migrations/20250201000000_posts': null
    })
    const migrationsDir = path.join(repo.dir, 'apps', 'api', 'prisma', 'migrations')
    const outcome = await runHistory({
      repoRoot: repo.dir,
      migrationsDir,
      head: readMigrations(migrationsDir),
      baseRef: baseSha
    })
    expect(outcome.base.source).toBe('base-ref')
    expect(outcome.problems.map((p) => [p.code, p.location?.file, p.location?.line])).toEqual([
      ['migration-edited', 'apps/api/prisma/migrations/20250101000000_init/migration.sql', 8],
      ['migration-deleted', 'apps/api/prisma/migrations/20250201000000_posts/migration.sql', 1]
    ])
  })
})

describe('finding the base', () => {
  test('no event and no base-ref: skipped with a notice', async () => {
    const { outcome } = await history({}, { event: false })
    expect(outcome.base.source).toBe('none')
    expect(outcome.stage).toMatchObject({ name: 'history', status: 'skipped' })
    expect(outcome.problems).toEqual([expect.objectContaining({ severity: 'notice', code: 'no-base' })])
  })

  test('base-ref takes any revision: a branch name, HEAD~1', async () => {
    const repo = makeRepo()
    const baseSha = repo.commit(migrationFiles(BASE))
    repo.git('branch', 'release')
    repo.commit({ 'prisma/migrations/20250201000000_posts': null })
    for (const baseRef of ['release', 'HEAD~1', baseSha.slice(0, 10)]) {
      expect(await resolveBase({ repoRoot: repo.dir, baseRef })).toEqual({
        sha: baseSha,
        source: 'base-ref',
        ref: baseRef
      })
    }
  })

  test('base-ref HEAD~1 on the first commit: skipped with a notice', async () => {
    const repo = makeRepo()
    repo.commit(migrationFiles(BASE))
    const base = await resolveBase({ repoRoot: repo.dir, baseRef: 'HEAD~1' })
    expect(base.sha).toBeUndefined()
    expect(base.notice).toContain('first commit')
    expect(base.warning).toBeUndefined()
  })

  test('a shallow clone without the base: a warning that says fetch-depth: 0, and the rest still runs', async () => {
    // The base was force-pushed away and garbage-collected: no server can serve it any more.
    const origin = makeRepo()
    const baseSha = origin.commit(migrationFiles(BASE))
    origin.commit({ 'prisma/migrations/20250301000000_tags/migration.sql': 'SELECT 1;\n' }, 'head', true)
    origin.git('reflog', 'expire', '--expire=now', '--all')
    origin.git('gc', '-q', '--prune=now')
    expect(() => origin.git('cat-file', '-e', baseSha)).toThrow()
    const clone = shallowClone(origin)
    expect(clone.git('rev-parse', '--is-shallow-repository')).toBe('true')
    const git = countingGit()
    const outcome = await runHistory({
      repoRoot: clone.dir,
      migrationsDir: clone.migrationsDir,
      head: readMigrations(clone.migrationsDir),
      eventPath: pullRequestEvent(clone, baseSha),
      git: git.path
    })
    // One fetch attempt, no retries or deepening loops.
    expect(git.commands().filter((c) => c === 'fetch')).toEqual(['fetch'])
    expect(outcome.base).toMatchObject({ source: 'pull_request', ref: baseSha })
    expect(outcome.base.sha).toBeUndefined()
    expect(outcome.stage).toMatchObject({ name: 'history', status: 'warning' })
    expect(outcome.problems).toEqual([
      expect.objectContaining({ severity: 'warning', code: 'base-unavailable' })
    ])
    expect(outcome.problems[0]?.message).toContain('fetch-depth: 0')
    expect(outcome.problems[0]?.message).toContain('the rest of the check ran')
    expect(outcome.added).toEqual([])
  })

  test('a shallow clone fetches the base commit alone when the server allows it', async () => {
    const origin = makeRepo()
    const baseSha = origin.commit(migrationFiles(BASE))
    origin.commit({ 'prisma/migrations/20250201000000_posts/migration.sql': POSTS + '-- edited\n' })
    // Git's protocol v2 serves any reachable commit by SHA, as GitHub does.
    const clone = shallowClone(origin)
    const outcome = await runHistory({
      repoRoot: clone.dir,
      migrationsDir: clone.migrationsDir,
      head: readMigrations(clone.migrationsDir),
      eventPath: pullRequestEvent(clone, baseSha)
    })
    expect(outcome.base).toMatchObject({ sha: baseSha, fetched: true })
    expect(codes(outcome)).toEqual(['migration-edited'])
    expect(outcome.problems[0]?.location?.line).toBe(7)
  })

  test('reads 150 base migrations with a constant number of git processes', async () => {
    const repo = makeRepo()
    const many: Record<string, string> = {}
    for (let i = 0; i < 150; i++)
      many[`2025${String(i).padStart(10, '0')}_m${i}`] = `CREATE TABLE "t${i}" ("id" INT);\n`
    const sha = repo.commit(migrationFiles(many))
    const git = countingGit()
    const base = await readBaseMigrations({
      repoRoot: repo.dir,
      sha,
      migrationsDir: repo.migrationsDir,
      git: git.path
    })
    expect(base?.migrations).toHaveLength(150)
    expect(base?.migrations[149]?.sql).toBe('CREATE TABLE "t149" ("id" INT);\n')
    // The same git processes for 150 migrations as for one: never one per file.
    expect(git.commands()).toEqual(['rev-parse', 'ls-tree', 'cat-file'])
  })
})

// The command-line entry as a user runs it: `node dist/cli.js` (the committed
// bundle; .ci/run rebuilds it and fails if it differs from the source).
import { execFile } from 'node:child_process'
import {
  chmodSync,
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { createTestDatabase } from '../helpers/pg.js'
import { makeProject, REPO_ROOT } from '../helpers/project.js'

const run = promisify(execFile)
const CLI = path.join(REPO_ROOT, 'dist', 'cli.js')

interface CliRun {
  code: number
  stdout: string
  stderr: string
}

async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...env }
  if (!('DATABASE_URL' in env)) delete childEnv.DATABASE_URL
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], {
      cwd: REPO_ROOT,
      env: childEnv,
      timeout: 170_000,
      maxBuffer: 32 << 20
    })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string }
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' }
  }
}

test.concurrent(
  'with no database URL it checks the sample on an embedded PostgreSQL and removes it afterwards',
  async () => {
    const project = makeProject()
    // A temporary folder of its own, so that what the run leaves behind is visible.
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'msc-cli-test-'))
    chmodSync(tmp, 0o755) // as root, PostgreSQL runs as another user that must reach it
    try {
      const r = await cli(
        ['--working-directory', project.relDir, '--json', path.join(project.dir, 'out.json')],
        { TMPDIR: tmp }
      )
      expect(r.stderr).toContain('starting an embedded PostgreSQL')
      expect(r.stdout).toMatch(/migrate-seed-check passed/)
      expect(r.code).toBe(0)
      const json = JSON.parse(readFileSync(path.join(project.dir, 'out.json'), 'utf8'))
      expect(json.status).toBe('passed')
      expect(json.stages.map((s: { name: string }) => s.name)).toEqual([
        'history',
        'connect',
        'generate',
        'migrate',
        'seed',
        'expect',
        'inspect',
        'compare'
      ])
      // Prisma (jiti) and tsx keep caches there; nothing of ours may remain.
      expect(readdirSync(tmp).filter((n) => n !== 'jiti' && !n.startsWith('tsx-'))).toEqual([])
    } finally {
      project.cleanup()
      rmSync(tmp, { recursive: true, force: true })
    }
  }
)

test.concurrent('drift makes it exit 1 and print the fix migration path', async () => {
  const db = await createTestDatabase('clidrift')
  const project = makeProject({ dropMigrations: ['20250612143000_add_auth_and_user_features'] })
  try {
    const r = await cli([
      '--working-directory',
      project.relDir,
      '--database-url',
      db.url,
      '--seed-command',
      'none'
    ])
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/35 drift errors/)
    expect(r.stdout).toMatch(/prisma\/schema\.prisma:\d+ +users\.profile_picture: missing column/)
    const fix = /suggested migration: (\S+migration\.sql)/.exec(r.stdout)?.[1]
    expect(fix && readFileSync(fix, 'utf8')).toMatch(
      /ALTER TABLE "public"\."users" ADD COLUMN "profile_picture" character varying\(500\);/
    )
  } finally {
    project.cleanup()
    await db.drop()
  }
})

test.concurrent(
  "a project outside the current folder's repository is checked, its paths relative to that project",
  async () => {
    const db = await createTestDatabase('clioutside')
    // A project that is no git repository, elsewhere on disk, with Prisma installed.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'msc-cli-elsewhere-'))
    try {
      cpSync(path.join(REPO_ROOT, 'prisma'), path.join(dir, 'prisma'), { recursive: true })
      rmSync(path.join(dir, 'prisma', 'migrations', '20250612143000_add_auth_and_user_features'), {
        recursive: true
      })
      cpSync(path.join(REPO_ROOT, 'prisma.config.ts'), path.join(dir, 'prisma.config.ts'))
      writeFileSync(
        path.join(dir, 'package.json'),
        '{ "name": "elsewhere", "private": true, "type": "module" }\n'
      )
      symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'))
      const r = await cli(['--working-directory', dir, '--database-url', db.url, '--seed-command', 'none'])
      expect(r.stderr).not.toMatch(/outside the repository/)
      expect(r.stdout).toMatch(/35 drift errors/)
      expect(r.stdout).toMatch(/ prisma\/schema\.prisma:\d+ +users\.profile_picture: missing column/)
      expect(r.code).toBe(1)
    } finally {
      rmSync(dir, { recursive: true, force: true })
      await db.drop()
    }
  }
)

test.concurrent.each([
  [['--no-such-flag'], /Unknown option '--no-such-flag'/],
  [
    ['--fail-on', 'drfit', '--database-url', 'postgresql://u:p@127.0.0.1/db'],
    /Input 'fail-on': unknown value 'drfit'/
  ],
  [
    ['--working-directory', 'nope', '--database-url', 'postgresql://u:p@127.0.0.1/db'],
    /Input 'working-directory': 'nope' does not exist/
  ],
  [['--database-url', 'mysql://u:p@h/db'], /Input 'database-url': the scheme is 'mysql'/]
])('unusable arguments %j exit 2 with a message', async (args, message) => {
  const r = await cli(args)
  expect(r.code).toBe(2)
  expect(r.stderr).toMatch(message)
})

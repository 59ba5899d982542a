// A seed that prints 100 MB, through the command-line entry as a user runs it
// (`node dist/cli.js`): the CLI's memory stays bounded (its peak resident set,
// VmHWM, read from /proc while it runs) and the report keeps the end of the
// output, where the error is. The seed then fails → "Seed failed" → exit 1.
import { spawn } from 'node:child_process'
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createTestDatabase } from '../helpers/pg.js'
import { makeProject, REPO_ROOT } from '../helpers/project.js'
import { expectNoScratchDatabaseLeft } from '../e2e/harness.js'
import { expectNoProcessLeft, FAULT_TIMEOUT, MARKER_ENV, newMarker } from './debris.js'

const CLI = path.join(REPO_ROOT, 'dist', 'cli.js')
const MIB = 1024 * 1024
/** 100 MiB of numbered lines on stdout (waiting for the pipe to drain), then the error, then exit 1. */
const LOUD_SEED = `
const line = (i) => ('line ' + i + ' ').padEnd(1023, 'x') + '\\n'
async function main() {
  for (let block = 0; block < 100; block++) {
    let text = ''
    for (let i = 0; i < 1024; i++) text += line(block * 1024 + i)
    if (!process.stdout.write(text)) await new Promise((resolve) => process.stdout.once('drain', resolve))
  }
  process.stdout.write('Error: THE REAL ERROR at the very end\\n')
  process.exitCode = 1
}
main()
`
/** The bound: the CLI peaks near 90 MiB here; holding the output would need 100 MiB more. */
const PEAK_LIMIT_MIB = 150

function peakKib(pid: number): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match ? Number(match[1]) : undefined
  } catch {
    return undefined
  }
}

test(
  'a seed that prints 100 MB → memory bounded (CLI peak RSS under 150 MiB), the report keeps the tail with the error → failed (exit 1)',
  async () => {
    const db = await createTestDatabase('f_loud')
    const project = makeProject({ files: { 'loud.cjs': LOUD_SEED } })
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'msc-fault-loud-'))
    chmodSync(tmp, 0o755)
    const marker = newMarker()
    const started = Date.now()
    try {
      const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', TMPDIR: tmp, [MARKER_ENV]: marker }
      delete env.DATABASE_URL
      const child = spawn(
        process.execPath,
        [
          CLI,
          '--database-url',
          db.url,
          '--working-directory',
          project.relDir,
          '--generate',
          'false',
          '--seed-command',
          `${process.execPath} loud.cjs`,
          '--json',
          path.join(project.dir, 'out.json')
        ],
        { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] }
      )
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (chunk: Buffer) => void (stdout += chunk.toString('utf8')))
      child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString('utf8')))
      // VmHWM only grows: the last value read before the exit is the peak (to within one poll).
      let peak = 0
      const poll = setInterval(() => {
        peak = Math.max(peak, peakKib(child.pid!) ?? 0)
      }, 50)
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
      clearInterval(poll)
      process.stdout.write(
        `fault suite: CLI peak RSS with a 100 MB seed output: ${Math.round(peak / 1024)} MiB\n`
      )
      expect(code).toBe(1)
      expect(peak).toBeGreaterThan(0)
      expect(peak * 1024).toBeLessThan(PEAK_LIMIT_MIB * MIB)
      // The tail, with the error, is in the terminal report and in the JSON.
      expect(stdout).toMatch(/Seed failed/)
      expect(stdout).toContain('THE REAL ERROR at the very end')
      expect(stdout).toMatch(/line 102399 x+/)
      expect(stdout.length).toBeLessThan(200_000)
      expect(stderr.length).toBeLessThan(100_000)
      const json = JSON.parse(readFileSync(path.join(project.dir, 'out.json'), 'utf8')) as {
        status: string
        stages: { name: string; status: string; exitCode?: number }[]
      }
      expect(json.status).toBe('failed')
      expect(json.stages.find((s) => s.name === 'seed')).toMatchObject({ status: 'failed', exitCode: 1 })
      await expectNoProcessLeft({ marker, dir: project.dir })
      await expectNoScratchDatabaseLeft(started, Date.now())
      // Prisma (jiti) and tsx keep caches in TMPDIR; nothing else may remain.
      expect(readdirSync(tmp).filter((n) => n !== 'jiti' && !n.startsWith('tsx-'))).toEqual([])
    } finally {
      rmSync(tmp, { recursive: true, force: true })
      project.cleanup()
      await db.drop()
    }
  },
  FAULT_TIMEOUT
)

// Faults of the seed. Each case: the fault → the expected report → the
// expected status. A seed that throws and a project with no seed configured are
// covered by __tests__/pipeline/failures.int.test.ts (see README.md here).
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { createTestDatabase } from '../helpers/pg.js'
import { makeProject } from '../helpers/project.js'
import { FAULT_TIMEOUT, runFault } from './debris.js'

const node = process.execPath

test.concurrent(
  'a seed that exits non-zero without output → "Seed failed (exit code 3) without printing anything"; its shell-looking arguments reach it literally, no shell runs them → failed (exit 1)',
  async () => {
    const db = await createTestDatabase('f_seedsilent')
    const project = makeProject({
      files: {
        // Writes its arguments to a file (not to the output), then fails silently.
        'silent.cjs':
          "require('node:fs').writeFileSync(__dirname + '/argv.json', JSON.stringify(process.argv.slice(2))); process.exit(3)\n"
      }
    })
    try {
      const args = ['; touch pwned1', '$(touch pwned2)', '`touch pwned3`', '&& touch pwned4 | cat > pwned5']
      const { result } = await runFault(
        {
          'database-url': db.url,
          'working-directory': project.relDir,
          generate: 'false',
          'seed-command': `${node} silent.cjs ${args.map((a) => `'${a}'`).join(' ')}`
        },
        { projectDir: project.dir }
      )
      expect(result.status).toBe('failed')
      expect(result.failedOn).toEqual(['seed'])
      const seed = result.stages.find((s) => s.name === 'seed')
      expect(seed).toMatchObject({ status: 'failed', exitCode: 3, summary: 'exit code 3' })
      const problem = result.problems.find((p) => p.stage === 'seed')
      expect(problem?.title).toBe('Seed failed')
      expect(problem?.message).toBe('The seed failed (exit code 3) without printing anything.')
      // No shell: each argument arrived as one literal string, nothing was run.
      expect(JSON.parse(readFileSync(path.join(project.dir, 'argv.json'), 'utf8'))).toEqual(args)
      for (let i = 1; i <= 5; i++) expect(existsSync(path.join(project.dir, `pwned${i}`))).toBe(false)
      // The drift check still ran, and found nothing.
      expect(result.stages.find((s) => s.name === 'compare')?.status).toBe('passed')
    } finally {
      project.cleanup()
      await db.drop()
    }
  },
  FAULT_TIMEOUT
)

// `migrate deploy` with the WASM engine takes ~15 s (more on a busy machine),
// and step-timeout bounds it too, so the timeout cannot be 5 s here; the
// execCommand-level test (__tests__/exec) kills a tree at 1.5 s.
const STEP_TIMEOUT_S = 40

test.concurrent(
  `a seed that hangs (and started a grandchild) → killed at step-timeout (${STEP_TIMEOUT_S}s) with its whole process tree, "Seed timed out" → failed (exit 1)`,
  async () => {
    const db = await createTestDatabase('f_seedhang')
    const project = makeProject({
      files: {
        'hang.cjs': [
          "const { spawn } = require('node:child_process')",
          "const g = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' })",
          "console.log('grandchild ' + g.pid)",
          'setInterval(() => {}, 1000)',
          ''
        ].join('\n')
      }
    })
    try {
      const { result, elapsedMs } = await runFault(
        {
          'database-url': db.url,
          'working-directory': project.relDir,
          generate: 'false',
          'step-timeout': `${STEP_TIMEOUT_S}s`,
          'seed-command': `${node} hang.cjs`
        },
        { projectDir: project.dir }
      )
      expect(result.stages.find((s) => s.name === 'migrate')?.status).toBe('passed')
      const seed = result.stages.find((s) => s.name === 'seed')
      expect(seed).toMatchObject({
        status: 'failed',
        timedOut: true,
        summary: `timed out after ${STEP_TIMEOUT_S}s (step-timeout); the process tree was killed`
      })
      expect(seed?.durationMs).toBeGreaterThanOrEqual(STEP_TIMEOUT_S * 1000)
      expect(seed?.durationMs).toBeLessThan(STEP_TIMEOUT_S * 1000 + 10_000)
      const problem = result.problems.find((p) => p.stage === 'seed')
      expect(problem).toMatchObject({ title: 'Seed timed out', code: 'timeout' })
      expect(problem?.message).toMatch(/killed with its whole process tree/)
      expect(result.status).toBe('failed')
      expect(result.failedOn).toEqual(['seed'])
      // The grandchild is dead too (runFault also checked that no process of the run is left).
      const pid = Number(/grandchild (\d+)/.exec(seed?.output ?? '')?.[1])
      expect(pid).toBeGreaterThan(0)
      // Gone, or at most a zombie waiting to be reaped (empty command line).
      const cmdline = existsSync(`/proc/${pid}/cmdline`) ? readFileSync(`/proc/${pid}/cmdline`, 'utf8') : ''
      expect(cmdline).not.toMatch(/setInterval/)
      // Bounded: migrate + the timeout + the kill's grace, not the 10-minute default.
      expect(elapsedMs).toBeLessThan(STEP_TIMEOUT_S * 1000 + 90_000)
    } finally {
      project.cleanup()
      await db.drop()
    }
  },
  FAULT_TIMEOUT
)

/**
 * Shared by the fault cases: run the pipeline with a marker in the children's
 * environment, then check that the case left nothing behind — no scratch
 * database (`msc_%`) created while it ran, no process started for it (found by
 * the marker in /proc/<pid>/environ or a working directory inside the case's
 * project), no temporary folder.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import type { RawInputs } from '../../src/config.js'
import { expectNoScratchDatabaseLeft } from '../e2e/harness.js'
import { runPipeline, type PipelineRun } from '../pipeline/run.js'

/** Fault cases wait on Prisma (about 15 s a `migrate deploy`) on a busy machine. */
export const FAULT_TIMEOUT = 300_000

/** Environment variable set on every child a case starts, so its processes can be found. */
export const MARKER_ENV = 'MSC_FAULT_CASE'

export function newMarker(): string {
  return `fault_${randomBytes(6).toString('hex')}`
}

/** Processes (not zombies) carrying `marker` in their environment or running inside `dir`. */
export function processesOf(options: { marker?: string; dir?: string; cmdline?: string }): string[] {
  const found: string[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      if (/^\d+ \(.*\) [ZX]/.test(stat)) continue
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim()
      const environ = options.marker ? readFileSync(`/proc/${entry}/environ`, 'utf8') : ''
      let cwd = ''
      try {
        cwd = readlinkSync(`/proc/${entry}/cwd`)
      } catch {
        // Another user's process we may not inspect, or gone.
      }
      const hit =
        (options.marker && environ.split('\0').includes(`${MARKER_ENV}=${options.marker}`)) ||
        (options.dir && (cwd === options.dir || cwd.startsWith(options.dir + path.sep))) ||
        (options.cmdline && cmdline.includes(options.cmdline))
      if (hit) found.push(`${entry} ${cmdline}`)
    } catch {
      // The process ended while we looked.
    }
  }
  return found
}

/** Waits (a few seconds at most) until no process of the case is left, then asserts it. */
export async function expectNoProcessLeft(
  options: Parameters<typeof processesOf>[0],
  waitMs = 8000
): Promise<void> {
  const deadline = Date.now() + waitMs
  let left = processesOf(options)
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250))
    left = processesOf(options)
  }
  expect(left).toEqual([])
}

/**
 * Runs the pipeline in-process (as the CLI does) with a marker in the
 * children's environment; afterwards asserts that no child of the run and no
 * scratch database created while it ran is left.
 */
export async function runFault(
  inputs: RawInputs,
  options: { projectDir?: string; repoRoot?: string; env?: NodeJS.ProcessEnv } = {}
): Promise<PipelineRun & { elapsedMs: number }> {
  const marker = newMarker()
  const started = Date.now()
  const run = await runPipeline(inputs, {
    repoRoot: options.repoRoot,
    env: { ...options.env, [MARKER_ENV]: marker }
  })
  const elapsedMs = Date.now() - started
  await expectNoProcessLeft({ marker, dir: options.projectDir })
  await expectNoScratchDatabaseLeft(started, Date.now())
  return { ...run, elapsedMs }
}

/** The 1-based line of the first line containing `needle`. */
export function lineOf(text: string, needle: string): number {
  const index = text.indexOf(needle)
  if (index < 0) throw new Error(`text lacks ${needle}`)
  return text.slice(0, index).split('\n').length
}

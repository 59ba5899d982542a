import { execSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import os from 'node:os'
import { execCommand, Tail } from '../../src/util/exec.js'

const node = process.execPath
const base = { cwd: process.cwd(), env: process.env, timeoutMs: 30_000 }
// A grandchild that hangs, marked as this file's: other test files run hanging processes of their own meanwhile.
const HANGS = 'setInterval(() => {}, 1000) /* exec.int.test */'

/** Running, and not a zombie waiting for a parent that does not reap (PID 1 in some containers). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return false
  }
}

test('keeps exit code, stdout apart and the combined output', async () => {
  const r = await execCommand(
    [node, '-e', 'process.stdout.write("out"); process.stderr.write("err"); process.exit(3)'],
    { ...base, keepStdout: true }
  )
  expect(r.exitCode).toBe(3)
  expect(r.stdout).toBe('out')
  expect(r.output).toContain('out')
  expect(r.output).toContain('err')
  expect(r.timedOut).toBe(false)
})

test('arguments reach the child as they are, with no shell', async () => {
  const r = await execCommand(
    [node, '-e', 'console.log(JSON.stringify(process.argv.slice(1)))', '; rm -rf / && $(whoami) | `id`'],
    base
  )
  expect(JSON.parse(r.output)).toEqual(['; rm -rf / && $(whoami) | `id`'])
})

test('a child started with a niceness runs at that priority; without one, at ours', async () => {
  const priority = [node, '-e', 'process.stdout.write(String(require("node:os").getPriority()))']
  const ours = os.getPriority()
  const lowered = await execCommand(priority, { ...base, keepStdout: true, niceness: 10 })
  expect(Number(lowered.stdout)).toBe(Math.max(ours, 10))
  const normal = await execCommand(priority, { ...base, keepStdout: true })
  expect(Number(normal.stdout)).toBe(ours)
})

test('a command that does not exist is a result, not a throw', async () => {
  const r = await execCommand(['definitely-not-a-command-msc'], base)
  expect(r.spawnError).toMatch(/command not found/)
  expect(r.exitCode).toBeNull()
})

test('a timeout kills the whole process tree', async () => {
  // The child starts a grandchild that would outlive it, prints its pid, then hangs.
  const script = `
    const { spawn } = require('node:child_process')
    const g = spawn(process.execPath, ['-e', '${HANGS}'], { stdio: 'ignore' })
    console.log('grandchild ' + g.pid)
    setInterval(() => {}, 1000)`
  const r = await execCommand([node, '-e', script], { ...base, timeoutMs: 1500 })
  expect(r.timedOut).toBe(true)
  const pid = Number(/grandchild (\d+)/.exec(r.output)?.[1])
  expect(pid).toBeGreaterThan(0)
  await new Promise((res) => setTimeout(res, 500))
  expect(alive(pid)).toBe(false)
})

test('output is capped to its tail, memory stays bounded', async () => {
  // About 20 MB of output; only the last 64 KiB is kept.
  const r = await execCommand(
    [
      node,
      '-e',
      'const l = "x".repeat(1023) + "\\n"; for (let i = 0; i < 20000; i++) process.stdout.write(l); console.log("THE END")'
    ],
    base
  )
  expect(r.exitCode).toBe(0)
  expect(r.truncated).toBe(true)
  expect(r.output.length).toBeLessThanOrEqual(64 * 1024)
  expect(r.output.trimEnd().endsWith('THE END')).toBe(true)
})

test('Tail keeps exactly the end', () => {
  const t = new Tail(10)
  for (const s of ['abcdef', 'ghijkl', 'mnopqrstuvwxyz']) t.push(s)
  expect(t.toString()).toBe('qrstuvwxyz')
  expect(t.truncated).toBe(true)
})

afterAll(() => {
  // Nothing of ours may be left running.
  const left = execSync('ps -eo args')
    .toString()
    .split('\n')
    .filter((l) => l.includes(HANGS) && !l.includes('ps -eo'))
  expect(left).toEqual([])
})

describe('a command that reports it is done, then lingers', () => {
  // Prints the done line in two chunks (split mid-line), then stays alive on a timer, like Prisma 6's CLI after deploy.
  const lingering = (exitAfterMs: number): string[] => [
    node,
    '-e',
    `process.stdout.write('All migrations have been succ'); setTimeout(() => process.stdout.write('essfully applied.\\n'), 50); setTimeout(() => process.exit(0), ${exitAfterMs})`
  ]
  const doneWhen = { pattern: /All migrations have been successfully applied\./, graceMs: 300 }

  test('is ended after the grace period, its whole group, and the result says so', async () => {
    const r = await execCommand(lingering(20_000), { ...base, doneWhen })
    expect(r.endedWhenDone).toBe(true)
    expect(r.exitCode).toBeNull()
    expect(r.timedOut).toBe(false)
    expect(r.durationMs).toBeLessThan(10_000)
    expect(r.output).toContain('successfully applied.')
  })

  test('that exits within the grace period keeps its own exit code', async () => {
    const r = await execCommand(lingering(100), { ...base, doneWhen })
    expect(r.exitCode).toBe(0)
    expect(r.endedWhenDone).toBeUndefined()
  })

  test('is waited for as usual when it never prints the line', async () => {
    const r = await execCommand([node, '-e', 'setTimeout(() => process.exit(4), 800)'], { ...base, doneWhen })
    expect(r.exitCode).toBe(4)
    expect(r.endedWhenDone).toBeUndefined()
  })
})

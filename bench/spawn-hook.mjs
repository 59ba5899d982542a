// Preloaded into the action's process by bench/run.ts (`node --import <this> dist/cli.js …`).
// It records every child process the action starts (argv, start, last output,
// exit and close times on the action's own clock) and, at exit, the process's
// peak resident set size, into the JSON file named by BENCH_SPAWN_LOG.
// It changes nothing else: `spawn` is wrapped, not replaced, and the bundle
// reads `child_process.spawn` at call time (syncBuiltinESMExports covers
// `import { spawn } from 'node:child_process'` too).
import { readFileSync, writeFileSync } from 'node:fs'
import { createRequire, syncBuiltinESMExports } from 'node:module'
import { performance } from 'node:perf_hooks'

const out = process.env.BENCH_SPAWN_LOG
if (out) {
  const require = createRequire(import.meta.url)
  const childProcess = require('node:child_process')
  const original = childProcess.spawn
  const records = []
  childProcess.spawn = function spawn(command, args, options) {
    const child = original.call(this, command, args, options)
    const record = { argv: [command, ...(Array.isArray(args) ? args : [])], start: performance.now() }
    const seen = () => {
      record.lastOutput = performance.now()
    }
    child.stdout?.on('data', seen)
    child.stderr?.on('data', seen)
    child.once('exit', () => {
      record.exit = performance.now()
    })
    child.once('close', () => {
      record.close = performance.now()
    })
    records.push(record)
    return child
  }
  syncBuiltinESMExports()
  process.once('exit', () => {
    let vmHWMKb
    try {
      const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))
      vmHWMKb = match ? Number(match[1]) : undefined
    } catch {
      vmHWMKb = undefined
    }
    writeFileSync(
      out,
      JSON.stringify({
        exitAt: performance.now(),
        vmHWMKb,
        maxRssKb: process.resourceUsage().maxRSS,
        records
      })
    )
  })
}

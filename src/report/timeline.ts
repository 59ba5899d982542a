/**
 * When each stage ran, on the run's clock, and the chain of stages that set
 * the wall time (the critical path): shown by the CLI's `--verbose` and the
 * benchmark.
 */
import type { StageResult } from '../model/findings.js'

/** A stage that ran, with its place on the run's clock. */
export interface TimedStage {
  name: string
  status: string
  startMs: number
  endMs: number
}

/** The stages that ran and have times (a skipped stage did not run). */
export function timedStages(stages: readonly StageResult[]): TimedStage[] {
  return stages
    .filter((s) => s.status !== 'skipped' && s.startMs !== undefined && s.endMs !== undefined)
    .map((s) => ({ name: s.name, status: s.status, startMs: s.startMs!, endMs: s.endMs! }))
    .sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs)
}

/**
 * The critical path: from the stage that ended last, back through the stage
 * that ended last before each one started (within `slackMs`: a stage starts
 * a moment after what it waited for), in the order they ran. Stages shorter
 * than `slackMs` (a check of work done earlier) or started at about the same
 * time are not what a stage waited for.
 */
export function criticalPath<T extends TimedStage>(stages: readonly T[], slackMs = 50): T[] {
  const chain: T[] = []
  let current = [...stages].sort((a, b) => b.endMs - a.endMs)[0]
  while (current) {
    chain.unshift(current)
    const before = stages
      .filter(
        (s) =>
          !chain.includes(s) &&
          s.endMs <= current!.startMs + slackMs &&
          s.startMs + slackMs < current!.startMs &&
          s.endMs - s.startMs >= slackMs
      )
      .sort((a, b) => b.endMs - a.endMs)[0]
    current = before
  }
  return chain
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`

/**
 * One line per stage: start, end, duration and a bar on a common scale; the
 * critical path marked with `*`.
 */
export function renderTimeline(stages: readonly StageResult[], totalMs: number, width = 40): string {
  const timed = timedStages(stages)
  if (!timed.length) return 'Timeline: no stage ran.'
  const critical = new Set(criticalPath(timed))
  const scale = width / Math.max(totalMs, ...timed.map((s) => s.endMs), 1)
  const nameWidth = Math.max(...timed.map((s) => s.name.length))
  const lines = timed.map((s) => {
    const from = Math.floor(s.startMs * scale)
    const length = Math.max(1, Math.round((s.endMs - s.startMs) * scale))
    const bar = ' '.repeat(from) + '█'.repeat(Math.min(length, width - from + 1))
    const times = `${seconds(s.startMs).padStart(7)} → ${seconds(s.endMs).padStart(7)} ${seconds(s.endMs - s.startMs).padStart(7)}`
    return `${critical.has(s) ? '*' : ' '} ${s.name.padEnd(nameWidth)} ${times}  │${bar.padEnd(width)}│`
  })
  const path = [...critical].map((s) => s.name).join(' → ')
  return [
    `Timeline (seconds since the run started; * the critical path: ${path}; run ${seconds(totalMs)})`,
    ...lines
  ].join('\n')
}

import type { StageResult } from '../../src/model/findings.js'
import { criticalPath, renderTimeline, timedStages } from '../../src/report/timeline.js'

const stage = (
  name: StageResult['name'],
  startMs: number,
  endMs: number,
  status: StageResult['status'] = 'passed'
): StageResult => ({
  name,
  status,
  durationMs: endMs - startMs,
  startMs,
  endMs,
  summary: ''
})

// generate and deploy at once, the seed after both, the upgrade test beside them.
const run: StageResult[] = [
  stage('connect', 0, 300),
  stage('history', 0, 120),
  stage('upgrade', 320, 9000),
  stage('generate', 310, 4000),
  stage('migrate', 310, 6000),
  stage('seed', 6010, 11000),
  stage('expect', 6020, 6500),
  stage('inspect', 6500, 6700),
  stage('compare', 10990, 11030),
  stage('project', 0, 0, 'skipped')
]

test('the critical path runs back from the last stage through what each one waited for', () => {
  expect(criticalPath(timedStages(run)).map((s) => s.name)).toEqual(['connect', 'migrate', 'seed', 'compare'])
})

test('a longer generate moves the critical path to it', () => {
  const slow = run.map((s) =>
    s.name === 'generate' ? stage('generate', 310, 7000) : s.name === 'seed' ? stage('seed', 7010, 12000) : s
  )
  expect(criticalPath(timedStages(slow)).map((s) => s.name)).toEqual(['connect', 'generate', 'seed'])
})

test('the timeline lists the stages that ran, in start order, the critical ones marked', () => {
  const text = renderTimeline(run, 11100)
  const lines = text.split('\n')
  expect(lines[0]).toMatch(/critical path: connect → migrate → seed → compare; run 11\.1 s/)
  expect(lines.slice(1).map((l) => l.slice(2).split(' ')[0])).toEqual([
    'history',
    'connect',
    'generate',
    'migrate',
    'upgrade',
    'seed',
    'expect',
    'inspect',
    'compare'
  ])
  expect(lines.slice(1).find((l) => l.includes('migrate'))).toMatch(/^\* migrate +0\.3 s → +6\.0 s +5\.7 s/)
  expect(
    lines
      .slice(1)
      .find((l) => l.includes('generate'))
      ?.startsWith('  ')
  ).toBe(true)
})

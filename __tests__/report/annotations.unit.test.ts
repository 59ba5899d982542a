import { ANNOTATIONS_PER_LEVEL, planAnnotations } from '../../src/report/annotations.js'
import type { DriftItem } from '../../src/model/drift.js'
import { designDocResult, driftResult, manyColumnsDrift, passingResult } from './fixtures.js'

function warningItem(object: string, line: number): DriftItem {
  return {
    kind: 'table',
    change: 'unexpected',
    object,
    target: { schema: 'public', table: object },
    severity: 'warning',
    actual: '2 columns',
    location: { file: 'prisma/migrations/1_raw/migration.sql', line }
  }
}

describe('planAnnotations', () => {
  it('annotates nothing for a passing run', () => {
    expect(planAnnotations(passingResult())).toEqual([])
  })

  it('keeps 40 drift errors to 10 annotations, the last naming the remaining 30', () => {
    const annotations = planAnnotations(driftResult(manyColumnsDrift(40)), { reservedErrors: 0 })
    const errors = annotations.filter((annotation) => annotation.level === 'error')
    expect(errors).toHaveLength(ANNOTATIONS_PER_LEVEL)
    expect(errors[0]).toMatchObject({ file: 'prisma/schema.prisma', startLine: 100 })
    const last = errors[errors.length - 1]
    expect(last?.title).toContain('(+30 more)')
    expect(last?.message).toContain('30 more errors are not annotated')
    expect(last?.message).toContain('job summary and the pull-request comment list every finding')
    expect(
      annotations.slice(0, -1).every((annotation) => !annotation.message.includes('not annotated'))
    ).toBe(true)
  })

  it('leaves one error slot to the closing setFailed line of a failed run', () => {
    const annotations = planAnnotations(driftResult(manyColumnsDrift(40)))
    expect(annotations).toHaveLength(ANNOTATIONS_PER_LEVEL - 1)
    expect(annotations[annotations.length - 1]?.title).toContain('(+31 more)')
    expect(annotations[annotations.length - 1]?.message).toContain('31 more errors are not annotated')
  })

  it('says nothing about the limit when everything fits', () => {
    const annotations = planAnnotations(driftResult(manyColumnsDrift(9)))
    expect(annotations).toHaveLength(9)
    expect(annotations.some((annotation) => annotation.message.includes('not annotated'))).toBe(false)
  })

  it('groups findings on the same line into one annotation', () => {
    const [a, b] = manyColumnsDrift(2)
    if (!a || !b) throw new Error('fixture')
    const sameLine = { ...b, location: { file: 'prisma/schema.prisma', line: 100 } }
    const annotations = planAnnotations(driftResult([a, sameLine]))
    expect(annotations).toHaveLength(1)
    expect(annotations[0]?.title).toBe('Drift: missing column wide.column_0000 (+1 more on this line)')
    expect(annotations[0]?.message).toContain('wide.column_0000')
    expect(annotations[0]?.message).toContain('wide.column_0001')
  })

  it('gives a mixed group the level of its most severe finding', () => {
    const [error] = manyColumnsDrift(1)
    if (!error) throw new Error('fixture')
    const warning = { ...warningItem('raw_table', 1), location: error.location }
    const annotations = planAnnotations(driftResult([warning, error]))
    expect(annotations).toHaveLength(1)
    expect(annotations[0]?.level).toBe('error')
    expect(annotations[0]?.title).toMatch(/^Drift: missing column/)
  })

  it('caps each level on its own and orders errors before warnings', () => {
    const warnings = Array.from({ length: 12 }, (_, i) => warningItem(`raw_${i}`, i + 1))
    const annotations = planAnnotations(driftResult([...warnings, ...manyColumnsDrift(3)]))
    expect(annotations.map((annotation) => annotation.level)).toEqual([
      ...Array(3).fill('error'),
      ...Array(10).fill('warning')
    ])
    expect(annotations[annotations.length - 1]?.message).toContain('2 more warnings are not annotated')
  })

  it('does not annotate info items', () => {
    const info: DriftItem = {
      kind: 'function',
      change: 'unexpected',
      object: 'set_updated_at',
      target: { schema: 'public' },
      severity: 'info',
      location: { file: 'prisma/migrations/1_raw/migration.sql', line: 4 }
    }
    expect(planAnnotations(driftResult([info]))).toEqual([])
  })

  it('puts the seed failure first, on its line, with the drift that explains it', () => {
    const annotations = planAnnotations(designDocResult())
    // Nine: the action's closing setFailed line is the tenth error annotation.
    expect(annotations.filter((annotation) => annotation.level === 'error')).toHaveLength(9)
    expect(annotations[0]).toMatchObject({
      level: 'error',
      title: 'Seed failed',
      file: 'prisma/seed.ts',
      startLine: 18
    })
    expect(annotations[0]?.message).toContain(
      'Caused by drift:\n- users.profile_picture: missing column (prisma/schema.prisma:56)'
    )
    expect(annotations[1]).toMatchObject({ title: 'Drift: missing enum Theme', startLine: 27 })
    expect(annotations[1]?.message).toContain(`Fix: CREATE TYPE "Theme" AS ENUM ('LIGHT', 'DARK', 'SYSTEM');`)
    expect(annotations[8]?.message).toContain('27 more errors are not annotated')
  })
})

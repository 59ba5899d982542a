/** The check run's plan: every located finding, 50 a batch, the report as its summary within GitHub's limit. */
import { ANNOTATIONS_PER_REQUEST, CHECK_SUMMARY_LIMIT, planCheckRun } from '../../src/report/check-run.js'
import { designDocResult, driftResult, manyColumnsDrift, passingResult } from './fixtures.js'

const same = (text: string): string => text

describe('planCheckRun', () => {
  it('puts 1,234 findings on their lines in batches of 50', () => {
    const plan = planCheckRun(driftResult(manyColumnsDrift(1234)), { clean: same })
    expect(plan.batches.map((batch) => batch.length)).toEqual([...Array(24).fill(50), 34])
    const all = plan.batches.flat()
    expect(all).toHaveLength(1234)
    expect(new Set(all.map((a) => a.start_line)).size).toBe(1234)
    expect(all[0]).toMatchObject({
      path: 'prisma/schema.prisma',
      start_line: 100,
      end_line: 100,
      annotation_level: 'failure',
      title: 'Drift: missing column wide.column_0000'
    })
    expect(plan.conclusion).toBe('failure')
    expect(plan.title).toBe('Failed: 1,234 drift errors (1,234 annotations)')
  })

  it('keeps the summary within 65,535 characters however long the report', () => {
    const plan = planCheckRun(driftResult(manyColumnsDrift(3000)), { clean: same })
    expect(plan.summary.length).toBeLessThanOrEqual(CHECK_SUMMARY_LIMIT)
    expect(plan.summary).toMatch(/^### ❌ migrate-seed-check failed/)
  })

  it('passes with no annotation on a passing result', () => {
    const plan = planCheckRun(passingResult(), { clean: same })
    expect(plan).toMatchObject({
      conclusion: 'success',
      title: 'Passed',
      batches: [],
      name: 'migrate-seed-check'
    })
  })

  it('redacts every text it sends', () => {
    const result = designDocResult()
    const secret = result.drift[0]!.object
    const plan = planCheckRun(result, { clean: (text) => text.split(secret).join('***') })
    const sent = JSON.stringify(plan)
    expect(sent).not.toContain(secret)
    expect(plan.batches.flat().length).toBeLessThanOrEqual(ANNOTATIONS_PER_REQUEST)
  })
})

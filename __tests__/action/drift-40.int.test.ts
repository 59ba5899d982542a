/**
 * A drift of 40 items on the built action (a table whose 40 columns no
 * migration creates): GitHub keeps 10 error annotations a step, so the action
 * emits fewer, the last naming the remainder, and the summary lists all 40.
 */
import type { TestDatabase } from '../helpers/pg.js'
import type { FixtureProject } from '../helpers/project.js'
import type { GitHubStandIn } from '../helpers/github-stand-in.js'
import {
  leaksOf,
  passwordOf,
  SAMPLE_MIGRATIONS,
  wideDriftFiles,
  runOnProject,
  type ActionRun,
  type ProjectRun
} from './harness.js'

const COLUMNS = 40

let standIn: GitHubStandIn
let project: FixtureProject
let db: TestDatabase
let run: ActionRun
let fixture: ProjectRun | undefined

beforeAll(async () => {
  fixture = await runOnProject('act_drift40', {
    dropMigrations: SAMPLE_MIGRATIONS,
    files: wideDriftFiles({ tables: 1, columns: COLUMNS })
  })
  ;({ standIn, project, db, run } = fixture)
})

afterAll(() => fixture?.cleanup())

describe('a drift of 40 items on the built action', () => {
  it('counts 40 drift items', () => {
    expect(run.exitCode).toBe(1)
    expect(run.outputs).toMatchObject({ status: 'failed', drift: 'true', 'drift-count': String(COLUMNS) })
  })

  it('emits at most 10 error annotations, the last drift one naming the remainder', () => {
    expect(run.errors.length).toBeLessThanOrEqual(10)
    const drift = run.errors.filter((error) => error.properties.title?.startsWith('Drift: missing column'))
    expect(drift.length).toBeGreaterThan(0)
    for (const error of drift) expect(error.properties.file).toBe(`${project.relDir}/prisma/schema.prisma`)
    const remaining = COLUMNS - drift.length
    const last = drift[drift.length - 1]
    expect(last?.properties.title).toMatch(new RegExp(`\\(\\+${remaining} more\\)$`))
    expect(last?.message).toContain(`${remaining} more errors are not annotated`)
    expect(drift.slice(0, -1).every((error) => !error.message.includes('not annotated'))).toBe(true)
  })

  it('lists all 40 in the job summary', () => {
    const rows = run.summary.split('\n').filter((line) => line.startsWith('| ❌ |'))
    expect(rows).toHaveLength(COLUMNS)
    for (let i = 1; i <= COLUMNS; i++) {
      const column = `wide_01.column_${String(i).padStart(2, '0')}`
      expect(rows.filter((row) => row.includes(`\`${column}\``))).toHaveLength(1)
    }
    expect(run.summary).not.toContain('more item')
  })

  it('lists all 40 in the comment', () => {
    const body = standIn.comments[0]?.body ?? ''
    expect(body.split('\n').filter((line) => line.startsWith('| ❌ |'))).toHaveLength(COLUMNS)
  })

  it('never shows the database password', () => {
    expect(leaksOf(run, passwordOf(db.url))).toEqual([])
  })
})

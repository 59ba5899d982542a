/**
 * A report too long for a comment on the built action: 1,500 missing columns
 * with long names. The comment is cut below GitHub's 65,536 characters and
 * says where the full report is; the job summary keeps every item.
 */
import { readFileSync } from 'node:fs'
import type { TestDatabase } from '../helpers/pg.js'
import type { FixtureProject } from '../helpers/project.js'
import type { GitHubStandIn } from '../helpers/github-stand-in.js'
import {
  leaksOf,
  markdownInjections,
  passwordOf,
  SAMPLE_MIGRATIONS,
  wideDriftFiles,
  runOnProject,
  type ActionRun,
  type ProjectRun
} from './harness.js'

const TABLES = 12
const COLUMNS = 125
const ITEMS = TABLES * COLUMNS
const RUN_URL = 'https://github.com/acme/shop/actions/runs/4242'

let standIn: GitHubStandIn
let project: FixtureProject
let db: TestDatabase
let run: ActionRun
let fixture: ProjectRun | undefined

beforeAll(async () => {
  fixture = await runOnProject('act_limit', {
    dropMigrations: SAMPLE_MIGRATIONS,
    files: wideDriftFiles({
      tables: TABLES,
      columns: COLUMNS,
      columnName: (_table, column) => `a_deliberately_long_column_name_to_fill_the_report_${column}`
    })
  })
  ;({ standIn, project, db, run } = fixture)
})

afterAll(() => fixture?.cleanup())

describe('a report longer than a comment on the built action', () => {
  it('finds every item', () => {
    expect(run.exitCode).toBe(1)
    expect(run.outputs).toMatchObject({ status: 'failed', 'drift-count': String(ITEMS) })
  })

  it('posts one comment, cut below 65,536 characters, that says where the full report is', () => {
    expect(standIn.comments).toHaveLength(1)
    const body = standIn.comments[0]?.body ?? ''
    expect(body.length).toBeLessThan(65_536)
    expect(body.startsWith(`<!-- migrate-seed-check:${project.relDir} -->`)).toBe(true)
    expect(body).toMatch(/^### ❌ migrate-seed-check failed/m)
    expect(body).toContain(
      `shortened to fit GitHub's size limit. The complete report is in [the job summary](${RUN_URL})`
    )
    const rows = body.split('\n').filter((line) => line.startsWith('| ❌ |')).length
    expect(rows).toBeLessThan(ITEMS)
    expect(body).toContain(
      `_… and ${(ITEMS - rows).toLocaleString('en-US')} more items — see [the job summary](${RUN_URL})._`
    )
    expect(markdownInjections(body)).toEqual([])
    expect(run.warnings.filter((warning) => /comment/i.test(warning.message))).toEqual([])
  })

  it('keeps every item in the job summary, under 1 MiB', () => {
    expect(Buffer.byteLength(run.summary)).toBeLessThan(1024 * 1024)
    expect(run.summary.split('\n').filter((line) => line.startsWith('| ❌ |'))).toHaveLength(ITEMS)
  })

  it('never shows the database password', () => {
    const password = passwordOf(db.url)
    expect(leaksOf(run, password)).toEqual([])
    expect(standIn.comments[0]?.body).not.toContain(password)
    expect(readFileSync(run.outputs['report-json'] ?? '', 'utf8')).not.toContain(password)
  })
})

/**
 * A migration with a broken statement, in a folder whose name holds a
 * backtick, `<script>` and `|`, on the built action: the error annotation
 * points at the failing line of that migration.sql, and the name renders
 * inert in the summary and the comment.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { TestDatabase } from '../helpers/pg.js'
import type { FixtureProject } from '../helpers/project.js'
import type { GitHubStandIn } from '../helpers/github-stand-in.js'
import {
  leaksOf,
  markdownInjections,
  passwordOf,
  runOnProject,
  type ActionRun,
  type ProjectRun
} from './harness.js'

const NAME = '20250701000000_a`b<script>x|y<img src=x onerror=alert(1)>'
const SQL = `-- Adds tags and nicknames.
CREATE TABLE "tags" (
    "id" SERIAL NOT NULL,
    "label" TEXT NOT NULL,

    CONSTRAINT "tags_pkey" PRIMARY KEY ("id")
);

ALTER TABLE "users" ADD COLUMN "nickname" TEXT;

CREATE TABLE "user_tags" (
    "user_id" TEXT NOT NULL,
    "tag_id" INTEGER NOT NULL,
    "weight" NOSUCHTYPE NOT NULL
);
`
const FAILING_LINE = SQL.split('\n').findIndex((line) => line.includes('NOSUCHTYPE')) + 1

let standIn: GitHubStandIn
let project: FixtureProject
let db: TestDatabase
let run: ActionRun
let fixture: ProjectRun | undefined

beforeAll(async () => {
  fixture = await runOnProject('act_broken', { files: { [`prisma/migrations/${NAME}/migration.sql`]: SQL } })
  ;({ standIn, project, db, run } = fixture)
})

afterAll(() => fixture?.cleanup())

describe('a broken migration on the built action', () => {
  it('is the file the fixture wrote', () => {
    // The file system took the name as it is: the test is about that name.
    expect(readFileSync(path.join(project.dir, 'prisma', 'migrations', NAME, 'migration.sql'), 'utf8')).toBe(
      SQL
    )
  })

  it('fails the migrate stage', () => {
    expect(run.exitCode).toBe(1)
    expect(run.outputs).toMatchObject({ status: 'failed', drift: 'false', 'drift-count': '0', 'fix-sql': '' })
    expect(run.summary).toMatch(/^\| Migrate \| ❌ failed \|/m)
    expect(run.summary).toMatch(/^\| Seed \| ⏭️ skipped \|/m)
  })

  it('puts an error annotation on the failing line of that migration.sql', () => {
    const file = `${project.relDir}/prisma/migrations/${NAME}/migration.sql`
    const onFile = run.errors.filter((error) => error.properties.file === file)
    expect(onFile).toHaveLength(1)
    expect(onFile[0]?.properties.line).toBe(String(FAILING_LINE))
    expect(onFile[0]?.message).toContain('nosuchtype')
  })

  it('renders the migration name inert in the comment and the summary', () => {
    expect(standIn.comments).toHaveLength(1)
    const body = standIn.comments[0]?.body ?? ''
    // The name is in the comment (else this proves nothing), never as markup.
    expect(body).toMatch(/20250701000000\\?_a/)
    expect(markdownInjections(body)).toEqual([])
    expect(markdownInjections(run.summary)).toEqual([])
  })

  it('never shows the database password', () => {
    const password = passwordOf(db.url)
    expect(leaksOf(run, password)).toEqual([])
    expect(standIn.comments[0]?.body).not.toContain(password)
    expect(readFileSync(run.outputs['report-json'] ?? '', 'utf8')).not.toContain(password)
  })
})

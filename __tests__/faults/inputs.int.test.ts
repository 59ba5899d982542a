// Bad inputs, through the built action (`node dist/index.js` with INPUT_*
// variables, as GitHub runs it). Each case: the input and its bad value → one
// `::error::Input '<name>': …` line that says what to do → exit code 1, and
// nothing created (no report folder, no API call, no summary). More values are
// covered without the bundle by __tests__/config/config.unit.test.ts and the
// CLI's exit status 2 by __tests__/cli/cli.int.test.ts.
import { existsSync } from 'node:fs'
import path from 'node:path'
import { startGitHubStandIn, type GitHubStandIn } from '../helpers/github-stand-in.js'
import { makeProject, type FixtureProject } from '../helpers/project.js'
import { ensureDist, runAction } from '../action/harness.js'
import { expectNoProcessLeft } from './debris.js'

const standIns: GitHubStandIn[] = []
let project: FixtureProject
const PASSWORD = 'inputPw-9f8e7d6c'
const URL_OK = `postgresql://checker:${PASSWORD}@127.0.0.1:9/app`

beforeAll(async () => {
  await ensureDist()
  project = makeProject()
}, 300_000)

afterAll(async () => {
  for (const api of standIns) await api.close()
  project?.cleanup()
})

/** [input, bad value, what the message must say]; every other input is valid. */
const CASES: Array<[string, string, RegExp]> = [
  ['database-url', '', /no database URL\. Set `database-url`/],
  [
    'database-url',
    `mysql://checker:${PASSWORD}@db/app`,
    /the scheme is 'mysql', but this action checks PostgreSQL/
  ],
  ['database-url', 'postgresql:///app', /the URL has no host/],
  ['database-url', `postgresql://checker:${PASSWORD}@`, /not a valid URL/],
  ['database-url', `not a url ${PASSWORD}`, /not a valid URL/],
  ['database-url-env', 'DATABASE URL!', /'URL!' is not an environment variable name/],
  ['working-directory', '../outside', /'\.\.\/outside' is outside the repository/],
  ['working-directory', 'no/such/folder', /'no\/such\/folder' does not exist/],
  ['schema', '/etc/passwd', /'\/etc\/passwd' is outside the repository/],
  ['report-dir', '/tmp/msc-report', /'\/tmp\/msc-report' is outside the repository/],
  [
    'seed-command',
    'tsx prisma/seed.ts && rm -rf /',
    /'&&' would need a shell, and the seed command runs without one/
  ],
  ['seed-command', 'node seed.js; touch /tmp/msc-pwned', /';' would need a shell/],
  ['seed-command', 'node $(touch /tmp/msc-pwned)', /'\$\(' would need a shell|'\(' would need a shell/],
  ['seed-command', 'node "seed.js', /unterminated " quote/],
  ['generate', 'maybe', /'maybe' is not a boolean\. Use true or false/],
  ['comment', 'yes please', /'yes please' is not a boolean/],
  ['allow-non-empty-database', '2', /'2' is not a boolean/],
  ['fail-on', 'drfit', /unknown value 'drfit'/],
  ['step-timeout', 'ten minutes', /'ten minutes' is not a duration/],
  ['connect-timeout', '0s', /'0s' must be longer than zero/],
  ['step-timeout', '7h', /longer than GitHub's 6-hour job limit/],
  ['pr-number', 'seven', /'seven' is not a pull-request number/],
  ['base-ref', '--upload-pack=touch /tmp/msc-pwned', /is not a git revision/],
  ['upgrade-test', 'perhaps', /'perhaps' is not a boolean/]
]

test.concurrent.each(CASES)(
  "input '%s' = %j → ::error::Input '<name>': … → exit 1, nothing created",
  async (name, value, message) => {
    const reportDir = path.join(project.dir, 'migrate-seed-check-report')
    const api = await startGitHubStandIn()
    standIns.push(api)
    const inputs: Record<string, string> = {
      'database-url': URL_OK,
      'working-directory': project.relDir,
      'connect-timeout': '1s',
      [name]: value
    }
    const run = await runAction({ inputs, apiUrl: api.url, timeoutMs: 60_000 })
    expect(run.exitCode).toBe(1)
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]?.message.startsWith(`Input '${name}': `)).toBe(true)
    expect(run.errors[0]?.message).toMatch(message)
    expect(run.outputs.status).toBe('failed')
    // Nothing ran: no report folder, no summary, no API request, no shell side effect.
    expect(existsSync(reportDir)).toBe(false)
    expect(run.summary).toBe('')
    expect(api.requests).toEqual([])
    for (const file of ['/tmp/msc-pwned', '/tmp/msc-report']) expect(existsSync(file)).toBe(false)
    // A bad URL's message never repeats the URL (the password is not masked yet).
    expect(run.stdout + run.stderr).not.toContain(PASSWORD)
  },
  120_000
)

afterAll(async () => {
  // The action's own process group is gone, and it started nothing in the project.
  await expectNoProcessLeft({ dir: project.dir })
})

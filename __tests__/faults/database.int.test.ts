// Faults of the database. Each case: the fault → the expected report → the
// expected status. The server stopping in the middle of a run is in
// server-lost.int.test.ts (it needs a server of its own).
import { readFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { adminQuery, createTestDatabase, databasesLike, serverUrl } from '../helpers/pg.js'
import { makeProject } from '../helpers/project.js'
import { startGitHubStandIn } from '../helpers/github-stand-in.js'
import { startSilentListener, type SilentListener } from '../helpers/silent-listener.js'
import { ensureDist, leaksOf, runAction } from '../action/harness.js'
import { FAULT_TIMEOUT, runFault } from './debris.js'

/** The product's own bound on the wait, plus a margin for a busy machine (not a speed target). */
const CONNECT_TIMEOUT_S = 3
const CONNECT_MARGIN_MS = 10_000

test.concurrent.each([
  // `..` makes the name invalid before any DNS query leaves the machine.
  [
    'a host name that does not resolve',
    async () => ({ host: 'db..invalid:5432', close: async () => {} }),
    /ENOTFOUND|EAI_AGAIN/
  ],
  ['a port nobody listens on', async () => ({ host: '127.0.0.1:9', close: async () => {} }), /ECONNREFUSED/],
  [
    'a server that accepts and never answers',
    async () => {
      const listener = await startSilentListener()
      return { host: `127.0.0.1:${listener.port}`, close: listener.close, listener }
    },
    /timeout/i
  ]
])(
  'unreachable database (%s) → "Database unreachable" naming host and cause, later stages skipped, the wait ended by connect-timeout → failed (exit 1)',
  async (_what, target, cause) => {
    const project = makeProject()
    const { host, close, listener } = (await target()) as Awaited<ReturnType<typeof target>> & {
      listener?: SilentListener
    }
    try {
      const url = `postgresql://app:unreachablePw77@${host}/app`
      const { result, log } = await runFault(
        {
          'database-url': url,
          'working-directory': project.relDir,
          'connect-timeout': `${CONNECT_TIMEOUT_S}s`
        },
        { projectDir: project.dir }
      )
      expect(result.status).toBe('failed')
      const connect = result.stages.find((s) => s.name === 'connect')
      // The wait ends at connect-timeout, not at the operating system's TCP timeout (minutes).
      expect(connect?.durationMs).toBeLessThan(CONNECT_TIMEOUT_S * 1000 + CONNECT_MARGIN_MS)
      const problem = result.problems.find((p) => p.stage === 'connect')
      expect(problem?.title).toBe('Database unreachable')
      expect(problem?.message).toContain(
        `Could not connect to the database at ${host}/app within ${CONNECT_TIMEOUT_S}s`
      )
      expect(problem?.message).toMatch(cause)
      if (listener) expect(listener.accepted()).toBeGreaterThan(0)
      expect(result.stages.filter((s) => s.status !== 'skipped').map((s) => s.name)).toEqual(['connect'])
      const everything = [log, JSON.stringify(result), readFileSync(result.reportJsonPath, 'utf8')].join('\n')
      expect(everything).not.toContain('unreachablePw77')
    } finally {
      await close()
      project.cleanup()
    }
  },
  FAULT_TIMEOUT
)

test.concurrent(
  "an unreachable database beside a prisma.config.ts that is slow to load: the connect stage ends with the connection's wait, not the config loader's",
  async () => {
    const project = makeProject()
    // The datasource's variables are read by loading the config in a child process beside the connection.
    const config = readFileSync(`${project.dir}/prisma.config.ts`, 'utf8')
    const slowMs = CONNECT_TIMEOUT_S * 1000 + CONNECT_MARGIN_MS + 2000
    project.write(
      'prisma.config.ts',
      `Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ${slowMs})\n${config}`
    )
    try {
      const { result } = await runFault(
        {
          'database-url': 'postgresql://app:unreachablePw77@127.0.0.1:9/app',
          'working-directory': project.relDir,
          'connect-timeout': `${CONNECT_TIMEOUT_S}s`
        },
        { projectDir: project.dir }
      )
      expect(result.status).toBe('failed')
      expect(result.problems.find((p) => p.stage === 'connect')?.title).toBe('Database unreachable')
      expect(result.stages.find((s) => s.name === 'connect')?.durationMs).toBeLessThan(
        CONNECT_TIMEOUT_S * 1000 + CONNECT_MARGIN_MS
      )
      // The loader was waited for all the same: the run lasted at least as long as it did.
      expect(result.durationMs).toBeGreaterThanOrEqual(slowMs)
    } finally {
      project.cleanup()
    }
  },
  FAULT_TIMEOUT
)

test.concurrent(
  'a wrong password → fails at once (no retries) with "password authentication failed", the password nowhere (log, summary, comment, outputs, report.json, no fix file) → exit 1',
  async () => {
    await ensureDist()
    const api = await startGitHubStandIn()
    const db = await createTestDatabase('f_wrongpw')
    const project = makeProject()
    try {
      const url = new URL(db.url)
      const password = `Wr0ng%Pw-${randomBytes(4).toString('hex')}`
      url.password = encodeURIComponent(password)
      const run = await runAction({
        inputs: {
          'database-url': url.toString(),
          'working-directory': project.relDir,
          'connect-timeout': '60s'
        },
        apiUrl: api.url
      })
      expect(run.exitCode).toBe(1)
      // Wrong credentials do not fix themselves: one attempt, no waiting out the 60 s.
      expect(run.stdout).not.toContain('Database not ready')
      expect(run.outputs.status).toBe('failed')
      expect(run.errors.map((e) => e.message).join('\n')).toMatch(
        /password authentication failed for user "postgres"/
      )
      expect(api.comments).toHaveLength(1)
      const json = readFileSync(run.outputs['report-json']!, 'utf8')
      expect(run.outputs['fix-sql']).toBe('')
      for (const form of [password, encodeURIComponent(password), url.toString()]) {
        expect(leaksOf(run, form)).toEqual([])
        expect(api.comments[0]?.body).not.toContain(form)
        expect(json).not.toContain(form)
      }
    } finally {
      await api.close()
      project.cleanup()
      await db.drop()
    }
  },
  FAULT_TIMEOUT
)

test.concurrent(
  'a role without CREATEDB (owner of its database) → migrate runs, the drift check is skipped with the reason and `ALTER ROLE … CREATEDB` as a warning → passed (exit 0)',
  async () => {
    const role = `f_nocreatedb_${randomBytes(4).toString('hex')}`
    const database = `${role}_db`
    const password = `pw${randomBytes(6).toString('hex')}`
    await adminQuery(`CREATE ROLE "${role}" LOGIN NOCREATEDB PASSWORD '${password}'`)
    await adminQuery(`CREATE DATABASE "${database}" OWNER "${role}"`)
    const project = makeProject()
    try {
      const url = new URL(serverUrl())
      url.username = role
      url.password = password
      url.pathname = `/${database}`
      const { result } = await runFault(
        {
          'database-url': url.toString(),
          'working-directory': project.relDir,
          generate: 'false',
          'seed-command': 'none'
        },
        { projectDir: project.dir }
      )
      const stages = Object.fromEntries(result.stages.map((s) => [s.name, s.status]))
      expect(stages).toMatchObject({
        connect: 'passed',
        migrate: 'passed',
        expect: 'skipped',
        inspect: 'skipped',
        compare: 'skipped'
      })
      expect(result.stages.find((s) => s.name === 'expect')?.summary).toBe('cannot create a scratch database')
      const problem = result.problems.find((p) => p.stage === 'expect')
      expect(problem).toMatchObject({
        severity: 'warning',
        title: 'Drift check skipped',
        code: 'no-createdb'
      })
      expect(problem?.message).toMatch(/may not create databases/)
      expect(problem?.message).toContain(`ALTER ROLE "${role}" CREATEDB`)
      expect(result.status).toBe('passed')
      // The migrations really ran as that role.
      const users = await adminQuery("SELECT 1 FROM pg_class WHERE relname = 'users'", [], database)
      expect(users).toHaveLength(1)
    } finally {
      project.cleanup()
      await adminQuery(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`)
      await adminQuery(`DROP ROLE IF EXISTS "${role}"`)
    }
  },
  FAULT_TIMEOUT
)

test.concurrent(
  'two runs at the same time against two databases of one server → each its own correct result (one passes, one finds the 35 drift items), distinct scratch databases, all dropped',
  async () => {
    const [dbA, dbB] = await Promise.all([createTestDatabase('f_twin_a'), createTestDatabase('f_twin_b')])
    const inSync = makeProject()
    const drifted = makeProject({ dropMigrations: ['20250612143000_add_auth_and_user_features'] })
    // Watch the server's scratch databases while both runs go on.
    const seen = new Set<string>()
    let watching = true
    const watcher = (async () => {
      while (watching) {
        for (const name of await databasesLike('msc_expect_')) seen.add(name)
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    })()
    const started = Date.now()
    try {
      const inputs = { generate: 'false', 'seed-command': 'none' }
      const [a, b] = await Promise.all([
        runFault(
          { 'database-url': dbA.url, 'working-directory': inSync.relDir, ...inputs },
          { projectDir: inSync.dir }
        ),
        runFault(
          { 'database-url': dbB.url, 'working-directory': drifted.relDir, ...inputs },
          { projectDir: drifted.dir }
        )
      ])
      expect(a.result.status).toBe('passed')
      expect(a.result.drift.filter((i) => i.severity !== 'info')).toEqual([])
      expect(b.result.status).toBe('failed')
      expect(b.result.drift.filter((i) => i.severity === 'error')).toHaveLength(35)
      // Two scratch databases of these runs (the names carry their creation time), never the same.
      const ours = [...seen].filter((name) => {
        const at = parseInt(/^msc_expect_([0-9a-z]+)_/.exec(name)?.[1] ?? '', 36)
        return at >= started - 1000
      })
      expect(ours.length).toBeGreaterThanOrEqual(2)
    } finally {
      watching = false
      await watcher
      inSync.cleanup()
      drifted.cleanup()
      await Promise.all([dbA.drop(), dbB.drop()])
    }
  },
  FAULT_TIMEOUT
)

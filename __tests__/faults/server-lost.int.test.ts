// The database server stops in the middle of a run, between migrate and the
// drift check: the seed command of this case stops it (a fast shutdown, as
// `pg_ctl stop -m fast` does, by signalling the postmaster named in
// postmaster.pid). Expected: "Lost the connection to the database", a failed
// run whatever fail-on says (exit 1), within a bounded time, and the embedded
// server's stop() returns although the server is already gone.
import { existsSync } from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import { startEmbeddedPostgres } from '../../src/db/embedded.js'
import { makeProject } from '../helpers/project.js'
import { expectNoProcessLeft, FAULT_TIMEOUT, runFault } from './debris.js'

const STOP_SERVER = `
const fs = require('node:fs')
const pid = Number(fs.readFileSync(process.argv[2] + '/postmaster.pid', 'utf8').split('\\n')[0])
process.kill(pid, 'SIGINT')
const until = Date.now() + 30000
const wait = () => {
  try {
    process.kill(pid, 0)
  } catch {
    console.log('server ' + pid + ' stopped')
    return
  }
  if (Date.now() > until) process.exit(2)
  setTimeout(wait, 100)
}
wait()
`

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query<T>(sql)).rows
  } finally {
    await client.end()
  }
}

test(
  'the server stops between migrate and the drift check → "Lost the connection to the database", no hang → failed (exit 1) even with fail-on: migrate',
  async () => {
    const server = await startEmbeddedPostgres()
    const project = makeProject({ files: { 'stop-server.cjs': STOP_SERVER } })
    let dataDir = ''
    try {
      dataDir = (await query<{ data_directory: string }>(server.url, 'SHOW data_directory'))[0]!
        .data_directory
      await query(server.url, 'CREATE DATABASE app')
      const url = new URL(server.url)
      url.pathname = '/app'
      const { result, elapsedMs } = await runFault(
        {
          'database-url': url.toString(),
          'working-directory': project.relDir,
          generate: 'false',
          'fail-on': 'migrate',
          'seed-command': `${process.execPath} stop-server.cjs ${dataDir}`
        },
        { projectDir: project.dir }
      )
      expect(result.stages.find((s) => s.name === 'migrate')?.status).toBe('passed')
      expect(result.stages.find((s) => s.name === 'seed')?.output).toMatch(/server \d+ stopped/)
      const problem = result.problems.find((p) => p.severity === 'error')
      expect(problem).toMatchObject({
        stage: 'connect',
        title: 'Lost the connection to the database',
        code: 'connection-lost'
      })
      // The drift check runs beside the seed: it either met the stopped server
      // itself, or finished first and the check after the seed found it gone.
      expect(problem?.message).toMatch(
        /connection to the database was lost (during the drift check|before the check ended): .+/
      )
      const expectStage = result.stages.find((s) => s.name === 'expect')
      if (/during the drift check/.test(problem?.message ?? '')) {
        // The drift stage that was running fails (expect or inspect); the ones after it are skipped.
        const drift = result.stages.filter((s) => ['expect', 'inspect', 'compare'].includes(s.name))
        const lost = drift.findIndex((s) => s.summary === 'lost the database connection')
        expect(drift[lost]?.status).toBe('failed')
        expect(drift.slice(0, lost).every((s) => s.status === 'passed')).toBe(true)
        expect(drift.slice(lost + 1).every((s) => s.status === 'skipped')).toBe(true)
        expect(result.stages.find((s) => s.name === 'compare')?.status).toBe('skipped')
      } else {
        expect(expectStage?.status).toBe('passed')
      }
      // Not a pass, although fail-on names only migrate.
      expect(result.status).toBe('failed')
      expect(result.drift).toEqual([])
      expect(elapsedMs).toBeLessThan(120_000)
    } finally {
      project.cleanup()
      // Returns although the server is gone (it used to wait forever for its exit).
      const stopping = Date.now()
      await server.stop()
      expect(Date.now() - stopping).toBeLessThan(20_000)
    }
    expect(dataDir).not.toBe('')
    expect(existsSync(path.dirname(dataDir))).toBe(false)
    await expectNoProcessLeft({ cmdline: dataDir })
  },
  FAULT_TIMEOUT
)

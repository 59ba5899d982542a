// Before any test file runs: make sure dist/ is the bundle of the current
// source (tests run the built action and CLI as users do); start the one
// PostgreSQL server of the run — TEST_DATABASE_URL when given (CI may point
// at a Debian postgresql), otherwise an embedded one started with the same
// code the CLI uses (loaded through tsx: jest does not transform global
// setup files); and meanwhile install the Prisma version fixtures from their
// lockfiles if they are missing or stale, so that a fresh clone's `npm test`
// runs the version matrix.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { tsImport } from 'tsx/esm/api'
import { installFixtures } from '../../scripts/install-fixtures.mjs'
import { HASH_FILE, sourceHash } from '../../scripts/source-hash.mjs'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

/**
 * Builds dist/ once, here, when its recorded source hash is not the current
 * one (a fresh clone's matches, so nothing is built). Building here, before
 * the workers start, keeps a build from competing with running tests.
 */
function ensureCurrentDist() {
  if (process.env.ACTION_TESTS_ANY_DIST === '1') return
  const file = path.join(ROOT, 'dist', HASH_FILE)
  const recorded = existsSync(file) ? readFileSync(file, 'utf8').trim() : ''
  if (recorded === sourceHash(ROOT)) return
  process.stderr.write('\ndist/ is not built from the current source: running npm run build…\n')
  try {
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'pipe', timeout: 300_000 })
  } catch (error) {
    const output = `${error.stdout ?? ''}${error.stderr ?? ''}`
    throw new Error(`dist/ is stale and 'npm run build' failed; fix the build:\n${output}`)
  }
}

export default async function globalSetup() {
  ensureCurrentDist()
  await Promise.all([installFixtures(), startPostgres()])
}

async function startPostgres() {
  if (process.env.TEST_DATABASE_URL) return
  const { startEmbeddedPostgres } = await tsImport('../../src/db/embedded.ts', import.meta.url)
  const server = await startEmbeddedPostgres()
  process.env.TEST_DATABASE_URL = server.url
  globalThis.__MSC_PG__ = server
}

// One PostgreSQL server for the whole test run: TEST_DATABASE_URL when given
// (CI may point at a Debian postgresql), otherwise an embedded one started
// with the same code the CLI uses (loaded through tsx: jest does not
// transform global setup files). Meanwhile the Prisma version fixtures are
// installed from their lockfiles if they are missing or stale, so that a
// fresh clone's `npm test` runs the version matrix.
import { tsImport } from 'tsx/esm/api'
import { installFixtures } from '../../scripts/install-fixtures.mjs'

export default async function globalSetup() {
  await Promise.all([installFixtures(), startPostgres()])
}

async function startPostgres() {
  if (process.env.TEST_DATABASE_URL) return
  const { startEmbeddedPostgres } = await tsImport('../../src/db/embedded.ts', import.meta.url)
  const server = await startEmbeddedPostgres()
  process.env.TEST_DATABASE_URL = server.url
  globalThis.__MSC_PG__ = server
}

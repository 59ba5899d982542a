// One PostgreSQL server for the whole test run: TEST_DATABASE_URL when given
// (CI may point at a Debian postgresql), otherwise an embedded one started
// with the same code the CLI uses (loaded through tsx: jest does not
// transform global setup files).
import { tsImport } from 'tsx/esm/api'

export default async function globalSetup() {
  if (process.env.TEST_DATABASE_URL) return
  const { startEmbeddedPostgres } = await tsImport('../../src/db/embedded.ts', import.meta.url)
  const server = await startEmbeddedPostgres()
  process.env.TEST_DATABASE_URL = server.url
  globalThis.__MSC_PG__ = server
}

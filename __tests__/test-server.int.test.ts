// The integration tests' shared PostgreSQL server (started by the global setup) answers.
import { adminQuery } from './helpers/pg.js'

test("the integration tests' PostgreSQL server answers queries", async () => {
  const rows = await adminQuery('select 1 as x')
  expect(rows[0]?.x).toBe(1)
})

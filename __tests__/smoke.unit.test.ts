import { adminQuery } from './helpers/pg.js'
test('pg up', async () => {
  const rows = await adminQuery('select 1 as x')
  expect(rows[0]?.x).toBe(1)
})

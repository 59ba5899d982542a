import { rowsFor } from '../../src/upgrade/index.js'
import { AUTO_UPGRADE_ROWS } from '../../src/config.js'

test('auto rows: the budget spread over the tables, within the bounds', () => {
  expect(rowsFor(AUTO_UPGRADE_ROWS, 10)).toBe(5000)
  expect(rowsFor(AUTO_UPGRADE_ROWS, 375)).toBe(133)
  expect(rowsFor(AUTO_UPGRADE_ROWS, 5000)).toBe(100)
  expect(rowsFor(250, 375)).toBe(250)
  expect(rowsFor(undefined, 3)).toBeUndefined()
})

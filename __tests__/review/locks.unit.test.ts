/** What a statement that cannot run in a transaction locks, read by PostgreSQL's parser (never from comments). */
import { commandLock, refusesTransaction } from '../../src/review/locks.js'

test.each([
  ['CREATE INDEX CONCURRENTLY "i" ON "t"("a");', true, 'ShareUpdateExclusiveLock'],
  ['DROP INDEX CONCURRENTLY "i";', true, 'ShareUpdateExclusiveLock'],
  ['REINDEX INDEX CONCURRENTLY "i";', true, 'ShareUpdateExclusiveLock'],
  ['VACUUM "t";', true, 'ShareUpdateExclusiveLock'],
  ['VACUUM (FULL) "t";', true, 'AccessExclusiveLock'],
  ['-- CREATE INDEX CONCURRENTLY would be better\nCREATE INDEX "i" ON "t"("a");', false, undefined],
  [`UPDATE "t" SET "note" = 'VACUUM FULL CONCURRENTLY';`, false, undefined]
])('%s', (sql, refused, lock) => {
  expect(refusesTransaction(sql)).toBe(refused)
  expect(commandLock(sql)).toBe(lock)
})

import { reviewMarkdown, reviewTerminal } from '../../src/report/review.js'
import type { MigrationReview, StatementReview } from '../../src/model/review.js'

const statement = (line: number, held?: { since: number; until?: number }): StatementReview => ({
  index: line,
  line,
  endLine: line,
  summary: `statement on line ${line}`,
  status: 'measured',
  transaction: { kind: 'explicit', fromLine: 1, untilLine: 7 },
  durationMs: 3,
  locks: [
    {
      table: 'users',
      mode: 'AccessExclusiveLock',
      blocks: 'reads and writes',
      newTable: false,
      rows: 5000,
      ...(held ? { held } : {})
    }
  ],
  rewrites: [],
  scans: [],
  indexBuilds: [],
  hazards: []
})

/** A file's BEGIN … COMMIT: line 3 takes the lock, line 5 runs under it until the COMMIT on line 7. */
const review: MigrationReview = {
  safety: 'warn',
  engine: 'statement',
  rowsPerTable: 5000,
  migrations: [
    {
      name: '20260301000000_nickname',
      file: 'prisma/migrations/20260301000000_nickname/migration.sql',
      statements: [statement(3), statement(5, { since: 3, until: 7 })],
      durationMs: 6,
      transactional: true,
      sent: 'statements'
    }
  ],
  changes: [],
  findings: []
}

describe('a lock an earlier statement of the same transaction holds', () => {
  test('the terminal says since which line and until which COMMIT', () => {
    const text = reviewTerminal(review) ?? ''
    expect(text).toContain('ACCESS EXCLUSIVE users (held since line 3 until COMMIT on line 7)')
    expect(text).toMatch(/migration\.sql:3 .*ACCESS EXCLUSIVE users$/m)
  })

  test('the summary says since which line, until which COMMIT, and what it blocks', () => {
    expect(reviewMarkdown(review)).toContain(
      'ACCESS EXCLUSIVE on `users` (held since line 3 until COMMIT on line 7; blocks reads and writes)'
    )
  })
})

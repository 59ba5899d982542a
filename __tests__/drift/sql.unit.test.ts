/** The fix migration's statement splitter: PostgreSQL's scanner decides what a comment is. */
import { splitStatements } from '../../src/sql/quote.js'

describe('splitStatements', () => {
  test('drops comments, whole comment lines with them, and keeps what only looks like a comment', () => {
    const sql = [
      '-- CreateTable',
      'CREATE TABLE "t" (',
      '    -- the key',
      '    "id" INT, /* inline */ "note" TEXT DEFAULT E\'-- not a comment\\n\',',
      '    "tag" TEXT DEFAULT \'',
      "-- inside a string'",
      ');'
    ].join('\n')
    expect(splitStatements(sql)).toEqual([
      'CREATE TABLE "t" (\n    "id" INT,  "note" TEXT DEFAULT E\'-- not a comment\\n\',\n    "tag" TEXT DEFAULT \'\n-- inside a string\'\n)'
    ])
  })
})

import {
  alterTableClauses,
  blankComments,
  lineAtOffset,
  lineStarts,
  offsetOfCharPosition,
  splitSqlStatements
} from '../../src/sql/script.js'

const texts = (sql: string): string[] => splitSqlStatements(sql).map((s) => s.text)

describe('splitSqlStatements', () => {
  test('splits on semicolons and gives each statement its first SQL line', () => {
    const sql =
      '-- CreateEnum\nCREATE TYPE "A" AS ENUM (\'x\');\n\n-- CreateTable\nCREATE TABLE "t" (\n  "id" INT\n);\n'
    const statements = splitSqlStatements(sql)
    expect(statements.map((s) => [s.index, s.startLine, s.endLine])).toEqual([
      [0, 2, 2],
      [1, 5, 7]
    ])
    expect(statements[1]?.text).toBe('CREATE TABLE "t" (\n  "id" INT\n);')
    expect(sql.slice(statements[1]?.startOffset, statements[1]?.endOffset)).toBe(statements[1]?.text)
  })

  test('ignores semicolons in strings, identifiers and comments', () => {
    const sql = [
      "INSERT INTO t VALUES ('a;b', 'it''s; fine');",
      'SELECT "weird;name" FROM t; -- trailing; comment',
      '/* block; /* nested; */ still comment; */ SELECT 1;',
      "SELECT E'esc\\'; still string';"
    ].join('\n')
    expect(texts(sql)).toEqual([
      "INSERT INTO t VALUES ('a;b', 'it''s; fine');",
      'SELECT "weird;name" FROM t;',
      'SELECT 1;',
      "SELECT E'esc\\'; still string';"
    ])
  })

  test('keeps dollar-quoted bodies whole, tagged or not, and does not take $1 for a quote', () => {
    const sql = [
      'CREATE FUNCTION f() RETURNS trigger AS $$',
      'BEGIN NEW.x := 1; RETURN NEW; END;',
      '$$ LANGUAGE plpgsql;',
      'DO $body$ BEGIN PERFORM 1; $inner$ ; $inner$; END $body$;',
      'PREPARE p AS SELECT $1; SELECT a$b FROM t;'
    ].join('\n')
    const statements = splitSqlStatements(sql)
    expect(statements.map((s) => s.startLine)).toEqual([1, 4, 5, 5])
    expect(statements[0]?.text).toContain('RETURN NEW; END;\n$$ LANGUAGE plpgsql;')
    expect(statements[1]?.text).toBe('DO $body$ BEGIN PERFORM 1; $inner$ ; $inner$; END $body$;')
    expect(statements[3]?.text).toBe('SELECT a$b FROM t;')
  })

  test('keeps a last statement without semicolon, drops empty ones and trailing comments', () => {
    expect(texts(';;\nSELECT 1;\n  ;\nSELECT 2 -- no end\n-- bye\n')).toEqual(['SELECT 1;', 'SELECT 2'])
    expect(texts('-- only a comment\n')).toEqual([])
    expect(texts('')).toEqual([])
  })

  test('counts CRLF lines like LF lines', () => {
    const statements = splitSqlStatements('SELECT 1;\r\n\r\nSELECT\r\n 2;\r\n')
    expect(statements.map((s) => [s.startLine, s.endLine])).toEqual([
      [1, 1],
      [3, 4]
    ])
  })

  test('an unterminated quote swallows the rest instead of inventing statements', () => {
    expect(texts("SELECT 'open; SELECT 2;")).toEqual(["SELECT 'open; SELECT 2;"])
  })
})

describe('blankComments', () => {
  test('blanks comments but keeps offsets, newlines and strings', () => {
    const sql = 'SELECT \'--x\' -- c\n/* a\nb */ "--";'
    const blank = blankComments(sql)
    expect(blank).toHaveLength(sql.length)
    expect(blank).toBe('SELECT \'--x\'     \n    \n     "--";')
  })
})

describe('positions', () => {
  test('lineAtOffset maps offsets to 1-based lines', () => {
    const starts = lineStarts('a\nbc\n\nd')
    expect([0, 1, 2, 4, 5, 6].map((o) => lineAtOffset(starts, o))).toEqual([1, 1, 2, 2, 3, 4])
  })

  test('offsetOfCharPosition counts code points as PostgreSQL does', () => {
    const text = 'a😀b\uFEFFc'
    expect(offsetOfCharPosition(text, 1)).toBe(0)
    expect(offsetOfCharPosition(text, 3)).toBe(3)
    expect(offsetOfCharPosition(text, 5)).toBe(5)
    expect(offsetOfCharPosition(text, 99)).toBe(text.length)
  })
})

describe('alterTableClauses', () => {
  test('splits at the commas outside parentheses, after a qualified name, ONLY and IF EXISTS', () => {
    expect(
      alterTableClauses(
        'ALTER TABLE IF EXISTS ONLY "app"."t" ADD CONSTRAINT "c" CHECK (a IN (1, 2)), -- why\nDROP COLUMN "b", ADD COLUMN "n" DECIMAL(10,2);'
      )
    ).toEqual({
      head: 'ALTER TABLE IF EXISTS ONLY "app"."t" ',
      clauses: ['ADD CONSTRAINT "c" CHECK (a IN (1, 2))', 'DROP COLUMN "b"', 'ADD COLUMN "n" DECIMAL(10,2)']
    })
  })

  test('is undefined for any other statement', () => {
    expect(alterTableClauses('ALTER TYPE "Role" ADD VALUE \'X\';')).toBeUndefined()
    expect(alterTableClauses('CREATE INDEX "a" ON "b"("c");')).toBeUndefined()
  })
})

/**
 * Splitting and locating SQL with PostgreSQL's own parser and scanner:
 * what only the real grammar gets right, and SQL it rejects.
 */
import { locateMigrationError } from '../../src/migrations/locate.js'
import {
  blankComments,
  parseSqlScript,
  refusedInTransaction,
  splitSqlStatements,
  type ParsedStatement
} from '../../src/sql/script.js'

const texts = (sql: string): string[] => splitSqlStatements(sql).map((s) => s.text)
/** Each statement's parse-tree kind, or `!` and PostgreSQL's message when it was rejected. */
const kinds = (sql: string): string[] =>
  parseSqlScript(sql).statements.map((s) => (s.node ? Object.keys(s.node)[0] : `! ${s.error?.message}`) ?? '')

describe('statements PostgreSQL accepts', () => {
  test('dollar-quoted bodies stay whole: tags, nested tags, quotes and semicolons inside', () => {
    const sql = [
      `CREATE FUNCTION touch() RETURNS trigger AS $fn$`,
      `BEGIN`,
      `  NEW."updatedAt" := now(); -- it's; fine`,
      `  EXECUTE $q$ SELECT ';' $q$;`,
      `  RETURN NEW;`,
      `END;`,
      `$fn$ LANGUAGE plpgsql;`,
      `DO $$ BEGIN PERFORM 1; END $$;`
    ].join('\n')
    expect(kinds(sql)).toEqual(['CreateFunctionStmt', 'DoStmt'])
    expect(splitSqlStatements(sql).map((s) => [s.startLine, s.endLine])).toEqual([
      [1, 7],
      [8, 8]
    ])
  })

  test('a SQL-standard function body (BEGIN ATOMIC … END) is one statement', () => {
    const sql =
      'CREATE FUNCTION f() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT 1;\n  SELECT 2;\nEND;\nSELECT 3;'
    expect(kinds(sql)).toEqual(['CreateFunctionStmt', 'SelectStmt'])
    expect(texts(sql)[0]).toBe(
      'CREATE FUNCTION f() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT 1;\n  SELECT 2;\nEND;'
    )
  })

  test('nested block comments and E-strings hide semicolons; comments are blanked, strings kept', () => {
    const sql = "/* a; /* b; */ c; */ SELECT E'it\\'s; -- not a comment', 'x''y;';\nSELECT 2;"
    expect(texts(sql)).toEqual(["SELECT E'it\\'s; -- not a comment', 'x''y;';", 'SELECT 2;'])
    const blank = blankComments(sql)
    expect(blank).toHaveLength(sql.length)
    expect(blank.startsWith(' '.repeat(20) + " SELECT E'it\\'s; -- not a comment'")).toBe(true)
  })

  test('the statement text runs from its first token to its semicolon, comments inside kept', () => {
    const sql = '-- lead\n  /* x */ SELECT 1 -- inside\n  ;\nSELECT 2 -- tail\n-- bye\n'
    const statements = splitSqlStatements(sql)
    expect(statements.map((s) => s.text)).toEqual(['SELECT 1 -- inside\n  ;', 'SELECT 2'])
    expect(statements.map((s) => sql.slice(s.startOffset, s.endOffset))).toEqual(
      statements.map((s) => s.text)
    )
    expect(statements.map((s) => [s.startLine, s.endLine])).toEqual([
      [2, 3],
      [4, 4]
    ])
  })
})

describe('SQL PostgreSQL rejects is still split and located', () => {
  test('a syntax error: the statements around it parse, the rejected one keeps its error and position', () => {
    const sql = 'CREATE TABLE a (id int);\nCREATE TABLE b (id int,, x int);\nCREATE TABLE c (id int);\n'
    const [a, b, c] = parseSqlScript(sql).statements as ParsedStatement[]
    expect([a?.node && 'CreateStmt' in a.node, b?.node, c?.node && 'CreateStmt' in c.node]).toEqual([
      true,
      undefined,
      true
    ])
    expect(b?.text).toBe('CREATE TABLE b (id int,, x int);')
    expect(b?.error?.message).toBe('syntax error at or near ","')
    expect(sql.slice(b?.error?.offset)).toMatch(/^, x int\);/)
  })

  test('after a syntax error, a dollar-quoted body is still one token', () => {
    const sql =
      'SELECT FROM WHERE;\nCREATE FUNCTION f() RETURNS int AS $$ SELECT 1; SELECT 2; $$ LANGUAGE sql;\nSELECT 3;'
    expect(kinds(sql)).toEqual(['! syntax error at or near "WHERE"', 'CreateFunctionStmt', 'SelectStmt'])
  })

  test('an unterminated quote, dollar quote or comment runs to the end of the script', () => {
    expect(texts("SELECT 1;\nSELECT 'open;\nSELECT 3;\n\n")).toEqual([
      'SELECT 1;',
      "SELECT 'open;\nSELECT 3;"
    ])
    expect(kinds('SELECT 1; $tag$ open; SELECT 2;')).toEqual([
      'SelectStmt',
      '! unterminated dollar-quoted string at or near "$tag$ open; SELECT 2;"'
    ])
    expect(texts('SELECT 1; /* open; SELECT 2;')).toEqual(['SELECT 1;', '/* open; SELECT 2;'])
  })

  test('a bad token that ends (trailing junk after a number) does not swallow what follows', () => {
    expect(kinds('SELECT 1a; SELECT 2;')).toEqual([
      '! trailing junk after numeric literal at or near "1a"',
      'SelectStmt'
    ])
  })

  test('a syntax error inside BEGIN ATOMIC: the rejected part is one statement, the script goes on', () => {
    const sql =
      'CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT FROM WHERE; END;\nSELECT 3;'
    const statements = parseSqlScript(sql).statements
    expect(statements[0]?.error?.message).toBe('syntax error at or near "WHERE"')
    expect(statements[0]?.text).toBe(
      'CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT FROM WHERE;'
    )
    expect(statements.at(-1)?.text).toBe('SELECT 3;')
  })
})

describe('non-ASCII text before the failing statement', () => {
  const sql = [
    '-- Überprüfung der Straßen 😀', // 1
    'CREATE TABLE "Straße" (id int, "größe" text);', // 2
    'INSERT INTO "Straße" VALUES (1, \'ü😀—é\');', // 3
    'CREATE TABLE "x" (', // 4
    '  a int,,', // 5
    '  b int', // 6
    ');', // 7
    "SELECT 'ä';" // 8
  ].join('\n')

  test('offsets are UTF-16 offsets of the file and lines are its lines', () => {
    const statements = splitSqlStatements(sql)
    expect(statements.map((s) => [s.startLine, s.endLine])).toEqual([
      [2, 2],
      [3, 3],
      [4, 7],
      [8, 8]
    ])
    for (const s of statements) expect(sql.slice(s.startOffset, s.endOffset)).toBe(s.text)
  })

  test("the parser's error position lands on the bad token", () => {
    const bad = parseSqlScript(sql).statements[2]
    expect(bad?.error?.message).toBe('syntax error at or near ","')
    expect(sql.slice(bad?.error?.offset).startsWith(',\n  b int')).toBe(true)
  })

  test('the WASM engine says only "syntax error at or near": the parser finds the line', () => {
    expect(locateMigrationError(sql, { message: 'ERROR: syntax error at or near ","' })).toEqual({
      line: 5,
      statementIndex: 2
    })
  })

  test("the native engine's position counts characters, not UTF-16 units or bytes", () => {
    const chars = [...sql.slice(0, sql.indexOf(',,') + 1)].length + 1
    expect(locateMigrationError(sql, { position: chars })).toEqual({ line: 5, statementIndex: 2 })
  })

  test('a name in the message is matched on identifier tokens, quoted as written', () => {
    expect(
      locateMigrationError(sql, { message: 'column "größe" of relation "Straße" already exists' })
    ).toEqual({
      line: 2,
      statementIndex: 0
    })
  })
})

describe('locateMigrationError with what the parser knows', () => {
  test('a syntax error in SQL the parser accepts is in a body parsed when it runs (DO, PL/pgSQL)', () => {
    const sql = 'SELECT 1;\nDO $$\nBEGIN\n  PERFORM frobnicate(;\nEND $$;'
    expect(locateMigrationError(sql, { message: 'ERROR: syntax error at or near ";"' })).toEqual({
      line: 4,
      statementIndex: 1
    })
  })

  test('the statement Prisma printed is found whatever its spacing and comments', () => {
    const sql = 'CREATE TABLE a (id int);\n-- note\nALTER TABLE a\n  ADD COLUMN b int; -- why\n'
    expect(locateMigrationError(sql, { statement: 'ALTER TABLE a ADD COLUMN b int' })).toEqual({
      line: 3,
      statementIndex: 1
    })
  })
})

describe('refusedInTransaction', () => {
  const refused = (sql: string): boolean[] => parseSqlScript(sql).statements.map(refusedInTransaction)

  test('CREATE INDEX CONCURRENTLY and its kin; not the word in a comment or a string', () => {
    expect(
      refused(
        [
          'CREATE INDEX CONCURRENTLY "ix" ON "t" ("a");',
          'DROP INDEX CONCURRENTLY "ix";',
          'REINDEX INDEX CONCURRENTLY "ix";',
          'VACUUM "t";',
          'CREATE INDEX "iy" ON "t" ("a"); -- not CONCURRENTLY',
          'COMMENT ON TABLE "t" IS \'built CONCURRENTLY\';',
          'ANALYZE "t";'
        ].join('\n')
      )
    ).toEqual([true, true, true, true, false, false, false])
  })
})

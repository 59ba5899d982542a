import {
  parseSeedFailure,
  stackFrames,
  toRepoRelative,
  withoutForeignCodeExcerpts
} from '../../src/prisma/seed-output.js'
import { fixture } from '../helpers/locate-fixtures.js'

/** The scratch copies the real outputs were taken from. */
const root = (n: number): string => `/work/main/.tmp/locate/seed${n}`

describe('parseSeedFailure on real outputs', () => {
  test('P2022 through `prisma db seed`: the missing column and the seed line, not the generated client', () => {
    expect(parseSeedFailure(fixture('seed-p2022-column.txt'), { repoRoot: root(1) })).toEqual({
      message: 'The column `users.profile_picture` does not exist in the current database.',
      errorName: 'PrismaClientKnownRequestError',
      code: 'P2022',
      location: { file: 'prisma/seed.ts', line: 12, column: 17 },
      missingObject: { table: 'users', column: 'profile_picture' }
    })
  })

  test('P2022 worded by the pg adapter: "column `x of relation t`" gives the table and the column', () => {
    expect(
      parseSeedFailure(fixture('seed-p2022-of-relation.txt'), { repoRoot: '/work/main/.tmp/drift1' })
    ).toMatchObject({
      code: 'P2022',
      location: { file: 'prisma/seed.ts', line: 12 },
      missingObject: { table: 'users', column: 'two_factor_enabled' }
    })
  })

  test('P2021: the missing table with its schema', () => {
    expect(parseSeedFailure(fixture('seed-p2021-table.txt'), { repoRoot: root(4) })).toEqual({
      message: 'The table `public.notifications` does not exist in the current database.',
      errorName: 'PrismaClientKnownRequestError',
      code: 'P2021',
      location: { file: 'prisma/seed.ts', line: 12, column: 18 },
      missingObject: { schema: 'public', table: 'notifications' }
    })
  })

  test('P2010 from a raw query: the SQLSTATE and the column from the PostgreSQL message', () => {
    expect(parseSeedFailure(fixture('seed-p2010-raw-42703.txt'), { repoRoot: root(3) })).toEqual({
      message:
        'Raw query failed. Code: `42703`. Message: `column "nickname" of relation "users" does not exist`',
      errorName: 'PrismaClientKnownRequestError',
      code: 'P2010',
      databaseCode: '42703',
      location: { file: 'prisma/seed.ts', line: 31, column: 3 },
      missingObject: { table: 'users', column: 'nickname' }
    })
  })

  test('a thrown Error, behind the seed own log prefix, through prisma db seed and through tsx', () => {
    const expected = {
      message: 'editor must be an admin for the demo data',
      errorName: 'Error',
      location: { file: 'prisma/seed.ts', line: 31, column: 38 }
    }
    expect(parseSeedFailure(fixture('seed-throw.txt'), { repoRoot: root(2) })).toEqual(expected)
    expect(parseSeedFailure(fixture('seed-throw-tsx.txt'), { repoRoot: root(2) })).toEqual(expected)
  })

  test('a pg error (42703) from an uncaught rejection, with a file:// frame', () => {
    expect(parseSeedFailure(fixture('seed-pg-42703.txt'), { repoRoot: root(5) })).toEqual({
      message: 'column "nickname" of relation "users" does not exist',
      errorName: 'error',
      code: '42703',
      databaseCode: '42703',
      location: { file: 'seed.mjs', line: 6, column: 3 },
      missingObject: { table: 'users', column: 'nickname' }
    })
  })

  test('frames outside the project root are not the seed', () => {
    const failure = parseSeedFailure(fixture('seed-throw.txt'), {
      repoRoot: '/work/main',
      projectRoot: root(2)
    })
    expect(failure.location).toEqual({ file: '.tmp/locate/seed2/prisma/seed.ts', line: 31, column: 38 })
    const other = parseSeedFailure(fixture('seed-throw.txt'), {
      repoRoot: '/work/main',
      projectRoot: root(3)
    })
    expect(other.location).toBeUndefined()
  })
})

describe('parseSeedFailure on other shapes', () => {
  const repoRoot = '/repo'

  test('Prisma callsite in the message, a helper file first, ignored generated folder', () => {
    const output = [
      'PrismaClientKnownRequestError: ',
      'Invalid `prisma.user.create()` invocation in',
      '/repo/prisma/seed/users.ts:8:21',
      '',
      '  7 export async function seedUsers() {',
      '→ 8   await prisma.user.create(',
      'The column `(not available)` does not exist in the current database.',
      '    at Rn.handleRequestError (/repo/src/generated/client/runtime/library.js:121:7315)',
      '    at async seedUsers (/repo/prisma/seed/users.ts:8:21)',
      '    at async main (/repo/prisma/seed.ts:5:3) {',
      "  code: 'P2022',",
      "  meta: { modelName: 'User', column: 'users.avatar' },",
      "  clientVersion: '5.22.0'",
      '}'
    ].join('\n')
    expect(parseSeedFailure(output, { repoRoot, ignore: ['src/generated'] })).toEqual({
      message: 'The column `(not available)` does not exist in the current database.',
      errorName: 'PrismaClientKnownRequestError',
      code: 'P2022',
      location: { file: 'prisma/seed/users.ts', line: 8, column: 21 },
      missingObject: { table: 'users', column: 'avatar' }
    })
  })

  test("Node's uncaught-error header is a frame; relation names may be qualified", () => {
    const output = [
      'file:///repo/prisma/seed.mjs:3',
      "await client.query('select * from auth.accounts')",
      '^',
      '',
      'error: relation "auth.accounts" does not exist',
      "  code: '42P01'"
    ].join('\n')
    expect(parseSeedFailure(output, { repoRoot })).toEqual({
      message: 'relation "auth.accounts" does not exist',
      errorName: 'error',
      code: '42P01',
      databaseCode: '42P01',
      location: { file: 'prisma/seed.mjs', line: 3 },
      missingObject: { schema: 'auth', table: 'accounts' }
    })
  })

  test('no stack at all: the last error line, no location', () => {
    const output =
      'Running seed command `tsx prisma/seed.ts` ...\nTypeError: fetch failed\nAn error occurred while running the seed command:\nError: Command failed with exit code 1: tsx prisma/seed.ts'
    expect(parseSeedFailure(output, { repoRoot })).toEqual({
      message: 'Command failed with exit code 1: tsx prisma/seed.ts',
      errorName: 'Error'
    })
  })

  test('codes that are not about missing objects give no missingObject', () => {
    const output =
      "Unique constraint failed on the fields: (`email`)\n    at main (/repo/prisma/seed.ts:4:3) {\n  code: 'P2002'\n}"
    const failure = parseSeedFailure(output, { repoRoot })
    expect(failure.code).toBe('P2002')
    expect(failure.missingObject).toBeUndefined()
  })
})

describe('stack paths', () => {
  test('stackFrames reads named, anonymous, async, file:// and Windows frames', () => {
    const frames = stackFrames(
      [
        '    at Object.<anonymous> (/repo/a.ts:1:2)',
        '    at async file:///repo/b%20c.mjs:3:4',
        '    at C:\\work\\repo\\d.ts:5:6',
        '    at new Thing (node:internal/x:7:8)',
        '    at  not a frame'
      ].join('\n')
    )
    expect(frames).toEqual([
      { file: '/repo/a.ts', line: 1, column: 2 },
      { file: 'file:///repo/b%20c.mjs', line: 3, column: 4 },
      { file: 'C:\\work\\repo\\d.ts', line: 5, column: 6 },
      { file: 'node:internal/x', line: 7, column: 8 }
    ])
  })

  test('toRepoRelative decodes file URLs, uses / and rejects paths outside the repo', () => {
    expect(toRepoRelative('file:///repo/b%20c.mjs', '/repo')).toBe('b c.mjs')
    expect(toRepoRelative('/repo/prisma/seed.ts', '/repo/')).toBe('prisma/seed.ts')
    expect(toRepoRelative('C:\\work\\repo\\prisma\\seed.ts', 'C:\\work\\repo')).toBe('prisma/seed.ts')
    expect(toRepoRelative('/elsewhere/x.ts', '/repo')).toBeUndefined()
    expect(toRepoRelative('node:internal/process/task_queues', '/repo')).toBeUndefined()
    expect(toRepoRelative('/repo', '/repo')).toBeUndefined()
  })
})

describe('withoutForeignCodeExcerpts', () => {
  test("drops Prisma's excerpt of its own minified runtime, keeps the message and the stack", () => {
    const output = fixture('seed-p2022-column.txt')
    const shown = withoutForeignCodeExcerpts(output, { repoRoot: root(1) })
    expect(output).toContain('function qd(e,t,r)')
    expect(shown).not.toContain('function qd(e,t,r)')
    expect(shown).not.toMatch(/^\s*(?:→\s*)?2[4-7] /m)
    expect(shown).toContain("  (4 lines of Prisma's own code left out)")
    expect(shown).toContain('Invalid `t=Object.create()` invocation in')
    expect(shown).toContain('The column `users.profile_picture` does not exist in the current database.')
    expect(shown).toContain('at async main (/work/main/.tmp/locate/seed1/prisma/seed.ts:12:17)')
    expect(shown.length).toBeLessThan(output.length / 4)
  })

  test("keeps the excerpt when the call site is the project's own seed file", () => {
    const own = [
      'Invalid `prisma.user.create()` invocation in',
      '/repo/prisma/seed.ts:12:17',
      '',
      '  11 async function main() {',
      '→ 12   await prisma.user.create({',
      'The column `users.x` does not exist in the current database.'
    ].join('\n')
    expect(withoutForeignCodeExcerpts(own, { repoRoot: '/repo' })).toBe(own)
  })
})

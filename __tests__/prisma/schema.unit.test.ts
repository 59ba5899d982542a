import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { DriftItem, DriftKind, DriftTarget } from '../../src/model/drift.js'
import { defaultConstraintName } from '../../src/prisma/naming.js'
import { parseSchema } from '../../src/prisma/schema.js'
import { locateDriftItem, matchDriftItem } from '../../src/prisma/schema-lookup.js'
import { fixtureDir } from '../helpers/locate-fixtures.js'

const MAIN = 'prisma/schema/main.prisma'
const CONTENT = 'prisma/schema/content.prisma'
const index = parseSchema(
  [
    [MAIN, 'main.prisma'],
    [CONTENT, 'content.prisma']
  ].map(([repoPath, file]) => ({
    path: repoPath ?? '',
    text: readFileSync(path.join(fixtureDir, 'schema-folder', file ?? ''), 'utf8')
  }))
)

function item(
  kind: DriftKind,
  target: Omit<DriftTarget, 'schema'> & { schema?: string }
): Pick<DriftItem, 'kind' | 'target'> {
  return { kind, target: { schema: 'public', ...target } }
}

describe('parseSchema', () => {
  test('finds models, views and enums with their files and lines, and ignores comments', () => {
    expect(index.models.map((m) => [m.name, m.dbName, m.schema, m.file, m.line, m.endLine])).toEqual([
      ['User', 'users', 'auth', MAIN, 15, 29],
      ['Session', 'sessions', 'auth', MAIN, 31, 47],
      ['Post', 'posts', 'public', CONTENT, 1, 22]
    ])
    expect(index.views.map((v) => [v.name, v.dbName, v.isView, v.line])).toEqual([
      ['PostStats', 'post_stats', true, 24]
    ])
    expect(index.enums.map((e) => [e.name, e.dbName, e.schema, e.line])).toEqual([
      ['Role', 'user_role', 'auth', 49],
      ['Visibility', 'Visibility', 'public', 32]
    ])
  })

  test('reads the datasource, its schemas and ignores brackets in strings and comments', () => {
    expect(index.datasource).toEqual({
      name: 'db',
      provider: 'postgresql',
      schemas: ['public', 'auth'],
      env: { url: 'DATABASE_URL' },
      file: MAIN,
      line: 8
    })
  })

  test("reads the variables of the datasource's url, directUrl and shadowDatabaseUrl", () => {
    const { datasource } = parseSchema([
      {
        path: 'schema.prisma',
        text: [
          'datasource db {',
          '  provider          = "postgresql"',
          '  url               = env("APP_DATABASE_URL") // pooled',
          '  directUrl         = env("DIRECT_URL")',
          '  // shadowDatabaseUrl = env("OLD_SHADOW")',
          '  shadowDatabaseUrl = env("SHADOW_DATABASE_URL")',
          '}'
        ].join('\n')
      }
    ])
    expect(datasource?.env).toEqual({
      url: 'APP_DATABASE_URL',
      directUrl: 'DIRECT_URL',
      shadowDatabaseUrl: 'SHADOW_DATABASE_URL'
    })
    // A literal URL names no variable.
    const literal = parseSchema([
      {
        path: 's.prisma',
        text: 'datasource db {\n  provider = "postgresql"\n  url = "postgresql://127.0.0.1/x"\n}'
      }
    ])
    expect(literal.datasource?.env).toEqual({})
  })

  test('reads fields: @map in both spellings, @id, @unique(map:), @default, optional and list', () => {
    const user = index.models[0]
    expect(user?.fields.map((f) => [f.name, f.dbName, f.type, f.optional, f.list, f.line])).toEqual([
      ['id', 'id', 'String', false, false, 16],
      ['email', 'email', 'String', false, false, 17],
      ['homepage', 'home_page', 'String', false, false, 18],
      ['nickname', 'nick_name', 'String', true, false, 19],
      ['role', 'role', 'Role', false, false, 20],
      ['createdAt', 'created_at', 'DateTime', false, false, 21],
      ['posts', 'posts', 'Post', false, true, 23],
      ['edits', 'edits', 'Post', false, true, 24],
      ['sessions', 'sessions', 'Session', false, true, 25]
    ])
    expect(user?.fields[0]).toMatchObject({ id: {}, default: 'uuid()' })
    expect(user?.fields[1]?.unique).toEqual({ map: 'users_email_unique' })
    expect(user?.fields[2]?.default).toBe('"https://example.com/a;b"')
    expect(user?.fields[3]?.default).toBe('"[x]"')
    expect(index.models[2]?.fields.find((f) => f.name === 'location')).toMatchObject({
      type: 'Unsupported',
      optional: true,
      line: 7
    })
  })

  test('reads a multi-line @relation with fields, references, actions and map', () => {
    const user = index.models[1]?.fields.find((f) => f.name === 'user')
    expect(user).toMatchObject({ line: 36, endLine: 41 })
    expect(user?.relation).toEqual({
      fields: ['userId'],
      references: ['id'],
      onDelete: 'Cascade',
      map: 'session_owner_fk'
    })
    const editor = index.models[2]?.fields.find((f) => f.name === 'editor')
    expect(editor?.relation).toEqual({
      name: 'edited',
      fields: ['editorId'],
      references: ['id'],
      onDelete: 'SetNull'
    })
  })

  test('reads block attributes: @@id, @@unique(fields:, map:), multi-line @@index with sort, type', () => {
    expect(index.models[2]?.indexes).toEqual([
      { kind: 'id', fields: [{ name: 'authorId' }, { name: 'slug' }], line: 13, endLine: 13 },
      {
        kind: 'unique',
        fields: [{ name: 'title' }, { name: 'authorId' }],
        map: 'post_title_author',
        line: 14,
        endLine: 14
      },
      {
        kind: 'index',
        fields: [{ name: 'title', sort: 'Desc' }, { name: 'createdAt' }],
        map: 'posts_recent',
        line: 15,
        endLine: 18
      },
      { kind: 'index', fields: [{ name: 'published' }], line: 19, endLine: 19 }
    ])
    expect(index.models[1]?.indexes).toEqual([
      {
        kind: 'unique',
        fields: [{ name: 'userId' }, { name: 'token' }],
        name: 'userToken',
        line: 43,
        endLine: 43
      },
      { kind: 'index', fields: [{ name: 'token' }], type: 'Hash', line: 44, endLine: 44 }
    ])
  })

  test('reads enum values with @map', () => {
    expect(index.enums[0]?.values).toEqual([
      { name: 'ADMIN', dbName: 'admin', line: 50 },
      { name: 'EDITOR', dbName: 'EDITOR', line: 51 },
      { name: 'VIEWER', dbName: 'VIEWER', line: 52 }
    ])
  })

  test('survives CRLF, stray lines and an unclosed block', () => {
    const odd = parseSchema([{ path: 's.prisma', text: 'model A {\r\n  id Int @id\r\n  @@index([id\r\n' }])
    expect(odd.models[0]).toMatchObject({ name: 'A', line: 1 })
    expect(odd.models[0]?.fields.map((f) => f.line)).toEqual([2])
  })
})

describe('locateDriftItem', () => {
  const main = (line: number) => ({ file: MAIN, line })
  const content = (line: number) => ({ file: CONTENT, line })

  test.each([
    ['table via @@map', item('table', { schema: 'auth', table: 'users' }), main(15)],
    ['view', item('view', { table: 'post_stats' }), content(24)],
    [
      'column via @map(name:)',
      item('column', { schema: 'auth', table: 'users', column: 'nick_name' }),
      main(19)
    ],
    ['column in a second file', item('column', { table: 'posts', column: 'editor_id' }), content(5)],
    ['enum via @@map', item('enum', { schema: 'auth', enum: 'user_role' }), main(49)],
    [
      'enum value via @map',
      item('enumValue', { schema: 'auth', enum: 'user_role', value: 'admin' }),
      main(50)
    ],
    ['primary key @id', item('primaryKey', { table: 'users', constraint: 'users_pkey' }), main(16)],
    ['primary key @@id', item('primaryKey', { table: 'posts', columns: ['author_id', 'slug'] }), content(13)],
    ['unique by map', item('unique', { table: 'users', constraint: 'users_email_unique' }), main(17)],
    ['unique by columns', item('unique', { table: 'users', columns: ['email'] }), main(17)],
    [
      '@@unique by columns through @map',
      item('unique', { table: 'sessions', columns: ['user_id', 'token'] }),
      main(43)
    ],
    [
      '@@unique by default name',
      item('unique', { table: 'sessions', constraint: 'sessions_user_id_token_key' }),
      main(43)
    ],
    ['@@unique(map:)', item('unique', { table: 'posts', constraint: 'post_title_author' }), content(14)],
    ['@@index by columns', item('index', { table: 'posts', columns: ['title', 'created_at'] }), content(15)],
    ['@@index by map', item('index', { table: 'posts', constraint: 'posts_recent' }), content(15)],
    [
      '@@index by default name',
      item('index', { table: 'posts', constraint: 'posts_published_idx' }),
      content(19)
    ],
    [
      'unique index reported as index',
      item('index', { table: 'sessions', constraint: 'sessions_user_id_token_key' }),
      main(43)
    ],
    [
      'foreign key by map',
      item('foreignKey', { table: 'sessions', constraint: 'session_owner_fk' }),
      main(36)
    ],
    ['foreign key by columns', item('foreignKey', { table: 'posts', columns: ['editor_id'] }), content(11)],
    [
      'foreign key by default name',
      item('foreignKey', { table: 'posts', constraint: 'posts_author_id_fkey' }),
      content(10)
    ]
  ])('%s', (_name, driftItem, expected) => {
    expect(locateDriftItem(driftItem, index)).toEqual(expected)
  })

  test('falls back to the model line, and says so', () => {
    const unknownColumn = item('column', { table: 'users', column: 'nope' })
    expect(matchDriftItem(unknownColumn, index)).toEqual({ location: main(15), exact: false })
    expect(locateDriftItem(item('check', { table: 'posts', constraint: 'posts_check' }), index)).toEqual(
      content(1)
    )
    expect(matchDriftItem(item('enumValue', { enum: 'Visibility', value: 'SECRET' }), index)).toEqual({
      location: content(32),
      exact: false
    })
  })

  test('relation fields are not columns; unknown objects are not located', () => {
    expect(matchDriftItem(item('column', { table: 'posts', column: 'author' }), index)?.exact).toBe(false)
    expect(locateDriftItem(item('table', { table: 'audit_logs' }), index)).toBeUndefined()
    expect(locateDriftItem(item('enum', { enum: 'Mood' }), index)).toBeUndefined()
    expect(locateDriftItem(item('extension', { constraint: 'pg_trgm' }), index)).toBeUndefined()
  })

  test('@@schema separates two models mapped to the same table name', () => {
    const twin = parseSchema([
      {
        path: 'a.prisma',
        text: 'model A {\n  id Int @id\n  @@map("t")\n  @@schema("one")\n}\nmodel B {\n  id Int @id\n  @@map("t")\n  @@schema("two")\n}\n'
      }
    ])
    expect(locateDriftItem(item('table', { schema: 'two', table: 't' }), twin)).toEqual({
      file: 'a.prisma',
      line: 6
    })
    expect(locateDriftItem(item('table', { schema: 'one', table: 't' }), twin)).toEqual({
      file: 'a.prisma',
      line: 1
    })
  })
})

describe('the sample project', () => {
  const sample = parseSchema([
    {
      path: 'prisma/schema.prisma',
      text: readFileSync(path.join(fixtureDir, '..', '..', '..', 'prisma', 'schema.prisma'), 'utf8')
    }
  ])
  const lineOf = (pattern: RegExp): number => {
    const text = readFileSync(path.join(fixtureDir, '..', '..', '..', 'prisma', 'schema.prisma'), 'utf8')
    return text.split('\n').findIndex((l) => pattern.test(l)) + 1
  }

  test("the design doc's five users columns point at their fields", () => {
    for (const column of [
      'profile_picture',
      'email_verified',
      'two_factor_secret',
      'two_factor_enabled',
      'last_login_at'
    ]) {
      const location = locateDriftItem(item('column', { table: 'users', column }), sample)
      expect(location?.line).toBe(lineOf(new RegExp(`@map\\("${column}"\\)`)))
    }
  })

  test('the Prisma-named foreign keys and indexes of the sample point at their lines', () => {
    expect(
      locateDriftItem(item('foreignKey', { table: 'sessions', constraint: 'sessions_user_id_fkey' }), sample)
        ?.line
    ).toBeGreaterThan(0)
    expect(
      locateDriftItem(
        item('index', { table: 'notifications', constraint: 'notifications_user_id_read_at_idx' }),
        sample
      )?.line
    ).toBe(lineOf(/@@index\(\[userId, readAt\]\)/))
  })
})

test('defaultConstraintName follows Prisma and truncates to 63 characters', () => {
  expect(defaultConstraintName('users', ['email'], 'key')).toBe('users_email_key')
  expect(defaultConstraintName('users', [], 'pkey')).toBe('users_pkey')
  expect(defaultConstraintName('t'.repeat(60), ['column'], 'idx')).toHaveLength(63)
})

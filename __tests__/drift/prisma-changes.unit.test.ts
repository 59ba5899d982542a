/** Reading what Prisma's `migrate diff --script` changes, on scripts the real Prisma 6.19 CLI wrote. */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { readPrismaChanges } from '../../src/drift/prisma-changes.js'
import { FIXTURES } from '../helpers/project.js'

const script = (name: string) => readFileSync(path.join(FIXTURES, 'drift', name), 'utf8')
const brief = (changes: ReturnType<typeof readPrismaChanges>) =>
  changes.map((c) =>
    [
      c.kind,
      c.action,
      c.schema,
      c.table ?? '',
      c.name ?? '',
      c.newName ?? '',
      c.value ?? '',
      (c.aspects ?? []).join('+')
    ]
      .filter((p, i) => i < 3 || p)
      .join(' ')
  )

test('an enum recreated in a transaction, dropped and added keys, a multi-part ALTER TABLE, a table moved, a rename', () => {
  expect(brief(readPrismaChanges(script('prisma-diff-alter.sql'), 'public'))).toEqual([
    'enum alter public Role',
    'foreignKey drop public Post Post_userId_fkey',
    'index drop public User_name_idx',
    'column create public User age',
    'column alter public User tags default',
    'column alter public User role default',
    'column alter public User name nullability+type',
    'table drop public Post',
    'table create public posts',
    'index create public User User_name_idx',
    'foreignKey create public posts posts_userId_fkey',
    'index rename public User_email_key user_email_unique'
  ])
})

test("each change of Prisma's multi-part ALTER TABLE keeps its own clause as its statement", () => {
  const changes = readPrismaChanges(script('prisma-diff-alter.sql'), 'public')
  const of = (name: string) =>
    changes.find((c) => c.table === 'User' && c.name === name && c.kind === 'column')?.statement
  expect(of('age')).toBe('ALTER TABLE "User" ADD COLUMN     "age" INTEGER;')
  expect(of('tags')).toBe('ALTER TABLE "User" ALTER COLUMN "tags" SET DEFAULT ARRAY[]::TEXT[];')
  // Two clauses on one column stay one statement.
  expect(of('name')).toBe(
    'ALTER TABLE "User" ALTER COLUMN "name" SET NOT NULL,\nALTER COLUMN "name" SET DATA TYPE VARCHAR(100);'
  )
})

test('an autoincrement added: the sequence statements belong to the column', () => {
  const changes = readPrismaChanges(script('prisma-diff-sequences.sql'), 'public')
  expect(brief(changes)).toEqual([
    'column alter public Counter id default',
    'column alter public Counter seq default',
    'table drop public Plain',
    'table create public plains'
  ])
  expect(changes[0]?.statement).toContain('CREATE SEQUENCE counter_id_seq;')
  expect(changes[0]?.statement).toContain('OWNED BY "Counter"."id"')
})

test('names Prisma qualifies keep their schema; the others are in the default schema', () => {
  const changes = readPrismaChanges(
    '-- CreateTable\nCREATE TABLE "audit"."Event" ("id" INTEGER NOT NULL);\n\n-- DropIndex\nDROP INDEX "Customer_name_idx";\n',
    'app'
  )
  expect(brief(changes)).toEqual(['table create audit Event', 'index drop app Customer_name_idx'])
})

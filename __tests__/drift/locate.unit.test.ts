import type { DriftItem } from '../../src/model/drift.js'
import { locateItems } from '../../src/drift/locate.js'

const repoRoot = '/repo'
const project = {
  schemaFiles: [
    {
      path: '/repo/app/prisma/schema.prisma',
      text: 'model User {\n  id    String @id\n  email String @unique @map("email_address")\n  @@map("users")\n}\n'
    }
  ],
  migrations: [
    {
      name: '1_init',
      sqlPath: '/repo/app/prisma/migrations/1_init/migration.sql',
      sql: [
        'CREATE TABLE "users" ("id" TEXT NOT NULL, CONSTRAINT "users_pkey" PRIMARY KEY ("id"));',
        'CREATE TABLE "audit" ("id" INT);',
        'ALTER TABLE "users" ADD CONSTRAINT "users_id_check" CHECK (length(id) > 0);',
        'ALTER TABLE "users" ADD COLUMN "legacy" TEXT;'
      ].join('\n')
    }
  ]
}
const SCHEMA = 'app/prisma/schema.prisma'
const MIGRATION = 'app/prisma/migrations/1_init/migration.sql'

function drift(partial: Pick<DriftItem, 'kind' | 'change' | 'target'> & Partial<DriftItem>): DriftItem {
  return { object: 'x', severity: 'error', ...partial }
}

test('schema lines for what the schema declares, migration lines for what only migrations create', () => {
  const items = [
    drift({
      kind: 'column',
      change: 'missing',
      target: { schema: 'public', table: 'users', column: 'email_address' }
    }),
    drift({
      kind: 'unique',
      change: 'missing',
      target: { schema: 'public', table: 'users', columns: ['email_address'] }
    }),
    drift({ kind: 'table', change: 'unexpected', target: { schema: 'public', table: 'audit' } }),
    drift({
      kind: 'column',
      change: 'unexpected',
      target: { schema: 'public', table: 'users', column: 'legacy' }
    }),
    drift({
      kind: 'check',
      change: 'unexpected',
      target: { schema: 'public', table: 'users', constraint: 'users_id_check' }
    }),
    drift({
      kind: 'index',
      change: 'missing',
      target: { schema: 'public', table: 'users', constraint: 'users_name_idx' }
    }),
    drift({ kind: 'extension', change: 'unexpected', target: { schema: 'public', constraint: 'citext' } }),
    drift({
      kind: 'table',
      change: 'missing',
      target: { schema: 'public', table: 'users' },
      location: { file: 'kept.prisma', line: 9 }
    })
  ]
  expect(locateItems(items, project, repoRoot).map((i) => i.location)).toEqual([
    { file: SCHEMA, line: 3 },
    { file: SCHEMA, line: 3 },
    { file: MIGRATION, line: 2 },
    { file: MIGRATION, line: 4 },
    { file: MIGRATION, line: 3 },
    { file: SCHEMA, line: 1 },
    undefined,
    { file: 'kept.prisma', line: 9 }
  ])
})

test('does not mutate its input', () => {
  const item = drift({ kind: 'table', change: 'missing', target: { schema: 'public', table: 'users' } })
  const [located] = locateItems([item], project, repoRoot)
  expect(located?.location).toEqual({ file: SCHEMA, line: 1 })
  expect(item.location).toBeUndefined()
})

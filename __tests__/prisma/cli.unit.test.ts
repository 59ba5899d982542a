/** Reading what the Prisma CLI prints. */
import { parseAppliedMigrations } from '../../src/prisma/cli.js'

// `prisma migrate deploy` of Prisma 6.19.3 (WebAssembly engine), as printed.
const DEPLOYED = `Loaded Prisma config from prisma.config.ts.

Prisma schema loaded from prisma/schema.prisma
Datasource "db": PostgreSQL database

2 migrations found in prisma/migrations

Applying migration \`20250301090000_init\`
Applying migration \`20250612143000_add_auth_and_user_features\`

The following migration(s) have been applied:

migrations/
  └─ 20250301090000_init/
    └─ migration.sql
  └─ 20250612143000_add_auth_and_user_features/
    └─ migration.sql
      
All migrations have been successfully applied.
`

test('the migrations `migrate deploy` applied, in order', () => {
  expect(parseAppliedMigrations(DEPLOYED)).toEqual([
    '20250301090000_init',
    '20250612143000_add_auth_and_user_features'
  ])
  expect(
    parseAppliedMigrations('2 migrations found in prisma/migrations\n\nNo pending migrations to apply.\n')
  ).toEqual([])
})

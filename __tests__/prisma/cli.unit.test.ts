// Reading what the Prisma CLIs print, per version (the lines are the CLIs' own output).
import {
  childEnv,
  diffFromEmptyArgs,
  parseAppliedMigrations,
  parseLoadedSchema,
  seedCommandRan,
  verdictDiffArgs
} from '../../src/prisma/cli.js'

describe('parseLoadedSchema', () => {
  test('Prisma 5 and 6: the path ends the line', () => {
    const output =
      'Prisma schema loaded from prisma/schema.prisma\nDatasource "db": PostgreSQL database "p6a", schema "public" at "127.0.0.1:40579"\n'
    expect(parseLoadedSchema(output)).toBe('prisma/schema.prisma')
  })

  test('Prisma 7: the sentence ends with a period that is not part of the path', () => {
    const output =
      'Loaded Prisma config from prisma.config.ts.\n\nPrisma schema loaded from prisma/schema.prisma.\n'
    expect(parseLoadedSchema(output)).toBe('prisma/schema.prisma')
  })

  test('a schema folder, on either version', () => {
    expect(parseLoadedSchema('Prisma schema loaded from prisma/schema\n')).toBe('prisma/schema')
    expect(parseLoadedSchema('Prisma schema loaded from prisma/schema.\n')).toBe('prisma/schema')
  })
})

test('the schema flag of migrate diff is chosen by the major version', () => {
  expect(diffFromEmptyArgs(5, 's.prisma')).toContain('--to-schema-datamodel')
  expect(diffFromEmptyArgs(6, 's.prisma')).toContain('--to-schema-datamodel')
  expect(diffFromEmptyArgs(7, 's.prisma')).toEqual([
    'migrate',
    'diff',
    '--from-empty',
    '--to-schema',
    's.prisma',
    '--script'
  ])
})

test('a seed that is not configured is told apart from one that ran, on Prisma 6 and 7', () => {
  expect(
    seedCommandRan('Running seed command `tsx prisma/seed.ts` ...\n🌱  The seed command has been executed.\n')
  ).toBe(true)
  // Prisma 7 warns and exits 0; Prisma 6 prints nothing about it and exits 0.
  expect(seedCommandRan('⚠️ No seed command configured\n\nTo seed your database, add a seed property')).toBe(
    false
  )
  expect(seedCommandRan('Loaded Prisma config from prisma.config.ts.\n')).toBe(false)
})

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

test("Prisma's verdict reads the migrated database from the datasource, the flags chosen by the major version", () => {
  expect(verdictDiffArgs(6, 'prisma/schema.prisma')).toEqual([
    'migrate',
    'diff',
    '--from-schema-datasource',
    'prisma/schema.prisma',
    '--to-schema-datamodel',
    'prisma/schema.prisma',
    '--script'
  ])
  expect(verdictDiffArgs(7, 'prisma/schema.prisma')).toEqual([
    'migrate',
    'diff',
    '--from-config-datasource',
    '--to-schema',
    'prisma/schema.prisma',
    '--script'
  ])
})

describe('childEnv', () => {
  it("gives the project's processes the database URL but none of the action's inputs (the token among them)", () => {
    const env = childEnv(
      {
        project: { binDirs: ['/project/node_modules/.bin'] } as never,
        urlEnv: ['DATABASE_URL', 'DIRECT_URL'],
        baseEnv: { PATH: '/usr/bin', 'INPUT_GITHUB-TOKEN': 'ghs_secret', INPUT_SCHEMA: 'x', HOME: '/root' }
      },
      'postgresql://u:p@127.0.0.1:5432/db'
    )
    expect(Object.keys(env).filter((name) => name.startsWith('INPUT_'))).toEqual([])
    expect(JSON.stringify(env)).not.toContain('ghs_secret')
    expect(env.DATABASE_URL).toBe('postgresql://u:p@127.0.0.1:5432/db')
    expect(env.DIRECT_URL).toBe('postgresql://u:p@127.0.0.1:5432/db')
    expect(env.HOME).toBe('/root')
    expect(env.PATH?.startsWith('/project/node_modules/.bin')).toBe(true)
  })
})

// Reading what the Prisma CLIs print, per version (the lines are the CLIs' own output).
import { diffFromEmptyArgs, parseLoadedSchema, seedCommandRan } from '../../src/prisma/cli.js'

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

// Prisma's output as problems quote it: banners out, once per problem, and a missing URL named.
import {
  isBanner,
  missingUrlVariable,
  outputAddsTo,
  prismaErrorText,
  withoutBanners
} from '../../src/prisma/output.js'

// What `prisma migrate deploy` of Prisma 7.10 printed for a project whose URL variable was unset.
const EMPTY_URL = `Loaded Prisma config from prisma.config.ts.

Prisma schema loaded from prisma/schema.prisma.
Error: The datasource.url property is required in your Prisma config file when using prisma migrate deploy.
`

test('the banners of Prisma and dotenv are not errors', () => {
  for (const line of [
    'Loaded Prisma config from prisma.config.ts.',
    'Prisma schema loaded from prisma/schema.prisma',
    'Datasource "db": PostgreSQL database "app", schema "public" at "127.0.0.1:5432"',
    'Environment variables loaded from .env',
    'Prisma config detected, skipping environment variable loading.',
    '[dotenv@17.3.1] injecting env (0) from .env -- tip: 🔐 encrypt with Dotenvx',
    '◇ injected env (2) from .env.local // tip: ⌘ enable debugging { debug: true }'
  ])
    expect([line, isBanner(line)]).toEqual([line, true])
  expect(isBanner('Error: P3018')).toBe(false)
  expect(withoutBanners(EMPTY_URL)).toBe(
    'Error: The datasource.url property is required in your Prisma config file when using prisma migrate deploy.'
  )
})

test("Prisma's error text starts at its first error line, without the banners", () => {
  const output = `${EMPTY_URL}\n\n`
  expect(prismaErrorText(output)).toBe(
    'Error: The datasource.url property is required in your Prisma config file when using prisma migrate deploy.'
  )
  // Without an error line: the last lines.
  expect(prismaErrorText('a\nb\nc\nd', 2)).toBe('c\nd')
})

test('the output block is left out when the message already quotes all of it', () => {
  const message = `\`prisma migrate deploy\` failed (exit code 1).\n${prismaErrorText(EMPTY_URL)}`
  expect(outputAddsTo(message, EMPTY_URL)).toBe(false)
  expect(outputAddsTo(message, `${EMPTY_URL}    at migrate (index.js:1:2)\n`)).toBe(true)
})

test('a URL Prisma finds empty is told apart, with the variable when Prisma names one', () => {
  expect(missingUrlVariable(EMPTY_URL)).toBe('')
  expect(
    missingUrlVariable(
      'Failed to load config file "/app" as a TypeScript/JavaScript module. Error: PrismaConfigEnvError: Cannot resolve environment variable: DIRECT_URL.'
    )
  ).toBe('DIRECT_URL')
  expect(
    missingUrlVariable(
      'error: Environment variable not found: APP_DATABASE_URL.\n  -->  prisma/schema.prisma:13\n'
    )
  ).toBe('APP_DATABASE_URL')
  expect(
    missingUrlVariable(
      'Error validating datasource `db`: You must provide a nonempty URL. The environment variable `DIRECT_URL` resolved to an empty string.'
    )
  ).toBe('DIRECT_URL')
  expect(missingUrlVariable('Error: P3018\nA migration failed to apply.')).toBeUndefined()
})

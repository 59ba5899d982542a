// The datasource variables written in a prisma.config.ts, for when Prisma's loader cannot run.
import { configDatasourceEnv } from '../../src/prisma/config-file.js'

test('env(), process.env.X and process.env["X"] in the datasource block; shadowDatabaseUrl apart', () => {
  const text = `import { defineConfig, env } from 'prisma/config'
// url: env('COMMENTED_OUT')
const unrelated = process.env.NODE_ENV
export default defineConfig({
  schema: 'prisma/schema.prisma',
  datasource: {
    url: process.env.POSTGRES_URL_NON_POOLING ?? process.env['POSTGRES_PRISMA_URL'] ?? env("DATABASE_URL"),
    shadowDatabaseUrl: env('SHADOW_DATABASE_URL'),
  },
  migrations: { seed: \`tsx \${process.env.SEED_FILE}\` }
})
`
  expect(configDatasourceEnv(text)).toEqual({
    url: ['POSTGRES_URL_NON_POOLING', 'POSTGRES_PRISMA_URL', 'DATABASE_URL'],
    shadow: ['SHADOW_DATABASE_URL']
  })
  expect(configDatasourceEnv('export default {}')).toEqual({ url: [], shadow: [] })
})

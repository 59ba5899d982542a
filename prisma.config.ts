// Prisma configuration for the sample project.
// Prisma's native engines cannot be downloaded on our build machines, so the
// schema engine runs as WebAssembly through the pg driver adapter. The adapter
// is built from the parts of DATABASE_URL, not from the URL itself: the
// adapter's shadow-database code spreads this config, and a connection string
// would override the shadow database's name.
import path from 'node:path'
import { defineConfig } from 'prisma/config'
import { PrismaPg } from '@prisma/adapter-pg'

function pgConfigFromUrl(raw: string | undefined) {
  if (!raw) throw new Error('DATABASE_URL is not set')
  const url = new URL(raw)
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : 5432,
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: decodeURIComponent(url.pathname.slice(1)) || 'postgres',
    // pg's pool keeps the process alive while a connection idles (10 s by
    // default), which would hold every Prisma command open that long.
    idleTimeoutMillis: 100
  }
}

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join('prisma', 'schema.prisma'),
  migrations: {
    path: path.join('prisma', 'migrations'),
    seed: 'tsx prisma/seed.ts'
  },
  async adapter() {
    return new PrismaPg(pgConfigFromUrl(process.env.DATABASE_URL))
  }
})

// The config file is found where Prisma's own loader looks for it, and its
// paths start from its own folder, as Prisma resolves them.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import { parseConfig } from '../../src/config.js'
import { discoverProject } from '../../src/prisma/project.js'
import { REPO_ROOT } from '../helpers/project.js'

test.each(['prisma7.config.ts', '.config/prisma.config.ts', 'prisma.config/index.mjs'])(
  '%s is the project’s config file',
  (name) => {
    const rel = path.join('.tmp', 'discover', `d_${randomBytes(5).toString('hex')}`)
    const dir = path.join(REPO_ROOT, rel)
    mkdirSync(path.join(dir, path.dirname(name)), { recursive: true })
    const configDir = path.join(dir, path.dirname(name))
    mkdirSync(path.join(configDir, 'db'), { recursive: true })
    writeFileSync(
      path.join(configDir, 'db', 'schema.prisma'),
      'datasource db {\n  provider = "postgresql"\n}\n'
    )
    writeFileSync(
      path.join(dir, name),
      "export default { schema: 'db/schema.prisma', migrations: { path: 'db/migrations', seed: 'tsx db/seed.ts' } }\n"
    )
    try {
      const config = parseConfig(
        { 'database-url': 'postgresql://u:p@127.0.0.1:5432/db', 'working-directory': rel },
        { cwd: REPO_ROOT, env: {} }
      )
      const project = discoverProject(config)
      expect(project.configFile).toBe(path.join(dir, name))
      expect(project.schemaPath).toBe(path.join(configDir, 'db', 'schema.prisma'))
      expect(project.migrationsDir).toBe(path.join(configDir, 'db', 'migrations'))
      expect(project.seed).toEqual({ source: 'prisma.config', command: 'tsx db/seed.ts' })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }
)

// Each version fixture reproduces the sample project: only what its Prisma
// version needs differs (generator and datasource blocks, the client import).
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { REPO_ROOT } from '../helpers/project.js'
import { VERSIONS_DIR } from '../helpers/versions.js'

const sample = (file: string) => readFileSync(path.join(REPO_ROOT, 'prisma', file), 'utf8')
const fixture = (version: string, file: string) =>
  readFileSync(path.join(VERSIONS_DIR, version, file), 'utf8')
const fromFirstEnum = (schema: string) => schema.slice(schema.indexOf('\nenum '))

test('the Prisma 7 schema is the sample’s from its first enum on', () => {
  expect(fromFirstEnum(fixture('prisma-7', 'prisma/schema.prisma'))).toBe(
    fromFirstEnum(sample('schema.prisma'))
  )
})

test('the Prisma 7 seed is the sample’s but for the client it imports', () => {
  const strip = (text: string) =>
    text
      .split('\n')
      .filter((l) => !l.includes("from '../generated/prisma/") && !l.startsWith("// The sample's seed"))
      .join('\n')
  expect(strip(fixture('prisma-7', 'prisma/seed.ts'))).toBe(strip(sample('seed.ts')))
})

test('the Prisma 6 normal-mode fixture uses the sample’s own schema and seed', () => {
  expect(existsSync(path.join(VERSIONS_DIR, 'prisma-6-native', 'prisma'))).toBe(false)
  expect(sample('schema.prisma')).toMatch(/url\s+= env\("DATABASE_URL"\)/)
  expect(JSON.parse(fixture('prisma-6-native', 'package.json')).prisma.seed).toBe('tsx prisma/seed.ts')
})

test.each(['prisma-7', 'prisma-6-native'])('%s pins its Prisma in a lockfile', (version) => {
  const pkg = JSON.parse(fixture(version, 'package.json'))
  const lock = JSON.parse(fixture(version, 'package-lock.json'))
  expect(lock.packages['node_modules/prisma'].version).toBe(pkg.devDependencies.prisma)
  expect(lock.packages['node_modules/@prisma/client'].version).toBe(pkg.dependencies['@prisma/client'])
})

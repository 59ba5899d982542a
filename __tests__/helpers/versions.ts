/**
 * The Prisma version matrix: the sample project on each Prisma version and
 * engine mode the tests run.
 *
 * - `prisma-7` and `prisma-6-native`: projects under
 *   __tests__/fixtures/versions/, each with its own lockfile-installed
 *   node_modules (scripts/install-fixtures.mjs). Their CLIs run in their
 *   normal mode, whose native schema engine is the stand-in of
 *   __tests__/support/schema-engine/, chosen by `PRISMA_SCHEMA_ENGINE_BINARY`
 *   in the environment of the run (never by the product).
 * - `prisma-6-wasm`: the repository's own sample (prisma/, Prisma 6.19 with
 *   `engine: "js"` and the pg adapter) on the repository's node_modules.
 *
 * A copy is the sample's prisma/ folder (schema, migrations, seed) with the
 * fixture's files over it, in a throw-away folder whose `node_modules` is a
 * link to the fixture's, so that Node and the product's discovery find that
 * fixture's Prisma and nothing else.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import {
  FIXTURES,
  finishProject,
  makeProject,
  REPO_ROOT,
  type FixtureProject,
  type ProjectOptions
} from './project.js'

export const VERSIONS_DIR = path.join(FIXTURES, 'versions')
export const STAND_IN = path.join(REPO_ROOT, '__tests__', 'support', 'schema-engine', 'schema-engine.mjs')

export type VersionName = 'prisma-7' | 'prisma-6-native' | 'prisma-6-wasm'

export interface PrismaVersion {
  name: VersionName
  /** The CLI version the fixture installs. */
  prisma: string
  mode: 'native' | 'wasm'
  /** Where the seed is configured. */
  seedConfig: 'prisma.config.ts' | 'package.json'
  /** The environment a run on this version needs (the stand-in engine for native mode). */
  env: NodeJS.ProcessEnv
}

export const VERSIONS: Record<VersionName, PrismaVersion> = {
  'prisma-7': {
    name: 'prisma-7',
    prisma: '7.10.1',
    mode: 'native',
    seedConfig: 'prisma.config.ts',
    env: { PRISMA_SCHEMA_ENGINE_BINARY: STAND_IN }
  },
  'prisma-6-native': {
    name: 'prisma-6-native',
    prisma: '6.19.3',
    mode: 'native',
    seedConfig: 'package.json',
    env: { PRISMA_SCHEMA_ENGINE_BINARY: STAND_IN }
  },
  'prisma-6-wasm': {
    name: 'prisma-6-wasm',
    prisma: '6.19.3',
    mode: 'wasm',
    seedConfig: 'prisma.config.ts',
    env: {}
  }
}

/** Copies the sample project for `version`; `options` as for {@link makeProject}. */
export function makeVersionProject(version: VersionName, options: ProjectOptions = {}): FixtureProject {
  if (VERSIONS[version].mode === 'wasm') return makeProject(options)
  const fixture = path.join(VERSIONS_DIR, version)
  const copyName = `${version}_${randomBytes(5).toString('hex')}`
  const relDir = path.join('.tmp', 'versions', copyName)
  const dir = path.join(REPO_ROOT, relDir)
  mkdirSync(dir, { recursive: true })
  cpSync(path.join(REPO_ROOT, 'prisma'), path.join(dir, 'prisma'), { recursive: true })
  for (const entry of readdirSync(fixture)) {
    if (entry === 'node_modules') continue
    cpSync(path.join(fixture, entry), path.join(dir, entry), { recursive: true })
  }
  symlinkSync(path.join(fixture, 'node_modules'), path.join(dir, 'node_modules'), 'dir')
  // A test that makes the copy a git repository must not commit the link or the client.
  writeFileSync(path.join(dir, '.gitignore'), 'node_modules\ngenerated/\nmigrate-seed-check-report/\n')
  // Prisma compiles prisma.config.ts into the fixture's node_modules/.cache, named after the copy.
  return finishProject(relDir, options, () => {
    const cache = path.join(fixture, 'node_modules', '.cache', 'jiti')
    for (const file of existsSync(cache) ? readdirSync(cache) : [])
      if (file.startsWith(`${copyName}-`)) rmSync(path.join(cache, file), { force: true })
  })
}

/** The environment of a run on `version`: the test process's, with what the version needs. */
export function versionEnv(version: VersionName, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...VERSIONS[version].env, ...extra }
}

export const SHAPES_DIR = path.join(FIXTURES, 'real-shapes')

/**
 * Copies the real-project shape `shape` (__tests__/fixtures/real-shapes/) for
 * `version`: in normal mode over the version fixture's package.json, with a
 * link to its node_modules; in WebAssembly mode under the repository (whose
 * node_modules Node finds) with the shapes' WebAssembly config. The shape's
 * own files win.
 */
export function makeShapeProject(
  shape: string,
  version: VersionName,
  options: ProjectOptions = {}
): FixtureProject {
  const copyName = `${shape}_${randomBytes(5).toString('hex')}`
  const relDir = path.join('.tmp', 'shapes', copyName)
  const dir = path.join(REPO_ROOT, relDir)
  mkdirSync(dir, { recursive: true })
  const wasm = VERSIONS[version].mode === 'wasm'
  if (wasm) cpSync(path.join(SHAPES_DIR, 'wasm.prisma.config.ts'), path.join(dir, 'prisma.config.ts'))
  else {
    cpSync(path.join(VERSIONS_DIR, version, 'package.json'), path.join(dir, 'package.json'))
    symlinkSync(path.join(VERSIONS_DIR, version, 'node_modules'), path.join(dir, 'node_modules'), 'dir')
  }
  cpSync(path.join(SHAPES_DIR, shape), dir, { recursive: true })
  writeFileSync(path.join(dir, '.gitignore'), 'node_modules\ngenerated/\nmigrate-seed-check-report/\n')
  const fixtureModules = wasm
    ? path.join(REPO_ROOT, 'node_modules')
    : path.join(VERSIONS_DIR, version, 'node_modules')
  return finishProject(relDir, options, () => {
    // Prisma's config loader compiles prisma.config.ts into node_modules/.cache, named after the copy.
    const cache = path.join(fixtureModules, '.cache', 'jiti')
    for (const file of existsSync(cache) ? readdirSync(cache) : [])
      if (file.startsWith(`${copyName}-`)) rmSync(path.join(cache, file), { force: true })
  })
}

/**
 * Fixture projects for integration tests: a copy of the sample project (or
 * of a fixture folder) under `<repo>/.tmp/`, so that Node finds the
 * repository's node_modules (Prisma, the adapter, tsx) from it, changed as
 * the test needs. Each copy generates its Prisma client into its own folder.
 */
import { cpSync, mkdirSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
export const FIXTURES = path.join(REPO_ROOT, '__tests__', 'fixtures')

export interface FixtureProject {
  dir: string
  /** Path relative to the repository root. */
  relDir: string
  write(file: string, text: string): void
  remove(file: string): void
  cleanup(): void
}

export interface ProjectOptions {
  /** A folder under __tests__/fixtures/projects to copy over the sample (its files win). */
  fixture?: string
  /** Migration folder names of the sample to leave out. */
  dropMigrations?: string[]
  /** Files to write (relative to the project), or null to delete. */
  files?: Record<string, string | null>
}

/** Copies the sample project (prisma/, prisma.config.ts, package.json) into a fresh folder. */
export function makeProject(options: ProjectOptions = {}): FixtureProject {
  const relDir = path.join('.tmp', 'projects', `p_${randomBytes(5).toString('hex')}`)
  const dir = path.join(REPO_ROOT, relDir)
  mkdirSync(dir, { recursive: true })
  cpSync(path.join(REPO_ROOT, 'prisma'), path.join(dir, 'prisma'), { recursive: true })
  cpSync(path.join(REPO_ROOT, 'prisma.config.ts'), path.join(dir, 'prisma.config.ts'))
  writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: 'fixture', private: true, type: 'module' }, null, 2) + '\n'
  )
  return finishProject(relDir, options)
}

/**
 * The common end of a fixture copy already in `<repo>/relDir`: the options'
 * migrations dropped, fixture folder copied over and files written, and the
 * handle; `onCleanup` removes what the copy left elsewhere.
 */
export function finishProject(
  relDir: string,
  options: ProjectOptions,
  onCleanup?: () => void
): FixtureProject {
  const dir = path.join(REPO_ROOT, relDir)
  for (const name of options.dropMigrations ?? []) {
    rmSync(path.join(dir, 'prisma', 'migrations', name), { recursive: true, force: true })
  }
  if (options.fixture) cpSync(path.join(FIXTURES, 'projects', options.fixture), dir, { recursive: true })
  const project: FixtureProject = {
    dir,
    relDir: relDir.split(path.sep).join('/'),
    write(file, text) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true })
      writeFileSync(path.join(dir, file), text)
    },
    remove(file) {
      rmSync(path.join(dir, file), { recursive: true, force: true })
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true })
      onCleanup?.()
    }
  }
  for (const [file, text] of Object.entries(options.files ?? {})) {
    if (text === null) project.remove(file)
    else project.write(file, text)
  }
  return project
}

/** The sample's migration folder names, in order. */
export function sampleMigrations(): string[] {
  return readdirSync(path.join(REPO_ROOT, 'prisma', 'migrations'))
    .filter((n) => existsSync(path.join(REPO_ROOT, 'prisma', 'migrations', n, 'migration.sql')))
    .sort()
}

// Faults of the Prisma project. Each case: the fault → the expected report →
// the expected status. Every run checks afterwards that no child process and
// no scratch database is left (runFault). No node_modules/prisma and an
// invalid schema.prisma are covered by __tests__/pipeline/failures.int.test.ts
// (see README.md in this folder).
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { adminQuery, createTestDatabase } from '../helpers/pg.js'
import { makeProject, sampleMigrations } from '../helpers/project.js'
import { FAULT_TIMEOUT, lineOf, runFault } from './debris.js'

const cheap = { generate: 'false', 'seed-command': 'none' } as const

function stage(result: { stages: { name: string; status: string; summary: string }[] }, name: string) {
  return result.stages.find((s) => s.name === name)
}

test.concurrent(
  'no migrations folder → a "No migrations" warning and every table of the schema reported as drift → failed (exit 1)',
  async () => {
    const db = await createTestDatabase('f_nomig')
    const project = makeProject({ files: { 'prisma/migrations': null } })
    try {
      const { result } = await runFault(
        { 'database-url': db.url, 'working-directory': project.relDir, ...cheap },
        { projectDir: project.dir }
      )
      expect(stage(result, 'migrate')?.status).toBe('passed')
      expect(result.problems.find((p) => p.title === 'No migrations')?.severity).toBe('warning')
      expect(result.problems.find((p) => p.title === 'No migrations')?.message).toMatch(
        /prisma migrate dev --name init/
      )
      const tables = result.drift.filter((i) => i.kind === 'table')
      expect(tables.length).toBeGreaterThan(0)
      expect(tables.every((i) => i.change === 'missing' && i.severity === 'error')).toBe(true)
      expect(result.status).toBe('failed')
      expect(result.failedOn).toEqual(['drift'])
    } finally {
      project.cleanup()
      await db.drop()
    }
  },
  FAULT_TIMEOUT
)

test.concurrent(
  'an empty migrations folder with a non-empty schema → everything is drift (each model a missing table on its line, a fix migration) → failed (exit 1)',
  async () => {
    const db = await createTestDatabase('f_emptymig')
    const project = makeProject({ dropMigrations: sampleMigrations() })
    try {
      const schema = readFileSync(path.join(project.dir, 'prisma/schema.prisma'), 'utf8')
      const models = [...schema.matchAll(/^model (\w+) \{/gm)].map((m) => m[1])
      const { result } = await runFault(
        { 'database-url': db.url, 'working-directory': project.relDir, ...cheap },
        { projectDir: project.dir }
      )
      expect(stage(result, 'migrate')?.summary).toBe('0 migration(s) applied')
      const tables = result.drift.filter((i) => i.kind === 'table')
      expect(tables).toHaveLength(models.length)
      for (const item of tables) {
        expect(item).toMatchObject({ change: 'missing', severity: 'error' })
        expect(item.location?.file).toBe(`${project.relDir}/prisma/schema.prisma`)
      }
      // Only missing objects: the migrated database has nothing the schema lacks.
      expect(result.drift.filter((i) => i.severity !== 'info' && i.change !== 'missing')).toEqual([])
      expect(result.fixSql).toMatch(/CREATE TABLE/)
      expect(readFileSync(result.fixSqlPath!, 'utf8')).toBe(result.fixSql)
      expect(result.status).toBe('failed')
      expect(result.failedOn).toEqual(['drift'])
    } finally {
      project.cleanup()
      await db.drop()
    }
  },
  FAULT_TIMEOUT
)

const HALF_WAY = [
  'CREATE TABLE "half_a" ("id" INTEGER NOT NULL PRIMARY KEY);',
  'CREATE TABLE "half_b" ("id" INTEGER NOT NULL PRIMARY KEY);',
  '',
  '-- the third statement fails',
  'ALTER TABLE "half_missing" ADD COLUMN "x" TEXT;',
  'CREATE TABLE "half_c" ("id" INTEGER NOT NULL PRIMARY KEY);',
  ''
].join('\n')

test.concurrent(
  'a migration that fails half-way → the failing statement on its line, statements 1–2 reported as applied and left in the database → failed (exit 1)',
  async () => {
    const db = await createTestDatabase('f_halfway')
    const migration = 'prisma/migrations/20250701000000_half_way/migration.sql'
    const project = makeProject({ files: { [migration]: HALF_WAY } })
    try {
      const { result } = await runFault(
        { 'database-url': db.url, 'working-directory': project.relDir, ...cheap },
        { projectDir: project.dir }
      )
      expect(result.status).toBe('failed')
      expect(result.failedOn).toEqual(['migrate'])
      const problem = result.problems.find((p) => p.stage === 'migrate')
      expect(problem?.title).toBe('Migration 20250701000000_half_way failed')
      expect(problem?.location).toEqual({
        file: `${project.relDir}/${migration}`,
        line: lineOf(HALF_WAY, 'ALTER TABLE')
      })
      expect(problem?.message).toMatch(/relation "half_missing" does not exist/)
      expect(problem?.message).toMatch(/statement 3, line 5/)
      // What the WASM engine really left: the statements before the failing one.
      const left = await adminQuery<{ relname: string }>(
        "SELECT relname FROM pg_class WHERE relkind = 'r' AND relname LIKE 'half_%' ORDER BY 1",
        [],
        db.name
      )
      expect(left.map((r) => r.relname)).toEqual(['half_a', 'half_b'])
      // …and the report says so, in those words.
      expect(problem?.message).toMatch(/2 statements before the failing one stay applied/)
      expect(problem?.message).toContain('line 1 `CREATE TABLE "half_a"')
      expect(problem?.message).toContain('line 2 `CREATE TABLE "half_b"')
      expect(problem?.message).toMatch(/prisma migrate resolve --rolled-back 20250701000000_half_way/)
      expect(stage(result, 'seed')?.status).toBe('skipped')
      expect(stage(result, 'compare')?.status).toBe('skipped')
    } finally {
      project.cleanup()
      await db.drop()
    }
  },
  FAULT_TIMEOUT
)

test.concurrent(
  'a migration_lock.toml for another provider (mysql) → Prisma refuses with P3019, reported on the lock file → failed (exit 1)',
  async () => {
    const db = await createTestDatabase('f_lock')
    const lock = 'prisma/migrations/migration_lock.toml'
    const project = makeProject()
    try {
      const text = readFileSync(path.join(project.dir, lock), 'utf8').replace('"postgresql"', '"mysql"')
      project.write(lock, text)
      const { result } = await runFault(
        { 'database-url': db.url, 'working-directory': project.relDir, ...cheap },
        { projectDir: project.dir }
      )
      expect(result.status).toBe('failed')
      expect(result.failedOn).toEqual(['migrate'])
      const problem = result.problems.find((p) => p.stage === 'migrate')
      expect(problem?.code).toBe('P3019')
      expect(problem?.message).toMatch(
        /The datasource provider `postgresql` specified in your schema does not match the one specified in the migration_lock\.toml, `mysql`/
      )
      expect(problem?.location).toEqual({ file: `${project.relDir}/${lock}`, line: lineOf(text, 'provider') })
      // Nothing was applied.
      const tables = await adminQuery("SELECT 1 FROM pg_class WHERE relname = 'users'", [], db.name)
      expect(tables).toEqual([])
      expect(stage(result, 'seed')?.status).toBe('skipped')
    } finally {
      project.cleanup()
      await db.drop()
    }
  },
  FAULT_TIMEOUT
)

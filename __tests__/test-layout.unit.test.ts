// Unit tests need nothing started: `npm run test:unit` runs the unit project,
// which has no global setup (no PostgreSQL, no fixture installs). These checks
// keep it so: a test file says which kind it is, and no unit test reaches the
// database helper, whatever test helper it goes through.
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import ts from 'typescript'
import { REPO_ROOT } from './helpers/project.js'

const TESTS = path.join(REPO_ROOT, '__tests__')

function testFiles(dir = TESTS): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory())
      return entry.name === 'fixtures' || entry.name === 'node_modules' ? [] : testFiles(full)
    return entry.name.endsWith('.test.ts') ? [full] : []
  })
}

/** The files under __tests__ that `file` imports, directly or through other test files. */
function reachableTestFiles(file: string, seen = new Set<string>()): Set<string> {
  const imports = ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles
  for (const { fileName } of imports) {
    if (!fileName.startsWith('.')) continue
    const target = path.resolve(path.dirname(file), fileName.replace(/\.js$/, '.ts'))
    if (!target.startsWith(TESTS + path.sep) || seen.has(target)) continue
    seen.add(target)
    if (target.endsWith('.ts')) reachableTestFiles(target, seen)
  }
  return seen
}

const files = testFiles()
const unitFiles = files.filter((file) => file.endsWith('.unit.test.ts'))

test('every test file says whether it is a unit or an integration test', () => {
  expect(unitFiles.length).toBeGreaterThan(20)
  const unnamed = files.filter((file) => !/\.(unit|int)\.test\.ts$/.test(file))
  expect(unnamed.map((file) => path.relative(REPO_ROOT, file))).toEqual([])
})

test('no unit test reaches the database helper (helpers/pg.ts)', () => {
  const database = path.join(TESTS, 'helpers', 'pg.ts')
  const reaching = unitFiles.filter((file) => reachableTestFiles(file).has(database))
  expect(reaching.map((file) => path.relative(REPO_ROOT, file))).toEqual([])
})

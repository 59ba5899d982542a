// Installs the Prisma version fixtures (__tests__/fixtures/versions/*): each
// is a project with its own package.json and package-lock.json, installed
// with `npm ci --prefer-offline` from its lockfile (npm's cache makes a
// reinstall fast). A fixture whose node_modules was installed from its
// current lockfile is left alone: a stamp in node_modules records the hash
// of the package.json and lockfile it was installed from. A lock folder under
// .tmp/ keeps two test runs from installing the same fixture at once.
//
//   node scripts/install-fixtures.mjs          install what is missing or stale
//   node scripts/install-fixtures.mjs --check  exit 1 if something is
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const VERSIONS_DIR = path.join(ROOT, '__tests__', 'fixtures', 'versions')
const STAMP = '.msc-installed-from'
/** A lock older than this is from a run that died. */
const STALE_LOCK_MS = 10 * 60_000

/** The fixture folders: those with a lockfile. */
export function fixtureDirs() {
  if (!existsSync(VERSIONS_DIR)) return []
  return readdirSync(VERSIONS_DIR, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(path.join(VERSIONS_DIR, e.name, 'package-lock.json')))
    .map((e) => path.join(VERSIONS_DIR, e.name))
}

function lockHash(dir) {
  const hash = createHash('sha256')
  for (const file of ['package.json', 'package-lock.json']) hash.update(readFileSync(path.join(dir, file)))
  return hash.digest('hex')
}

/** Whether `dir`'s node_modules was installed from its current lockfile. */
export function isInstalled(dir) {
  const stamp = path.join(dir, 'node_modules', STAMP)
  return existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === lockHash(dir)
}

function run(command, args, cwd, log) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (d) => (output += d))
    child.stderr.on('data', (d) => (output += d))
    child.on('error', reject)
    child.on('close', (code) => {
      if (code === 0) return resolve(output)
      log(output)
      reject(new Error(`${command} ${args.join(' ')} failed in ${cwd} (exit code ${code})`))
    })
  })
}

async function withLock(name, fn) {
  const lock = path.join(ROOT, '.tmp', `install-fixture-${name}.lock`)
  mkdirSync(path.dirname(lock), { recursive: true })
  for (;;) {
    try {
      mkdirSync(lock)
      break
    } catch (error) {
      if (error.code !== 'EEXIST') throw error
      if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) rmSync(lock, { recursive: true, force: true })
      else await new Promise((resolve) => setTimeout(resolve, 500))
    }
  }
  try {
    return await fn()
  } finally {
    rmSync(lock, { recursive: true, force: true })
  }
}

/**
 * Installs every fixture that is missing or stale; returns the ones it
 * installed with the seconds each took.
 */
export async function installFixtures({ log = (m) => process.stderr.write(m + '\n') } = {}) {
  const installed = []
  for (const dir of fixtureDirs()) {
    if (isInstalled(dir)) continue
    const name = path.basename(dir)
    await withLock(name, async () => {
      if (isInstalled(dir)) return
      const started = Date.now()
      log(`Installing the ${name} fixture from its lockfile (npm ci --prefer-offline)…`)
      // Nothing here may depend on an install script: npm does not run them unless allowed.
      await run('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], dir, log)
      writeFileSync(path.join(dir, 'node_modules', STAMP), lockHash(dir) + '\n')
      const seconds = (Date.now() - started) / 1000
      installed.push({ name, seconds })
      log(`Installed the ${name} fixture in ${seconds.toFixed(1)} s`)
    })
  }
  return installed
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--check')) {
    const stale = fixtureDirs().filter((d) => !isInstalled(d))
    for (const dir of stale) console.error(`${path.relative(ROOT, dir)}: not installed from its lockfile`)
    process.exit(stale.length ? 1 : 0)
  }
  installFixtures().catch((error) => {
    console.error(error.message)
    process.exit(1)
  })
}

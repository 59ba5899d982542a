// The fingerprint of everything dist/ is built from: the source files, the
// lockfile (bundled dependency versions) and the build script itself. The
// build records it in dist/source.sha256, so a test run can tell at once
// whether the committed bundle is the current source's (a fresh clone's is),
// without rebuilding or comparing timestamps that git checkouts scramble.
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'

const INPUTS = ['src', 'package-lock.json', 'tsconfig.json', 'scripts/build.mjs', 'scripts/source-hash.mjs']

function files(root, relative) {
  const full = path.join(root, relative)
  let entries
  try {
    entries = readdirSync(full, { withFileTypes: true })
  } catch (error) {
    if (error.code === 'ENOTDIR') return [relative]
    throw error
  }
  return entries.flatMap((e) => files(root, path.join(relative, e.name)))
}

/** Hex sha256 over the sorted relative paths and contents of the build inputs. */
export function sourceHash(root) {
  const hash = createHash('sha256')
  const all = INPUTS.flatMap((input) => files(root, input))
    .map((f) => f.split(path.sep).join('/'))
    .sort()
  for (const file of all) {
    hash.update(`${file}\0`)
    hash.update(readFileSync(path.join(root, file)))
    hash.update('\0')
  }
  return hash.digest('hex')
}

export const HASH_FILE = 'source.sha256'

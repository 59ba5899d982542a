// Builds dist/: one ncc bundle per entry (the action and the CLI), written
// flat as dist/index.js and dist/cli.js, with dist/package.json marking ESM.
import { execFileSync } from 'node:child_process'
import {
  cpSync,
  mkdirSync,
  readdirSync,
  rmSync,
  writeFileSync,
  readFileSync,
  chmodSync,
  mkdtempSync
} from 'node:fs'
import path from 'node:path'
import { HASH_FILE, sourceHash } from './source-hash.mjs'

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname))
const dist = path.join(root, 'dist')
const entries = { index: 'src/index.ts', cli: 'src/cli.ts' }
// A folder of its own, so that two builds at once do not clobber each other.
mkdirSync(path.join(root, '.tmp'), { recursive: true })
const tmp = mkdtempSync(path.join(root, '.tmp', 'build-'))
for (const [name, entry] of Object.entries(entries)) {
  const out = path.join(tmp, name)
  execFileSync(
    process.execPath,
    [
      path.join(root, 'node_modules/@vercel/ncc/dist/ncc/cli.js'),
      'build',
      entry,
      '-o',
      out,
      '--license',
      'licenses.txt',
      '--quiet',
      '--target',
      'es2022'
    ],
    { cwd: root, stdio: 'inherit' }
  )
}
rmSync(dist, { recursive: true, force: true })
mkdirSync(dist, { recursive: true })
for (const name of Object.keys(entries)) {
  const out = path.join(tmp, name)
  for (const file of readdirSync(out)) {
    const target =
      file === 'index.js' ? `${name}.js` : file === 'licenses.txt' ? `${name}.licenses.txt` : file
    cpSync(path.join(out, file), path.join(dist, target), { recursive: true })
  }
}
const cli = path.join(dist, 'cli.js')
const text = readFileSync(cli, 'utf8')
if (!text.startsWith('#!')) writeFileSync(cli, '#!/usr/bin/env node\n' + text)
chmodSync(cli, 0o755)
writeFileSync(path.join(dist, 'package.json'), JSON.stringify({ type: 'module' }, null, 2) + '\n')
// Lets a test run check at once that dist/ is this source's bundle.
writeFileSync(path.join(dist, HASH_FILE), sourceHash(root) + '\n')
rmSync(tmp, { recursive: true, force: true })

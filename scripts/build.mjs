// Builds dist/: one ncc bundle per entry (the action and the CLI), written
// flat as dist/index.js and dist/cli.js, with dist/package.json marking ESM;
// and action.yml's inputs and outputs from the input spec.
import { execFileSync } from 'node:child_process'
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  rmSync,
  writeFileSync,
  readFileSync,
  chmodSync,
  mkdtempSync
} from 'node:fs'
import path from 'node:path'
import { tsImport } from 'tsx/esm/api'
import { HASH_FILE, sourceHash } from './source-hash.mjs'

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname))
const dist = path.join(root, 'dist')
const entries = { index: 'src/index.ts', cli: 'src/cli.ts' }
// action.yml's inputs and outputs are written from the input spec (src/inputs.ts).
const { writeActionYml } = await tsImport('./action-yml.ts', import.meta.url)
if (writeActionYml(root)) process.stdout.write('build: action.yml rewritten from src/inputs.ts\n')
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
      // One file per chunk: with one name, each chunk's list overwrote the one before.
      '[name].licenses.txt',
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
  const licenses = readdirSync(out)
    .filter((f) => f.endsWith('.licenses.txt'))
    .sort((a, b) => (a === 'main.licenses.txt' ? -1 : b === 'main.licenses.txt' ? 1 : a < b ? -1 : 1))
  // A chunk's list can repeat another's (the plugin carries entries over): those are left out.
  let text = ''
  for (const f of licenses) {
    const list = readFileSync(path.join(out, f), 'utf8').trim()
    if (!text.includes(list)) text += (text ? '\n\n' : '') + list
  }
  writeFileSync(path.join(dist, `${name}.licenses.txt`), text + '\n')
  for (const file of readdirSync(out)) {
    if (licenses.includes(file)) continue
    const target = file === 'index.js' ? `${name}.js` : file
    // Both entries share their lazily loaded chunks (same module ids): a chunk of one
    // entry that differed from the other's would break it when overwritten.
    const existing = path.join(dist, target)
    if (existsSync(existing) && !readFileSync(existing).equals(readFileSync(path.join(out, file))))
      throw new Error(`build: ${name} and another entry produce different ${file}`)
    cpSync(path.join(out, file), existing, { recursive: true })
  }
}
shipSqlParser()
const cli = path.join(dist, 'cli.js')
const text = readFileSync(cli, 'utf8')
if (!text.startsWith('#!')) writeFileSync(cli, '#!/usr/bin/env node\n' + text)
chmodSync(cli, 0o755)
writeFileSync(path.join(dist, 'package.json'), JSON.stringify({ type: 'module' }, null, 2) + '\n')
// Lets a test run check at once that dist/ is this source's bundle.
writeFileSync(path.join(dist, HASH_FILE), sourceHash(root) + '\n')
rmSync(tmp, { recursive: true, force: true })

/**
 * PostgreSQL's parser (libpg-query) is WebAssembly that its loader reads from
 * `__dirname + "/libpg-query.wasm"`. A bundle in ESM has no `__dirname`, so
 * the loader's one line that sets its folder is pointed at the chunk's own
 * folder (`import.meta.url`), and the .wasm file is shipped beside it.
 */
function shipSqlParser() {
  const wasm = path.join(root, 'node_modules', 'libpg-query', 'wasm', 'libpg-query.wasm')
  copyFileSync(wasm, path.join(dist, 'libpg-query.wasm'))
  const line = 'scriptDirectory=__dirname+"/"'
  const chunks = readdirSync(dist).filter(
    (f) => f.endsWith('.js') && readFileSync(path.join(dist, f), 'utf8').includes(line)
  )
  if (chunks.length !== 1)
    throw new Error(`build: expected libpg-query's loader in one chunk of dist/, found it in ${chunks.length}`)
  const file = path.join(dist, chunks[0])
  const text = readFileSync(file, 'utf8')
  if (text.split(line).length !== 2) throw new Error(`build: libpg-query's loader changed (${chunks[0]})`)
  writeFileSync(file, text.replace(line, 'scriptDirectory=new URL(".",import.meta.url).href'))
}

/**
 * Loads Prisma's own WebAssembly schema engine for the Prisma CLI of the
 * project the stand-in runs in.
 *
 * The engine must be the CLI's own: `prisma@6.19` speaks the 7.1 engine's
 * protocol and accepts `url` in a schema, `prisma@7` the 8.1 engine's, which
 * rejects it. The CLIs ship their exact engine as `build/schema_engine_bg.wasm`
 * but not its JavaScript glue, which only npm's `@prisma/schema-engine-wasm`
 * has. So: the CLI's engine hash is read from its `@prisma/engines-version`;
 * the glue is the installed `@prisma/schema-engine-wasm` of that hash, or else
 * the one whose WebAssembly interface (every import and export name) is the
 * one of the CLI's shipped engine, which it then loads. A CLI that ships no
 * engine and has no glue of its hash is refused: Prisma 5 has no WebAssembly
 * build of its engine, and its protocol (`listMigrationDirectories`,
 * path-based parameters) predates the oldest one on npm, so another
 * version's engine would not give Prisma 5's answers.
 */
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { pathToFileURL } from 'node:url'

const require = createRequire(import.meta.url)

/** The glue packages this stand-in installs (package.json aliases of @prisma/schema-engine-wasm), oldest first. */
const GLUES = ['schema-engine-wasm-7', 'schema-engine-wasm-8']

/**
 * @typedef {object} PrismaCliInfo
 * @property {string} dir      the CLI's package folder
 * @property {string} version  e.g. 7.10.1
 * @property {string | undefined} enginesHash  the engines commit the CLI was built with
 */

/** The Prisma CLI that Node resolves from `cwd` (the project the CLI runs in). @returns {PrismaCliInfo} */
export function findPrismaCli(cwd = process.cwd()) {
  const projectRequire = createRequire(path.join(cwd, 'noop.js'))
  let pkgFile
  try {
    pkgFile = projectRequire.resolve('prisma/package.json')
  } catch {
    throw new Error(`schema-engine stand-in: no Prisma CLI resolvable from ${cwd}`)
  }
  const dir = path.dirname(pkgFile)
  const version = JSON.parse(readFileSync(pkgFile, 'utf8')).version
  let enginesHash
  try {
    const cliRequire = createRequire(pkgFile)
    const enginesPkg = cliRequire.resolve('@prisma/engines/package.json')
    const versionPkg = createRequire(enginesPkg).resolve('@prisma/engines-version/package.json')
    enginesHash = JSON.parse(readFileSync(versionPkg, 'utf8')).prisma?.enginesVersion
  } catch {
    enginesHash = undefined
  }
  return { dir, version, enginesHash }
}

/**
 * @typedef {object} EngineChoice
 * @property {string} gluePackage
 * @property {string} glueVersion
 * @property {string} wasmPath
 * @property {string} hash     the hash of the engine that runs
 * @property {'exact' | 'cli-wasm'} how
 */

/** @param {PrismaCliInfo} cli @returns {EngineChoice} */
export function chooseEngine(cli) {
  const glues = GLUES.map((name) => {
    // The packages export only their modules, not package.json.
    const dir = path.dirname(require.resolve(`${name}/schema_engine_bg`))
    const version = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).version
    return { name, version, dir, hash: version.split('.').at(-1) }
  })
  const cliWasm = path.join(cli.dir, 'build', 'schema_engine_bg.wasm')
  const shipped = existsSync(cliWasm) ? cliWasm : undefined
  const exact = glues.find((g) => g.hash === cli.enginesHash)
  if (exact) {
    return {
      gluePackage: exact.name,
      glueVersion: exact.version,
      wasmPath: shipped ?? path.join(exact.dir, 'schema_engine_bg.wasm'),
      hash: exact.hash,
      how: 'exact'
    }
  }
  if (shipped) {
    const signature = wasmSignature(readFileSync(shipped))
    const matching = glues.find(
      (g) => wasmSignature(readFileSync(path.join(g.dir, 'schema_engine_bg.wasm'))) === signature
    )
    if (!matching)
      throw new Error(
        `schema-engine stand-in: no installed @prisma/schema-engine-wasm matches the engine of prisma@${cli.version} (${cli.enginesHash}); add one of its version to the stand-in's glue packages`
      )
    return {
      gluePackage: matching.name,
      glueVersion: matching.version,
      wasmPath: shipped,
      hash: cli.enginesHash ?? matching.hash,
      how: 'cli-wasm'
    }
  }
  throw new Error(
    `schema-engine stand-in: prisma@${cli.version} ships no WebAssembly schema engine and none of its engine hash (${cli.enginesHash}) is installed; the stand-in serves only a CLI whose own engine it can run`
  )
}

/** Every import and export name of a WebAssembly module: equal signatures take the same glue. */
function wasmSignature(bytes) {
  const module = new WebAssembly.Module(bytes)
  const imports = WebAssembly.Module.imports(module).map((i) => `${i.module}:${i.name}:${i.kind}`)
  const exports = WebAssembly.Module.exports(module).map((e) => `${e.name}:${e.kind}`)
  return JSON.stringify([imports.sort(), exports.sort()])
}

/**
 * Instantiates the chosen engine the way the Prisma CLI does in its own
 * WebAssembly mode, and returns its `SchemaEngine` class.
 * @param {EngineChoice} choice
 */
export async function loadSchemaEngine(choice) {
  // The engine reports a Rust panic's message here before it traps (as the CLI's own loader sets up).
  globalThis.PRISMA_WASM_PANIC_REGISTRY ??= {
    message: undefined,
    set_message(message) {
      this.message = message
    }
  }
  const glue = await import(pathToFileURL(require.resolve(`${choice.gluePackage}/schema_engine_bg`)).href)
  const module = new WebAssembly.Module(readFileSync(choice.wasmPath))
  const instance = new WebAssembly.Instance(module, { './schema_engine_bg.js': glue })
  glue.__wbg_set_wasm(instance.exports)
  instance.exports.__wbindgen_start()
  return glue.SchemaEngine
}

// The layout holds: every module imports only from layers below its own (no
// import runs back up, so there is no circle), @actions/* stays at the edge,
// and no file grows past what a reader takes in at once.
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import ts from 'typescript'
import { REPO_ROOT } from './helpers/project.js'

/** Lowest first: a module may import from its own layer and the ones before it. */
const LAYERS = [
  'model',
  'util',
  'sql',
  'db',
  'catalog-diff',
  'migrations',
  'prisma',
  'history',
  'upgrade',
  'drift',
  'review',
  'report',
  'config',
  'pipeline',
  'github',
  'entry'
] as const

const SRC = path.join(REPO_ROOT, 'src')
const MAX_LINES = 500

function sourceFiles(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(full)
    return entry.name.endsWith('.ts') ? [path.relative(SRC, full)] : []
  })
}

/** `drift/check.ts` → `drift`; top-level `config.ts`/`inputs.ts` → `config`; other top-level files are entries. */
function layerOf(file: string): (typeof LAYERS)[number] {
  const [first, ...rest] = file.split(path.sep)
  if (rest.length > 0) {
    const layer = LAYERS.find((l) => l === first)
    if (!layer) throw new Error(`src/${file}: folder ${first}/ is in no layer; add it to LAYERS`)
    return layer
  }
  return ['config.ts', 'inputs.ts'].includes(first!) ? 'config' : 'entry'
}

/** Every module specifier a file imports or re-exports, read by TypeScript's own pre-processor. */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(path.join(SRC, file), 'utf8'), true, true)
  return info.importedFiles.map((f) => f.fileName)
}

/** Relative imports resolved to files under src/ (`./x.js` is `x.ts`). */
function localImports(file: string): string[] {
  return importsOf(file)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => path.normalize(path.join(path.dirname(file), spec.replace(/\.js$/, '.ts'))))
    .filter((target) => !target.startsWith('..'))
}

const files = sourceFiles()

describe('the layout', () => {
  it('has modules to check (the walk found src/)', () => {
    expect(files.length).toBeGreaterThan(40)
    expect(files).toContain(path.join('pipeline', 'index.ts'))
  })

  it('imports only from the same layer or a lower one', () => {
    const upward = files.flatMap((file) =>
      localImports(file)
        .filter((target) => LAYERS.indexOf(layerOf(target)) > LAYERS.indexOf(layerOf(file)))
        .map((target) => `src/${file} (${layerOf(file)}) imports src/${target} (${layerOf(target)})`)
    )
    expect(upward).toEqual([])
  })

  it('has no import circle', () => {
    const graph = new Map(files.map((f) => [f, localImports(f)]))
    const circles: string[] = []
    const state = new Map<string, 'open' | 'done'>()
    const visit = (file: string, trail: string[]): void => {
      state.set(file, 'open')
      for (const next of graph.get(file) ?? []) {
        if (state.get(next) === 'open') circles.push([...trail, file, next].join(' → '))
        else if (!state.has(next)) visit(next, [...trail, file])
      }
      state.set(file, 'done')
    }
    for (const file of files) if (!state.has(file)) visit(file, [])
    expect(circles).toEqual([])
  })

  it('keeps @actions/* in the entries and src/github/', () => {
    const outside = files.filter(
      (file) =>
        !['entry', 'github'].includes(layerOf(file)) &&
        importsOf(file).some((spec) => spec.startsWith('@actions/'))
    )
    expect(outside).toEqual([])
  })

  it(`has no file over ${MAX_LINES} lines`, () => {
    const long = files
      .map((file) => ({
        file,
        lines: readFileSync(path.join(SRC, file), 'utf8').trimEnd().split('\n').length
      }))
      .filter((f) => f.lines > MAX_LINES)
      .map((f) => `src/${f.file}: ${f.lines} lines`)
    expect(long).toEqual([])
  })
})

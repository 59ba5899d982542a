// The README is what a newcomer finishes, and docs/ holds the depth: every page
// of docs/ must be reachable from the README, every relative link and anchor
// must land, and every repository path the pages name must still exist, so a
// moved file or a renamed heading fails here rather than in a reader's browser.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { REPO_ROOT } from './helpers/project.js'

/** A markdown file as the checks see it: its lines outside fenced code blocks, with their numbers. */
interface Page {
  file: string
  prose: { line: number; text: string }[]
}

function toPage(file: string, markdown: string): Page {
  const prose: Page['prose'] = []
  let fence: { char: string; length: number } | undefined
  markdown.split('\n').forEach((raw, index) => {
    // Block quotes keep their content markdown: `> ### A heading` is a heading.
    const text = raw.replace(/^(\s{0,3}>\s?)+/, '')
    const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(text)
    if (marker) {
      const run = marker[1] as string
      if (!fence) fence = { char: run[0] as string, length: run.length }
      else if (run[0] === fence.char && run.length >= fence.length && text.trim() === run) fence = undefined
      return
    }
    if (!fence) prose.push({ line: index + 1, text })
  })
  return { file, prose }
}

/** The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces to dashes, repeats numbered. */
function headingAnchors(page: Page): Set<string> {
  const anchors = new Set<string>()
  const seen = new Map<string, number>()
  for (const { text } of page.prose) {
    const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(text)
    if (!heading) continue
    const visible = (heading[1] as string)
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/<[^>]+>/g, '')
      .replace(/`/g, '')
    const base = visible
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-')
    const count = seen.get(base) ?? 0
    seen.set(base, count + 1)
    anchors.add(count === 0 ? base : `${base}-${count}`)
  }
  return anchors
}

/** Inline code spans of a line (single or multiple backticks). */
function codeSpans(text: string): string[] {
  return [...text.matchAll(/(`+)(.+?)\1/g)].map((match) => (match[2] as string).trim())
}

/** Link and image targets of the page, outside code. */
function linkTargets(page: Page): { line: number; target: string }[] {
  return page.prose.flatMap(({ line, text }) =>
    [...text.replace(/(`+).+?\1/g, '').matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map(
      (match) => ({ line, target: match[1] as string })
    )
  )
}

interface Tree {
  /** Whether a path (relative to the repository) exists. */
  exists(relative: string): boolean
  /** The text of a markdown file (relative to the repository). */
  read(relative: string): string
}

/** Relative links whose file or anchor does not exist, as `file:line target (why)`. */
function brokenLinks(files: string[], tree: Tree): string[] {
  const anchorsOf = new Map<string, Set<string>>()
  const anchors = (file: string): Set<string> => {
    let found = anchorsOf.get(file)
    if (!found) anchorsOf.set(file, (found = headingAnchors(toPage(file, tree.read(file)))))
    return found
  }
  const broken: string[] = []
  for (const file of files) {
    for (const { line, target } of linkTargets(toPage(file, tree.read(file)))) {
      if (/^[a-z][a-z+.-]*:/i.test(target)) continue
      const [pathPart = '', anchor] = target.split('#', 2)
      const resolved = pathPart
        ? path.posix.normalize(path.posix.join(path.posix.dirname(file), decodeURI(pathPart)))
        : file
      const where = `${file}:${line} ${target}`
      if (resolved.startsWith('..')) broken.push(`${where} (outside the repository)`)
      else if (!tree.exists(resolved)) broken.push(`${where} (no such file)`)
      else if (anchor !== undefined && resolved.endsWith('.md') && !anchors(resolved).has(anchor))
        broken.push(`${where} (no heading with that anchor in ${resolved})`)
    }
  }
  return broken
}

/** Relative paths of the files `file` links to (anchors and external links left out). */
function linkedFiles(file: string, tree: Tree): Set<string> {
  return new Set(
    linkTargets(toPage(file, tree.read(file)))
      .map(({ target }) => target.split('#')[0] as string)
      .filter((target) => target && !/^[a-z][a-z+.-]*:/i.test(target))
      .map((target) => path.posix.normalize(path.posix.join(path.posix.dirname(file), target)))
  )
}

/** The repository's own code and tests, as the docs name them in code spans. */
const REPO_PATH = /^(src|__tests__|bench|scripts|\.ci|\.github)\/[\w./*-]*$/

/** Repository paths named in code spans that do not exist (`*` matches within one path segment). */
function missingPaths(files: string[], tree: Tree & { list(dir: string): string[] }): string[] {
  const missing: string[] = []
  for (const file of files) {
    for (const { line, text } of toPage(file, tree.read(file)).prose) {
      const tokens = codeSpans(text).flatMap((span) => span.split(/\s+/))
      for (const token of tokens) {
        const named = token.replace(/[),;]+$/, '').replace(/:\d+(-\d+)?$/, '')
        if (!REPO_PATH.test(named)) continue
        const bare = named.replace(/\/$/, '')
        const found = bare.includes('*')
          ? tree
              .list(path.posix.dirname(bare))
              .some((entry) => wildcard(path.posix.basename(bare)).test(entry))
          : tree.exists(bare)
        if (!found) missing.push(`${file}:${line} ${named}`)
      }
    }
  }
  return missing
}

function wildcard(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`)
}

const repository: Tree & { list(dir: string): string[] } = {
  exists: (relative) => existsSync(path.join(REPO_ROOT, relative)),
  read: (relative) => readFileSync(path.join(REPO_ROOT, relative), 'utf8'),
  list: (dir) => {
    const full = path.join(REPO_ROOT, dir)
    return existsSync(full) && statSync(full).isDirectory() ? readdirSync(full) : []
  }
}

const DOCS = readdirSync(path.join(REPO_ROOT, 'docs'))
  .filter((name) => name.endsWith('.md'))
  .map((name) => `docs/${name}`)
  .sort()
const PAGES = ['README.md', 'CONTRIBUTING.md', ...DOCS]

describe('the documentation', () => {
  it('keeps the README to at most 350 lines', () => {
    const lines = repository.read('README.md').split('\n').length
    expect(lines).toBeLessThanOrEqual(350)
  })

  it('links every page of docs/ from the README, and CONTRIBUTING.md too', () => {
    expect(DOCS.length).toBeGreaterThan(5)
    const linked = linkedFiles('README.md', repository)
    expect([...DOCS, 'CONTRIBUTING.md'].filter((page) => !linked.has(page))).toEqual([])
  })

  it('has no relative link or anchor that leads nowhere', () => {
    expect(brokenLinks(PAGES, repository)).toEqual([])
  })

  it('names only repository paths that exist', () => {
    expect(missingPaths(PAGES, repository)).toEqual([])
  })

  it('gives every folder of src/ a line in the architecture page', () => {
    const architecture = repository.read('docs/architecture.md')
    const folders = readdirSync(path.join(REPO_ROOT, 'src'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => `src/${entry.name}/`)
    expect(folders.length).toBeGreaterThan(5)
    expect(folders.filter((folder) => !architecture.includes(`\`${folder}\``))).toEqual([])
  })
})

describe('the checks themselves', () => {
  const files: Record<string, string> = {
    'README.md': [
      '# Guide',
      'See [the report](docs/report.md#reading-it), [drift](docs/drift.md) and [gone](docs/gone.md).',
      'Also [a heading that moved](docs/report.md#where-it-was) and [here](#guide).',
      '```md',
      '[inside a fence](docs/nowhere.md)',
      '```',
      '`[in code](docs/nowhere.md)` and `src/exec.ts` and `src/util/` and `__tests__/faults/*.int.test.ts:12`'
    ].join('\n'),
    'docs/report.md':
      "# The report\n\n## Reading it\n\n> ### A quoted heading\n\n## `report.json`\n\n## Reading it\n\n## Cost of the upgrade test's rows\n",
    'docs/drift.md': 'Back to [the README](../README.md#guide) and [nowhere](../../outside.md).\n'
  }
  const present = new Set([...Object.keys(files), 'src/util', '__tests__/faults'])
  const tree = {
    exists: (relative: string) => present.has(relative),
    read: (relative: string) => files[relative] as string,
    list: (dir: string) => (dir === '__tests__/faults' ? ['seed.int.test.ts', 'debris.ts'] : [])
  }

  it('gives headings the anchors GitHub gives them', () => {
    expect([...headingAnchors(toPage('docs/report.md', files['docs/report.md'] as string))]).toEqual([
      'the-report',
      'reading-it',
      'a-quoted-heading',
      'reportjson',
      'reading-it-1',
      'cost-of-the-upgrade-tests-rows'
    ])
  })

  it('reports a link to a missing file, a missing anchor and a path outside the repository, not links in code', () => {
    expect(brokenLinks(Object.keys(files), tree)).toEqual([
      'README.md:2 docs/gone.md (no such file)',
      'README.md:3 docs/report.md#where-it-was (no heading with that anchor in docs/report.md)',
      'docs/drift.md:1 ../../outside.md (outside the repository)'
    ])
  })

  it('reports a named path that is gone, and matches a wildcard within its folder', () => {
    expect(missingPaths(['README.md'], tree)).toEqual(['README.md:7 src/exec.ts'])
  })
})

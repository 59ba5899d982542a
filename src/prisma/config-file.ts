/**
 * Reads settings out of a `prisma.config.ts` without running it. Running the
 * user's TypeScript would need a loader and could have side effects; the few
 * settings we want are almost always literals. Anything computed is left
 * undefined and Prisma's own output decides later.
 */

/** A string literal, or `path.join('a', 'b')`-style calls made only of literals. */
const LITERAL = String.raw`'[^'\n]*'|"[^"\n]*"|` + '`[^`$\\n]*`'
const VALUE = new RegExp(
  String.raw`^\s*(?:(${LITERAL})|(?:path\.)?(?:join|resolve)\(\s*((?:(?:${LITERAL})\s*,?\s*)+)\))`
)

function unquote(literal: string): string {
  return literal.slice(1, -1)
}

function literalAfter(text: string, key: string): string | undefined {
  const keyPattern = new RegExp(String.raw`(?:^|[\s{,])${key}\s*:`, 'g')
  for (const match of text.matchAll(keyPattern)) {
    const rest = text.slice((match.index ?? 0) + match[0].length)
    const value = VALUE.exec(rest)
    if (!value) continue
    if (value[1]) return unquote(value[1])
    const parts = [...(value[2] ?? '').matchAll(new RegExp(LITERAL, 'g'))].map((m) => unquote(m[0]))
    return parts.join('/')
  }
  return undefined
}

/** Strips comments so that a commented-out setting is not read. */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1')
}

/** `schema` (key `schema`) or the migrations folder (key `path`), as written in the config. */
export function configPath(text: string, key: 'schema' | 'path'): string | undefined {
  const clean = withoutComments(text)
  if (key === 'path') {
    const migrations = /migrations\s*:\s*\{([^}]*)\}/.exec(clean)?.[1]
    return migrations ? literalAfter(migrations, 'path') : undefined
  }
  return literalAfter(clean, key)
}

/** The seed command of `migrations.seed`, as written. */
export function configSeed(text: string): string | undefined {
  const migrations = /migrations\s*:\s*\{([^}]*)\}/.exec(withoutComments(text))?.[1]
  return migrations ? literalAfter(migrations, 'seed') : undefined
}

/**
 * The variables written in the config's `datasource: { … }` block
 * (`env('X')`, `process.env.X`, `process.env['X']`), for when Prisma's own
 * loader cannot run: those on a `shadowDatabaseUrl` line are the shadow's.
 */
export function configDatasourceEnv(text: string): { url: string[]; shadow: string[] } {
  const clean = withoutComments(text)
  const start = /\bdatasource\s*:\s*\{/.exec(clean)
  const out = { url: [] as string[], shadow: [] as string[] }
  if (!start) return out
  let depth = 0
  let end = clean.length
  for (let i = start.index + start[0].length - 1; i < clean.length; i++) {
    if (clean[i] === '{') depth++
    else if (clean[i] === '}' && --depth === 0) {
      end = i
      break
    }
  }
  const block = clean.slice(start.index, end)
  const reference =
    /\benv\(\s*['"`]([A-Za-z_]\w*)['"`]\s*\)|process\.env(?:\.([A-Za-z_]\w*)|\[\s*['"`]([A-Za-z_]\w*)['"`]\s*\])/g
  for (const line of block.split('\n')) {
    const list = /shadowDatabaseUrl/.test(line) ? out.shadow : out.url
    for (const m of line.matchAll(reference)) {
      const name = m[1] ?? m[2] ?? m[3]
      if (name && !list.includes(name)) list.push(name)
    }
  }
  return out
}

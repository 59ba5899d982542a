/**
 * Where the engine connects. Prisma 7 passes the URLs (`--datasource` JSON
 * from prisma.config.ts); Prisma 5 and 6 pass none in RPC mode and the native
 * engine reads `url` and `shadowDatabaseUrl` from the schema's datasource
 * block, each a string literal or `env("NAME")`. That is all this reads:
 * the engines' schema parser is not published with the `shadowDatabaseUrl`
 * setting (the `get_config` of @prisma/prisma-schema-wasm leaves it out).
 */

/**
 * @typedef {{ url?: string, shadowDatabaseUrl?: string }} Datasource
 */

/**
 * The datasource of the first schema text that has a datasource block.
 * @param {string[]} texts @param {NodeJS.ProcessEnv} env @returns {Datasource}
 */
export function datasourceOfSchemas(texts, env = process.env) {
  for (const text of texts) {
    const block = datasourceBlock(text)
    if (block === undefined) continue
    return { url: setting(block, 'url', env), shadowDatabaseUrl: setting(block, 'shadowDatabaseUrl', env) }
  }
  return {}
}

/** The body of the first `datasource x { … }` block, comments blanked. */
function datasourceBlock(text) {
  const clean = text.replace(/\/\/.*$/gm, '')
  return /^\s*datasource\s+\w+\s*\{([\s\S]*?)^\s*\}/m.exec(clean)?.[1]
}

function setting(block, key, env) {
  const match = new RegExp(`^\\s*${key}\\s*=\\s*(?:env\\(\\s*"([^"]+)"\\s*\\)|"([^"]*)")`, 'm').exec(block)
  if (!match) return undefined
  return match[1] !== undefined ? env[match[1]] || undefined : match[2]
}

/**
 * Prisma's output as a problem quotes it: the lines that explain a failure,
 * without the banners every command prints (which config and schema were
 * loaded, which database, dotenv's "injected env" line). Banners are not
 * errors, and a problem quotes Prisma once.
 */

/** Lines that say what was loaded, never what went wrong. */
const BANNERS = [
  /^Loaded Prisma config from /,
  /^Prisma config detected, skipping environment variable loading/,
  /^Prisma schemas? loaded from /,
  /^Datasource "[^"]*": /,
  /^Environment variables loaded from /,
  /^\[dotenv@[^\]]+\] /,
  /^◇ inject(?:ed|ing) env /
]

/** Whether a line is one of the banners Prisma or the project's config prints. */
export function isBanner(line: string): boolean {
  const text = line.trim()
  return BANNERS.some((banner) => banner.test(text))
}

/** The output without banners and runs of blank lines. */
export function withoutBanners(output: string): string {
  const lines: string[] = []
  for (const line of output.split('\n')) {
    if (isBanner(line)) continue
    if (line.trim() === '' && (lines.length === 0 || lines[lines.length - 1]?.trim() === '')) continue
    lines.push(line.trimEnd())
  }
  return lines.join('\n').trim()
}

/**
 * What explains a failed command: from the first line that mentions an
 * error (or else the last lines), at most `maxLines` lines, banners left out.
 */
export function prismaErrorText(output: string, maxLines = 20): string {
  const lines = withoutBanners(output).split('\n')
  const first = lines.findIndex((line) => /error/i.test(line))
  const from = first >= 0 ? first : Math.max(0, lines.length - maxLines)
  return lines.slice(from, from + maxLines).join('\n')
}

/** Whether the output adds a line the message does not already quote (banners aside). */
export function outputAddsTo(message: string, output: string): boolean {
  return withoutBanners(output)
    .split('\n')
    .some((line) => line.trim() !== '' && !message.includes(line.trim()))
}

/**
 * Whether Prisma failed because it found no database URL: the config's
 * `datasource.url` empty (Prisma 7), a variable of `env("…")` unset or empty
 * (Prisma 5/6 schema, Prisma 7 config). Returns the variable it names, or ''
 * when it names none; undefined for any other failure.
 */
export function missingUrlVariable(output: string): string | undefined {
  const named =
    /Environment variable not found: ([A-Za-z_]\w*)/.exec(output) ??
    /Cannot resolve environment variable: ([A-Za-z_]\w*)/.exec(output) ??
    /environment variable `([A-Za-z_]\w*)` resolved to an empty string/i.exec(output)
  if (named) return named[1]
  if (
    /datasource\.url property is required|Connection url is empty|the URL must start with the protocol|must provide a nonempty (?:direct )?URL/i.test(
      output
    )
  )
    return ''
  return undefined
}

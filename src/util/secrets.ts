/**
 * Secrets derived from the database URL, and their removal from any text
 * the action writes (logs, summary, comment, JSON, files).
 */

/** The URL itself and its password, raw and percent-decoded/encoded. */
export function secretsOfUrl(url: string): string[] {
  const secrets = new Set<string>([url])
  try {
    const u = new URL(url)
    if (u.password) {
      secrets.add(u.password)
      const decoded = safeDecode(u.password)
      secrets.add(decoded)
      secrets.add(encodeURIComponent(decoded))
    }
  } catch {
    // Not a URL: only the whole string is secret.
  }
  // A one- or two-character password would blank out ordinary words; the URL still goes.
  return [...secrets].filter((s) => s.length >= 3)
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}

/**
 * Replaces every secret, and its URL-encoded and URL-decoded forms (a password
 * appears encoded inside a connection string), by `***`, longest first so that
 * a longer form is not left half-replaced.
 */
export function redact(text: string, secrets: readonly string[]): string {
  const forms = new Set<string>()
  for (const secret of secrets) {
    if (!secret) continue
    forms.add(secret)
    forms.add(encodeURIComponent(secret))
    forms.add(safeDecode(secret))
  }
  forms.delete('')
  let out = text
  for (const form of [...forms].sort((a, b) => b.length - a.length)) out = out.split(form).join('***')
  return out
}

/**
 * Making untrusted text safe to show. Everything a report shows that came from
 * the repository or the database (migration folder names, object names, error
 * messages, process output) passes through here, because a migration named
 * `` a`|<script> `` must neither break a markdown table nor inject HTML, and a
 * database URL in an error message must not leak its password into a comment.
 */
import { redact } from '../util/secrets.js'

export { redact }

/**
 * Characters that carry meaning anywhere in a GitHub-flavoured markdown line
 * (emphasis, code, links, tables, strikethrough), escaped with a backslash.
 * `<`, `>` and `&` are handled as HTML entities instead.
 */
const INLINE_PUNCTUATION = /[\\`*_[\]|~]/g

/** What makes a line a heading, a list item, a setext underline or a quote when it starts the line. */
const BLOCK_START = /^(\s*)(?:([#+=-])(?=[\s#+=-]|$)|(\d+)([.)])(?=\s|$))/

/**
 * Terminal sequences, removed whole so no `[31m` is left behind: CSI (colours,
 * cursor moves) and OSC (window titles, hyperlinks, ended by BEL or ESC \\).
 */
// eslint-disable-next-line no-control-regex
const ANSI_SEQUENCES = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?/g

/** Control characters other than tab and newline: ANSI escapes and the like, never wanted in a report. */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g

/** Replaces `&`, `<`, `>`, `"` and `'` by entities so that no tag can form. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

/** Removes control characters (ANSI colour codes, bells, carriage returns) that some tools print. */
export function stripControl(text: string): string {
  return text.replace(ANSI_SEQUENCES, '').replace(/\r\n?/g, '\n').replace(CONTROL_CHARACTERS, '')
}

/**
 * Plain text for a markdown paragraph or table cell: nothing in it is
 * interpreted. HTML is entity-escaped, markdown punctuation backslash-escaped
 * (block markers such as `#` or `1.` only where they would start a block),
 * line breaks become spaces (a newline would end a table row), and `@` gets a
 * zero-width space so that an error message quoting `@org/package` does not
 * notify a GitHub user or team.
 */
export function escapeText(text: string): string {
  // Quotes need no entities here: with `<` escaped no tag (hence no attribute) can form.
  const inline = stripControl(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\s*\n\s*/g, ' ')
    .replace(INLINE_PUNCTUATION, '\\$&')
    .replace(/@/g, '@&#8203;')
  // `\1.` would show the backslash (digits are not escapable), so the `.` is escaped.
  return inline.replace(BLOCK_START, (_all, space: string, marker?: string, digits?: string, dot?: string) =>
    marker ? `${space}\\${marker}` : `${space}${digits}\\${dot}`
  )
}

/**
 * An inline code span that shows `text` literally, whatever backticks it holds:
 * the delimiter is one backtick longer than the longest run inside, and a space
 * pads text that starts or ends with a backtick (CommonMark strips one each side).
 * Code spans render `<script>` as text and never form mentions or links.
 *
 * In a table (`inTable`), GFM splits cells on every `|`, even inside a code
 * span, so each is written `\|` (GFM removes that backslash before rendering).
 */
export function inlineCode(text: string, options: { inTable?: boolean } = {}): string {
  const flat = stripControl(text).replace(/\s*\n\s*/g, ' ')
  if (flat.trim() === '') return '` `'
  const longestRun = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length))
  const fence = '`'.repeat(longestRun + 1)
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : ''
  const body = options.inTable ? flat.replace(/\|/g, '\\|') : flat
  return `${fence}${pad}${body}${pad}${fence}`
}

/**
 * A fenced code block that cannot be closed by its content: the fence is longer
 * than any run of backticks in the text (a SQL comment with ``` in it, say).
 */
export function codeBlock(text: string, language = ''): string {
  const body = stripControl(text).replace(/\n+$/, '')
  const longestRun = Math.max(0, ...(body.match(/`{3,}/g) ?? []).map((run) => run.length))
  const fence = '`'.repeat(Math.max(3, longestRun + 1))
  return `${fence}${language}\n${body}\n${fence}`
}

/**
 * Text that may hold `` `code` `` spans written by our own pipeline ("seed failed
 * because `users.avatar` is missing"): the spans are rebuilt with
 * {@link inlineCode} and everything between them goes through {@link escapeText},
 * so the result reads naturally and is still inert.
 */
export function escapeMessage(text: string, options: { inTable?: boolean } = {}): string {
  const parts = stripControl(text).split(/`([^`\n]+)`/)
  return parts.map((part, i) => (i % 2 === 1 ? inlineCode(part, options) : escapeText(part))).join('')
}

/**
 * Applies {@link redact} to every string inside a value (a whole `CheckResult`,
 * say) and returns a copy, so every report built from it is redacted at once.
 */
export function redactDeep<T>(value: T, secrets: readonly string[]): T {
  if (!secrets.some((secret) => secret !== '')) return value
  return mapStrings(value, (text) => redact(text, secrets)) as T
}

function mapStrings(value: unknown, map: (text: string) => string): unknown {
  if (typeof value === 'string') return map(value)
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, map))
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([key, item]) => [key, mapStrings(item, map)])
    return Object.fromEntries(entries)
  }
  return value
}

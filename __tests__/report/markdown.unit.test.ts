import { commentMarker, renderMarkdown } from '../../src/report/markdown.js'
import type { CheckResult } from '../../src/model/result.js'
import type { DriftItem } from '../../src/model/drift.js'
import {
  designDocResult,
  driftResult,
  failedMigrationResult,
  manyColumnsDrift,
  passingResult,
  unreadableVerdictResult
} from './fixtures.js'

const COMMENT_LIMIT = 60_000
const SUMMARY_URL = 'https://github.com/acme/cms/actions/runs/42'

function comment(result: CheckResult, maxLength = COMMENT_LIMIT): string {
  return renderMarkdown(result, {
    marker: commentMarker(result.workingDirectory),
    maxLength,
    summaryUrl: SUMMARY_URL
  })
}

/** Cells of a markdown table row, split on unescaped pipes as GFM does. */
function cells(row: string): string[] {
  return row
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
}

/**
 * The markdown with fenced blocks and code spans removed: what is left is what
 * GitHub interprets as markdown and HTML (code shows `<script>` as text).
 */
function outsideCode(markdown: string): string {
  return markdown
    .replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, '')
    .replace(/(?<!`)(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, '')
}

function rowsOf(markdown: string, startsWith: string): string[] {
  return markdown.split('\n').filter((line) => line.startsWith(startsWith))
}

describe('renderMarkdown: the design doc case', () => {
  const markdown = comment(designDocResult())

  it('starts with the hidden marker and a headline that says why it failed', () => {
    const [marker, , headline] = markdown.split('\n')
    expect(marker).toBe('<!-- migrate-seed-check:. -->')
    expect(headline).toContain('❌')
    expect(headline).toContain('failed')
    expect(headline).toContain('seed failed')
    expect(headline).toContain('35 drift errors')
  })

  it('sums the drift up in one sentence with counts per kind', () => {
    expect(markdown).toContain('`prisma/schema.prisma` declares **7 tables, 5 columns, 3 enums')
    expect(markdown).toContain('The seed failed because of this drift (`users.profile_picture`)')
  })

  it('shows every stage with its status and time', () => {
    expect(markdown).toContain(
      '| Migrate | ✅ passed | 10.6 s | 1 migration applied: `20250301090000_init` |'
    )
    expect(markdown).toContain('| Seed | ❌ failed | 2.1 s |')
  })

  it('explains the seed failure with its location and the drift item behind it', () => {
    expect(markdown).toContain('**❌ Seed failed** · `prisma/seed.ts:18` · `P2022`')
    expect(markdown).toContain(
      '- `users.profile_picture` — missing column, declared at `prisma/schema.prisma:56`'
    )
    expect(markdown).toContain(
      '<details><summary>Output of <code>npx prisma db seed</code> (exit code 1)</summary>'
    )
  })

  it('lists the five columns, seven tables and three enums on their schema lines', () => {
    const expected: Array<[string, number]> = [
      ['users.profile_picture', 56],
      ['users.email_verified', 57],
      ['users.two_factor_secret', 58],
      ['users.two_factor_enabled', 59],
      ['users.last_login_at', 60],
      ['user_preferences', 107],
      ['audit_logs', 122],
      ['sessions', 141],
      ['backup_codes', 157],
      ['password_reset_tokens', 170],
      ['notifications', 184],
      ['email_logs', 199],
      ['Theme', 27],
      ['NotificationType', 33],
      ['EmailStatus', 42]
    ]
    const rows = rowsOf(markdown, '| ❌ |')
    expect(rows).toHaveLength(35)
    for (const [object, line] of expected) {
      const row = rows.find((candidate) => candidate.includes(`| \`${object}\` |`))
      expect(row).toBeDefined()
      expect(row).toContain(`\`prisma/schema.prisma:${line}\``)
      expect(cells(row ?? '')).toHaveLength(6)
    }
  })

  it('offers the fix: Prisma command, migration folder and the SQL in a collapsed block', () => {
    expect(markdown).toContain('`npx prisma migrate dev --name fix_drift`')
    expect(markdown).toContain('`prisma/migrations/<timestamp>_fix_drift/migration.sql`')
    expect(markdown).toMatch(/<details><summary>Suggested migration: 35 statements<\/summary>\n\n```sql\n/)
    expect(markdown).toContain('ALTER TABLE "users" ADD COLUMN "profile_picture" VARCHAR(500);')
  })

  it('says how to reproduce locally and points at the full report', () => {
    expect(markdown).toContain('<details><summary>Reproduce locally</summary>')
    expect(markdown).toContain('npx prisma migrate deploy')
    expect(markdown).toContain(`[full report](${SUMMARY_URL})`)
  })

  it('is not shortened when it fits', () => {
    expect(markdown).not.toContain('shortened')
  })
})

describe('renderMarkdown: other results', () => {
  it('never says a verdict it could not read is no drift', () => {
    const markdown = comment(unreadableVerdictResult())
    expect(markdown).toContain('Drift: not known (the compare stage failed) ·')
    expect(markdown).not.toContain('Drift: 0 errors')
  })

  it('reports a pass without problems or fixes', () => {
    const markdown = comment(passingResult())
    expect(markdown.split('\n')[2]).toBe('### ✅ migrate-seed-check passed')
    expect(markdown).toContain('Drift: 0 errors, 0 warnings ·')
    expect(markdown).not.toContain('notice')
    expect(markdown).not.toContain('### Problems')
    expect(markdown).not.toContain('How to fix')
    expect(markdown).not.toContain('Reproduce locally')
  })

  it('reports a failed migration with its file:line, error and output', () => {
    const markdown = comment(failedMigrationResult())
    expect(markdown).toContain('a migration failed')
    expect(markdown).toContain(
      '**❌ Migration `20250612143000_add_auth` failed**'.replace(
        '`20250612143000_add_auth`',
        '20250612143000\\_add\\_auth'
      )
    )
    expect(markdown).toContain('`prisma/migrations/20250612143000_add_auth/migration.sql:14` · `P3018`')
    expect(markdown).toContain('relation "user" does not exist (PostgreSQL 42P01)  \nat statement 3 of')
    expect(markdown).toContain(
      '**The failing migration (`prisma/migrations/20250612143000_add_auth/migration.sql:14`):**'
    )
    expect(markdown).toContain('```text\nApplying migration `20250612143000_add_auth`')
  })

  it('names the working directory in the headline and the marker', () => {
    const result = { ...passingResult(), workingDirectory: 'apps/api' }
    const markdown = comment(result)
    expect(markdown.startsWith('<!-- migrate-seed-check:apps/api -->\n')).toBe(true)
    expect(markdown).toContain('passed in `apps/api`')
  })

  it('lists what Prisma does not manage in a collapsed block, with why it is not drift, not as errors', () => {
    const info: DriftItem = {
      kind: 'trigger',
      change: 'unexpected',
      object: 'users_audit_trigger',
      target: { schema: 'public', table: 'users' },
      severity: 'info'
    }
    const markdown = comment({ ...passingResult(), drift: [info] })
    expect(markdown).toContain(
      '<details><summary>1 difference that Prisma&#39;s differ leaves alone (for information)</summary>'
    )
    expect(markdown).toContain(
      '| `users_audit_trigger` | trigger | only in the migrations | Prisma does not model triggers: they live in migrations only. |'
    )
    expect(markdown).toContain('Drift: 0 errors, 0 warnings, 1 for information')
  })
})

describe('renderMarkdown: hostile names render inert', () => {
  const evil = '20250612_`x`_<script>alert(1)</script>|evil'

  it('(the check itself sees raw HTML outside code)', () => {
    expect(outsideCode('a `<b>` ``x`<i>`` <script>\n```sql\n<p>\n```\n')).toBe('a   <script>\n\n')
  })

  it('keeps a migration name with backticks, <script> and | inert everywhere', () => {
    const markdown = comment(failedMigrationResult(evil))
    expect(outsideCode(markdown)).not.toMatch(/<script/i)
    expect(outsideCode(markdown)).not.toMatch(/<\/?(script|img|iframe)/i)
    const stageRow = rowsOf(markdown, '| Migrate |')[0] ?? ''
    expect(cells(stageRow)).toHaveLength(4)
    // Outside code, the tag is entity-escaped; inside code spans and blocks it is shown literally.
    expect(markdown).toContain('&lt;script&gt;')
  })

  it('keeps a drift object with a pipe and backticks inside one table cell', () => {
    const item: DriftItem = {
      kind: 'table',
      change: 'unexpected',
      object: 'we|ird`<script>alert(1)</script>',
      target: { schema: 'public', table: 'weird' },
      severity: 'warning',
      actual: 'a | b ``` c',
      location: { file: 'prisma/migrations/1_x/migration.sql', line: 3 }
    }
    const markdown = comment(driftResult([item]))
    const row = rowsOf(markdown, '| ⚠️ |')[0] ?? ''
    expect(cells(row)).toHaveLength(6)
    expect(row).toContain('``we\\|ird`<script>alert(1)</script>``')
    expect(outsideCode(markdown)).not.toMatch(/<script/i)
  })

  it('does not let SQL close its fence early', () => {
    const result = { ...designDocResult(), fixSql: 'SELECT 1;\n-- ```\n</details>\n<script>x</script>' }
    const markdown = comment(result)
    expect(markdown).toContain('````sql\nSELECT 1;\n-- ```\n</details>\n<script>x</script>\n````')
  })
})

describe('renderMarkdown: size limits', () => {
  const huge = driftResult(manyColumnsDrift(2000))

  it('keeps a 2,000-item drift under the comment limit, with marker, headline and pointer', () => {
    const markdown = comment(huge)
    expect(Buffer.byteLength(markdown)).toBeLessThanOrEqual(COMMENT_LIMIT)
    expect(markdown.length).toBeLessThan(65_536)
    expect(markdown.startsWith('<!-- migrate-seed-check:. -->\n')).toBe(true)
    expect(markdown).toContain('### ❌ migrate-seed-check failed: 2,000 drift errors')
    expect(markdown).toContain(`The complete report is in [the job summary](${SUMMARY_URL})`)
    expect(markdown).toMatch(/_… and [\d,]+ more items — see \[the job summary\]\(/)
    expect(markdown).toContain('left out here to save space')
    expect(markdown).not.toContain('```sql')
  })

  it('shows as many rows as fit, in order, and counts the rest exactly', () => {
    const markdown = comment(huge)
    const rows = rowsOf(markdown, '| ❌ |')
    expect(rows.length).toBeGreaterThan(100)
    expect(rows[0]).toContain('`wide.column_0000`')
    const hidden = Number(/… and ([\d,]+) more items/.exec(markdown)?.[1]?.replace(/,/g, ''))
    expect(rows.length + hidden).toBe(2000)
  })

  it('keeps everything in the job summary budget', () => {
    const markdown = renderMarkdown(huge, { maxLength: 1024 * 1024 - 64 * 1024 })
    expect(rowsOf(markdown, '| ❌ |')).toHaveLength(2000)
    expect(markdown).toContain('```sql')
    expect(markdown).not.toContain('shortened')
  })

  it('drops long outputs before the SQL and the rows', () => {
    const result = designDocResult()
    const seed = result.stages.find((stage) => stage.name === 'seed')
    if (seed)
      seed.output = Array.from({ length: 5000 }, (_, i) => `log line ${i} ${'x'.repeat(60)}`).join('\n')
    const full = comment(result, 1024 * 1024)
    expect(full).toContain('last 80 lines')
    const limited = comment(result, 20_000)
    expect(Buffer.byteLength(limited)).toBeLessThanOrEqual(20_000)
    expect(limited).toContain('```sql')
    expect(rowsOf(limited, '| ❌ |')).toHaveLength(35)
  })

  it('cuts a line of minified code in an output to 500 characters', () => {
    const result = designDocResult()
    const seed = result.stages.find((stage) => stage.name === 'seed')
    if (!seed) throw new Error('fixture')
    seed.output = `Invalid \`t=Object.create()\` invocation in client.js:27:2556\n  24 ${'x'.repeat(20_000)}\nThe column does not exist.`
    const markdown = comment(result)
    expect(markdown).toContain(`  24 ${'x'.repeat(495)}… (19,505 more characters)`)
    expect(markdown).not.toContain('x'.repeat(501))
    expect(markdown).toContain('The column does not exist.')
  })

  it('keeps the marker and the headline even when almost nothing fits', () => {
    const markdown = comment(huge, 400)
    expect(Buffer.byteLength(markdown)).toBeLessThanOrEqual(400)
    expect(markdown.startsWith('<!-- migrate-seed-check:. -->')).toBe(true)
    expect(markdown).toContain('migrate-seed-check failed')
    expect(markdown).toContain('see [the job summary]')
  })
})

describe('commentMarker', () => {
  it('cannot be closed early by a directory name', () => {
    expect(commentMarker('apps/--><b>x')).toBe('<!-- migrate-seed-check:apps/-%2D%3E%3Cb%3Ex -->')
  })
})

describe('renderMarkdown: suggested commands use the project’s package manager', () => {
  test('pnpm projects are told `pnpm exec prisma …`', () => {
    const markdown = renderMarkdown({ ...designDocResult(), runner: 'pnpm exec' }, { maxLength: 60_000 })
    expect(markdown).toContain('pnpm exec prisma migrate dev --name fix_drift')
    expect(markdown).toContain('pnpm exec prisma migrate deploy')
    expect(markdown).not.toMatch(/npx prisma (migrate|generate)/)
  })
})

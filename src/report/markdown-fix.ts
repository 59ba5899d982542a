/**
 * The end of the markdown report: how to fix a failed migration and the drift
 * (with the suggested migration), how to reproduce the check locally, and the
 * footer.
 */
import type { CheckResult } from '../model/result.js'
import type { Problem } from '../model/findings.js'
import { pinnedCommand } from '../util/version.js'
import { codeBlock, escapeText, inlineCode } from './escape.js'
import { countBySeverity, formatDuration, formatLocation, plural, runner } from './facts.js'
import type { Detail, MarkdownOptions } from './markdown-options.js'

export function fixSection(result: CheckResult, detail: Detail): string | undefined {
  const counts = countBySeverity(result.drift)
  const migrationProblem = result.problems.find(
    (problem) => problem.stage === 'migrate' && problem.severity === 'error'
  )
  const steps: string[] = []
  if (migrationProblem) steps.push(migrationFixText(result, migrationProblem))
  if (counts.error > 0 || (result.fixSql && counts.warning > 0)) steps.push(driftFixText(result, detail))
  return steps.length ? ['### How to fix', ...steps].join('\n\n') : undefined
}

function migrationFixText(result: CheckResult, problem: Problem): string {
  const where = problem.location ? ` (${inlineCode(formatLocation(problem.location))})` : ''
  return [
    `**The failing migration${where}:** correct it if it has never been applied to a shared database; otherwise leave it and add a new migration that repairs its effect.`,
    `Check locally with ${inlineCode(`${runner(result)} prisma migrate reset`)} (drops your local database, applies every migration, runs the seed)${cdHint(result)}.`
  ].join(' ')
}

function driftFixText(result: CheckResult, detail: Detail): string {
  const folder = `${migrationsDir(result)}/<timestamp>_fix_drift/`
  const written = result.fixSqlPath ? ` (this run wrote it to ${inlineCode(result.fixSqlPath)})` : ''
  const lines = [
    `**The drift:** add a migration that creates what the schema declares${cdHint(result)}, either`,
    '',
    `- with Prisma, against your development database: ${inlineCode(`${runner(result)} prisma migrate dev --name fix_drift`)}, or`,
    `- with the suggested migration${written}: save it as ${inlineCode(`${folder}migration.sql`)}, review it, commit it.`
  ]
  const sql = result.fixSql?.trim()
  if (!sql) return lines.join('\n')
  if (!detail.sql) {
    lines.push(
      '',
      `_The suggested migration (${plural(lineCount(sql), 'line')}) is left out here to save space._`
    )
    return lines.join('\n')
  }
  const summary = `Suggested migration: ${plural(statementCount(sql), 'statement')}`
  lines.push('', `<details><summary>${summary}</summary>\n\n${codeBlock(sql, 'sql')}\n\n</details>`)
  return lines.join('\n')
}

/** Commands run in the project's directory; say so when it is not the repository root. */
function cdHint(result: CheckResult): string {
  return result.workingDirectory === '.' ? '' : ` in ${inlineCode(result.workingDirectory)}`
}

/**
 * Where the project's migrations live, as a path from the repository root: taken
 * from a located `migration.sql` when there is one, else beside the schema file.
 */
function migrationsDir(result: CheckResult): string {
  const locations = [...result.problems, ...result.drift].flatMap((x) =>
    x.location ? [x.location.file] : []
  )
  for (const file of locations) {
    const match = /^(.*\bmigrations)\/[^/]+\/migration\.sql$/.exec(file)
    if (match?.[1]) return match[1]
  }
  const schema = locations.find((file) => file.endsWith('.prisma'))
  if (schema) return `${schema.includes('/') ? schema.slice(0, schema.lastIndexOf('/')) : '.'}/migrations`
  return result.workingDirectory === '.'
    ? 'prisma/migrations'
    : `${result.workingDirectory}/prisma/migrations`
}

function statementCount(sql: string): number {
  return sql.split('\n').filter((line) => /;\s*$/.test(line)).length || 1
}

function lineCount(text: string): number {
  return text.split('\n').length
}

// ---------------------------------------------------------------- reproduce and footer

export function reproduceSection(result: CheckResult): string | undefined {
  if (result.status === 'passed') return undefined
  const cd = result.workingDirectory === '.' ? '' : `cd ${result.workingDirectory}\n`
  const steps = codeBlock(
    `${cd}# DATABASE_URL pointing at an empty PostgreSQL database\n${runner(result)} prisma generate\n${runner(result)} prisma migrate deploy\n${runner(result)} prisma db seed`,
    'sh'
  )
  const whole = codeBlock(`${cd}${pinnedCommand()}`, 'sh')
  return [
    '<details><summary>Reproduce locally</summary>',
    '',
    'The same steps as this check:',
    '',
    steps,
    '',
    'or the whole check, drift included (it starts its own PostgreSQL when `DATABASE_URL` is not set):',
    '',
    whole,
    '',
    '</details>'
  ].join('\n')
}

export function footer(result: CheckResult, opts: MarkdownOptions): string {
  const report = opts.summaryUrl ? ` · [full report](${opts.summaryUrl})` : ''
  const status = result.status === 'passed' ? 'passed' : 'failed'
  return `<sub>${escapeText(opts.title ?? 'migrate-seed-check')} ${status} in ${formatDuration(result.durationMs)}${report}</sub>`
}

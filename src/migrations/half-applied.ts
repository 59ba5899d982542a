/**
 * A migration that failed at one statement after others were committed
 * (engines that run a migration statement by statement): which statements
 * stay applied, and what to do before `prisma migrate resolve --rolled-back`
 * and the next deploy.
 */
import { blankComments } from '../sql/script.js'
import type { MigrationPlan } from './engine.js'

/** A statement on one line, comments out, shortened. */
function statementSummaryOf(text: string, max: number): string {
  const line = blankComments(text).replace(/\s+/g, ' ').trim()
  return line.length > max ? `${line.slice(0, max - 1)}…` : line
}

/**
 * The sentence for a failure at `failedIndex`, given the statements that
 * were committed before it; empty when nothing stays applied.
 */
export function halfAppliedAdvice(
  plan: MigrationPlan,
  failedIndex: number,
  committed: number[],
  migrationName: string
): string {
  const kept = committed
    .filter((i) => i < failedIndex)
    .map((i) => plan.statements[i]!)
    .filter((p) => !p.control)
  if (kept.length === 0) return ''
  const shown = kept
    .slice(0, 8)
    .map((p) => `line ${p.statement.startLine} \`${statementSummaryOf(p.statement.text, 70)}\``)
  if (kept.length > 8) shown.push(`and ${kept.length - 8} more`)
  const count = kept.length === 1 ? '1 statement' : `${kept.length} statements`
  return (
    `The engine ran this migration statement by statement: ${count} before the failing one stay${kept.length === 1 ? 's' : ''} applied (${shown.join('; ')}). ` +
    `Before \`prisma migrate resolve --rolled-back ${migrationName}\` and the next deploy, undo ${kept.length === 1 ? 'it' : 'them'} on the database, or make ${kept.length === 1 ? 'it' : 'them'} safe to run again (IF NOT EXISTS / IF EXISTS), ` +
    'and consider wrapping the migration in BEGIN; … COMMIT; so that a failure leaves nothing behind.'
  )
}

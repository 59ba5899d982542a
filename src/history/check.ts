/**
 * The history checks: what the pull request did to migrations the base
 * already had. Pure: base and head in, problems out.
 *
 * Deployed databases remember applied migrations by folder name and checksum
 * (`_prisma_migrations`), and `prisma migrate deploy` never re-runs or
 * re-checks an applied one. So an edit, a deletion or a rename of a migration
 * that has shipped leaves every deployed database different from a fresh one,
 * and nothing else in CI notices.
 */
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import type { Migration } from '../prisma/project.js'
import { repoPath } from '../util/paths.js'
import { migrationChecksum, scriptMatchesChecksum } from './checksum.js'
import type { BaseMigration, BaseMigrations, HistoryProblem } from '../model/history.js'

export interface HistoryCheckArgs {
  base: BaseMigrations
  /** The head's migrations (the working tree), as `readMigrations` returns them. */
  head: Migration[]
  repoRoot: string
  /** Absolute path of the head's migrations folder. */
  migrationsDir: string
  /** `provider` of the head's migration_lock.toml (`readLockProvider`). */
  headLockProvider?: string
}

/** What changed between the base's migrations and the head's. */
export interface HistoryCheck {
  problems: HistoryProblem[]
  /** Head migrations the base does not have (renames excluded), in Prisma's order: what deployed databases will apply next. */
  added: Migration[]
  edited: string[]
  deleted: string[]
  renamed: { from: string; to: string }[]
  outOfOrder: string[]
  /** One line for the stage table. */
  summary: string
}

/** Compares the base's migrations with the head's. */
export function checkHistory(args: HistoryCheckArgs): HistoryCheck {
  const { base, head, repoRoot } = args
  const short = base.sha.slice(0, 12)
  const headByName = new Map(head.map((m) => [m.name, m]))
  const baseNames = new Set(base.migrations.map((m) => m.name))
  const problems: HistoryProblem[] = []
  const edited: string[] = []
  const deleted: string[] = []
  const renamed: { from: string; to: string }[] = []
  const file = (name: string): string =>
    repoPath(repoRoot, path.join(args.migrationsDir, name, 'migration.sql'))

  // Head migrations the base does not know, in order; a rename target leaves this list.
  const fresh = head.filter((m) => !baseNames.has(m.name))
  const renameTargets = new Set<string>()

  for (const old of base.migrations) {
    const now = headByName.get(old.name)
    if (now) {
      if (scriptMatchesChecksum(now.sql, old.checksum)) continue
      edited.push(old.name)
      const line = firstChangedLine(old.sql, now.sql)
      problems.push({
        stage: 'history',
        severity: 'error',
        title: `Migration ${old.name} was edited`,
        message:
          `${file(old.name)} differs from the base commit ${short} from line ${line} on (checksum ${migrationChecksum(now.sql).slice(0, 12)}…, was ${old.checksum.slice(0, 12)}…). ` +
          `Databases that already applied ${old.name} keep the old SQL: \`prisma migrate deploy\` does not re-run or re-check applied migrations, so they silently differ from fresh databases (and \`prisma migrate dev\` will ask to reset). ` +
          'Restore the file as it is in the base and put the change into a new migration.',
        location: { file: file(old.name), line },
        code: 'migration-edited'
      })
      continue
    }
    const target = fresh.find((m) => !renameTargets.has(m.name) && scriptMatchesChecksum(m.sql, old.checksum))
    if (target) {
      renameTargets.add(target.name)
      renamed.push({ from: old.name, to: target.name })
      problems.push({
        stage: 'history',
        severity: 'error',
        title: `Migration ${old.name} was renamed to ${target.name}`,
        message:
          `The migration folder ${old.name} of the base commit ${short} is now ${target.name}, with the same SQL. ` +
          `Deployed databases know migrations by folder name: they will run ${target.name} as a new migration, applying the same SQL twice (which fails, or duplicates its effects), and \`prisma migrate status\` will report ${old.name} as missing. ` +
          `Rename the folder back to ${old.name}.`,
        location: { file: file(target.name), line: 1 },
        code: 'migration-renamed'
      })
      continue
    }
    deleted.push(old.name)
    problems.push({
      stage: 'history',
      severity: 'error',
      title: `Migration ${old.name} was deleted`,
      message:
        `The migration ${old.name} exists in the base commit ${short} but not in this pull request. ` +
        'Deployed databases have applied it and fresh databases no longer will, so they differ from now on, and `prisma migrate status`/`migrate dev` report it as applied but missing. ' +
        'Restore the folder; to undo what it did, add a new migration.',
      location: { file: file(old.name), line: 1 },
      code: 'migration-deleted'
    })
  }

  const added = fresh.filter((m) => !renameTargets.has(m.name))
  const newest = base.migrations.at(-1)?.name
  const outOfOrder = newest ? added.filter((m) => m.name < newest).map((m) => m.name) : []
  for (const name of outOfOrder) {
    problems.push({
      stage: 'history',
      severity: 'warning',
      title: `Migration ${name} sorts before ${newest}`,
      message:
        `The new migration ${name} sorts before ${newest}, the newest migration of the base commit ${short}. ` +
        `A fresh database applies it before ${newest}; deployed databases, which already have ${newest}, apply it after. ` +
        `The two orders can produce different databases, or fail on one of them. Rename the folder so it sorts last, for example ${suggestName(name)}.`,
      location: { file: file(name), line: 1 },
      code: 'migration-out-of-order'
    })
  }

  if (base.lockProvider && args.headLockProvider && base.lockProvider !== args.headLockProvider) {
    const lockFile = path.join(args.migrationsDir, 'migration_lock.toml')
    problems.push({
      stage: 'history',
      severity: 'error',
      title: 'migration_lock.toml provider changed',
      message:
        `migration_lock.toml says provider "${args.headLockProvider}", the base commit ${short} says "${base.lockProvider}". ` +
        `The existing migrations were written for ${base.lockProvider}; Prisma refuses to apply a history made for another provider (P3019). ` +
        'Switching databases needs a new migration history (a new baseline), not an edited lock file.',
      location: { file: repoPath(repoRoot, lockFile), line: providerLine(lockFile) },
      code: 'lock-provider-changed'
    })
  }

  return {
    problems,
    added,
    edited,
    deleted,
    renamed,
    outOfOrder,
    summary: summarize(base.migrations, added, edited, deleted, renamed, outOfOrder, problems)
  }
}

/**
 * 1-based line of the head's text where it first differs from the base's
 * (line endings ignored, as Prisma ignores them); the last line when the head
 * only lost lines at its end.
 */
export function firstChangedLine(baseSql: string, headSql: string): number {
  const a = baseSql.replaceAll('\r\n', '\n').split('\n')
  const b = headSql.replaceAll('\r\n', '\n').split('\n')
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i + 1
  if (b.length > a.length) return n + 1
  return Math.max(1, b.length)
}

/** A folder name that sorts after every existing one: now's timestamp, Prisma's format. */
function suggestName(name: string): string {
  const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14)
  return `${stamp}_${name.replace(/^\d+_?/, '') || 'migration'}`
}

/** Line of `provider =` in the head's lock file (read here: the file is tiny and keeps the API small). */
function providerLine(lockFile: string): number {
  if (!existsSync(lockFile)) return 1
  const index = readFileSync(lockFile, 'utf8')
    .split('\n')
    .findIndex((l) => /^\s*provider\s*=/.test(l))
  return index + 1 || 1
}

function summarize(
  base: BaseMigration[],
  added: Migration[],
  edited: string[],
  deleted: string[],
  renamed: unknown[],
  outOfOrder: string[],
  problems: HistoryProblem[]
): string {
  const parts: string[] = []
  if (edited.length) parts.push(`${edited.length} edited`)
  if (deleted.length) parts.push(`${deleted.length} deleted`)
  if (renamed.length) parts.push(`${renamed.length} renamed`)
  if (outOfOrder.length) parts.push(`${outOfOrder.length} out of order`)
  if (problems.some((p) => p.code === 'lock-provider-changed')) parts.push('lock provider changed')
  const counts = `${base.length} base migration(s), ${added.length} new`
  return parts.length ? `${counts}: ${parts.join(', ')}` : `${counts}; history intact`
}

/**
 * The history stage: compare the pull request's migrations with its base
 * commit. Its outcome (the base's migrations and the new ones) is what the
 * upgrade test (src/upgrade/) starts from.
 */
import type { Migration } from '../prisma/project.js'
import { checkHistory } from './check.js'
import {
  readBaseMigrations,
  readLockProvider,
  resolveBase,
  type GitOptions,
  type ResolvedBase
} from './git.js'
import type { BaseMigrations, HistoryProblem, HistoryStageResult } from '../model/history.js'

export interface HistoryArgs extends GitOptions {
  repoRoot: string
  /** Absolute path of the project's migrations folder (`project.migrationsDir`). */
  migrationsDir: string
  /** The head's migrations (`project.migrations`). */
  head: Migration[]
  /** GITHUB_EVENT_PATH. */
  eventPath?: string
  /** GITHUB_EVENT_NAME. */
  eventName?: string
  /** The `base-ref` input. */
  baseRef?: string
}

export interface HistoryOutcome {
  stage: HistoryStageResult
  problems: HistoryProblem[]
  base: ResolvedBase
  /** The base's migrations, when the base could be read: the input of `runUpgradeTest`. */
  baseMigrations?: BaseMigrations
  /** New migrations of the pull request (renames excluded): run the upgrade test when there are any. */
  added: Migration[]
}

/**
 * The history stage: find the base, read its migrations, compare. Never
 * throws for a git failure: no base is a notice, an unreachable base a
 * warning, and in both cases the stage is skipped and the rest of the check
 * runs.
 */
export async function runHistory(args: HistoryArgs): Promise<HistoryOutcome> {
  const started = performance.now()
  const stage = (status: HistoryStageResult['status'], summary: string): HistoryStageResult => ({
    name: 'history',
    status,
    durationMs: Math.round(performance.now() - started),
    summary
  })
  const base = await resolveBase(args)
  if (!base.sha) {
    const severity = base.warning ? 'warning' : 'notice'
    const message = base.warning ?? base.notice ?? 'no base commit'
    return {
      stage: stage(
        base.warning ? 'warning' : 'skipped',
        base.warning ? 'base commit not available' : 'no base commit'
      ),
      problems: [
        {
          stage: 'history',
          severity,
          title: base.warning ? 'Base commit not available' : 'No base to compare migrations with',
          message,
          code: base.warning ? 'base-unavailable' : 'no-base'
        }
      ],
      base,
      added: []
    }
  }
  const baseMigrations = await readBaseMigrations({ ...args, sha: base.sha })
  if (!baseMigrations) {
    return {
      stage: stage('warning', 'base migrations unreadable'),
      problems: [
        {
          stage: 'history',
          severity: 'warning',
          title: 'Base migrations unreadable',
          message: `Could not read the migrations of the base commit ${base.sha.slice(0, 12)} with git (is the migrations folder inside the repository?). The migration history checks and the upgrade test were skipped.`,
          code: 'base-unreadable'
        }
      ],
      base,
      added: []
    }
  }
  const result = checkHistory({
    base: baseMigrations,
    head: args.head,
    repoRoot: args.repoRoot,
    migrationsDir: args.migrationsDir,
    headLockProvider: readLockProvider(args.migrationsDir)
  })
  const status = result.problems.some((p) => p.severity === 'error')
    ? 'failed'
    : result.problems.some((p) => p.severity === 'warning')
      ? 'warning'
      : 'passed'
  return {
    stage: stage(status, `compared with ${base.sha.slice(0, 12)}: ${result.summary}`),
    problems: result.problems,
    base,
    baseMigrations,
    added: result.added
  }
}

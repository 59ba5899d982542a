/**
 * The end of a run: what failed it under `fail-on`, the stages in report
 * order, problems by severity, and a seed failure explained by the drift item
 * that caused it.
 */
import path from 'node:path'
import type { Config } from '../config.js'
import type { DriftItem } from '../model/drift.js'
import { STAGES, type Problem, type Severity, type StageName } from '../model/findings.js'
import type { CheckResult, FailOn, Runner } from '../model/result.js'
import type { DriftOutcome } from '../drift/index.js'
import type { Project } from '../prisma/project.js'
import type { RunState } from './state.js'

const SEVERITY_ORDER: Severity[] = ['error', 'warning', 'notice', 'info']

const RUNNERS: Record<Project['packageManager'], Runner> = {
  npm: 'npx',
  pnpm: 'pnpm exec',
  yarn: 'yarn',
  bun: 'bunx'
}

/** Which `fail-on` kind an error of each stage counts as; `unusable`: the run could not check anything. */
const FAILURE_KIND: Record<StageName, FailOn | 'unusable'> = {
  project: 'unusable',
  connect: 'unusable',
  // An edited or reordered migration, or one that breaks a populated database, is a migration failure.
  history: 'migrate',
  generate: 'migrate',
  migrate: 'migrate',
  upgrade: 'migrate',
  seed: 'seed',
  expect: 'drift',
  inspect: 'drift',
  compare: 'drift'
}

/** The run's result. */
export function finish(
  run: RunState,
  config: Pick<Config, 'failOn' | 'repoRoot' | 'workingDirectory'>,
  project: Project | undefined,
  drift: DriftOutcome | undefined,
  durationMs: number
): CheckResult {
  const items = drift?.items ?? []
  const problems = run.problems.map((p) => explainSeedFailure(p, items))
  const failedOn = new Set<FailOn>()
  let unusable = false
  for (const p of problems) {
    if (p.severity === 'warning') failedOn.add('warning')
    if (p.severity !== 'error') continue
    const kind = FAILURE_KIND[p.stage]
    if (kind === 'unusable') unusable = true
    else failedOn.add(kind)
  }
  if (items.some((i) => i.severity === 'error')) failedOn.add('drift')
  if (items.some((i) => i.severity === 'warning')) failedOn.add('warning')
  const failing = [...failedOn].filter((f) => config.failOn.includes(f))
  return {
    status: unusable || failing.length > 0 ? 'failed' : 'passed',
    workingDirectory: path.relative(config.repoRoot, config.workingDirectory) || '.',
    prismaVersion: project?.prisma.version,
    runner: project ? RUNNERS[project.packageManager] : undefined,
    stages: [...run.stages].sort((a, b) => STAGES.indexOf(a.name) - STAGES.indexOf(b.name)),
    // Errors first: they are why the run failed; notices (no base commit…) last.
    problems: problems.sort(
      (a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity)
    ),
    drift: items,
    fixSql: drift?.fixSql || undefined,
    verdict: drift?.verdict,
    failedOn: failing,
    durationMs,
    ...(run.review ? { review: run.review } : {})
  }
}

/**
 * A seed that failed on a missing table or column, with the drift item that
 * explains it: the schema declares it and no migration creates it. Any other
 * problem is returned as it is.
 */
export function explainSeedFailure(problem: Problem, items: DriftItem[]): Problem {
  const missing = problem.missingObject
  if (problem.stage !== 'seed' || problem.severity !== 'error' || !missing) return problem
  const explaining = items.filter(
    (item) =>
      item.change === 'missing' &&
      ((missing.column &&
        item.kind === 'column' &&
        item.target.column === missing.column &&
        (!missing.table || item.target.table === missing.table)) ||
        (!missing.column && missing.table && item.kind === 'table' && item.target.table === missing.table))
  )
  const item = explaining[0]
  if (!item) return problem
  const where = item.location
    ? ` is declared at ${item.location.file}:${item.location.line}`
    : ' is in the schema'
  return {
    ...problem,
    explainedBy: explaining.map((i) => i.object),
    message: `The seed failed because \`${item.object}\`${where} but no migration creates it.\n\n${problem.message}`
  }
}

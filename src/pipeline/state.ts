/**
 * What a run has found so far: the stages' results and the problems, kept
 * free of secrets as they arrive. The stages add to it; `outcome.ts` turns
 * it into the `CheckResult` at the end.
 */
import type { ScratchDatabase } from '../db/connect.js'
import type { Problem, StageName, StageResult } from '../model/findings.js'
import type { MigrationReview } from '../model/review.js'
import { redact, secretsOfUrl } from '../util/secrets.js'
import type { DatasourceEnv } from '../prisma/datasource.js'

/** What the run puts into the environment of every child process. */
export interface DatabaseEnv {
  /** Variables set to the database URL. */
  url: string[]
  /** Variables set to the shadow scratch database (never the main database: Prisma resets a shadow). */
  shadow: string[]
  shadowUrl?: string
  /** The datasource as discovered, for messages. */
  datasource: DatasourceEnv
  /** Whether `database-url-env` chose the URL variables. */
  overridden: boolean
}

export class RunState {
  readonly stages: StageResult[] = []
  readonly problems: Problem[] = []
  private readonly secrets: string[]
  review?: MigrationReview
  /** What the datasource's variables receive in every child process (set once connected). */
  env?: DatabaseEnv
  /** The scratch database the datasource's shadow variables point at; dropped when the run ends. */
  shadow?: ScratchDatabase

  /**
   * @param started The run's clock: `performance.now()` when the run started.
   *   Stage times are milliseconds since then.
   */
  constructor(
    databaseUrl: string,
    readonly started = performance.now()
  ) {
    this.secrets = secretsOfUrl(databaseUrl)
  }

  /** Milliseconds since the run started. */
  now(): number {
    return Math.round(performance.now() - this.started)
  }

  /**
   * A state for work whose findings are kept or dropped as a whole later
   * (the upgrade test, which starts before it is known whether its result
   * will be reported): same secrets, same clock.
   */
  fork(databaseUrl: string): RunState {
    const fork = new RunState(databaseUrl, this.started)
    // Messages name the variables this run set (the shadow database stays the run's to drop).
    fork.env = this.env
    return fork
  }

  /** Takes over a fork's stages, problems and review. */
  adopt(fork: RunState): void {
    this.record({ stages: fork.stages, problems: fork.problems })
    if (fork.review) this.review = fork.review
  }

  /** The text without the database URL's secrets. */
  clean(text: string): string {
    return redact(text, this.secrets)
  }

  /** Records a stage; one without times ended now (its start is its duration earlier). */
  stage(stage: StageResult): StageResult {
    const endMs = stage.endMs ?? this.now()
    const cleaned = {
      ...stage,
      startMs: stage.startMs ?? Math.max(0, endMs - stage.durationMs),
      endMs,
      summary: this.clean(stage.summary),
      output: stage.output && this.clean(stage.output)
    }
    this.stages.push(cleaned)
    return cleaned
  }

  problem(problem: Problem): void {
    this.problems.push({ ...problem, title: this.clean(problem.title), message: this.clean(problem.message) })
  }

  skip(name: StageName, why: string): void {
    this.stage({ name, status: 'skipped', durationMs: 0, summary: why })
  }

  /** The stages and problems of a module that reports several at once (history, upgrade, drift). */
  record(outcome: { stages?: StageResult[]; stage?: StageResult; problems: Problem[] }): void {
    for (const stage of outcome.stages ?? (outcome.stage ? [outcome.stage] : [])) this.stage(stage)
    for (const problem of outcome.problems) this.problem(problem)
  }
}

/** Milliseconds since `started` (a `performance.now()`), rounded. */
export function elapsed(started: number): number {
  return Math.round(performance.now() - started)
}

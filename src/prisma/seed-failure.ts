/**
 * Turns a failed seed into a problem: the error, the seed file's line from
 * the stack, and (for P2021/P2022/42P01/42703) the table or column that was
 * missing, which the pipeline links to the drift item that explains it.
 */
import type { ExecResult } from '../util/exec.js'
import { parseSeedFailure } from './seed-output.js'
import type { Project } from './project.js'
import type { Problem } from '../model/findings.js'

export function diagnoseSeedFailure(
  result: ExecResult,
  project: Project,
  repoRoot: string,
  failure: string
): Problem {
  const parsed = parseSeedFailure(result.output, { repoRoot, projectRoot: project.root })
  const headline = result.timedOut
    ? `The seed did not finish within step-timeout and was killed with its whole process tree.`
    : parsed.message
      ? parsed.message
      : result.output.trim()
        ? `The seed failed (${failure}).`
        : `The seed failed (${failure}) without printing anything.`
  return {
    stage: 'seed',
    severity: 'error',
    title: result.timedOut ? 'Seed timed out' : 'Seed failed',
    // The output itself is kept on the stage; the message is the error alone.
    message: `${headline}${parsed.code && !headline.includes(parsed.code) ? ` (${parsed.code})` : ''}`,
    code: result.timedOut ? 'timeout' : parsed.code,
    location: parsed.location,
    missingObject: parsed.missingObject
  }
}

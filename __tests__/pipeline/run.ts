/**
 * Runs the pipeline in-process the way the CLI does, collecting what it
 * logs, for integration tests.
 */
import { parseConfig, type RawInputs } from '../../src/config.js'
import { runCheck } from '../../src/pipeline/index.js'
import type { CheckResult } from '../../src/model/result.js'
import { REPO_ROOT } from '../helpers/project.js'

export interface PipelineRun {
  result: CheckResult & { reportJsonPath: string }
  log: string
}

export async function runPipeline(
  inputs: RawInputs,
  options: { repoRoot?: string; env?: NodeJS.ProcessEnv } = {}
): Promise<PipelineRun> {
  const env = { ...process.env, DATABASE_URL: undefined, ...options.env }
  const config = parseConfig(inputs, {
    cwd: options.repoRoot ?? REPO_ROOT,
    repoRoot: options.repoRoot ?? REPO_ROOT,
    env
  })
  let log = ''
  const result = await runCheck(config, {
    env,
    info: (m) => void (log += m + '\n'),
    output: (chunk) => void (log += chunk),
    group: async (name, fn) => {
      log += `## ${name}\n`
      return fn()
    }
  })
  if (!result.reportJsonPath) throw new Error('runCheck wrote no report.json')
  return { result: { ...result, reportJsonPath: result.reportJsonPath }, log }
}

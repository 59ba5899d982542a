/**
 * The action: inputs → pipeline → report. With `src/publish.ts`, the only
 * module that touches `@actions/*`.
 */
import * as core from '@actions/core'
import { ConfigError, INPUTS, OUTPUTS, parseConfig, type Config, type RawInputs } from './config.js'
import { runCheck } from './pipeline.js'
import { publishReport } from './publish.js'
import { secretsOfUrl } from './secrets.js'
import { failureReasons } from './report/facts.js'

/** Reads every input once. */
function readInputs(): RawInputs {
  const raw: RawInputs = {}
  for (const name of Object.values(INPUTS)) raw[name] = core.getInput(name)
  return raw
}

/** Entry point of the action. Sets the outcome; never throws. */
export async function run(): Promise<void> {
  const abort = new AbortController()
  // GitHub sends SIGINT then SIGTERM on cancel: stop children, drop scratch databases.
  const onSignal = (): void => abort.abort()
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  try {
    let config: Config
    try {
      const workspace = process.env.GITHUB_WORKSPACE || process.cwd()
      config = parseConfig(readInputs(), { cwd: workspace, repoRoot: workspace, env: process.env })
    } catch (error) {
      if (error instanceof ConfigError) {
        core.setOutput(OUTPUTS.status, 'failed')
        core.setFailed(error.message)
        return
      }
      throw error
    }
    for (const secret of secretsOfUrl(config.databaseUrl)) core.setSecret(secret)

    const result = await runCheck(config, {
      env: process.env,
      signal: abort.signal,
      info: (m) => core.info(m),
      output: (chunk) => void process.stdout.write(chunk),
      group: (name, fn) => core.group(name, fn)
    })
    await publishReport(result, config)
    if (result.status === 'failed') {
      const reasons = failureReasons(result)
      const why = reasons.length ? reasons.join(', ') : `fail-on: ${result.failedOn.join(', ')}`
      core.setFailed(`migrate-seed-check failed: ${why}. See the annotations and the job summary.`)
    }
  } catch (error) {
    core.setOutput(OUTPUTS.status, 'failed')
    core.setFailed(`migrate-seed-check crashed: ${error instanceof Error ? error.message : String(error)}`)
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}

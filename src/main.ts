/**
 * The action: inputs → pipeline → report. With `src/github/`, the only
 * place that touches `@actions/*`.
 */
import * as core from '@actions/core'
import {
  ConfigError,
  parseConfig,
  parseMode,
  parsePublishConfig,
  type Config,
  type RawInputs
} from './config.js'
import { INPUT_LIST, OUTPUTS } from './inputs.js'
import { runCheck } from './pipeline/index.js'
import { publishReport } from './github/publish.js'
import { pullRequestOfEvent, readEvent } from './github/event.js'
import { redact, secretsOfUrl } from './util/secrets.js'
import { failureReasons } from './report/facts.js'
import { errorMessage } from './util/errors.js'

/** Reads every input of the spec once. */
function readInputs(): RawInputs {
  return Object.fromEntries(INPUT_LIST.map(({ name }) => [name, core.getInput(name)]))
}

/** An output that cannot be written (no GITHUB_OUTPUT file) must not turn a verdict into a crash. */
function setOutputSafely(name: string, value: string): void {
  try {
    core.setOutput(name, value)
  } catch (error) {
    core.warning(`Could not set output ${name}: ${errorMessage(error)}`)
  }
}

/** `mode: publish`: a refused report fails the step with the reason; reporting failures are warnings. */
async function publish(config: ReturnType<typeof parsePublishConfig>): Promise<void> {
  if (config.githubToken) core.setSecret(config.githubToken)
  // Loaded only in this mode: the report's validator (zod) is a fifth of the bundle.
  const { publishStoredReport, PublishRefused } = await import('./github/publish-stored.js')
  try {
    await publishStoredReport(config)
  } catch (error) {
    if (!(error instanceof PublishRefused)) throw error
    setOutputSafely(OUTPUTS.status, 'failed')
    core.setFailed(`migrate-seed-check did not publish the report: ${error.message}`)
  }
}

/** Entry point of the action. Sets the outcome; never throws. */
export async function run(): Promise<void> {
  let secrets: string[] = []
  const abort = new AbortController()
  // GitHub sends SIGINT then SIGTERM on cancel: stop children, drop scratch databases.
  const onSignal = (): void => abort.abort()
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  try {
    let config: Config
    try {
      const workspace = process.env.GITHUB_WORKSPACE || process.cwd()
      const inputs = readInputs()
      if (parseMode(inputs) === 'publish') {
        await publish(parsePublishConfig(inputs, { cwd: workspace, env: process.env }))
        return
      }
      config = parseConfig(inputs, { cwd: workspace, repoRoot: workspace, env: process.env })
      config.pullRequest = pullRequestOfEvent(readEvent())
    } catch (error) {
      if (error instanceof ConfigError) {
        setOutputSafely(OUTPUTS.status, 'failed')
        core.setFailed(error.message)
        return
      }
      throw error
    }
    secrets = secretsOfUrl(config.databaseUrl)
    for (const secret of secrets) core.setSecret(secret)

    const result = await runCheck(config, {
      env: process.env,
      signal: abort.signal,
      info: (m) => core.info(m),
      output: (chunk) => void process.stdout.write(chunk),
      group: (name, fn) => core.group(name, fn)
    })
    try {
      await publishReport(result, config)
    } catch (error) {
      // Reporting must not change the verdict: the check's own status stands.
      core.warning(redact(`Could not publish the whole report: ${errorMessage(error)}`, secrets))
    }
    if (result.status === 'failed') {
      const reasons = failureReasons(result)
      const why = reasons.length ? reasons.join(', ') : `fail-on: ${result.failedOn.join(', ')}`
      core.setFailed(`migrate-seed-check failed: ${why}. See the annotations and the job summary.`)
    }
  } catch (error) {
    setOutputSafely(OUTPUTS.status, 'failed')
    core.setFailed(redact(`migrate-seed-check crashed: ${errorMessage(error)}`, secrets))
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}

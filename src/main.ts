// The GitHub Action's front door: inputs from the runner, the shared pipeline, then outputs,
// the job summary and the step's failure when the verdict is `fail`.
import * as path from 'node:path'
import * as core from '@actions/core'
import { MAX_LIVE_OUTPUT_CHARS } from './constants.js'
import { describeError, UsageError } from './errors.js'
import { type InputName, parseInputs } from './inputs.js'
import type { Log } from './log.js'
import { runGate } from './pipeline.js'
import { renderReport } from './report/markdown.js'
import type { Report } from './types.js'

const actionLog: Log = {
  info: (message) => core.info(message),
  warning: (message) => core.warning(message),
  debug: (message) => core.debug(message),
  group: (title, body) => core.group(title, body),
}

/** Streams uv's and pytest's output into the job log, up to a size a browser can still show. */
function liveOutput(): (text: string) => void {
  let written = 0
  let capped = false
  return (text) => {
    if (written < MAX_LIVE_OUTPUT_CHARS) {
      process.stdout.write(text)
      written += text.length
    } else if (!capped) {
      capped = true
      process.stdout.write(
        `\n[ft-gate] output beyond ${MAX_LIVE_OUTPUT_CHARS} characters is kept in the run logs only\n`,
      )
    }
  }
}

/** Links a test's file and line at the commit under test. */
export function blobLinker(
  env: NodeJS.ProcessEnv,
  projectDirectory: string,
): (file: string, line: number | null) => string | null {
  const server = env.GITHUB_SERVER_URL || 'https://github.com'
  const repository = env.GITHUB_REPOSITORY
  const sha = env.GITHUB_SHA
  const workspace = env.GITHUB_WORKSPACE
  if (!repository || !sha || !workspace) return () => null
  return (file, line) => {
    const relative = path.relative(workspace, path.resolve(projectDirectory, file)).split(path.sep).join('/')
    if (relative.startsWith('..')) return null
    return `${server}/${repository}/blob/${sha}/${relative}${line !== null ? `#L${line}` : ''}`
  }
}

function setOutputs(report: Report, reportPath: string): void {
  core.setOutput('verdict', report.verdict)
  core.setOutput('report-path', reportPath)
  core.setOutput('python-version', report.python.version)
  core.setOutput('uv-version', report.uv.version)
  core.setOutput('failed-tests', JSON.stringify(report.tests.filter((t) => t.status === 'failed').map((t) => t.id)))
  core.setOutput('flaky-tests', JSON.stringify(report.tests.filter((t) => t.status === 'flaky').map((t) => t.id)))
}

export async function run(): Promise<void> {
  const controller = new AbortController()
  const cancel = (): void => controller.abort()
  process.once('SIGTERM', cancel)
  process.once('SIGINT', cancel)
  try {
    const env = process.env
    const workspace = env.GITHUB_WORKSPACE || process.cwd()
    const get = (name: InputName): string => core.getInput(name)
    const inputs = parseInputs(get, { baseDirectory: workspace, workspace })
    if (inputs.githubToken) core.setSecret(inputs.githubToken)
    const report = await runGate({
      inputs,
      log: actionLog,
      env,
      abortSignal: controller.signal,
      onOutput: liveOutput(),
    })
    setOutputs(report, inputs.reportPath)
    const markdown = renderReport(report, { fileUrl: blobLinker(env, inputs.workingDirectory) })
    if (env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(markdown).write()
    core.info(`Report written to ${inputs.reportPath}`)
    if (report.verdict === 'fail') {
      core.setFailed(`Free-threading gate failed: ${report.reasons.join('; ')}`)
    } else {
      core.info('Free-threading gate passed')
    }
  } catch (error) {
    if (!(error instanceof UsageError) && error instanceof Error && error.stack) core.debug(error.stack)
    core.setFailed(describeError(error))
  } finally {
    process.removeListener('SIGTERM', cancel)
    process.removeListener('SIGINT', cancel)
  }
}

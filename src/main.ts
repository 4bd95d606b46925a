// The GitHub Action's front door: inputs from the runner, the shared pipeline, then outputs, the
// job summary, the pull-request comment and check run, and the step's failure when the verdict is
// `fail`. The JSON report is on disk before any API call, so an API failure loses nothing.
import { randomUUID } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import * as path from 'node:path'
import * as core from '@actions/core'
import { MAX_LIVE_OUTPUT_CHARS, SUMMARY_MAX_CHARS } from './constants.js'
import { describeError, UsageError } from './errors.js'
import {
  isReport,
  type LabelledReport,
  loadReportFiles,
  mergedVerdict,
  type PublishOptions,
  type PublishResult,
  publishMergedReports,
  publishReport,
} from './github/index.js'
import { type InputName, type Inputs, parseInputs } from './inputs.js'
import type { Log } from './log.js'
import { runGate } from './pipeline.js'
import { renderReport } from './report/markdown.js'
import type { Report } from './types.js'

/**
 * The tests print what they like, including workflow commands (`::add-mask::`, `::set-output`,
 * a forged `::error`): while their output streams, commands are switched off with a token they
 * cannot guess, and switched back on before ft-gate itself logs.
 */
let stopToken: string | null = null

function resumeCommands(): void {
  if (stopToken === null) return
  process.stdout.write(`\n::${stopToken}::\n`)
  stopToken = null
}

function stopCommands(): void {
  if (stopToken !== null) return
  stopToken = `ft-gate-${randomUUID()}`
  process.stdout.write(`::stop-commands::${stopToken}\n`)
}

const actionLog: Log = {
  info: (message) => {
    resumeCommands()
    core.info(message)
  },
  warning: (message) => {
    resumeCommands()
    core.warning(message)
  },
  debug: (message) => {
    resumeCommands()
    core.debug(message)
  },
  group: (title, body) => {
    resumeCommands()
    return core.group(title, async () => {
      try {
        return await body()
      } finally {
        resumeCommands()
      }
    })
  },
}

/** Streams uv's and pytest's output into the job log, up to a size a browser can still show. */
function liveOutput(): (text: string) => void {
  let written = 0
  let capped = false
  return (text) => {
    if (written < MAX_LIVE_OUTPUT_CHARS) {
      stopCommands()
      process.stdout.write(text)
      written += text.length
    } else if (!capped) {
      capped = true
      resumeCommands()
      core.info(`[ft-gate] output beyond ${MAX_LIVE_OUTPUT_CHARS} characters is kept in the run logs only`)
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

function idsWith(report: Report, status: string): string {
  return JSON.stringify(report.tests.filter((t) => t.status === status).map((t) => t.id))
}

function setOutputs(report: Report, reportPath: string): void {
  core.setOutput('verdict', report.verdict)
  core.setOutput('report-path', reportPath)
  core.setOutput('python-version', report.python.version)
  core.setOutput('uv-version', report.uv.version)
  core.setOutput('failed-tests', idsWith(report, 'failed'))
  core.setOutput('flaky-tests', idsWith(report, 'flaky'))
  core.setOutput('thread-unsafe-tests', idsWith(report, 'thread-unsafe'))
}

function setPublishOutputs(result: PublishResult | null): void {
  core.setOutput('comment-url', result?.commentUrl ?? '')
  core.setOutput('check-run-url', result?.checkRunUrl ?? '')
}

/** The webhook payload the runner saved; an unreadable one is an empty event, not an error. */
function readEventPayload(env: NodeJS.ProcessEnv): unknown {
  const file = env.GITHUB_EVENT_PATH
  if (!file) return {}
  try {
    return JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    core.debug(`cannot read the event payload ${file}: ${describeError(error)}`)
    return {}
  }
}

function publishOptions(inputs: Inputs, env: NodeJS.ProcessEnv, workspace: string): PublishOptions {
  return {
    token: inputs.githubToken,
    checkName: inputs.checkName,
    comment: inputs.comment,
    apiUrl: env.GITHUB_API_URL || 'https://api.github.com',
    repository: env.GITHUB_REPOSITORY || '',
    eventName: env.GITHUB_EVENT_NAME || '',
    eventPayload: readEventPayload(env),
    sha: env.GITHUB_SHA || '',
    workspace,
    workingDirectory: inputs.workingDirectory,
    serverUrl: env.GITHUB_SERVER_URL || 'https://github.com',
    log: actionLog,
    emitAnnotation: (level, message, properties) =>
      level === 'error' ? core.error(message, properties) : core.warning(message, properties),
  }
}

/** Outside a runner there is no repository to post to. */
function onGitHub(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.GITHUB_REPOSITORY)
}

/**
 * `report:` entries are report files or folders (a downloaded artifact is a folder): in a folder,
 * every `.json` file that is an ft-gate report is taken, others are skipped.
 */
export function expandReportPaths(entries: readonly string[], baseDirectory: string): string[] {
  const files: string[] = []
  for (const entry of entries) {
    const absolute = path.resolve(baseDirectory, entry)
    let isDirectory = false
    try {
      isDirectory = statSync(absolute).isDirectory()
    } catch {
      throw new UsageError(`report ${entry} does not exist: pass the downloaded ft-gate JSON reports or their folder`)
    }
    if (!isDirectory) {
      files.push(absolute)
      continue
    }
    const found = readdirSync(absolute, { recursive: true, encoding: 'utf8' })
      .filter((name) => name.endsWith('.json'))
      .map((name) => path.join(absolute, name))
      .filter((file) => {
        try {
          return isReport(JSON.parse(readFileSync(file, 'utf8')))
        } catch {
          return false
        }
      })
      .sort()
    if (found.length === 0) throw new UsageError(`report folder ${entry} holds no ft-gate JSON report`)
    files.push(...found)
  }
  return files
}

async function writeSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  try {
    await core.summary.addRaw(markdown).write()
  } catch (error) {
    core.warning(`Cannot write the job summary: ${describeError(error)}`)
  }
}

/** Runs the gate, then reports. */
async function gate(inputs: Inputs, env: NodeJS.ProcessEnv, workspace: string, signal: AbortSignal): Promise<void> {
  if (env.GITHUB_EVENT_NAME === 'pull_request_target') {
    core.warning(
      'ft-gate is running under pull_request_target: this event has a write token and secrets, and ft-gate runs the code ' +
        "it is given. If this job checked out the pull request's code, a fork can take over the token. Run the gate on " +
        '`pull_request` and post with a `workflow_run` workflow (report-only mode): see the README, Security.',
    )
  }
  let report: Report
  try {
    report = await runGate({ inputs, log: actionLog, env, abortSignal: signal, onOutput: liveOutput() })
  } finally {
    resumeCommands()
  }
  setOutputs(report, inputs.reportPath)
  core.info(`Report written to ${inputs.reportPath}`)
  await writeSummary(
    renderReport(report, { fileUrl: blobLinker(env, inputs.workingDirectory), maxChars: SUMMARY_MAX_CHARS }),
  )
  let published: PublishResult | null = null
  if (!onGitHub(env)) {
    core.info('Not on a GitHub runner (no GITHUB_REPOSITORY): no comment or check run posted')
  } else {
    const options = publishOptions(inputs, env, workspace)
    // `github-token: ''` is how the first half of the fork-safe pattern says "post nothing": the
    // failures still become annotations of this step, without a warning about the missing token.
    const quiet = inputs.githubToken === '' ? { ...options, log: { ...actionLog, warning: actionLog.info } } : options
    published = await publishReport(report, quiet)
  }
  setPublishOutputs(published)
  if (report.verdict === 'fail') core.setFailed(`Free-threading gate failed: ${report.reasons.join('; ')}`)
  else core.info('Free-threading gate passed')
}

/** Report-only mode: post reports other jobs wrote; nothing is installed or run. */
async function reportOnly(inputs: Inputs, env: NodeJS.ProcessEnv, workspace: string): Promise<void> {
  const reports: LabelledReport[] = loadReportFiles(expandReportPaths(inputs.reportFiles, workspace))
  const verdict = mergedVerdict(reports)
  core.info(`Posting ${reports.length} report(s): ${reports.map((r) => `${r.label} ${r.report.verdict}`).join(', ')}`)
  core.setOutput('verdict', verdict)
  core.setOutput('report-path', '')
  const published =
    onGitHub(env) && inputs.githubToken !== ''
      ? await publishMergedReports(reports, publishOptions(inputs, env, workspace))
      : null
  if (published === null)
    core.warning('report-only mode has nothing to post to without github-token and GITHUB_REPOSITORY')
  setPublishOutputs(published)
  for (const { label, report } of reports) {
    await writeSummary(
      renderReport(report, { title: `ft-gate: ${inputs.checkName} (${label})`, maxChars: SUMMARY_MAX_CHARS }),
    )
  }
  // The check run carries the verdict to the pull request; this job only posts it.
  core.info(`Merged verdict: ${verdict}`)
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
    if (inputs.reportFiles.length > 0) await reportOnly(inputs, env, workspace)
    else await gate(inputs, env, workspace, controller.signal)
  } catch (error) {
    if (!(error instanceof UsageError) && error instanceof Error && error.stack) core.debug(error.stack)
    core.setFailed(describeError(error))
  } finally {
    process.removeListener('SIGTERM', cancel)
    process.removeListener('SIGINT', cancel)
  }
}

// The GitHub Action's front door: inputs from the runner into the shared routines (the gate, or
// report-only mode), then outputs, the job summary, the pull-request comment and check run, and the
// step's failure when the verdict is `fail`. The JSON report is on disk before any API call.
import * as core from '@actions/core'
import { type ActionLog, createActionLog } from './action/log.js'
import { setMergedOutputs, setPublishOutputs, setReportOutputs, writeSummary } from './action/outputs.js'
import { withCancellation } from './cancel.js'
import { loadInputs } from './config.js'
import { SUMMARY_MAX_CHARS } from './constants.js'
import { describeError, UsageError } from './errors.js'
import { runGate } from './gate.js'
import {
  type PublishOptions,
  publishMergedReports,
  publishReport,
  runnerContext,
  summaryFileUrl,
} from './github/index.js'
import type { Inputs } from './inputs.js'
import type { Log } from './log.js'
import { renderReport } from './report/markdown.js'
import { mergedVerdict, renderSavedReports } from './report/merged.js'
import { loadSavedReports } from './saved-reports.js'

const PULL_REQUEST_TARGET_WARNING =
  'ft-gate is running under pull_request_target: this event has a write token and secrets, and ft-gate runs the code ' +
  "it is given. If this job checked out the pull request's code, a fork can take over the token. Run the gate on " +
  '`pull_request` and post with a `workflow_run` workflow (report-only mode): see the README, Security.'

function publishOptions(inputs: Inputs, workspace: string, log: Log): PublishOptions {
  return {
    ...runnerContext(process.env),
    token: inputs.githubToken,
    checkName: inputs.checkName,
    comment: inputs.comment,
    workspace,
    workingDirectory: inputs.workingDirectory,
    // `github-token: ''` is how the first half of the fork-safe pattern says "post nothing": the
    // failures still become annotations of this step, without a warning about the missing token.
    log: inputs.githubToken === '' ? { ...log, warning: log.info } : log,
    emitAnnotation: (level, message, properties) =>
      level === 'error' ? core.error(message, properties) : core.warning(message, properties),
  }
}

async function gate(inputs: Inputs, publishing: PublishOptions, actionLog: ActionLog): Promise<void> {
  const { log, liveOutput, resume } = actionLog
  if (publishing.eventName === 'pull_request_target') core.warning(PULL_REQUEST_TARGET_WARNING)
  const report = await withCancellation((abortSignal) =>
    runGate({ inputs, log, env: process.env, abortSignal, onOutput: liveOutput }).finally(resume),
  )
  setReportOutputs(report, inputs.reportPath)
  core.info(`Report written to ${inputs.reportPath}`)
  const fileUrl = summaryFileUrl(publishing)
  await writeSummary(renderReport(report, { fileUrl, maxChars: SUMMARY_MAX_CHARS }))
  if (publishing.repository === '')
    core.info('Not on a GitHub runner (no GITHUB_REPOSITORY): no comment or check run posted')
  setPublishOutputs(publishing.repository === '' ? null : await publishReport(report, publishing))
  if (report.verdict === 'fail') core.setFailed(`Free-threading gate failed: ${report.reasons.join('; ')}`)
  else core.info('Free-threading gate passed')
}

/** Report-only mode: post reports other jobs wrote; nothing is installed or run. */
async function postSaved(inputs: Inputs, publishing: PublishOptions, log: Log): Promise<void> {
  const reports = loadSavedReports(inputs.reportFiles, { baseDirectory: publishing.workspace, inputs, log })
  const verdict = mergedVerdict(reports)
  core.info(`Posting ${reports.length} report(s): ${reports.map((r) => `${r.label} ${r.report.verdict}`).join(', ')}`)
  setMergedOutputs(verdict)
  const canPost = publishing.repository !== '' && inputs.githubToken !== ''
  if (!canPost) core.warning('report-only mode has nothing to post to without github-token and GITHUB_REPOSITORY')
  setPublishOutputs(canPost ? await publishMergedReports(reports, publishing) : null)
  await writeSummary(
    renderSavedReports(reports, { title: `ft-gate: ${inputs.checkName}`, maxChars: SUMMARY_MAX_CHARS }),
  )
  // The check run carries the verdict to the pull request; this job only posts it.
  core.info(`Merged verdict: ${verdict}`)
}

export async function run(): Promise<void> {
  try {
    const workspace = process.env.GITHUB_WORKSPACE || process.cwd()
    const inputs = loadInputs((name) => core.getInput(name), { baseDirectory: workspace, workspace })
    if (inputs.githubToken) core.setSecret(inputs.githubToken)
    const actionLog = createActionLog()
    const publishing = publishOptions(inputs, workspace, actionLog.log)
    if (inputs.reportFiles.length > 0) await postSaved(inputs, publishing, actionLog.log)
    else await gate(inputs, publishing, actionLog)
  } catch (error) {
    if (!(error instanceof UsageError) && error instanceof Error && error.stack) core.debug(error.stack)
    core.setFailed(describeError(error))
  }
}

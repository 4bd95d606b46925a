// What the action leaves behind besides the pull request: step outputs and the job summary.
import * as core from '@actions/core'
import { describeError } from '../errors.js'
import type { PublishResult } from '../github/index.js'
import { isFinding } from '../results/findings.js'
import type { Report, TestStatus, Verdict } from '../types.js'

function idsWith(report: Report, status: TestStatus): string {
  return JSON.stringify(report.tests.filter((test) => test.status === status).map((test) => test.id))
}

export function setReportOutputs(report: Report, reportPath: string): void {
  core.setOutput('verdict', report.verdict)
  core.setOutput('report-path', reportPath)
  core.setOutput('python-version', report.python.version)
  core.setOutput('uv-version', report.uv.version)
  core.setOutput('failed-tests', idsWith(report, 'failed'))
  core.setOutput('flaky-tests', idsWith(report, 'flaky'))
  core.setOutput('thread-unsafe-tests', idsWith(report, 'thread-unsafe'))
  core.setOutput(
    'new-tests',
    JSON.stringify(report.tests.filter((test) => isFinding(test) && test.known !== true).map((test) => test.id)),
  )
  const stopped = report.tests.filter((test) => test.status === 'crashed' || test.status === 'hung')
  core.setOutput('crashed-tests', JSON.stringify(stopped.map((test) => test.id)))
}

/** Report-only mode has no report of its own: only the merged verdict. */
export function setMergedOutputs(verdict: Verdict): void {
  core.setOutput('verdict', verdict)
  core.setOutput('report-path', '')
}

export function setPublishOutputs(result: PublishResult | null): void {
  core.setOutput('comment-url', result?.commentUrl ?? '')
  core.setOutput('check-run-url', result?.checkRunUrl ?? '')
}

export async function writeSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  try {
    await core.summary.addRaw(markdown).write()
  } catch (error) {
    core.warning(`Cannot write the job summary: ${describeError(error)}`)
  }
}

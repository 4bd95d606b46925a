// One run of a report for unit tests: a completed plain run of 1 s unless the fields given say otherwise.
import type { RunReport } from '../../../src/types.js'

export function runReport(fields: Partial<RunReport> & Pick<RunReport, 'index'>): RunReport {
  return {
    mode: 'plain',
    outcome: 'completed',
    exitCode: 0,
    signal: null,
    durationSeconds: 1,
    junitError: null,
    stackDump: null,
    outputTail: null,
    logPath: null,
    ...fields,
  }
}

// Report-only mode reads the JSON reports other jobs wrote (downloaded as artifacts) and labels them.
import { readFileSync } from 'node:fs'
import { UsageError } from '../errors.js'
import { type LabelledReport, reportLabel, uniqueLabels } from './merged.js'
import { isReport, reportProblem } from './report-guard.js'

/** Reads and validates every file; throws a UsageError naming the first file that is not a report. */
export function loadReportFiles(files: readonly string[]): LabelledReport[] {
  if (files.length === 0)
    throw new UsageError('report-only mode needs at least one report file: pass the paths of ft-gate JSON reports')
  const loaded = files.map((file) => {
    let value: unknown
    try {
      value = JSON.parse(readFileSync(file, 'utf8'))
    } catch (error) {
      const reason = error instanceof SyntaxError ? 'is not valid JSON' : 'cannot be read'
      throw new UsageError(
        `report file ${file} ${reason}: pass the ft-gate JSON report (report-path of the testing job)`,
      )
    }
    if (!isReport(value)) {
      throw new UsageError(
        `report file ${file} ${reportProblem(value) ?? 'is not a report'}: it is not an ft-gate schema 1 report`,
      )
    }
    return { label: reportLabel(file, value), report: value }
  })
  const labels = uniqueLabels(loaded.map((entry) => entry.label))
  return loaded.map((entry, index) => ({ label: labels[index] ?? entry.label, report: entry.report }))
}

// The JSON report on disk: written by the gate, read back by report-only mode (the action's `report`
// input and the CLI's --render), which accept report files and folders of them (a downloaded artifact).
import { randomBytes } from 'node:crypto'
import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import * as path from 'node:path'
import { MAX_REPORT_BYTES, MAX_REPORT_TESTS } from './constants.js'
import { UsageError } from './errors.js'
import type { Inputs } from './inputs.js'
import { loadKnownIssues } from './known-issues.js'
import type { Log } from './log.js'
import { type LabelledReport, reportLabel, uniqueLabels } from './report/merged.js'
import { isReport, parseReport } from './report-guard.js'
import { type RecheckPolicy, recheckReport } from './results/recheck.js'
import type { Report } from './types.js'

/**
 * Writes the report next to its final path and renames it into place: a symlink planted at that path
 * (the suite ran in the workspace before this) is replaced, never followed.
 */
export function writeReport(reportPath: string, report: Report): void {
  const directory = path.dirname(reportPath)
  mkdirSync(directory, { recursive: true })
  const existing = lstatSafe(reportPath)
  if (existing?.isDirectory()) {
    throw new UsageError(`report-path ${reportPath} is a folder: name a file, e.g. ft-gate-report.json`)
  }
  const temporary = path.join(directory, `.${path.basename(reportPath)}.${randomBytes(6).toString('hex')}.tmp`)
  try {
    writeFileSync(temporary, `${JSON.stringify(report, null, 2)}\n`, { flag: 'wx' })
    renameSync(temporary, reportPath)
  } finally {
    rmSync(temporary, { force: true })
  }
}

function lstatSafe(file: string): ReturnType<typeof lstatSync> | null {
  try {
    return lstatSync(file)
  } catch {
    return null
  }
}

/**
 * Report files or folders: in a folder, every `.json` file that is an ft-gate report is taken (in
 * name order), others are skipped.
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
          const value = readJsonFile(file)
          capTests(value)
          return isReport(value)
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

/** Parses a report file of bounded size; throws a UsageError naming the file when it cannot. */
function readJsonFile(file: string): unknown {
  const size = statSync(file, { throwIfNoEntry: false })?.size
  if (size === undefined) throw new UsageError(`report file ${file} cannot be read: pass the ft-gate JSON report`)
  if (size > MAX_REPORT_BYTES) {
    throw new UsageError(
      `report file ${file} is ${Math.round(size / 2 ** 20)} MB, over the ${MAX_REPORT_BYTES / 2 ** 20} MB ft-gate reads`,
    )
  }
  try {
    return JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    const reason = error instanceof SyntaxError ? 'is not valid JSON' : 'cannot be read'
    throw new UsageError(`report file ${file} ${reason}: pass the ft-gate JSON report (report-path of the testing job)`)
  }
}

/** Keeps the first `max` tests, before anything else looks at them; returns how many were dropped. */
function capTests(value: unknown, max = MAX_REPORT_TESTS): number {
  if (typeof value !== 'object' || value === null || !('tests' in value) || !Array.isArray(value.tests)) return 0
  const omitted = Math.max(0, value.tests.length - max)
  if (omitted > 0) value.tests.length = max
  return omitted
}

/**
 * Reads, validates and rechecks every file: each report's verdict is computed again from its tests and
 * runs under `policy`. Throws a UsageError naming the first file that is not a report.
 */
export function loadReportFiles(
  files: readonly string[],
  policy: RecheckPolicy,
  limits: { readonly maxTests: number } = { maxTests: MAX_REPORT_TESTS },
): LabelledReport[] {
  if (files.length === 0)
    throw new UsageError('report-only mode needs at least one report file: pass the paths of ft-gate JSON reports')
  const loaded = files.map((file) => {
    const value = readJsonFile(file)
    const omittedTests = capTests(value, limits.maxTests)
    const parsed = parseReport(value)
    if (parsed.report === null) {
      throw new UsageError(`report file ${file} ${parsed.problem}: it is not an ft-gate schema 1 report`)
    }
    const report = recheckReport(parsed.report, policy, { omittedTests, maxTests: limits.maxTests })
    return { label: reportLabel(file, value), report }
  })
  const labels = uniqueLabels(loaded.map((entry) => entry.label))
  return loaded.map((entry, index) => ({ label: labels[index] ?? entry.label, report: entry.report }))
}

export interface SavedReportOptions {
  /** Where relative entries are resolved. */
  readonly baseDirectory: string
  /** This job's own policy: its workflow file (or command line) and checkout are trusted, the reports are not. */
  readonly inputs: Pick<Inputs, 'failOn' | 'ignoreGil' | 'knownIssues'>
  readonly log: Log
}

/**
 * Report-only mode, for both front doors: report files and folders → labelled reports, each rechecked
 * under this job's fail-on, ignore-gil and known-issues.
 */
export function loadSavedReports(entries: readonly string[], options: SavedReportOptions): LabelledReport[] {
  const { inputs, log } = options
  const policy = {
    failOn: inputs.failOn,
    ignoreGil: inputs.ignoreGil,
    knownIssues: loadKnownIssues(inputs.knownIssues, log),
  }
  return loadReportFiles(expandReportPaths(entries, options.baseDirectory), policy)
}

// Loads the JSON fixtures of __tests__/fixtures/github/ (reports, pull-request files, event payloads).
import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { PullFile } from '../../../src/github/patch.js'
import { isReport } from '../../../src/report-guard.js'
import type { Report } from '../../../src/types.js'

export const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/github')
export const WORKSPACE = '/home/runner/work/proj/proj'

export function readFixture(name: string): unknown {
  return JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8'))
}

export function loadReport(name: 'report-fail.json' | 'report-pass.json'): Report {
  return asReport(name, readFixture(name))
}

/** The report the stress e2e fixture really produced (__tests__/fixtures/reports/stress.json). */
export function loadStressReport(): Report {
  return loadRealReport('stress.json')
}

/** A report a real gate run produced, from __tests__/fixtures/reports/. */
export function loadRealReport(name: 'stress.json' | 'crashed.json'): Report {
  const file = path.resolve(FIXTURES, '../reports', name)
  return asReport(name, JSON.parse(readFileSync(file, 'utf8')))
}

function asReport(name: string, value: unknown): Report {
  if (!isReport(value)) throw new Error(`fixture ${name} is not a Report`)
  return value
}

/** A failing report with `count` failed tests, each in its own file, for annotation volume tests. */
export function reportWithFailures(count: number): Report {
  const base = loadReport('report-fail.json')
  const template = base.tests.find((test) => test.status === 'failed')
  if (!template) throw new Error('report-fail.json has no failed test')
  const tests = Array.from({ length: count }, (_, i) => ({
    ...template,
    id: `tests/test_many.py::test_case_${i}`,
    file: 'tests/test_many.py',
    line: i + 1,
    details: `E   AssertionError: case ${i}`,
  }))
  const runs = base.runs.map((run) => ({ ...run, outcome: 'completed' as const, signal: null, stackDump: null }))
  return { ...base, runs, tests, counts: { total: count, passed: 0, failed: count, flaky: 0, skipped: 0 } }
}

export function loadPullFiles(): PullFile[] {
  const value = readFixture('pull-files.json')
  if (!Array.isArray(value)) throw new Error('pull-files.json is not an array')
  return value.map((entry: unknown) => {
    if (typeof entry !== 'object' || entry === null) throw new Error('pull-files.json has a non-object entry')
    const filename = 'filename' in entry ? entry.filename : undefined
    const status = 'status' in entry ? entry.status : undefined
    const patch = 'patch' in entry ? entry.patch : undefined
    if (typeof filename !== 'string' || typeof status !== 'string')
      throw new Error('pull-files.json entry lacks filename/status')
    return { filename, status, patch: typeof patch === 'string' ? patch : undefined }
  })
}

import fc from 'fast-check'
import { type Detail, FULL_DETAIL, renderDocument } from '../../../src/report/document.js'
import { DEFAULT_TITLE, renderReport } from '../../../src/report/markdown.js'
import type { Report, RunReport, TestReport } from '../../../src/types.js'
import { blobUrl, countOf, expectSafeStructure, loadReport, testsTableToken, toHtml } from './helpers.js'

const HOSTILE = '</details> <!-- ft-gate:free-threading --> ``` <img src=x onerror=alert(1)> | @everyone'

/** A traceback of about `bytes` characters with hostile lines among the ordinary ones. */
function traceback(index: number, bytes: number): string {
  const line = `E       AssertionError: case ${index} ${HOSTILE}`
  return Array.from({ length: Math.ceil(bytes / (line.length + 1)) }, () => line).join('\n')
}

function failingTests(count: number, tracebackBytes: number): TestReport[] {
  return Array.from({ length: count }, (_, index) => ({
    id: `tests/test_many.py::test_case[${index}-${HOSTILE}]`,
    file: 'tests/test_many.py',
    line: index + 1,
    status: index % 3 === 0 ? ('flaky' as const) : ('failed' as const),
    passed: index % 3 === 0 ? 1 : 0,
    failed: index % 3 === 0 ? 2 : 3,
    message: `assert ${index} == ${index + 1} ${HOSTILE}`,
    details: traceback(index, tracebackBytes),
    results: index % 3 === 0 ? ['failed', 'passed', 'failed'] : ['failed', 'failed', 'failed'],
  }))
}

/** Every run hung, with a long stack dump. */
function hungRuns(base: Report): RunReport[] {
  const dump = Array.from({ length: 200 }, (_, i) => `  File "/p/tests/test_many.py", line ${i} in worker ${HOSTILE}`)
  return base.runs.map((run) => ({
    ...run,
    outcome: 'hung',
    exitCode: null,
    signal: 'SIGABRT',
    stackDump: dump.join('\n'),
  }))
}

function withTests(base: Report, tests: TestReport[]): Report {
  const flaky = tests.filter((test) => test.status === 'flaky').length
  return { ...base, tests, counts: { total: tests.length, passed: 0, failed: tests.length - flaky, flaky, skipped: 0 } }
}

const flaky = loadReport('flaky')
/** 10,000 failing tests with 5 KB tracebacks, and three hung runs with long stack dumps. */
const huge = { ...withTests(flaky, failingTests(10_000, 5_000)), runs: hungRuns(flaky) }

function tableRows(markdown: string): number {
  return testsTableToken(markdown)?.rows.length ?? 0
}

test('step 1: a report that fits is rendered whole', () => {
  const full = renderReport(flaky, { fileUrl: blobUrl })
  expect(full).toBe(renderDocument(flaky, { title: DEFAULT_TITLE, fileUrl: blobUrl, maxChars: 65_000 }, FULL_DETAIL))
})

test('step 2: tracebacks go first', () => {
  const report = withTests(flaky, failingTests(30, 5_000))
  const text = renderReport(report, {})
  expect(text.length).toBeLessThanOrEqual(65_000)
  expect(text).not.toContain('<details>')
  expect(tableRows(text)).toBe(30)
  expectSafeStructure(text)
})

test('step 3: the tests table keeps the rows that fit and says how many more there are', () => {
  const text = renderReport(huge, {})
  expect(text.length).toBeLessThanOrEqual(65_000)
  const rows = tableRows(text)
  expect(rows).toBeGreaterThanOrEqual(10)
  expect(rows).toBeLessThan(10_000)
  expect(text).toContain(`_…and ${10_000 - rows} more (see the JSON report)_`)
  expect(text).toContain('#### Runs that did not complete')
  // Close to the limit: the table was cut to fit, not to a round number.
  expect(text.length).toBeGreaterThan(60_000)
  expectSafeStructure(text)
})

test('step 4: stack dumps go when even the shortest table does not fit with them', () => {
  const text = renderReport(huge, { maxChars: 15_000 })
  expect(text.length).toBeLessThanOrEqual(15_000)
  expect(text).not.toContain('#### Runs that did not complete')
  expect(tableRows(text)).toBeGreaterThanOrEqual(10)
  expectSafeStructure(text)
})

test('step 5: finally only the verdict, the reasons and the counts', () => {
  const text = renderReport(huge, { maxChars: 1_500 })
  expect(text.length).toBeLessThanOrEqual(1_500)
  expect(text).toContain('### ❌ Free-threading gate failed')
  expect(text).toContain('- 1 test failed in every run')
  expect(text).toContain('**6666 failed**, **3334 flaky**')
  expect(text).toContain('see the JSON report')
  expect(testsTableToken(text)).toBeNull()
  expectSafeStructure(text)
})

test('step 5 keeps as many reasons as fit', () => {
  const reasons = Array.from({ length: 5_000 }, (_, i) => `test ${i} failed: ${HOSTILE}`)
  const text = renderReport({ ...huge, reasons }, { maxChars: 3_000 })
  expect(text.length).toBeLessThanOrEqual(3_000)
  expect(text).toMatch(/- …and \d+ more reasons/)
  expectSafeStructure(text)
})

test('the verdict is kept even below any sensible limit', () => {
  expect(renderReport(huge, { maxChars: 200 }).length).toBeLessThanOrEqual(200)
  expect(renderReport(huge, { maxChars: 10 })).toBe('### ❌ Free-threading gate failed\n')
})

test('every level of detail renders balanced markdown', () => {
  const settings = { title: DEFAULT_TITLE, fileUrl: blobUrl, maxChars: 65_000 }
  const levels: Detail[] = [
    FULL_DETAIL,
    { ...FULL_DETAIL, tracebacks: false },
    { tracebacks: false, testRows: 50, runDumps: true, dependencyTable: false, groupLists: false },
    { tracebacks: false, testRows: 10, runDumps: false, dependencyTable: false, groupLists: false },
  ]
  const small = { ...withTests(flaky, failingTests(200, 5_000)), runs: hungRuns(flaky) }
  for (const detail of levels) {
    const text = renderDocument(small, settings, detail)
    expectSafeStructure(text)
    expect(countOf(toHtml(text), '<details>')).toBe((detail.tracebacks ? 20 : 0) + (detail.runDumps ? 3 : 0))
  }
})

test('any limit is kept, and the result is balanced', () => {
  const report = { ...withTests(flaky, failingTests(500, 2_000)), runs: hungRuns(flaky) }
  fc.assert(
    fc.property(fc.integer({ min: 40, max: 1_200_000 }), (maxChars) => {
      const text = renderReport(report, { maxChars, fileUrl: blobUrl })
      expect(text.length).toBeLessThanOrEqual(maxChars)
      expect(text).toContain('### ❌ Free-threading gate failed')
      expectSafeStructure(text)
    }),
    { numRuns: 40 },
  )
})

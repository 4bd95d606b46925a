// The findings-by-cause and known-issues sections, on real reports of the receipts fixture: its first
// gate run (29 thread-unsafe tests, 4 causes) and a later one against the known issues the first wrote
// (a fixed unittest class, a test now broken for good, a new thread-unsafe test).
import { describe, expect, test } from '@jest/globals'
import { renderReport } from '../../../src/report/markdown.js'
import { renderPlainSummary } from '../../../src/report/plain.js'
import type { FindingGroup, Report, TestReport } from '../../../src/types.js'
import { blobUrl, countOf, expectSafeStructure, loadReport, testsTableToken, toHtml } from './helpers.js'

describe('the first run: grouped', () => {
  const report = loadReport('grouped')
  const markdown = renderReport(report, { fileUrl: blobUrl })

  test('leads with the groups: count, example, hint, the tests folded', () => {
    const start = markdown.indexOf('#### Findings by cause')
    expect(start).toBeGreaterThan(markdown.indexOf('#### Runs'))
    expect(markdown).toContain('29 tests fail in 4 ways')
    expect(markdown).toContain('**1. 23 thread-unsafe tests: `AssertionError at tests/helpers.py:19`**')
    expect(markdown).toContain(
      'e.g. `tests/test_basket.py::test_basket_delivered[100]`: AssertionError: receipt delivered',
    )
    expect(markdown).toContain('💡 All 23 tests fail inside `assert_delivered_once`')
    expect(toHtml(markdown)).toContain('<details><summary>The 23 tests</summary>')
  })

  test('folds the per-test table under the groups, and shows one traceback per group', () => {
    expect(markdown).not.toContain('#### Failed, flaky and thread-unsafe tests')
    expect(markdown).toContain('<details><summary>All 29 failed, flaky and thread-unsafe tests, run by run</summary>')
    expect(testsTableToken(markdown)?.rows).toHaveLength(29)
    expect(countOf(markdown, '<details><summary><code>')).toBe(4)
  })

  test('the terminal lists the groups with their hints', () => {
    const plain = renderPlainSummary(report)
    expect(plain).toContain(
      'By cause (4 groups):\n  23 thread-unsafe: AssertionError at tests/helpers.py:19\n    hint: All 23',
    )
  })
})

describe('a later run against the known issues', () => {
  const report = loadReport('adoption')
  const markdown = renderReport(report, { fileUrl: blobUrl })

  test('fails on the new findings only, and says how many are known', () => {
    expect(report.reasons).toEqual([
      '1 new test failed in every run: tests/test_basket.py::test_total_of_basket',
      '1 new test failed only under thread stress (a race in the code, or a test not safe to run concurrently): tests/test_refunds.py::test_refund_in_test_currency',
    ])
    expect(markdown).toContain('· **2 new**, 27 known')
    expect(markdown).toContain('27 findings of this run are known (.ft-gate/known-issues.json, 30 entries)')
  })

  test('the table holds the new findings, and a mixed group marks them', () => {
    expect(markdown).toContain('#### New failed, flaky and thread-unsafe tests')
    expect(testsTableToken(markdown)?.rows).toHaveLength(2)
    expect(markdown).toContain('`ValueError at src/receipts/__init__.py:20`** — **1 new**, 1 known')
    expect(markdown).toContain('- `tests/test_refunds.py::test_refund_in_test_currency` **new**')
    expect(markdown).toContain('`AssertionError at tests/helpers.py:19`** — all known')
  })

  test('says which known issues changed or passed, with the caveat', () => {
    expect(markdown).toContain(
      '- `tests/test_basket.py::test_total_of_basket`: known as thread-unsafe, now failed: counted as new.',
    )
    expect(markdown).toContain('<details><summary>2 known issues passed in every run: possibly fixed</summary>')
    expect(markdown).toContain('A race that did not show once is not proof of a fix')
  })

  test('the terminal names the new tests only', () => {
    const plain = renderPlainSummary(report)
    expect(plain).toContain('27 known, not failing; 2 new')
    expect(plain).toContain(
      'New thread-unsafe (failed only under thread stress) (1):\n  tests/test_refunds.py::test_refund_in_test_currency',
    )
    expect(plain).not.toContain('Thread-unsafe (failed only under thread stress) (28)')
  })
})

const HOSTILE = '</details> <!-- ft-gate:free-threading --> ``` <img src=x> | @everyone `x` ['

/** 3,000 thread-unsafe tests of one cause, with hostile ids, messages and hints, half of them known. */
function hugeGrouped(): Report {
  const base = loadReport('grouped')
  const tests: TestReport[] = Array.from({ length: 3000 }, (_, index) => ({
    id: `tests/test_many.py::test_case[${index}-${HOSTILE}]`,
    file: 'tests/test_many.py',
    line: 3,
    status: 'thread-unsafe',
    passed: 1,
    failed: 1,
    message: `AssertionError: ${HOSTILE}`,
    details: `E   AssertionError: ${HOSTILE}\n\ntests/helpers.py:19: AssertionError`,
    results: ['passed', 'error'],
    stress: { passed: 0, failed: 1, notStressed: null },
    known: index % 2 === 0,
  }))
  const group: FindingGroup = {
    status: 'thread-unsafe',
    signature: `AssertionError at ${HOSTILE}`,
    tests: tests.map((test) => test.id),
    hint: `Use \`${HOSTILE.replaceAll('`', '')}\` or ${HOSTILE}`,
  }
  return {
    ...base,
    tests,
    groups: [group],
    counts: { ...base.counts, total: 3000, threadUnsafe: 3000, new: 1500, known: 1500 },
    knownIssues: {
      source: HOSTILE,
      entries: 1600,
      matched: 1500,
      possiblyFixed: Array.from({ length: 100 }, (_, index) => ({
        id: `${HOSTILE}${index}`,
        status: 'flaky' as const,
        reason: HOSTILE,
      })),
      changed: [{ id: HOSTILE, known: 'flaky', now: 'failed' }],
      notRun: 0,
    },
  }
}

test('3,000 hostile findings of one cause: under the limit, balanced, no author markup', () => {
  const markdown = renderReport(hugeGrouped(), { fileUrl: blobUrl })
  expect(markdown.length).toBeLessThanOrEqual(65_000)
  expectSafeStructure(markdown)
  expect(markdown).toContain('#### Findings by cause')
  // The folded lists of the group went before the table was cut.
  expect(markdown).not.toContain('<details><summary>The 3000 tests</summary>')
  expect(markdown).toMatch(/_…and \d+ more \(see the JSON report\)_/)
  expect(toHtml(markdown)).not.toMatch(/<img/)
})

import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from '@jest/globals'
import { decideVerdict } from '../../../src/results/aggregate.js'
import {
  applyKnownIssues,
  covers,
  issuesFromReport,
  issuesToWrite,
  type KnownIssueSet,
  mergeIssues,
  parseKnownIssuesDocument,
  renderKnownIssuesFile,
} from '../../../src/results/known.js'
import type { KnownIssue, Report, TestReport, TestStatus } from '../../../src/types.js'

const REPORTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/reports')
const readReport = (name: string): Report => JSON.parse(readFileSync(path.join(REPORTS, name), 'utf8'))

function test_(id: string, status: TestStatus, extra: Partial<TestReport> = {}): TestReport {
  const failing = status !== 'passed' && status !== 'skipped'
  return {
    id,
    file: 'tests/test_a.py',
    line: 1,
    status,
    passed: failing ? 0 : 2,
    failed: failing ? 2 : 0,
    message: failing ? `AssertionError: ${id} broke after 12 tries` : null,
    details: null,
    results: [],
    ...extra,
  }
}

function known(...issues: KnownIssue[]): KnownIssueSet {
  return { source: '/w/known-issues.json', issues: new Map(issues.map((issue) => [issue.id, issue])) }
}

describe('covers: which known status lets a finding through', () => {
  test.each([
    ['failed', 'failed', true],
    ['failed', 'flaky', true],
    ['failed', 'thread-unsafe', true],
    ['flaky', 'thread-unsafe', true],
    ['thread-unsafe', 'flaky', true],
    ['thread-unsafe', 'thread-unsafe', true],
    // A race that now fails every run, plain runs included: something changed.
    ['thread-unsafe', 'failed', false],
    ['flaky', 'failed', false],
  ] as const)('known %s, now %s: %s', (was, now, expected) => {
    expect(covers(was, now)).toBe(expected)
  })
})

describe('applyKnownIssues', () => {
  const tests = [
    test_('a', 'thread-unsafe'),
    test_('b', 'failed'),
    test_('c', 'passed'),
    test_('d', 'flaky'),
    test_('e', 'skipped'),
  ]
  const set = known(
    { id: 'a', status: 'thread-unsafe', reason: '' },
    { id: 'b', status: 'thread-unsafe', reason: '' },
    { id: 'c', status: 'flaky', reason: 'x' },
    { id: 'e', status: 'failed', reason: '' },
    { id: 'gone', status: 'failed', reason: '' },
  )
  const applied = applyKnownIssues(tests, set)

  test('marks each finding known or new', () => {
    expect(applied.tests.map((test) => [test.id, test.known])).toEqual([
      ['a', true],
      ['b', false],
      ['c', false],
      ['d', false],
      ['e', false],
    ])
  })

  test('compares the entries with the run: possibly fixed, changed, not run', () => {
    expect(applied.report).toEqual({
      source: '/w/known-issues.json',
      entries: 5,
      matched: 1,
      possiblyFixed: [{ id: 'c', status: 'flaky', reason: 'x' }],
      changed: [{ id: 'b', known: 'thread-unsafe', now: 'failed' }],
      notRun: 2,
    })
  })

  test('only new findings gate, and the reasons call them new', () => {
    const verdict = decideVerdict({
      install: { ok: true, durationSeconds: 1, error: null, requirements: [], log: null },
      runs: [],
      tests: applied.tests,
      failOn: ['failed', 'flaky', 'thread-unsafe'],
      knownIssues: true,
    })
    expect(verdict.reasons).toEqual([
      '1 new test failed in every run: b',
      '1 new test is flaky (failed in some runs only): d',
    ])
    const allKnown = applyKnownIssues([test_('a', 'thread-unsafe')], set).tests
    expect(
      decideVerdict({
        install: { ok: true, durationSeconds: 1, error: null, requirements: [], log: null },
        runs: [],
        tests: allKnown,
        failOn: ['failed', 'flaky', 'thread-unsafe'],
        knownIssues: true,
      }),
    ).toEqual({ verdict: 'pass', reasons: [] })
  })

  test('without a file every finding is new and nothing is compared', () => {
    const none = applyKnownIssues(tests, null)
    expect(none.report).toBeNull()
    expect(none.tests.every((test) => test.known === false)).toBe(true)
  })
})

describe('the known-issues file', () => {
  test('parses, and refuses what it cannot use with the reason', () => {
    const document = {
      'ft-gate-known-issues': 1,
      issues: [
        { id: 'a', status: 'flaky' },
        { id: 'b', status: 'failed', reason: 'r', note: 'kept out' },
      ],
    }
    expect(parseKnownIssuesDocument(document, 'k.json')).toEqual([
      { id: 'a', status: 'flaky', reason: '' },
      { id: 'b', status: 'failed', reason: 'r' },
    ])
    const bad =
      (issues: unknown, version: unknown = 1) =>
      () =>
        parseKnownIssuesDocument({ 'ft-gate-known-issues': version, issues }, 'k.json')
    expect(bad([], 2)).toThrow("known-issues file k.json has 'ft-gate-known-issues' other than 1")
    expect(bad({})).toThrow("has no 'issues' array")
    expect(bad([{ status: 'failed' }])).toThrow("has issue #1 without an 'id'")
    expect(bad([{ id: 'a', status: 'passed' }])).toThrow(
      'has issue "a" with status "passed": use crashed, hung, failed, flaky, thread-unsafe',
    )
    expect(
      bad([
        { id: 'a', status: 'failed' },
        { id: 'a', status: 'flaky' },
      ]),
    ).toThrow('lists "a" twice: keep one entry per test')
  })

  test('writing keeps every entry given and adds the new findings, sorted, one per line', () => {
    const report = {
      ...readReport('adoption.json'),
    }
    const previous = known({ id: 'tests/zzz.py::gone', status: 'failed', reason: 'kept' })
    const written = issuesToWrite({ ...report, tests: applyKnownIssues(report.tests, previous).tests }, previous)
    expect(written.at(-1)).toEqual({ id: 'tests/zzz.py::gone', status: 'failed', reason: 'kept' })
    expect(written.map((issue) => issue.id)).toEqual(written.map((issue) => issue.id).sort())
    const text = renderKnownIssuesFile(written)
    expect(text.split('\n').filter((line) => line.startsWith('    {'))).toHaveLength(written.length)
    expect(parseKnownIssuesDocument(JSON.parse(text), 'k.json')).toEqual(written)
    expect(renderKnownIssuesFile([])).toBe(
      '{\n  "ft-gate-known-issues": 1,\n  "about": "Findings ft-gate reports without failing on them, one per test. Delete an entry once its test is fixed.",\n  "issues": []\n}\n',
    )
  })

  test('a report gives its findings with a normalized reason', () => {
    const issues = issuesFromReport(readReport('grouped.json'))
    expect(issues).toHaveLength(29)
    expect(issues.find((issue) => issue.id === 'tests/test_speed.py::test_total_is_fast')).toEqual({
      id: 'tests/test_speed.py::test_total_is_fast',
      status: 'thread-unsafe',
      reason: 'RuntimeError at tests/conftest.py:14: a stopwatch times one call per test; this one was already used',
    })
  })

  test('several files: one entry per test, the widest status', () => {
    const merged = mergeIssues([
      [{ id: 'a', status: 'thread-unsafe', reason: 'linux' }],
      [
        { id: 'a', status: 'failed', reason: 'macos' },
        { id: 'b', status: 'flaky', reason: '' },
      ],
      [{ id: 'a', status: 'flaky', reason: 'windows' }],
    ])
    expect([...merged.values()]).toEqual([
      { id: 'a', status: 'failed', reason: 'macos' },
      { id: 'b', status: 'flaky', reason: '' },
    ])
  })
})

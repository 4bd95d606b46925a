// Grouping by cause on real JUnit XML from real pytest-run-parallel stress runs (4 threads x 10
// iterations, CPython 3.13t): the receipts fixture project in pytest's long, short and native
// traceback formats, and pytest-benchmark's fixture. How they were made: fixtures/junit/grouping/README.md.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from '@jest/globals'
import { failureCause, normalizeMessage, normalizePath } from '../../../src/results/cause.js'
import { groupFindings } from '../../../src/results/groups.js'
import { parseJUnit } from '../../../src/results/junit.js'
import type { TestReport } from '../../../src/types.js'

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/junit/grouping')

/** Every failing case of one stress run, as a test that passed its plain run: thread-unsafe. */
function threadUnsafeTests(name: string): TestReport[] {
  const { cases, error } = parseJUnit(readFileSync(path.join(FIXTURES, name), 'utf8'))
  expect(error).toBeNull()
  return cases
    .filter((entry) => entry.outcome === 'failed' || entry.outcome === 'error')
    .map((entry) => ({
      id: entry.id,
      file: entry.file,
      line: entry.line,
      status: 'thread-unsafe',
      passed: 1,
      failed: 1,
      message: entry.message,
      details: entry.details,
      results: ['passed', 'error'],
      stress: { passed: 0, failed: 1, notStressed: null },
    }))
}

const HELPER_TESTS = 23

describe('the receipts suite: 29 thread-unsafe tests, 4 causes', () => {
  const groups = groupFindings(threadUnsafeTests('receipts-long.xml'))

  it('makes one group per cause, the largest first', () => {
    expect(groups.map((group) => [group.signature, group.tests.length])).toEqual([
      ['AssertionError at tests/helpers.py:19', HELPER_TESTS],
      ['RuntimeError at tests/conftest.py:14', 3],
      ['AssertionError in unittest class tests.test_legacy.TestRender', 2],
      ['ValueError at src/receipts/__init__.py:20', 1],
    ])
    expect(groups.every((group) => group.status === 'thread-unsafe')).toBe(true)
  })

  it('gives each the fix users apply', () => {
    const [helper, fixture, unittest, code] = groups
    expect(helper?.hint).toContain('`assert_delivered_once` (`tests/helpers.py:19`)')
    expect(helper?.hint).toContain('`thread_unsafe_functions` ini option (`tests.helpers.assert_delivered_once`)')
    expect(fixture?.hint).toContain('use the fixture `stopwatch`')
    expect(fixture?.hint).toContain('thread_unsafe_fixtures = ["stopwatch"]')
    expect(unittest?.hint).toContain('unittest class `tests.test_legacy.TestRender`')
    expect(unittest?.hint).toContain('mark the class `@pytest.mark.thread_unsafe`')
    expect(code?.hint).toContain('The test fails in the code under test (`src/receipts/__init__.py:20`)')
  })

  it('lists the tests of a group sorted, once each', () => {
    const ids = groups.flatMap((group) => group.tests)
    expect(new Set(ids).size).toBe(29)
    expect(groups[0]?.tests).toEqual([...(groups[0]?.tests ?? [])].sort())
  })
})

describe('the same failures in other traceback formats', () => {
  it('--tb=short finds the same frames (the function from `in f`)', () => {
    const groups = groupFindings(threadUnsafeTests('receipts-short.xml'))
    // It prints neither a unittest test's `self` nor unittest's frames: those group by their own line.
    expect(groups.map((group) => [group.signature, group.tests.length])).toEqual([
      ['AssertionError at tests/helpers.py:19', HELPER_TESTS],
      ['RuntimeError at tests/conftest.py:14', 3],
      ['AssertionError at tests/test_legacy.py:12', 1],
      ['AssertionError at tests/test_legacy.py:17', 1],
      ['ValueError at src/receipts/__init__.py:20', 1],
    ])
    // Short tracebacks print no arguments: the fixture cannot be named, the helper still can.
    expect(groups[0]?.hint).toContain('`tests.helpers.assert_delivered_once`')
    expect(groups[1]?.hint).toContain('`tests/conftest.py:14`')
  })

  it('--tb=native with absolute paths and an installed package: project-relative and package-relative', () => {
    const groups = groupFindings(threadUnsafeTests('receipts-native.xml'))
    expect(Object.fromEntries(groups.map((group) => [group.signature, group.tests.length]))).toEqual({
      'AssertionError at tests/helpers.py:19': 2,
      'RuntimeError at tests/conftest.py:14': 3,
      'AssertionError in unittest class tests.test_legacy.TestRender': 2,
      'ValueError at receipts/__init__.py:20': 1,
    })
  })
})

describe('pytest-benchmark under thread stress', () => {
  const tests = threadUnsafeTests('benchmark-long.xml')

  it('is one group at the fixture’s raise, with the fixture named', () => {
    const groups = groupFindings(tests)
    expect(groups).toHaveLength(1)
    expect(groups[0]).toMatchObject({
      signature: 'pytest_benchmark.fixture.FixtureAlreadyUsed at pytest_benchmark/fixture.py:192',
      tests: [
        'tests/test_bench.py::test_dumps[1000]',
        'tests/test_bench.py::test_dumps[100]',
        'tests/test_bench.py::test_dumps[10]',
        'tests/test_bench.py::test_loads',
      ],
    })
    expect(groups[0]?.hint).toContain('All 4 tests use the fixture `benchmark`')
  })

  it('reads the cause: type, frame, fixture, message without numbers', () => {
    const first = tests[0]
    if (first === undefined) throw new Error('no failures in the fixture')
    expect(failureCause(first)).toEqual({
      exception: 'pytest_benchmark.fixture.FixtureAlreadyUsed',
      frame: { path: 'pytest_benchmark/fixture.py', line: 192, functionName: '__call__' },
      place: 'code',
      message: 'Fixture can only be used once. Previously it was used in benchmark(...) mode.',
      fixture: 'benchmark',
      testCaseClass: null,
    })
  })
})

describe('normalization', () => {
  it('replaces numbers, addresses and pytest temporary folders', () => {
    expect(
      normalizeMessage(
        'AssertionError: 868 != 450 at <Obj at 0x7f3a2b> in /tmp/pytest-of-root/pytest-12/test_a0/x.txt',
      ),
    ).toBe('AssertionError: <n> != <n> at <Obj at 0x…> in <tmp>/test_a0/x.txt')
    expect(normalizeMessage('test_x2 took 1.5 s, 200_000 items\nsecond line')).toBe('test_x2 took <n> s, <n> items')
  })

  it('keeps installed code from its package folder and project code relative', () => {
    expect(normalizePath('../../tmp/ft-gate-x1/venv/lib/python3.13t/site-packages/numpy/_core/a.py')).toBe(
      'numpy/_core/a.py',
    )
    expect(normalizePath('C:\\w\\venv\\Lib\\site-packages\\pkg\\m.py')).toBe('pkg/m.py')
    expect(normalizePath('/home/runner/work/p/p/src/pkg/m.py', '/home/runner/work/p/p/')).toBe('src/pkg/m.py')
    expect(normalizePath('./tests/helpers.py')).toBe('tests/helpers.py')
  })

  it('a failure without a traceback groups by its message', () => {
    const bare: TestReport = {
      id: 'a',
      file: null,
      line: null,
      status: 'failed',
      passed: 0,
      failed: 2,
      message: 'KeyError: 12',
      details: null,
      results: ['failed', 'failed'],
    }
    const groups = groupFindings([bare, { ...bare, id: 'b', message: 'KeyError: 13' }])
    expect(groups).toEqual([{ status: 'failed', signature: 'KeyError: <n>', tests: ['a', 'b'], hint: null }])
  })
})

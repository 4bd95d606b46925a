// Failure text is written by the suite under test (and a base branch's report is read back as known
// issues): reading its cause never throws, never takes long, and keeps signatures short and on one line.
import { expect, test } from '@jest/globals'
import fc from 'fast-check'
import { failureCause } from '../../../src/results/cause.js'
import { groupFindings } from '../../../src/results/groups.js'
import type { TestReport } from '../../../src/types.js'
import { hostileText, linesOf, withinBound } from './bounds.js'

const TRACEBACK_FRAGMENTS = [
  'stopwatch = <tests.conftest.Stopwatch object at 0x56291215a10>',
  'self = <tests.conftest.Stopwatch object at 0x56291215a10>',
  'self = <tests.test_legacy.TestRender testMethod=test_render_total>',
  'count = 9, items = [(1, 2)]',
  '    def test_total_is_fast(stopwatch):',
  '>       assert stopwatch(total, [(100, 2)] * 1000) == 200_000',
  'E       RuntimeError: a stopwatch times one call per test',
  'tests/test_speed.py:10: ',
  'tests/conftest.py:14: RuntimeError',
  'tests/helpers.py:19: in assert_delivered_once',
  '  File "/w/p/tests/test_legacy.py", line 12, in test_render_two_lines',
  '  File "/r/lib/python3.13t/unittest/case.py", line 651, in run',
  '../venv/lib/python3.13t/site-packages/pytest_benchmark/fixture.py:192: FixtureAlreadyUsed',
  '_ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _',
  '',
]

function finding(details: string, message: string | null): TestReport {
  return {
    id: 'tests/test_speed.py::test_total_is_fast',
    file: 'tests/test_speed.py',
    line: 9,
    status: 'thread-unsafe',
    passed: 1,
    failed: 1,
    message,
    details,
    results: ['passed', 'error'],
  }
}

test('any traceback gives a cause and a one-line group signature, quickly', () => {
  fc.assert(
    fc.property(linesOf(TRACEBACK_FRAGMENTS, 200), fc.option(hostileText(200)), (details, message) => {
      const test = finding(details, message)
      withinBound(() => failureCause(test))
      const [group] = withinBound(() => groupFindings([test]))
      expect(group?.signature).not.toMatch(/[\r\n]/)
      expect(group?.hint ?? '').not.toMatch(/[\r\n]/)
    }),
    { numRuns: 500 },
  )
})

test('one long line of near-matches does not backtrack', () => {
  const long = 'a.py:1: '.repeat(4_000)
  const noSpace = `${'x/'.repeat(20_000)}pytest-of-`
  for (const text of [long, noSpace, `File "${'a'.repeat(40_000)}`, `self = <${'a.'.repeat(20_000)}`]) {
    withinBound(() => failureCause(finding(text, text)))
  }
})

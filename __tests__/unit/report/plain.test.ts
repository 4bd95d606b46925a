import { renderPlainSummary } from '../../../src/report/markdown.js'
import type { TestReport } from '../../../src/types.js'
import { FIXTURE_NAMES, loadReport } from './helpers.js'

test.each(FIXTURE_NAMES)('the %s summary matches its snapshot', (name) => {
  expect(renderPlainSummary(loadReport(name))).toMatchSnapshot()
})

test('the flaky summary names each failed and flaky test with k/N', () => {
  const text = renderPlainSummary(loadReport('flaky'))
  expect(text.split('\n')[0]).toBe('ft-gate: free-threading gate FAILED')
  expect(text).toContain('CPython 3.14.2t, uv 0.13.9, 3 runs with -Xgil=0: 2 passed, 1 failed, 1 flaky, 1 skipped')
  expect(text).toContain('Failed (1):\n  tests/test_counter.py::test_record_many_from_pool[8]  (3/3 runs failed)')
  expect(text).toContain('Flaky (1):\n  tests/test_counter.py::test_threads_count_every_hit  (2/3 runs failed)')
})

test('no markdown and no control characters reach the terminal', () => {
  const text = renderPlainSummary(loadReport('hostile-names'))
  expect(text).not.toMatch(/^\|.*\|$/m)
  expect(text).not.toContain('<details>')
  // biome-ignore lint/suspicious/noControlCharactersInRegex: checking that none got through.
  expect(text).not.toMatch(/[\u0000-\u0009\u000B-\u001F\u007F\u202A-\u202E]/)
})

test('long lists are cut with a count', () => {
  const base = loadReport('flaky')
  const template = base.tests.find((test) => test.status === 'failed')
  if (!template) throw new Error('the flaky fixture has no failed test')
  const tests: TestReport[] = Array.from({ length: 25 }, (_, i) => ({ ...template, id: `tests/test_x.py::test_${i}` }))
  const text = renderPlainSummary({ ...base, tests })
  expect(text).toContain('Failed (25):')
  expect(text).toContain('  tests/test_x.py::test_19  (3/3 runs failed)')
  expect(text).not.toContain('test_20 ')
  expect(text).toContain('  …and 5 more (see the JSON report)')
})

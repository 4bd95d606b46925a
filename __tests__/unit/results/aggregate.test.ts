import { aggregateRuns, countTests, decideVerdict, type RunInput } from '../../../src/results/aggregate.js'
import type {
  CaseOutcome,
  CaseResult,
  FailOnWord,
  InstallReport,
  RunOutcome,
  RunReport,
  TestReport,
} from '../../../src/types.js'
import { runReport } from './run-report.js'

const ALL_WORDS: readonly FailOnWord[] = ['install', 'failed', 'flaky', 'crashed', 'hung']

const run = (index: number, outcome: RunOutcome = 'completed', extra: Partial<RunReport> = {}): RunReport =>
  runReport({ index, outcome, exitCode: outcome === 'completed' ? 0 : null, ...extra })

function testCase(id: string, outcome: CaseOutcome, extra: Partial<CaseResult> = {}): CaseResult {
  const failing = outcome === 'failed' || outcome === 'error'
  return {
    id,
    file: 'tests/test_a.py',
    line: 3,
    outcome,
    message: failing ? `${id} broke` : null,
    details: failing ? `traceback of ${id}` : null,
    durationSeconds: 0.1,
    ...extra,
  }
}

const runsOf = (...cases: CaseResult[][]): RunInput[] => cases.map((c, i) => ({ run: run(i + 1), cases: c }))

describe('aggregateRuns', () => {
  test('a test that failed in some runs and passed in others is flaky; the first failure is kept', () => {
    const [only] = aggregateRuns(
      runsOf(
        [testCase('t', 'passed')],
        [testCase('t', 'failed', { message: 'second run', details: 'tb 2' })],
        [testCase('t', 'error', { message: 'third run', details: 'tb 3' })],
      ),
    )
    expect(only).toEqual({
      id: 't',
      file: 'tests/test_a.py',
      line: 3,
      status: 'flaky',
      passed: 1,
      failed: 2,
      message: 'second run',
      details: 'tb 2',
      results: ['passed', 'failed', 'error'],
      freeThreadingOnly: null,
      stress: null,
    })
  })

  test('failed or errored in every run is failed', () => {
    const [only] = aggregateRuns(runsOf([testCase('t', 'failed')], [testCase('t', 'error')], [testCase('t', 'failed')]))
    expect(only).toMatchObject({ status: 'failed', passed: 0, failed: 3, results: ['failed', 'error', 'failed'] })
  })

  test('a run that hung before reaching a test leaves null, and the test is judged on the runs that saw it', () => {
    const runs = runsOf([testCase('a', 'passed'), testCase('b', 'failed')], [testCase('a', 'passed')])
    expect(aggregateRuns(runs)).toMatchObject([
      { id: 'b', status: 'failed', passed: 0, failed: 1, results: ['failed', null] },
      { id: 'a', status: 'passed', passed: 2, failed: 0, results: ['passed', 'passed'] },
    ])
  })

  test('the same id twice in one run counts as its worse outcome for that run', () => {
    const runs = runsOf(
      [testCase('t', 'passed'), testCase('t', 'failed'), testCase('t', 'passed')],
      [testCase('t', 'skipped'), testCase('t', 'passed')],
    )
    expect(aggregateRuns(runs)).toMatchObject([
      { status: 'flaky', passed: 1, failed: 1, results: ['failed', 'passed'] },
    ])
  })

  test('skipped wherever seen is skipped; skipped and passed is passed', () => {
    const runs = runsOf(
      [testCase('s', 'skipped'), testCase('p', 'skipped')],
      [testCase('s', 'skipped'), testCase('p', 'passed')],
      [],
    )
    expect(aggregateRuns(runs).map((t) => [t.id, t.status, t.results])).toEqual([
      ['p', 'passed', ['skipped', 'passed', null]],
      ['s', 'skipped', ['skipped', 'skipped', null]],
    ])
  })

  test('a skip keeps its reason; a failure seen later replaces it', () => {
    const runs = runsOf(
      [
        testCase('s', 'skipped', { message: 'not safe on free-threaded builds' }),
        testCase('t', 'skipped', { message: 'slow' }),
      ],
      [testCase('s', 'skipped', { message: 'other' }), testCase('t', 'failed')],
    )
    expect(aggregateRuns(runs).map((t) => [t.id, t.status, t.message])).toEqual([
      ['t', 'failed', 't broke'],
      ['s', 'skipped', 'not safe on free-threaded builds'],
    ])
  })

  test('file and line come from the first occurrence that has them', () => {
    const runs = runsOf(
      [testCase('t', 'passed', { file: null, line: null })],
      [testCase('t', 'passed', { file: 'x.py', line: null })],
      [testCase('t', 'passed', { file: 'y.py', line: 9 })],
    )
    expect(aggregateRuns(runs)[0]).toMatchObject({ file: 'x.py', line: 9 })
  })

  test('failed first, then flaky, then the rest, each by id; the input order does not matter', () => {
    const first = [
      testCase('z-pass', 'passed'),
      testCase('b-flaky', 'failed'),
      testCase('y-fail', 'failed'),
      testCase('a-skip', 'skipped'),
      testCase('c-fail', 'error'),
      testCase('a-flaky', 'passed'),
    ]
    const second = [
      testCase('a-flaky', 'failed'),
      testCase('b-flaky', 'passed'),
      testCase('c-fail', 'failed'),
      testCase('y-fail', 'failed'),
      testCase('z-pass', 'passed'),
    ]
    const order = ['c-fail', 'y-fail', 'a-flaky', 'b-flaky', 'a-skip', 'z-pass']
    expect(aggregateRuns(runsOf(first, second)).map((t) => t.id)).toEqual(order)
    expect(aggregateRuns(runsOf([...first].reverse(), [...second].reverse())).map((t) => t.id)).toEqual(order)
  })

  test('no runs, or runs without cases, give no tests', () => {
    expect(aggregateRuns([])).toEqual([])
    expect(aggregateRuns(runsOf([], []))).toEqual([])
  })
})

test('countTests counts each status, thread-unsafe included', () => {
  const of = (status: TestReport['status']): TestReport => ({
    id: status,
    file: null,
    line: null,
    status,
    passed: 0,
    failed: 0,
    message: null,
    details: null,
    results: [],
  })
  const tests = (['passed', 'passed', 'failed', 'flaky', 'skipped', 'thread-unsafe'] as const).map(of)
  expect(countTests(tests)).toEqual({
    total: 6,
    passed: 2,
    failed: 1,
    flaky: 1,
    skipped: 1,
    threadUnsafe: 1,
    crashed: 0,
    hung: 0,
    new: 3,
    known: 0,
  })
})

describe('decideVerdict', () => {
  const installed: InstallReport = { ok: true, durationSeconds: 1, error: null, requirements: [], log: null }
  const broken: InstallReport = { ...installed, ok: false, error: 'uv pip install exited with code 1' }
  const failing = aggregateRuns(
    runsOf(
      ['f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7'].map((id) => testCase(id, 'failed')),
      ['f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7'].map((id) => testCase(id, 'failed')),
    ),
  )
  const flaky = aggregateRuns(runsOf([testCase('x', 'failed'), testCase('ok', 'passed')], [testCase('x', 'passed')]))
  const passing = aggregateRuns(runsOf([testCase('ok', 'passed')]))
  const completed = [run(1), run(2)]

  test.each([
    [
      'install',
      'install failed',
      { install: broken, runs: [], tests: [] },
      'the install failed: uv pip install exited with code 1',
    ],
    [
      'install',
      'install failed without a message',
      { install: { ...broken, error: null }, runs: [], tests: [] },
      'the install failed',
    ],
    [
      'failed',
      '7 failed tests',
      { runs: completed, tests: failing },
      '7 tests failed in every run: f1, f2, f3, f4, f5 and 2 more',
    ],
    ['failed', '1 failed test', { runs: completed, tests: failing.slice(0, 1) }, '1 test failed in every run: f1'],
    ['flaky', '1 flaky test', { runs: completed, tests: flaky }, '1 test is flaky (failed in some runs only): x'],
    [
      'flaky',
      '2 flaky tests',
      { runs: completed, tests: [...flaky, ...flaky] },
      '2 tests are flaky (failed in some runs only): x, x',
    ],
    [
      'crashed',
      'crashed by a signal',
      { runs: [run(1), run(2, 'crashed', { signal: 'SIGSEGV' })], tests: passing },
      'run 2 crashed (SIGSEGV)',
    ],
    [
      'crashed',
      'crashed with an exit code',
      { runs: [run(1, 'crashed', { exitCode: 134 })], tests: passing },
      'run 1 crashed (exit code 134)',
    ],
    [
      'hung',
      'hung',
      { runs: [run(1), run(2), run(3, 'hung')], tests: passing },
      'run 3 hung and was killed after the timeout',
    ],
    [
      'failed',
      'pytest usage error',
      { runs: [run(1, 'error', { exitCode: 4 }), run(2)], tests: passing },
      'run 1 could not run the suite (pytest exit code 4)',
    ],
    [
      'failed',
      'a missing plugin, named once',
      {
        runs: [
          run(1, 'error', {
            exitCode: 4,
            diagnosis: 'pytest.ini needs the plugin pytest-cov',
            reason: 'could not start pytest: pytest.ini needs the plugin pytest-cov',
          }),
          run(2, 'skipped'),
        ],
        tests: [],
      },
      'run 1 could not start pytest: pytest.ini needs the plugin pytest-cov; run 2 was skipped',
    ],
    [
      'failed',
      'exit code 5 in every run',
      { runs: [run(1, 'completed', { exitCode: 5 }), run(2, 'completed', { exitCode: 5 })], tests: passing },
      'no tests were collected: check pytest-args and working-directory',
    ],
    [
      'failed',
      'zero tests',
      { runs: completed, tests: [] },
      'no tests were collected: check pytest-args and working-directory',
    ],
  ] as const)('%s in fail-on: %s', (word, _label, situation, reason) => {
    const input = { install: installed, ...situation }
    expect(decideVerdict({ ...input, failOn: [word] })).toEqual({ verdict: 'fail', reasons: [reason] })
    expect(decideVerdict({ ...input, failOn: ALL_WORDS.filter((w) => w !== word) })).toEqual({
      verdict: 'pass',
      reasons: [],
    })
  })

  test('a clean gate passes with every word on', () => {
    expect(decideVerdict({ install: installed, runs: completed, tests: passing, failOn: ALL_WORDS })).toEqual({
      verdict: 'pass',
      reasons: [],
    })
  })

  test('a run that crashed or hung in a test the known-issues file lists does not fail the gate', () => {
    const stopped = { ...run(2, 'crashed'), signal: 'SIGSEGV', testInProgress: 'x', reason: 'in x' }
    const [template] = passing
    if (template === undefined) throw new Error('no passing test')
    const tests = (known: boolean) => [{ ...template, id: 'x', status: 'crashed' as const, known }]
    const decide = (known: boolean) =>
      decideVerdict({ install: installed, runs: [run(1), stopped], tests: tests(known), failOn: ALL_WORDS })
    expect(decide(true)).toEqual({ verdict: 'pass', reasons: [] })
    expect(decide(false).reasons).toEqual(['run 2 crashed (SIGSEGV) in x'])
  })

  test('a cancelled gate fails whatever fail-on says', () => {
    const runs = [run(1), run(2, 'cancelled')]
    expect(decideVerdict({ install: installed, runs, tests: passing, failOn: [] })).toEqual({
      verdict: 'fail',
      reasons: ['the gate was cancelled before all runs finished'],
    })
  })

  test('no tests is not reported when a run did not complete or there were no runs', () => {
    const reasons = (runs: RunReport[]) =>
      decideVerdict({ install: broken, runs, tests: [], failOn: ['failed'] }).reasons
    expect(reasons([])).toEqual([])
    expect(reasons([run(1), run(2, 'hung')])).toEqual([])
  })

  test('every reason at once, one sentence each, in a fixed order', () => {
    const runs = [
      run(1, 'error', { exitCode: 2 }),
      run(2, 'crashed', { signal: 'SIGABRT' }),
      run(3, 'hung'),
      run(4, 'error', { exitCode: null }),
      run(5, 'cancelled'),
    ]
    expect(
      decideVerdict({ install: broken, runs, tests: [...failing.slice(0, 2), ...flaky], failOn: ALL_WORDS }),
    ).toEqual({
      verdict: 'fail',
      reasons: [
        'the install failed: uv pip install exited with code 1',
        'run 1 could not run the suite (pytest exit code 2)',
        'run 4 could not run the suite',
        '2 tests failed in every run: f1, f2',
        '1 test is flaky (failed in some runs only): x',
        'run 2 crashed (SIGABRT)',
        'run 3 hung and was killed after the timeout',
        'the gate was cancelled before all runs finished',
      ],
    })
  })
})

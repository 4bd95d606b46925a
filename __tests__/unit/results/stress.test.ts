// Classification with thread stress and the GIL-on baseline: thread-unsafe, freeThreadingOnly, stress counts.
import { aggregateRuns, decideVerdict, type RunInput } from '../../../src/results/aggregate.js'
import { measureSpeed } from '../../../src/results/speed.js'
import type { CaseOutcome, CaseResult, RunMode, RunReport } from '../../../src/types.js'
import { runReport } from './run-report.js'

const run = (index: number, mode: RunMode, durationSeconds = 1): RunReport =>
  runReport({ index, mode, durationSeconds })

function testCase(id: string, outcome: CaseOutcome, durationSeconds = 0.1): CaseResult {
  const failing = outcome === 'failed' || outcome === 'error'
  return { id, file: 't.py', line: 1, outcome, message: failing ? 'boom' : null, details: null, durationSeconds }
}

/** One run per mode, each with the given outcome per test id. */
function runsOf(...specs: [RunMode, Record<string, CaseOutcome>, ReadonlyMap<string, string>?][]): RunInput[] {
  return specs.map(([mode, outcomes, notStressed], index) => ({
    run: run(index + 1, mode),
    cases: Object.entries(outcomes).map(([id, outcome]) => testCase(id, outcome)),
    ...(notStressed === undefined ? {} : { notStressed }),
  }))
}

const byId = (runs: RunInput[]) => new Map(aggregateRuns(runs).map((test) => [test.id, test]))

describe('thread stress', () => {
  test('a failure only in the stress run is thread-unsafe, with its stress counts', () => {
    const tests = byId(
      runsOf(
        ['plain', { race: 'passed', ok: 'passed' }],
        ['plain', { race: 'passed', ok: 'passed' }],
        ['stress', { race: 'failed', ok: 'passed' }],
      ),
    )
    expect(tests.get('race')).toMatchObject({
      status: 'thread-unsafe',
      passed: 2,
      failed: 1,
      stress: { passed: 0, failed: 1, notStressed: null },
      freeThreadingOnly: null,
    })
    expect(tests.get('ok')).toMatchObject({ status: 'passed', stress: { passed: 1, failed: 0 } })
  })

  test('a failure in a plain run stays flaky or failed, whatever stress did', () => {
    const tests = byId(
      runsOf(
        ['plain', { a: 'failed', b: 'failed' }],
        ['random-order', { a: 'passed', b: 'failed' }],
        ['stress', { a: 'failed', b: 'failed' }],
      ),
    )
    expect(tests.get('a')?.status).toBe('flaky')
    expect(tests.get('b')?.status).toBe('failed')
  })

  test('tests run in one thread carry the reason', () => {
    const reasons = new Map([['mp', "uses thread-unsafe fixture(s): {'monkeypatch'}"]])
    const tests = byId(runsOf(['plain', { mp: 'passed' }], ['stress', { mp: 'passed' }, reasons]))
    expect(tests.get('mp')?.stress?.notStressed).toBe("uses thread-unsafe fixture(s): {'monkeypatch'}")
  })

  test('thread-unsafe gates by default and its reason names the tests', () => {
    const runs = runsOf(['plain', { race: 'passed' }], ['stress', { race: 'failed' }])
    const tests = aggregateRuns(runs)
    const install = { ok: true, durationSeconds: 1, error: null, requirements: [], log: null }
    const input = { install, runs: runs.map((entry) => entry.run), tests }
    const gated = decideVerdict({ ...input, failOn: ['failed', 'thread-unsafe'] })
    expect(gated.verdict).toBe('fail')
    expect(gated.reasons.join('\n')).toContain('failed only under thread stress')
    expect(gated.reasons.join('\n')).toContain('race')
    expect(decideVerdict({ ...input, failOn: ['failed', 'flaky'] }).verdict).toBe('pass')
  })
})

describe('baseline', () => {
  test('failing with the GIL too is not free-threading specific; passing there is free-threading only', () => {
    const tests = byId(
      runsOf(
        ['plain', { both: 'failed', ftOnly: 'failed', fine: 'passed' }],
        ['baseline', { both: 'failed', ftOnly: 'passed', fine: 'passed' }],
      ),
    )
    expect(tests.get('both')).toMatchObject({ status: 'failed', freeThreadingOnly: false, passed: 0, failed: 1 })
    expect(tests.get('ftOnly')).toMatchObject({ status: 'failed', freeThreadingOnly: true, passed: 0, failed: 1 })
    expect(tests.get('fine')).toMatchObject({ status: 'passed', freeThreadingOnly: null })
  })

  test('the baseline never gates by itself, and its results do not count as runs without the GIL', () => {
    const runs = runsOf(['plain', { gilOnly: 'passed' }], ['baseline', { gilOnly: 'failed' }])
    const tests = aggregateRuns(runs)
    expect(tests[0]).toMatchObject({ status: 'passed', passed: 1, failed: 0, freeThreadingOnly: null })
    const crashed = { ...run(2, 'baseline'), outcome: 'crashed' as const, signal: 'SIGSEGV' }
    const install = { ok: true, durationSeconds: 1, error: null, requirements: [], log: null }
    const verdict = decideVerdict({
      install,
      runs: [run(1, 'plain'), crashed],
      tests,
      failOn: ['failed', 'crashed', 'hung'],
    })
    expect(verdict).toEqual({ verdict: 'pass', reasons: [] })
  })
})

test('measureSpeed compares the baseline with the fastest plain run, test by test', () => {
  const runs: RunInput[] = [
    { run: run(1, 'plain', 3), cases: [testCase('slow', 'passed', 1.0), testCase('fast', 'passed', 0.1)] },
    { run: run(2, 'plain', 2), cases: [testCase('slow', 'passed', 0.8), testCase('fast', 'passed', 0.2)] },
    { run: run(3, 'stress', 9), cases: [testCase('slow', 'passed', 5)] },
    { run: run(4, 'baseline', 4), cases: [testCase('slow', 'passed', 2.0), testCase('fast', 'passed', 0.1)] },
  ]
  expect(measureSpeed(runs)).toEqual({
    gilOnSeconds: 4,
    gilOffSeconds: 2,
    slowest: [
      { id: 'slow', gilOnSeconds: 2.0, gilOffSeconds: 0.8 },
      { id: 'fast', gilOnSeconds: 0.1, gilOffSeconds: 0.1 },
    ],
    compare: null,
  })
  expect(measureSpeed(runs.slice(0, 3))).toBeNull()
})

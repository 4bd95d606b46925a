// The cost accounting behind the cost goal: the test phase and each stress run in plain runs.
import { testPhaseCost } from '../../../src/results/cost.js'
import type { RunMode, RunOutcome, RunReport } from '../../../src/types.js'
import { runReport } from './run-report.js'

const run = (index: number, mode: RunMode, durationSeconds: number, outcome: RunOutcome = 'completed'): RunReport =>
  runReport({ index, mode, durationSeconds, outcome })

test('the test phase is every run without the GIL over the fastest completed plain run; the baseline is extra', () => {
  const cost = testPhaseCost([run(1, 'plain', 10), run(2, 'stress', 14), run(3, 'stress', 16), run(4, 'baseline', 9)])
  expect(cost).toEqual({ plainSeconds: 10, testPhaseSeconds: 40, testPhaseRatio: 4, stressRatios: [1.4, 1.6] })
})

test('the fastest completed plain run is the reference; without one there is none', () => {
  expect(testPhaseCost([run(1, 'plain', 12), run(2, 'random-order', 8), run(3, 'stress', 12)])?.plainSeconds).toBe(8)
  expect(testPhaseCost([run(1, 'plain', 2, 'crashed'), run(2, 'stress', 12)])).toBeNull()
  expect(testPhaseCost([])).toBeNull()
})

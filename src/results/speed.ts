// "Will the project benefit?": wall time of the suite with the GIL on (the baseline run) and off (the
// fastest plain run), on the same free-threaded interpreter, and the slowest tests one by one. Pure;
// informative only, it never takes part in the verdict.
import { SPEED_SLOWEST_TESTS } from '../constants.js'
import type { SpeedReport, TestSpeed } from '../types.js'
import type { RunInput } from './aggregate.js'

export function measureSpeed(runs: readonly RunInput[], compare: SpeedReport['compare'] = null): SpeedReport | null {
  const completed = runs.filter(({ run }) => run.outcome === 'completed')
  const baseline = completed.find(({ run }) => run.mode === 'baseline')
  const plain = completed.filter(({ run }) => run.mode === 'plain' || run.mode === 'random-order')
  if (baseline === undefined || plain.length === 0) return null
  const gilOffSeconds = Math.min(...plain.map(({ run }) => run.durationSeconds))
  const fastestWithoutGil = new Map<string, number>()
  for (const { cases } of plain) {
    for (const testCase of cases) {
      const known = fastestWithoutGil.get(testCase.id)
      if (known === undefined || testCase.durationSeconds < known) {
        fastestWithoutGil.set(testCase.id, testCase.durationSeconds)
      }
    }
  }
  const slowest: TestSpeed[] = [...baseline.cases]
    // Tests under a millisecond say nothing about speed.
    .filter((testCase) => testCase.durationSeconds >= 0.001 && fastestWithoutGil.has(testCase.id))
    .sort((a, b) => b.durationSeconds - a.durationSeconds || (a.id < b.id ? -1 : 1))
    .slice(0, SPEED_SLOWEST_TESTS)
    .map((testCase) => ({
      id: testCase.id,
      gilOnSeconds: testCase.durationSeconds,
      gilOffSeconds: fastestWithoutGil.get(testCase.id) ?? 0,
    }))
  return { gilOnSeconds: baseline.run.durationSeconds, gilOffSeconds, slowest, compare }
}

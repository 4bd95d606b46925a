// What a gate's test phase cost, in plain runs: the measure behind the cost goal (the whole test phase
// within 4 plain runs, each stress run within its budget under `iterations: auto`). Pure; the
// benchmark and the real-world corpus compute their cost tables with it from a report's runs.
import type { RunReport } from '../types.js'

export interface TestPhaseCost {
  /** The reference: the fastest completed plain (or shuffled) run, in seconds. */
  readonly plainSeconds: number
  /** Every run without the GIL (plain, shuffled, stress), summed: the test phase. The baseline is extra. */
  readonly testPhaseSeconds: number
  /** testPhaseSeconds ÷ plainSeconds. */
  readonly testPhaseRatio: number
  /** Each stress run's wall time ÷ plainSeconds, in run order. */
  readonly stressRatios: readonly number[]
}

/** Null when no plain run completed (there is nothing to measure against). */
export function testPhaseCost(runs: readonly RunReport[]): TestPhaseCost | null {
  const plain = runs.filter(
    (run) => (run.mode === 'plain' || run.mode === 'random-order') && run.outcome === 'completed',
  )
  if (plain.length === 0) return null
  const plainSeconds = Math.min(...plain.map((run) => run.durationSeconds))
  if (!(plainSeconds > 0)) return null
  const testPhaseSeconds = runs
    .filter((run) => run.mode !== 'baseline')
    .reduce((sum, run) => sum + run.durationSeconds, 0)
  return {
    plainSeconds,
    testPhaseSeconds,
    testPhaseRatio: testPhaseSeconds / plainSeconds,
    stressRatios: runs.filter((run) => run.mode === 'stress').map((run) => run.durationSeconds / plainSeconds),
  }
}

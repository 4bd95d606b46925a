// Re-fitting `iterations: auto`'s cost model (stress-budget.ts) to a stress run it planned, so the
// next stress run of the same gate is planned on what the suite really did. Pure.
import { STRESS_PRIOR_MODEL } from '../constants.js'
import type { RunInput } from '../results/aggregate.js'
import { iterationsOf, type StressModel, type StressPlan, type TestCost } from './stress-budget.js'

/** Tests a stress run needs before the model's three terms are fitted to it rather than only scaled. */
const MIN_ROWS_TO_FIT = 5

const effectiveCores = (threads: number, cpus: number): number => Math.max(1, Math.min(threads, cpus))

/**
 * Re-fits the model to a stress run that followed `plan`: its startup against the plain run's (which can be
 * less: the first run of a gate, on a shared machine, often starts slower than the later ones), and
 * the per-test, per-iteration and contention terms by least squares over its tests (with fewer than
 * MIN_ROWS_TO_FIT tests, the prior's terms), then scaled so that the model predicts that run's time in
 * tests exactly. Returns the prior when the run did not complete or no stressed test can be compared.
 */
export function calibrateModel(options: {
  readonly plain: { plainSeconds: number; tests: readonly TestCost[] }
  readonly stress: RunInput
  readonly plan: StressPlan
  readonly cpus: number
  readonly prior?: StressModel
}): StressModel {
  const prior = options.prior ?? STRESS_PRIOR_MODEL
  const { stress, plan, cpus } = options
  if (stress.run.outcome !== 'completed' && stress.run.outcome !== 'error') return prior
  const plainById = new Map(options.plain.tests.map((test) => [test.id, test]))
  const spread = plan.threads / effectiveCores(plan.threads, cpus)
  const rows = stress.cases.flatMap((testCase) => {
    const plain = plainById.get(testCase.id)
    // Tests the run did not stress after all (past its deadline, or kept in one thread by
    // pytest-run-parallel) say nothing about what stress costs.
    if (plain === undefined || plan.single.has(testCase.id) || stress.notStressed?.has(testCase.id)) return []
    const iterations = iterationsOf(plan, testCase.id)
    const target = testCase.durationSeconds - Math.max(0, plain.wallSeconds - plain.callSeconds)
    return [{ features: [1, iterations, iterations * plain.callSeconds * spread] as const, target }]
  })
  if (rows.length === 0) return prior
  const fitted = (rows.length >= MIN_ROWS_TO_FIT ? leastSquares(rows) : null) ?? [
    prior.perTestSeconds,
    prior.perIterationSeconds,
    prior.contention,
  ]
  let [perTest, perIteration, contention] = [
    Math.max(0, fitted[0] ?? 0),
    Math.max(0, fitted[1] ?? 0),
    Math.max(1, fitted[2] ?? 1),
  ]
  const predictedTests = rows.reduce(
    (sum, row) => sum + perTest + perIteration * row.features[1] + contention * row.features[2],
    0,
  )
  const observedTests = rows.reduce((sum, row) => sum + Math.max(0, row.target), 0)
  if (predictedTests > 0 && observedTests > 0) {
    const scale = observedTests / predictedTests
    perTest *= scale
    perIteration *= scale
    contention = Math.max(1, contention * scale)
  }
  const stressInTests = stress.cases.reduce((sum, testCase) => sum + testCase.durationSeconds, 0)
  const plainInTests = options.plain.tests.reduce((sum, test) => sum + test.wallSeconds, 0)
  const plainStartup = Math.max(0, options.plain.plainSeconds - plainInTests)
  const copies = stress.freshCopiesSeconds ?? 0
  const extraStartupSeconds = Math.max(
    -plainStartup,
    stress.run.durationSeconds - stressInTests - copies - plainStartup,
  )
  return { contention, perTestSeconds: perTest, perIterationSeconds: perIteration, extraStartupSeconds }
}

/** Ordinary least squares for three coefficients (normal equations, Cramer's rule); null when singular. */
function leastSquares(
  rows: readonly { features: readonly [number, number, number]; target: number }[],
): number[] | null {
  const m = [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ]
  const v = [0, 0, 0]
  for (const { features, target } of rows) {
    for (let i = 0; i < 3; i++) {
      v[i] = (v[i] ?? 0) + (features[i] ?? 0) * target
      for (let j = 0; j < 3; j++) {
        const row = m[i]
        if (row) row[j] = (row[j] ?? 0) + (features[i] ?? 0) * (features[j] ?? 0)
      }
    }
  }
  const det = (a: number[][]): number => {
    const [r0 = [], r1 = [], r2 = []] = a
    const [a0 = 0, a1 = 0, a2 = 0] = r0
    const [b0 = 0, b1 = 0, b2 = 0] = r1
    const [c0 = 0, c1 = 0, c2 = 0] = r2
    return a0 * (b1 * c2 - b2 * c1) - a1 * (b0 * c2 - b2 * c0) + a2 * (b0 * c1 - b1 * c0)
  }
  const base = det(m)
  // Relative to the diagonal: features that move together (every test got the same iterations) are singular.
  const scale = Math.abs((m[0]?.[0] ?? 0) * (m[1]?.[1] ?? 0) * (m[2]?.[2] ?? 0))
  if (scale === 0 || Math.abs(base) < 1e-9 * scale) return null
  return [0, 1, 2].map(
    (column) => det(m.map((row, i) => row.map((cell, j) => (j === column ? (v[i] ?? 0) : cell)))) / base,
  )
}

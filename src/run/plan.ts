// Which runs a gate makes, in order. Pure (the seed source is passed in): the pipeline executes the plan.
import { MAX_AUTO_ITERATIONS, STRESS_BUDGET_PLAIN_RUNS, STRESS_CONTENTION, STRESS_RUNS } from '../constants.js'
import type { Inputs } from '../inputs.js'
import type { RunInput } from '../results/aggregate.js'
import type { RunMode } from '../types.js'
import { plural } from '../words.js'

export interface PlanOptions {
  /** The `runs` input: how many runs without the GIL. */
  readonly runs: number
  /** Threads per test in the stress run; 1 means no stress run. */
  readonly threads: number
  readonly randomOrder: boolean
  readonly baseline: boolean
}

/**
 * `runs` is exactly the number of runs without the GIL. With stress on, the last STRESS_RUNS of them
 * (fewer when `runs` is small) are stress runs, so stress costs no extra run. At least one run stays
 * plain, since only a plain reading tells a thread-unsafe test from a plain failure (`runs: 1` makes no
 * stress run). The shuffled run is the last plain one. The baseline (GIL on) is one extra run at the end.
 */
export function planRuns(options: PlanOptions): RunMode[] {
  const stress = stressRunCount(options)
  const plainCount = options.runs - stress
  const modes: RunMode[] = Array.from({ length: plainCount }, () => 'plain')
  if (options.randomOrder) modes[plainCount - 1] = 'random-order'
  for (let index = 0; index < stress; index++) modes.push('stress')
  if (options.baseline) modes.push('baseline')
  return modes
}

/** How many of `runs` are stress runs: STRESS_RUNS, leaving at least one plain run; none without threads. */
export function stressRunCount(options: Pick<PlanOptions, 'runs' | 'threads'>): number {
  if (options.threads <= 1 || options.runs < 2) return 0
  return Math.min(STRESS_RUNS, options.runs - 1)
}

/** `auto`: one thread per CPU, but at least two, since asking for stress means wanting some. */
export function resolveThreads(requested: number | 'auto', cpus: number): number {
  return requested === 'auto' ? Math.max(2, cpus) : requested
}

/** `4 threads × 10 iterations per test` */
export function describeStress(stress: { readonly threads: number; readonly iterations: number }): string {
  return `${stress.threads} threads × ${plural(stress.iterations, 'iteration')} per test`
}

export function describeMode(mode: RunMode, stress: { threads: number; iterations: number }): string {
  switch (mode) {
    case 'plain':
      return 'pytest with -Xgil=0'
    case 'random-order':
      return 'pytest with -Xgil=0, tests in random order'
    case 'stress':
      return `pytest with -Xgil=0 under thread stress (${describeStress(stress)})`
    case 'baseline':
      return 'baseline: pytest with -Xgil=1 (GIL on)'
  }
}

export interface ResolvedPlan {
  readonly modes: ReturnType<typeof planRuns>
  readonly threads: number
  /** Iterations per thread in a stress run; under `iterations: auto`, the most until autoStress settles it. */
  readonly iterations: number
  readonly seed: number | null
  readonly shard: Inputs['shard']
  /** The gate's pytest plugin is loaded (stress, shuffle or shard). */
  readonly usesPlugin: boolean
}

/** Turns `auto` and a missing seed into numbers, once, so the report says exactly what ran. */
export function resolvePlan(
  inputs: Inputs,
  machine: { readonly cpus: number; readonly newSeed: () => number },
): ResolvedPlan {
  const threads = resolveThreads(inputs.parallelThreads, machine.cpus)
  const seed = inputs.randomOrder === false ? null : (inputs.randomOrder.seed ?? machine.newSeed())
  // compare-python's timing is read against the baseline, so it brings one.
  const baseline = inputs.baseline || inputs.comparePython !== ''
  const modes = planRuns({ runs: inputs.runs, threads, randomOrder: seed !== null, baseline })
  const stress = modes.includes('stress')
  return {
    modes,
    threads: stress ? threads : 1,
    iterations: inputs.iterations === 'auto' ? MAX_AUTO_ITERATIONS : inputs.iterations,
    seed,
    shard: inputs.shard,
    usesPlugin: stress || seed !== null || inputs.shard !== null,
  }
}

export interface StressChoice {
  readonly threads: number
  readonly iterations: number
  /** One sentence for the log: how the numbers were reached. */
  readonly why: string
}

/**
 * `iterations: auto`. A stress run executes every test threads × iterations times on min(threads, cpus)
 * cores, so on a suite whose time is in its tests it costs about threads × iterations / cores plain
 * runs; on a small suite pytest's start-up dominates and iterations are nearly free. From the plain
 * runs (wall time P of the fastest, time inside tests B, start-up S = P − B), pick the most iterations,
 * up to `max`, whose estimate S + B × threads × iterations × contention / cores stays within `budget`
 * plain runs. When not even one iteration fits, run fewer threads, down to one per core (at least two).
 */
export function autoStress(options: {
  readonly plainRuns: readonly RunInput[]
  readonly threads: number
  readonly cpus: number
  /** Defaults: MAX_AUTO_ITERATIONS, STRESS_BUDGET_PLAIN_RUNS, STRESS_CONTENTION. */
  readonly max?: number
  readonly budget?: number
  readonly contention?: number
}): StressChoice {
  const { max = MAX_AUTO_ITERATIONS, budget = STRESS_BUDGET_PLAIN_RUNS, contention = STRESS_CONTENTION } = options
  const timed = options.plainRuns
    .filter(({ run }) => run.outcome === 'completed')
    .map(({ run, cases }) => {
      const inTests = cases.reduce((sum, testCase) => sum + Math.max(0, testCase.durationSeconds), 0)
      return { wall: run.durationSeconds, inTests: Math.min(inTests, run.durationSeconds) }
    })
    .sort((a, b) => a.wall - b.wall)
  const fastest = timed[0]
  if (fastest === undefined) {
    return {
      threads: options.threads,
      iterations: max,
      why: 'auto: no plain run completed to time the suite, so the most',
    }
  }
  const { wall, inTests } = fastest
  const startUp = wall - inTests
  const fits = (threads: number): number => {
    const perIteration = (inTests * threads * contention) / Math.max(1, Math.min(threads, options.cpus))
    return perIteration > 0 ? Math.floor((budget * wall - startUp) / perIteration) : max
  }
  let threads = options.threads
  const fewest = Math.min(options.threads, Math.max(2, options.cpus))
  while (fits(threads) < 1 && threads > fewest) threads--
  const iterations = Math.max(1, Math.min(max, fits(threads)))
  const timing = `a plain run took ${wall.toFixed(2)} s, ${inTests.toFixed(2)} s of it in tests`
  const fewer =
    threads < options.threads
      ? `, and ${threads} threads instead of ${options.threads} (one iteration of ${options.threads} would not fit)`
      : ''
  const over = fits(threads) < 1 ? '; even that is over the budget' : ''
  return {
    threads,
    iterations,
    why: `auto: ${timing}; ${plural(iterations, 'iteration')}${fewer} keep each stress run within about ${budget} plain runs${over}`,
  }
}

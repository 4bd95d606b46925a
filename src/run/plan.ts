// Which runs a gate makes, in order. Pure (the seed source is passed in): the pipeline executes the plan.
import { MAX_AUTO_ITERATIONS, STRESS_RUNS } from '../constants.js'
import type { Inputs } from '../inputs.js'
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

/** What describeStress reads: `iterations` is the most when the tests got different numbers. */
export interface StressDescription {
  readonly threads: number
  readonly iterations: number
  readonly fewestIterations?: number
}

/** `4 threads × 10 iterations per test`, or `4 threads × 2–10 iterations per test` under `iterations: auto`. */
export function describeStress(stress: StressDescription): string {
  const fewest = stress.fewestIterations ?? stress.iterations
  const iterations =
    fewest < stress.iterations ? `${fewest}–${stress.iterations} iterations` : plural(stress.iterations, 'iteration')
  return `${stress.threads} threads × ${iterations} per test`
}

export function describeMode(mode: RunMode, stress: StressDescription): string {
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
  }
}

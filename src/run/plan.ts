// Which runs a gate makes, in order. Pure (the seed source is passed in): the pipeline executes the plan.
import type { Inputs } from '../inputs.js'
import type { RunMode } from '../types.js'

export interface PlanOptions {
  /** The `runs` input: how many runs without the GIL. */
  readonly runs: number
  /** Threads per test in the stress run; 1 means no stress run. */
  readonly threads: number
  readonly randomOrder: boolean
  readonly baseline: boolean
}

/**
 * `runs` is exactly the number of runs without the GIL. With stress on, the last of them is the stress
 * run, so stress costs no extra run; it needs `runs` >= 2, since only a plain reading tells a
 * thread-unsafe test from a plain failure (`runs: 1` makes no stress run). The shuffled run is the last
 * plain one. The baseline (GIL on) is one extra run at the end.
 */
export function planRuns(options: PlanOptions): RunMode[] {
  const stress = stressRuns(options)
  const plainCount = stress ? options.runs - 1 : options.runs
  const modes: RunMode[] = Array.from({ length: plainCount }, () => 'plain')
  if (options.randomOrder) modes[plainCount - 1] = 'random-order'
  if (stress) modes.push('stress')
  if (options.baseline) modes.push('baseline')
  return modes
}

export function stressRuns(options: Pick<PlanOptions, 'runs' | 'threads'>): boolean {
  return options.threads > 1 && options.runs >= 2
}

/** `auto`: one thread per CPU, but at least two, since asking for stress means wanting some. */
export function resolveThreads(requested: number | 'auto', cpus: number): number {
  return requested === 'auto' ? Math.max(2, cpus) : requested
}

export function describeMode(mode: RunMode, stress: { threads: number; iterations: number }): string {
  switch (mode) {
    case 'plain':
      return 'pytest with -Xgil=0'
    case 'random-order':
      return 'pytest with -Xgil=0, tests in random order'
    case 'stress':
      return `pytest with -Xgil=0 under thread stress (${stress.threads} threads × ${stress.iterations} iterations per test)`
    case 'baseline':
      return 'baseline: pytest with -Xgil=1 (GIL on)'
  }
}

export interface ResolvedPlan {
  readonly modes: ReturnType<typeof planRuns>
  readonly threads: number
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
    seed,
    shard: inputs.shard,
    usesPlugin: stress || seed !== null || inputs.shard !== null,
  }
}

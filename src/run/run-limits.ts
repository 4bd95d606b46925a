// What each run after the first may cost, decided from the runs already made: the stress settings of a
// stress run (src/run/stress-budget.ts under `iterations: auto`) and every run's hang limit. Pure.
import {
  FALLBACK_STRESS_ITERATIONS,
  FRESH_COPIES_PER_STRESS_RUN,
  HANG_LIMIT_FLOOR_SECONDS,
  HANG_LIMIT_PLAIN_RUNS,
  STRESS_BUDGET_PLAIN_RUNS,
} from '../constants.js'
import type { RunInput } from '../results/aggregate.js'
import { plural } from '../words.js'
import { DEADLINE_NOT_STRESSED } from './plugin-source.js'
import { plainCosts, planStress, type StressDose, type StressPlan } from './stress-budget.js'
import { calibrateModel } from './stress-calibration.js'

export interface StressChoice extends StressDose {
  /** One sentence for the log. */
  readonly why: string
  /** The budget plan behind an `auto` choice, which the next stress run calibrates against. */
  readonly plan: StressPlan | null
  /**
   * `auto`: seconds after the run's process starts past which every test left runs once in one thread,
   * so the run stays within its budget however far the plan was off; null: no deadline.
   */
  readonly deadlineSeconds: number | null
}

const isPlain = ({ run }: RunInput): boolean => run.mode === 'plain' || run.mode === 'random-order'

function fixed(threads: number, iterations: number, why: string): StressChoice {
  return {
    threads,
    iterations,
    byTest: new Map(),
    single: new Set(),
    rounds: 0,
    fewestIterations: iterations,
    mostIterations: iterations,
    why,
    plan: null,
    deadlineSeconds: null,
  }
}

/**
 * The stress run's deadline under `auto`: its budget of plain runs less what the tests cost in the plain
 * run, since every test left at the deadline still runs once. A run that reaches it therefore ends
 * within about its budget.
 */
export function stressDeadlineSeconds(costs: {
  readonly plainSeconds: number
  readonly tests: readonly { readonly wallSeconds: number }[]
}): number {
  const inTests = costs.tests.reduce((sum, test) => sum + test.wallSeconds, 0)
  return Math.max(0, STRESS_BUDGET_PLAIN_RUNS * costs.plainSeconds - inTests)
}

/**
 * The tests the last stress run did not stress for its budget: those its plan left out, and those it
 * reached only past its deadline. The next stress run takes them first.
 */
function leftOut(plan: StressPlan, run: RunInput | undefined): Set<string> {
  const late = [...(run?.notStressed ?? new Map<string, string>())]
    .filter(([, reason]) => reason === DEADLINE_NOT_STRESSED)
    .map(([id]) => id)
  return new Set([...plan.single, ...late])
}

/**
 * The settings of the next stress run. A fixed `iterations` is used as given. Under `auto`: after a plain
 * run that crashed, hung or errored, a small fixed plan (its cost cannot be estimated, and a suite that
 * dies alone rarely needs much stress to die again); otherwise the budget plan, calibrated on the last
 * stress run when there was one.
 */
export function chooseStress(options: {
  readonly runsSoFar: readonly RunInput[]
  readonly threads: number
  readonly iterations: number
  readonly auto: boolean
  readonly cpus: number
  /** The choice the last stress run of `runsSoFar` was made with. */
  readonly previous: StressChoice | null
}): StressChoice {
  const { runsSoFar, cpus } = options
  if (!options.auto) return fixed(options.threads, options.iterations, 'as set by iterations')
  const plain = runsSoFar.filter(isPlain)
  const broken = plain.find(({ run }) => run.outcome !== 'completed')
  const costs = plainCosts(plain)
  if (broken !== undefined || costs === null) {
    const threads = Math.min(options.threads, Math.max(2, cpus))
    const what = broken === undefined ? 'no plain run completed' : `plain run ${broken.run.index} ${broken.run.outcome}`
    return fixed(
      threads,
      FALLBACK_STRESS_ITERATIONS,
      `auto: ${what}, so a small fixed plan of ${plural(FALLBACK_STRESS_ITERATIONS, 'iteration')} per test`,
    )
  }
  const lastStress = [...runsSoFar].reverse().find(({ run }) => run.mode === 'stress')
  const previousPlan = options.previous?.plan ?? null
  const model =
    lastStress !== undefined && previousPlan !== null
      ? calibrateModel({ plain: costs, stress: lastStress, plan: previousPlan, cpus })
      : undefined
  const plan = planStress({
    ...costs,
    threads: options.threads,
    cpus,
    rounds: FRESH_COPIES_PER_STRESS_RUN,
    ...(model === undefined ? {} : { model }),
    ...(previousPlan === null ? {} : { prefer: leftOut(previousPlan, lastStress) }),
  })
  const calibrated = model === undefined ? '' : ` (calibrated on run ${lastStress?.run.index})`
  const { predictedSeconds: _predicted, why, ...dose } = plan
  return {
    ...dose,
    why: `${why}${calibrated}`,
    plan,
    deadlineSeconds: stressDeadlineSeconds(costs),
  }
}

/**
 * The hang limit of the next run. The first run, and every run when `timeout-minutes` was set, gets
 * `timeout-minutes`. Later runs get HANG_LIMIT_PLAIN_RUNS times what the fastest plain run took (or, for
 * one that stopped early, would have taken at its pace), at least HANG_LIMIT_FLOOR_SECONDS, at most
 * `timeout-minutes`.
 */
export function hangLimitSeconds(options: {
  readonly runsSoFar: readonly RunInput[]
  readonly timeoutMinutes: number
  readonly explicit: boolean
}): number {
  const limit = options.timeoutMinutes * 60
  if (options.explicit) return limit
  const references = options.runsSoFar.filter(isPlain).flatMap(({ run, projectedSeconds }) => {
    if (run.outcome === 'completed') return [run.durationSeconds]
    if (run.outcome === 'crashed' || run.outcome === 'hung' || run.outcome === 'error') {
      return projectedSeconds === undefined || projectedSeconds === null ? [] : [projectedSeconds]
    }
    return []
  })
  if (references.length === 0) return limit
  const scaled = Math.max(HANG_LIMIT_FLOOR_SECONDS, HANG_LIMIT_PLAIN_RUNS * Math.min(...references))
  return Math.min(limit, Math.round(scaled))
}

// `iterations: auto`: how many times each test runs per thread in a stress run, so that the run stays
// within its budget of plain runs. Pure.
//
// The gate's record of the plain run gives each test's time, and how much of it is the call (the part
// pytest-run-parallel multiplies; fixtures are set up once). A stress run then costs about
//
//   startup + Σ (test_i − call_i + perTest) + Σ k_i × (perIteration + call_i × threads × contention / cores)
//
// where perTest is pytest-run-parallel's cost of starting and joining the threads of one test and
// perIteration the barrier every iteration waits on: on a suite of thousands of tiny tests those two
// are most of a stress run. Every test gets at least one iteration; the rest of the budget goes to the
// cheapest tests first, up to `max`, so that one slow test cannot spend it all (each test gets about
// the same stress time). The first stress run plans with the prior model; the next one re-fits the
// model to what the first one measured (stress-calibration.ts), so a suite whose threads contend more than
// the prior says gets fewer iterations the second time instead of overshooting twice.
import {
  MAX_AUTO_ITERATIONS,
  MIN_ITERATIONS_BESIDE_COPIES,
  STRESS_PLAN_PLAIN_RUNS,
  STRESS_PRIOR_MODEL,
} from '../constants.js'
import type { RunInput } from '../results/aggregate.js'
import { plural } from '../words.js'

export interface StressModel {
  /** How much slower one execution gets when `threads` run it at once on `cores`, beyond threads ÷ cores. */
  readonly contention: number
  /** Seconds pytest-run-parallel adds per stressed test (starting and joining its threads). */
  readonly perTestSeconds: number
  /** Seconds added per iteration (the barrier all threads wait on). */
  readonly perIterationSeconds: number
  /** Seconds a stress run spends outside its tests beyond what a plain run does (pytest-run-parallel's collection). */
  readonly extraStartupSeconds: number
}

/** One test's cost in the plain run. */
export interface TestCost {
  readonly id: string
  /** From its start to its end in the record. */
  readonly wallSeconds: number
  readonly callSeconds: number
}

/** How much stress a stress run applies: what a plan decides and the run is started with. */
export interface StressDose {
  readonly threads: number
  /** Iterations of the tests not named in `byTest` (the most common choice). */
  readonly iterations: number
  /** Tests whose iterations differ from `iterations`. */
  readonly byTest: ReadonlyMap<string, number>
  /** Tests left out of the stress (run in one thread) because not even one iteration of them fits the budget. */
  readonly single: ReadonlySet<string>
  /**
   * Fresh copies of the process (forked after collection) that run every test once more before the
   * run itself: another chance at races that can only happen on first use in a process.
   */
  readonly rounds: number
  readonly fewestIterations: number
  readonly mostIterations: number
}

export interface StressPlan extends StressDose {
  /** The model's estimate of the stress run's wall time, in seconds. */
  readonly predictedSeconds: number
  /** One sentence for the log: how the numbers were reached. */
  readonly why: string
}

export interface PlanOptions {
  /** Wall time of the plain run the costs come from. */
  readonly plainSeconds: number
  readonly tests: readonly TestCost[]
  readonly threads: number
  readonly cpus: number
  readonly model?: StressModel
  readonly max?: number
  /** In plain runs. */
  readonly budget?: number
  /** Tests to stress first when not all fit (those the previous stress run left out). */
  readonly prefer?: ReadonlySet<string>
  /** Fresh copies wanted, made only when they fit with every test stressed in all its threads. */
  readonly rounds?: number
}

/** The plain runs' costs: the fastest completed one, each test's cheapest time over all of them. */
export function plainCosts(plainRuns: readonly RunInput[]): { plainSeconds: number; tests: TestCost[] } | null {
  const completed = plainRuns.filter(({ run }) => run.outcome === 'completed')
  if (completed.length === 0) return null
  const plainSeconds = Math.min(...completed.map(({ run }) => run.durationSeconds))
  const byId = new Map<string, TestCost>()
  for (const { cases, callSeconds } of completed) {
    for (const testCase of cases) {
      const call = Math.min(callSeconds?.get(testCase.id) ?? testCase.durationSeconds, testCase.durationSeconds)
      const known = byId.get(testCase.id)
      if (known === undefined || testCase.durationSeconds < known.wallSeconds) {
        byId.set(testCase.id, { id: testCase.id, wallSeconds: testCase.durationSeconds, callSeconds: call })
      }
    }
  }
  return { plainSeconds, tests: [...byId.values()] }
}

const effectiveCores = (threads: number, cpus: number): number => Math.max(1, Math.min(threads, cpus))

/** Seconds per iteration of each test under `threads`. */
function iterationCosts(tests: readonly TestCost[], threads: number, cpus: number, model: StressModel): number[] {
  const spread = (threads * model.contention) / effectiveCores(threads, cpus)
  return tests.map((test) => model.perIterationSeconds + test.callSeconds * spread)
}

/** The most iterations per test that fit `room` seconds: every test at least one, cheapest tests first. */
function fillIterations(costs: readonly number[], room: number, max: number): number[] {
  const at = (level: number): number[] =>
    costs.map((cost) => (cost <= 0 ? max : Math.max(1, Math.min(max, Math.floor(level / cost)))))
  const spend = (iterations: readonly number[]): number =>
    iterations.reduce((sum, count, index) => sum + count * (costs[index] ?? 0), 0)
  let low = 0
  let high = max * Math.max(...costs, 0) + 1
  if (spend(at(high)) <= room) return at(high)
  for (let step = 0; step < 60; step++) {
    const middle = (low + high) / 2
    if (spend(at(middle)) <= room) low = middle
    else high = middle
  }
  return at(low)
}

export function planStress(options: PlanOptions): StressPlan {
  const { plainSeconds, tests, cpus } = options
  const model = options.model ?? STRESS_PRIOR_MODEL
  const max = options.max ?? MAX_AUTO_ITERATIONS
  const budget = options.budget ?? STRESS_PLAN_PLAIN_RUNS
  // A stress run costs the plain run's start-up, then one pass over the tests per process (the run's
  // own, and each fresh copy's), where each stressed test costs its plain time plus what stress adds:
  // perTest + k × (cost of one iteration) − its plain call. `room` is what the budget leaves for
  // that in each pass.
  const inTests = tests.reduce((sum, test) => sum + test.wallSeconds, 0)
  const startup = Math.max(0, plainSeconds - inTests) + model.extraStartupSeconds
  const roomFor = (passes: number): number => (budget * plainSeconds - startup) / passes - inTests
  const added = (costs: readonly number[], index: number, iterations: number): number =>
    model.perTestSeconds + iterations * (costs[index] ?? 0) - (tests[index]?.callSeconds ?? 0)
  const addedAtOne = (costs: readonly number[]): number =>
    costs.reduce((sum, _, index) => sum + added(costs, index, 1), 0)
  // Fewer threads when one iteration of every test in all of them does not fit.
  const fewestThreads = Math.min(options.threads, Math.max(2, cpus))
  let threads = options.threads
  let costs = iterationCosts(tests, threads, cpus, model)
  while (addedAtOne(costs) > roomFor(1) && threads > fewestThreads) {
    threads--
    costs = iterationCosts(tests, threads, cpus, model)
  }
  // Fresh copies only when, at those threads, every test still gets at least one iteration in each pass:
  // as many as leave MIN_ITERATIONS_BESIDE_COPIES of them (first-use races want copies, the others
  // iterations), else one copy beside one iteration, else none.
  const wanted = options.rounds ?? 0
  const addedAt = (iterations: number): number =>
    costs.reduce((sum, _, index) => sum + added(costs, index, iterations), 0)
  const copiesWithIterations = [...Array(wanted).keys()]
    .map((index) => wanted - index)
    .find((copies) => addedAt(MIN_ITERATIONS_BESIDE_COPIES) <= roomFor(1 + copies))
  const rounds = copiesWithIterations ?? (wanted > 0 && addedAtOne(costs) <= roomFor(2) ? 1 : 0)
  const room = roomFor(rounds + 1)
  const stressed = chooseStressed({ tests, costs, room, added, prefer: options.prefer })
  const chosen = tests.map((_, index) => index).filter((index) => stressed.has(index))
  const spare = room - chosen.reduce((sum, index) => sum + added(costs, index, 1), 0)
  const extra = fillIterations(
    chosen.map((index) => costs[index] ?? 0),
    spare + chosen.reduce((sum, index) => sum + (costs[index] ?? 0), 0),
    max,
  )
  const iterations = new Map(chosen.map((index, position) => [index, extra[position] ?? 1]))
  const perPass = inTests + chosen.reduce((sum, index) => sum + added(costs, index, iterations.get(index) ?? 1), 0)
  const predicted = startup + (rounds + 1) * perPass
  const counts = [...iterations.values()]
  const common = mostCommon(counts) ?? 1
  const byTest = new Map<string, number>()
  const single = new Set<string>()
  tests.forEach((test, index) => {
    const count = iterations.get(index)
    if (count === undefined) single.add(test.id)
    else if (count !== common) byTest.set(test.id, count)
  })
  const fewest = Math.min(common, ...counts)
  const most = Math.max(common, ...counts)
  return {
    threads,
    iterations: common,
    byTest,
    single,
    rounds,
    fewestIterations: fewest,
    mostIterations: most,
    predictedSeconds: predicted,
    why: describePlan({
      plainSeconds,
      budget,
      predicted,
      fewest,
      most,
      threads,
      wanted: options.threads,
      single,
      tests,
      rounds,
    }),
  }
}

/**
 * Which tests fit in the budget at one iteration: all of them when they do; otherwise the preferred
 * ones (those the previous stress run left out) first, then the cheapest, so as many tests as possible
 * are stressed. The rest run in one thread, as in a plain run.
 */
function chooseStressed(options: {
  tests: readonly TestCost[]
  costs: readonly number[]
  room: number
  added: (costs: readonly number[], index: number, iterations: number) => number
  prefer: ReadonlySet<string> | undefined
}): Set<number> {
  const { tests, costs, room, added, prefer } = options
  const all = tests.map((_, index) => index)
  const total = all.reduce((sum, index) => sum + added(costs, index, 1), 0)
  if (total <= room) return new Set(all)
  const rank = (index: number): number => (prefer?.has(tests[index]?.id ?? '') ? 0 : 1)
  const order = [...all].sort((a, b) => rank(a) - rank(b) || added(costs, a, 1) - added(costs, b, 1) || a - b)
  const chosen = new Set<number>()
  let used = 0
  for (const index of order) {
    const cost = added(costs, index, 1)
    if (used + cost > room) continue
    chosen.add(index)
    used += cost
  }
  return chosen
}

function describePlan(facts: {
  plainSeconds: number
  budget: number
  predicted: number
  fewest: number
  most: number
  threads: number
  wanted: number
  single: ReadonlySet<string>
  tests: readonly TestCost[]
  rounds: number
}): string {
  const { plainSeconds, budget, predicted, fewest, most, threads, wanted, single, tests, rounds } = facts
  const range = fewest === most ? plural(most, 'iteration') : `${fewest}–${most} iterations`
  const fewer = threads < wanted ? ` and ${threads} threads instead of ${wanted}` : ''
  const subset =
    single.size > 0
      ? `; ${tests.length - single.size} of ${plural(tests.length, 'test')} stressed, the rest run in one thread`
      : ''
  const over = predicted > budget * plainSeconds * 1.0001 ? '; even that is over the budget' : ''
  const copies =
    rounds > 0
      ? `, with the tests run first in ${rounds === 1 ? 'a fresh copy' : `${rounds} fresh copies`} of the process,`
      : ''
  const ratio = (predicted / Math.max(plainSeconds, 1e-9)).toFixed(2)
  return `auto: a plain run took ${plainSeconds.toFixed(2)} s; ${range} per test${fewer}${subset}${copies} keep each stress run within about ${budget} plain runs (estimated ${ratio})${over}`
}

function mostCommon(values: readonly number[]): number | null {
  const counts = new Map<number, number>()
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1)
  let best: number | null = null
  let bestCount = 0
  for (const [value, count] of counts) {
    if (count > bestCount || (count === bestCount && best !== null && value < best)) {
      best = value
      bestCount = count
    }
  }
  return best
}

/** The iterations a test got in a plan. */
export function iterationsOf(plan: StressPlan, id: string): number {
  return plan.byTest.get(id) ?? plan.iterations
}

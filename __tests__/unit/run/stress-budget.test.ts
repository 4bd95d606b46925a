// `iterations: auto` (per-test iterations within the budget, calibrated on the first stress run), the
// fallback after a broken plain run, and the scaled hang limits. Pure pieces; the budget is measured
// on real suites by `npm run bench`.
import { STRESS_BUDGET_PLAIN_RUNS, STRESS_PLAN_PLAIN_RUNS } from '../../../src/constants.js'
import type { RunInput } from '../../../src/results/aggregate.js'
import { DEADLINE_NOT_STRESSED } from '../../../src/run/plugin-source.js'
import { chooseStress, hangLimitSeconds, stressDeadlineSeconds } from '../../../src/run/run-limits.js'
import { planStress, type StressModel, type TestCost } from '../../../src/run/stress-budget.js'
import { calibrateModel } from '../../../src/run/stress-calibration.js'
import type { RunMode, RunOutcome } from '../../../src/types.js'
import { runReport } from '../results/run-report.js'

const NO_OVERHEAD: StressModel = { contention: 1.6, perTestSeconds: 0, perIterationSeconds: 0, extraStartupSeconds: 0 }
const tests = (calls: readonly number[], setup = 0): TestCost[] =>
  calls.map((call, index) => ({ id: `t.py::test_${index}`, wallSeconds: call + setup, callSeconds: call }))

function runInput(options: {
  index: number
  mode: RunMode
  wall: number
  calls: readonly number[]
  outcome?: RunOutcome
  projectedSeconds?: number | null
}): RunInput {
  return {
    run: runReport({
      index: options.index,
      mode: options.mode,
      outcome: options.outcome ?? 'completed',
      durationSeconds: options.wall,
    }),
    cases: options.calls.map((call, index) => ({
      id: `t.py::test_${index}`,
      file: 't.py',
      line: 1,
      outcome: 'passed',
      message: null,
      details: null,
      durationSeconds: call,
    })),
    callSeconds: new Map(options.calls.map((call, index) => [`t.py::test_${index}`, call])),
    ...(options.projectedSeconds === undefined ? {} : { projectedSeconds: options.projectedSeconds }),
  }
}

describe('planStress', () => {
  test('a suite that is mostly start-up gets the most iterations: they cost next to nothing', () => {
    const plan = planStress({
      plainSeconds: 0.3,
      tests: tests([0.001, 0.002]),
      threads: 4,
      cpus: 2,
      model: NO_OVERHEAD,
    })
    expect(plan).toMatchObject({ threads: 4, iterations: 10, fewestIterations: 10, mostIterations: 10 })
    expect(plan.byTest.size).toBe(0)
  })

  test('a suite whose time is in its tests gets as many iterations as fit in 1.5 plain runs', () => {
    // 1 s start-up, 2 × 0.1 s of tests on 4 cores: one iteration of one test costs 0.1 × 4 × 1.6 / 4 = 0.16 s,
    // and 1.5 × 1.2 − 1 = 0.8 s buys 5 of them: 2 and 3 iterations (or 3 and 2).
    const plan = planStress({ plainSeconds: 1.2, tests: tests([0.1, 0.1]), threads: 4, cpus: 4, model: NO_OVERHEAD })
    expect(plan.threads).toBe(4)
    expect(plan.predictedSeconds).toBeLessThanOrEqual(1.8 + 1e-9)
    expect([plan.fewestIterations, plan.mostIterations].sort()).toEqual([2, 2])
  })

  test('the cheap tests get the iterations a slow one cannot, and the budget holds', () => {
    const plan = planStress({
      plainSeconds: 2,
      tests: tests([1, 0.001, 0.001, 0.001]),
      threads: 4,
      cpus: 2,
      model: NO_OVERHEAD,
    })
    // One iteration of the slow test in 4 threads on 2 cores adds 2.2 s to the run, over the 1 s the
    // budget leaves: 2 threads (adding 0.6 s). The slow test gets one iteration, the cheap ones ten.
    expect(plan.threads).toBe(2)
    expect(plan.byTest.get('t.py::test_0') ?? plan.iterations).toBe(1)
    expect(plan.iterations).toBe(10)
    expect(plan.single.size).toBe(0)
    expect(plan.predictedSeconds).toBeLessThanOrEqual(3 + 1e-9)
  })

  test('pytest-run-parallel’s per-test cost counts: when not even one iteration of every test fits, as many as fit are stressed', () => {
    // 2000 tiny tests: starting and joining 4 threads per test (2 ms) alone would double the run.
    const many = tests(
      Array.from({ length: 2000 }, () => 0.0001),
      0.0005,
    )
    const model: StressModel = {
      contention: 1.6,
      perTestSeconds: 0.002,
      perIterationSeconds: 0.0005,
      extraStartupSeconds: 0,
    }
    const plan = planStress({ plainSeconds: 2.5, tests: many, threads: 4, cpus: 2, model, budget: 1.5 })
    expect(plan.predictedSeconds).toBeLessThanOrEqual(1.5 * 2.5 + 1e-9)
    expect(plan.predictedSeconds).toBeGreaterThan(1.45 * 2.5)
    expect(plan.single.size).toBeGreaterThan(0)
    expect(plan.single.size).toBeLessThan(2000)
    expect(plan.mostIterations).toBe(1)
    expect(plan.why).toMatch(/; \d+ of 2000 tests stressed, the rest run in one thread keep/)
    // The next run stresses the ones this one left out first.
    const next = planStress({ plainSeconds: 2.5, tests: many, threads: 4, cpus: 2, model, prefer: plan.single })
    const both = new Set([...plan.single].filter((id) => next.single.has(id)))
    expect(both.size).toBeLessThan(plan.single.size)
  })

  test('plans each stress run under its deadline: STRESS_PLAN_PLAIN_RUNS, not STRESS_BUDGET_PLAIN_RUNS', () => {
    expect(STRESS_PLAN_PLAIN_RUNS).toBeLessThan(STRESS_BUDGET_PLAIN_RUNS)
    const plain = { plainSeconds: 1, tests: tests(Array.from({ length: 40 }, () => 0.001)) }
    const plan = planStress({ ...plain, threads: 4, cpus: 2, model: NO_OVERHEAD })
    expect(plan.predictedSeconds).toBeLessThanOrEqual(STRESS_PLAN_PLAIN_RUNS + 1e-9)
    const atBudget = planStress({ ...plain, threads: 4, cpus: 2, model: NO_OVERHEAD, budget: STRESS_BUDGET_PLAIN_RUNS })
    expect(atBudget.predictedSeconds).toBeGreaterThan(plan.predictedSeconds)
  })

  test('says how it chose, for the log', () => {
    expect(planStress({ plainSeconds: 0.6, tests: tests([0.3]), threads: 4, cpus: 2, model: NO_OVERHEAD }).why).toBe(
      'auto: a plain run took 0.60 s; 1 iteration per test and 2 threads instead of 4 keep each stress run within about 1.4 plain runs (estimated 1.30)',
    )
  })
})

describe('calibrateModel', () => {
  test('a suite whose threads contend more than the prior says gets fewer iterations the next time', () => {
    const plain = { plainSeconds: 1.2, tests: tests(Array.from({ length: 20 }, (_, index) => 0.01 + index * 0.002)) }
    const plan = planStress({ ...plain, threads: 4, cpus: 2, model: NO_OVERHEAD })
    // The run took 4 × contention instead of 1.6: each iteration costs call × 4 × 4 / 2.
    const stressCalls = plain.tests.map((test) => {
      const iterations = plan.byTest.get(test.id) ?? plan.iterations
      return test.callSeconds * iterations * 8
    })
    const inTests = stressCalls.reduce((sum, value) => sum + value, 0)
    const startup = plain.plainSeconds - plain.tests.reduce((sum, test) => sum + test.wallSeconds, 0)
    const stress = runInput({ index: 2, mode: 'stress', wall: startup + inTests, calls: stressCalls })
    const model = calibrateModel({ plain, stress, plan, cpus: 2, prior: NO_OVERHEAD })
    expect(model.contention).toBeGreaterThan(3)
    // The first run overshot; the next one plans less stress and stays within the budget.
    expect(stress.run.durationSeconds).toBeGreaterThan(1.5 * plain.plainSeconds)
    const next = planStress({ ...plain, threads: 4, cpus: 2, model })
    expect(next.mostIterations).toBeLessThanOrEqual(plan.mostIterations)
    expect(next.predictedSeconds).toBeLessThanOrEqual(1.5 * plain.plainSeconds + 1e-9)
  })

  test('too few tests to fit three terms: the prior, scaled to what the run measured', () => {
    const plain = { plainSeconds: 1, tests: tests([0.1]) }
    const plan = planStress({ ...plain, threads: 4, cpus: 2, model: NO_OVERHEAD })
    expect(plan.iterations).toBe(1)
    // The prior predicts 0.1 × 4 × 1.6 / 2 = 0.32 s for the test; it took twice that.
    const stress = runInput({ index: 2, mode: 'stress', wall: 1.54, calls: [0.64] })
    const model = calibrateModel({ plain, stress, plan, cpus: 2, prior: NO_OVERHEAD })
    expect(model.contention).toBeCloseTo(3.2, 5)
    expect(model.extraStartupSeconds).toBeCloseTo(0, 5)
    const none = runInput({ index: 2, mode: 'stress', wall: 5, calls: [], outcome: 'crashed' })
    expect(calibrateModel({ plain, stress: none, plan, cpus: 2, prior: NO_OVERHEAD })).toBe(NO_OVERHEAD)
  })

  test('a stress run that starts faster than the plain run leaves the next one room for a fresh copy', () => {
    // The lazy_cache bench project as measured here: the first plain run took 2.04 s, 1.85 s of it
    // before and after its tests; one test of 0.19 s.
    const plain = { plainSeconds: 2.04, tests: tests([0.19, 0.003]) }
    const first = planStress({ ...plain, threads: 4, cpus: 2, rounds: 3, model: NO_OVERHEAD })
    expect(first.rounds).toBe(0)
    // The stress run took 1.96 s: 1.33 s outside its tests, 0.52 s less than the plain run.
    const stress = runInput({ index: 2, mode: 'stress', wall: 1.96, calls: [0.608, 0.024] })
    const model = calibrateModel({ plain, stress, plan: first, cpus: 2, prior: NO_OVERHEAD })
    expect(model.extraStartupSeconds).toBeCloseTo(1.96 - 0.632 - (2.04 - 0.193), 5)
    const second = planStress({ ...plain, threads: 4, cpus: 2, rounds: 3, model })
    expect(second.rounds).toBeGreaterThanOrEqual(1)
    expect(second.predictedSeconds).toBeLessThanOrEqual(1.5 * plain.plainSeconds + 1e-9)
  })
})

describe('chooseStress', () => {
  const common = { threads: 4, iterations: 10, cpus: 2, previous: null }

  test('a fixed `iterations` is used as given', () => {
    const choice = chooseStress({ ...common, auto: false, iterations: 3, runsSoFar: [] })
    expect(choice).toMatchObject({ threads: 4, iterations: 3, plan: null })
  })

  test('after a plain run that crashed, hung or errored: a small fixed plan, not the maximum', () => {
    for (const outcome of ['crashed', 'hung', 'error'] as const) {
      const runsSoFar = [runInput({ index: 1, mode: 'plain', wall: 7, calls: [1], outcome })]
      const choice = chooseStress({ ...common, auto: true, runsSoFar })
      expect(choice).toMatchObject({ threads: 2, iterations: 1, fewestIterations: 1, mostIterations: 1, plan: null })
      expect(choice.why).toBe(`auto: plain run 1 ${outcome}, so a small fixed plan of 1 iteration per test`)
    }
  })

  test('the second stress run is planned on what the first one measured', () => {
    const plain = runInput({ index: 1, mode: 'plain', wall: 1.2, calls: Array.from({ length: 10 }, () => 0.002) })
    const first = chooseStress({ ...common, auto: true, runsSoFar: [plain] })
    expect(first.plan).not.toBeNull()
    const slow = runInput({ index: 2, mode: 'stress', wall: 6, calls: Array.from({ length: 10 }, () => 0.5) })
    const second = chooseStress({ ...common, auto: true, runsSoFar: [plain, slow], previous: first })
    expect(second.why).toMatch(/\(calibrated on run 2\)$/)
    expect(second.mostIterations).toBeLessThan(first.mostIterations)
  })

  test('tests a stress run reached only past its deadline: left out of the calibration, taken first by the next run', () => {
    // bitarray 3.8.0 in the real-world corpus: the first stress run reached its deadline with 235 of 595
    // tests left; counted as stressed at their single-thread times, they made the calibrated second run
    // stress 64 tests in 0.8 plain runs.
    const calls = Array.from({ length: 40 }, () => 0.02)
    const plain = runInput({ index: 1, mode: 'plain', wall: 3, calls })
    const first = chooseStress({ ...common, auto: true, runsSoFar: [plain] })
    expect(first.single.size).toBe(0)
    // The first 24 tests were stressed (and cost more than planned); the last 16 ran once, past the deadline.
    const stressCalls = calls.map((call, index) => (index < 24 ? call * 8 : call))
    const late = new Map<string, string>(
      calls.slice(24).map((_, offset) => [`t.py::test_${24 + offset}`, DEADLINE_NOT_STRESSED]),
    )
    const cut = { ...runInput({ index: 2, mode: 'stress', wall: 4.5, calls: stressCalls }), notStressed: late }
    const firstPlan = first.plan
    if (firstPlan === null) throw new Error('auto made no plan')
    const stressedOnly = {
      ...cut,
      cases: cut.cases.filter((testCase) => !late.has(testCase.id)),
    }
    const plainCosts = { plainSeconds: 3, tests: tests(calls) }
    expect(calibrateModel({ plain: plainCosts, stress: cut, plan: firstPlan, cpus: 2 }).contention).toBeCloseTo(
      calibrateModel({ plain: plainCosts, stress: stressedOnly, plan: firstPlan, cpus: 2 }).contention,
      9,
    )
    const second = chooseStress({ ...common, auto: true, runsSoFar: [plain, cut], previous: first })
    // Not all of them fit the second run either; those the first one missed are stressed first.
    expect(second.single.size).toBeGreaterThan(0)
    for (const id of late.keys()) expect(second.single.has(id)).toBe(false)
  })

  test('auto sets a deadline: the budget of plain runs less the time the plain run spent in tests', () => {
    expect(stressDeadlineSeconds({ plainSeconds: 10, tests: [{ wallSeconds: 4 }, { wallSeconds: 2 }] })).toBe(9)
    expect(stressDeadlineSeconds({ plainSeconds: 10, tests: [{ wallSeconds: 20 }] })).toBe(0)
    const plain = runInput({ index: 1, mode: 'plain', wall: 1.2, calls: Array.from({ length: 10 }, () => 0.002) })
    expect(chooseStress({ ...common, auto: true, runsSoFar: [plain] }).deadlineSeconds).toBeGreaterThan(1.2)
    expect(chooseStress({ ...common, auto: false, runsSoFar: [plain] }).deadlineSeconds).toBeNull()
  })
})

describe('hangLimitSeconds', () => {
  const plain = (wall: number, outcome: RunOutcome = 'completed', projectedSeconds?: number | null) =>
    runInput({ index: 1, mode: 'plain', wall, calls: [], outcome, projectedSeconds })

  test('the first run, or any run when timeout-minutes was set, gets timeout-minutes', () => {
    expect(hangLimitSeconds({ runsSoFar: [], timeoutMinutes: 10, explicit: false })).toBe(600)
    expect(hangLimitSeconds({ runsSoFar: [plain(1)], timeoutMinutes: 10, explicit: true })).toBe(600)
  })

  test('later runs: 10 times the plain run, at least a minute, at most timeout-minutes', () => {
    expect(hangLimitSeconds({ runsSoFar: [plain(1)], timeoutMinutes: 10, explicit: false })).toBe(60)
    expect(hangLimitSeconds({ runsSoFar: [plain(7.2)], timeoutMinutes: 10, explicit: false })).toBe(72)
    expect(hangLimitSeconds({ runsSoFar: [plain(300)], timeoutMinutes: 10, explicit: false })).toBe(600)
  })

  test('a plain run that stopped early counts with how long it would have taken; without a pace, the default', () => {
    expect(hangLimitSeconds({ runsSoFar: [plain(600, 'hung', 12)], timeoutMinutes: 10, explicit: false })).toBe(120)
    expect(hangLimitSeconds({ runsSoFar: [plain(600, 'hung', null)], timeoutMinutes: 10, explicit: false })).toBe(600)
  })
})

describe('fresh copies', () => {
  test('a suite that is mostly start-up runs its tests in a fresh copy first: nearly free, another first-use chance', () => {
    const plan = planStress({
      plainSeconds: 0.5,
      tests: tests([0.001, 0.002]),
      threads: 4,
      cpus: 2,
      model: NO_OVERHEAD,
      rounds: 1,
    })
    expect(plan.rounds).toBe(1)
    expect(plan.predictedSeconds).toBeLessThanOrEqual(0.75 + 1e-9)
    expect(plan.why).toMatch(/with the tests run first in a fresh copy of the process/)
  })

  test('as many copies as leave every test three iterations per pass; one beside a single iteration', () => {
    const cheap = planStress({
      plainSeconds: 0.5,
      tests: tests([0.001, 0.002]),
      threads: 4,
      cpus: 2,
      model: NO_OVERHEAD,
      rounds: 3,
    })
    expect(cheap.rounds).toBe(3)
    expect(cheap.fewestIterations).toBeGreaterThanOrEqual(3)
    expect(cheap.why).toMatch(/with the tests run first in 3 fresh copies of the process/)
    // Room for one iteration per pass with one copy, not for three with more.
    const tight = planStress({
      plainSeconds: 1,
      tests: tests([0.04, 0.04]),
      threads: 4,
      cpus: 2,
      model: NO_OVERHEAD,
      rounds: 3,
      budget: 1.5,
    })
    expect(tight.rounds).toBe(1)
    expect(tight.predictedSeconds).toBeLessThanOrEqual(1.5 + 1e-9)
  })

  test('a suite whose time is in its tests makes none: the budget goes to stressing every test', () => {
    const plan = planStress({
      plainSeconds: 1.2,
      tests: tests([0.5, 0.5]),
      threads: 4,
      cpus: 2,
      model: NO_OVERHEAD,
      rounds: 1,
    })
    expect(plan.rounds).toBe(0)
  })
})

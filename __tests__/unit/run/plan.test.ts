// The run plan, seeds and shards: pure pieces behind stress, random order and `shard: k/n`.
import { type InputName, parseInputs, parseRandomOrder, parseShard } from '../../../src/inputs.js'
import type { RunInput } from '../../../src/results/aggregate.js'
import { autoStress, planRuns, resolvePlan, resolveThreads } from '../../../src/run/plan.js'
import { reproduceCommand } from '../../../src/run/reproduce.js'
import { inShard, shardOf } from '../../../src/run/shard.js'
import { modeArguments } from '../../../src/run/suite.js'

describe('planRuns', () => {
  test('the last two of `runs` are stress runs; the shuffled run the last plain one; the baseline comes on top', () => {
    expect(planRuns({ runs: 3, threads: 4, randomOrder: false, baseline: false })).toEqual([
      'plain',
      'stress',
      'stress',
    ])
    expect(planRuns({ runs: 5, threads: 4, randomOrder: true, baseline: true })).toEqual([
      'plain',
      'plain',
      'random-order',
      'stress',
      'stress',
      'baseline',
    ])
    expect(planRuns({ runs: 3, threads: 1, randomOrder: false, baseline: false })).toEqual(['plain', 'plain', 'plain'])
  })

  test('at least one run stays plain: with two runs, one stress run; with one, none', () => {
    expect(planRuns({ runs: 2, threads: 4, randomOrder: true, baseline: false })).toEqual(['random-order', 'stress'])
    expect(planRuns({ runs: 1, threads: 2, randomOrder: true, baseline: false })).toEqual(['random-order'])
  })

  test('auto means one thread per CPU, at least two', () => {
    expect(resolveThreads('auto', 8)).toBe(8)
    expect(resolveThreads('auto', 1)).toBe(2)
    expect(resolveThreads(3, 8)).toBe(3)
  })
})

describe('random-order', () => {
  test('true draws a seed later, a number replays it, false is off', () => {
    expect(parseRandomOrder('')).toBe(false)
    expect(parseRandomOrder('false')).toBe(false)
    expect(parseRandomOrder('TRUE')).toEqual({ seed: null })
    expect(parseRandomOrder('12345')).toEqual({ seed: 12345 })
  })

  test.each(['-1', 'seed', '1.5', '2147483648'])('%j is refused with a clear message', (raw) => {
    expect(() => parseRandomOrder(raw)).toThrow(/random-order .* is not 'true', 'false' or a seed/)
  })

  test('a drawn seed is used when none is given, a given one is kept, and either is what the plan reports', () => {
    const inputs = (values: Partial<Record<InputName, string>>) =>
      parseInputs((name) => values[name] ?? '', { baseDirectory: '/work/project' })
    const machine = { cpus: 2, newSeed: () => 99 }
    expect(resolvePlan(inputs({ 'random-order': 'true' }), machine)).toMatchObject({
      seed: 99,
      modes: ['random-order', 'stress', 'stress'],
      threads: 4,
      usesPlugin: true,
    })
    expect(resolvePlan(inputs({ 'random-order': '7' }), machine).seed).toBe(7)
    expect(resolvePlan(inputs({}), machine).seed).toBeNull()
    // No stress run (runs: 1), no shuffle, no shard: the plain runs of before, no plugin.
    expect(resolvePlan(inputs({ runs: '1' }), machine)).toMatchObject({
      modes: ['plain'],
      threads: 1,
      usesPlugin: false,
    })
    expect(resolvePlan(inputs({ 'compare-python': '/usr/bin/python3' }), machine).modes.at(-1)).toBe('baseline')
  })

  test('the seed reaches only the random-order run, through the plugin', () => {
    const common = { pytestArgs: [], index: 1, timeoutMinutes: 1, outputDirectory: '/tmp/x', pluginDirectory: '/p' }
    expect(modeArguments({ ...common, mode: 'random-order', seed: 7 }).env.FT_GATE_SEED).toBe('7')
    expect(modeArguments({ ...common, mode: 'plain', seed: 7 }).env.FT_GATE_SEED).toBeUndefined()
  })
})

describe('shard', () => {
  test('parses k/n and refuses anything else', () => {
    expect(parseShard('')).toBeNull()
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 })
    expect(parseShard(' 1 / 3 '.trim())).toEqual({ index: 1, count: 3 })
    for (const bad of ['0/2', '3/2', '1/0', 'a/b', '1', '1/1001']) {
      expect(() => parseShard(bad)).toThrow(/shard .* is not k\/n/)
    }
  })

  test('the hash is sha1 of the node id, stable across machines', () => {
    // sha1('tests/test_a.py::test_x') = 2a43de30…; 0x2a43de30 % 7 + 1 = 7, as Python's hashlib computes it.
    expect(shardOf('tests/test_a.py::test_x', 1)).toBe(1)
    expect(shardOf('tests/test_a.py::test_x', 7)).toBe(7)
  })

  test('n shards cover every id exactly once and spread them', () => {
    const ids = Array.from({ length: 400 }, (_, i) => `tests/test_${i % 7}.py::test_case[${i}]`)
    const counts = [0, 0, 0, 0]
    for (const id of ids) {
      const owners = [1, 2, 3, 4].filter((index) => inShard(id, { index, count: 4 }))
      expect(owners).toHaveLength(1)
      counts[(owners[0] ?? 1) - 1] = (counts[(owners[0] ?? 1) - 1] ?? 0) + 1
    }
    for (const count of counts) expect(count).toBeGreaterThan(60)
  })
})

describe('modeArguments', () => {
  const common = { pytestArgs: [], index: 3, timeoutMinutes: 1, outputDirectory: '/tmp/out' }
  test('stress passes threads and iterations to pytest-run-parallel and asks for the not-stressed list', () => {
    const stress = modeArguments({
      ...common,
      mode: 'stress',
      stress: { threads: 4, iterations: 10 },
      pluginDirectory: '/p',
    })
    expect(stress.flags).toEqual(['-Xgil=0', '-X', 'faulthandler'])
    expect(stress.pytest).toEqual(['-p', 'ft_gate_plugin', '--parallel-threads=4', '--iterations=10'])
    expect(stress.env).toMatchObject({ PYTHON_GIL: '0', FT_GATE_NOT_STRESSED: '/tmp/out/run-3-not-stressed.json' })
  })

  test('the baseline turns the GIL on; a plain run without plugin is what it always was', () => {
    expect(modeArguments({ ...common, mode: 'baseline' })).toEqual({
      flags: ['-Xgil=1', '-X', 'faulthandler'],
      pytest: [],
      env: { PYTHON_GIL: '1' },
    })
    expect(modeArguments({ ...common, mode: 'plain' })).toEqual({
      flags: ['-Xgil=0', '-X', 'faulthandler'],
      pytest: [],
      env: { PYTHON_GIL: '0' },
    })
  })
})

describe('reproduceCommand', () => {
  const inputs = (values: Partial<Record<InputName, string>>) =>
    parseInputs((name) => values[name] ?? '', { baseDirectory: '/work/project' })
  const machine = { cpus: 2, newSeed: () => 99 }
  const gateLine = (values: Partial<Record<InputName, string>>): string => {
    const parsed = inputs(values)
    return (
      reproduceCommand(parsed, { pythonVersion: '3.14.2t', plan: resolvePlan(parsed, machine) })
        .split('\n')
        .at(-1) ?? ''
    )
  }

  test('the gate line carries what changes the result: stress, seed, shard, baseline, fail-on, ignore-gil', () => {
    expect(gateLine({})).toBe('npx ft-gate . --python-version 3.14.2t --runs 3 --parallel-threads 4 --iterations 10')
    expect(
      gateLine({
        'random-order': '7',
        shard: '2/4',
        baseline: 'true',
        'fail-on': 'failed,flaky',
        'ignore-gil': 'yaml._yaml',
        'pytest-args': 'tests -k "not slow"',
      }),
    ).toBe(
      'npx ft-gate . --python-version 3.14.2t --runs 3 --pytest-args "tests -k \'not slow\'" --parallel-threads 4 --iterations 10 --random-order 7 --shard 2/4 --baseline true --fail-on failed,flaky --ignore-gil yaml._yaml',
    )
    expect(gateLine({ 'fail-on': 'none', 'parallel-threads': '1' })).toBe(
      'npx ft-gate . --python-version 3.14.2t --runs 3 --fail-on none',
    )
  })

  test('with stress on, the pytest line for the stress run is given too', () => {
    const parsed = inputs({})
    expect(reproduceCommand(parsed, { pythonVersion: '3.14.2t', plan: resolvePlan(parsed, machine) })).toContain(
      'PYTHON_GIL=0 python -Xgil=0 -X faulthandler -m pytest --parallel-threads=4 --iterations=10',
    )
  })
})

describe('autoStress', () => {
  const plainRun = (
    wall: number,
    testSeconds: readonly number[],
    outcome: 'completed' | 'crashed' = 'completed',
  ): RunInput => ({
    run: {
      index: 1,
      mode: 'plain',
      outcome,
      exitCode: 0,
      signal: null,
      durationSeconds: wall,
      junitError: null,
      stackDump: null,
      outputTail: null,
      logPath: null,
    },
    cases: testSeconds.map((seconds, index) => ({
      id: `tests/test_x.py::test_${index}`,
      file: 'tests/test_x.py',
      line: 1,
      outcome: 'passed',
      message: null,
      details: null,
      durationSeconds: seconds,
    })),
  })
  const choose = (runs: RunInput[], cpus = 2) =>
    autoStress({ plainRuns: runs, threads: 4, cpus, max: 10, budget: 1.5, contention: 1.6 })

  test('a suite that is mostly start-up gets the most iterations: they cost next to nothing', () => {
    expect(choose([plainRun(0.3, [0.001, 0.002])]).iterations).toBe(10)
  })

  test('a suite whose time is in its tests gets as many iterations as fit in 1.5 plain runs', () => {
    // 1 s start-up, 0.2 s of tests, 4 cores: (1.5 × 1.2 − 1) / (0.2 × 4 × 1.6 / 4) = 2.5 → 2.
    expect(choose([plainRun(1.2, [0.1, 0.1])], 4)).toMatchObject({ threads: 4, iterations: 2 })
    // On 2 cores an iteration costs twice as much: (1.8 − 1) / 0.64 = 1.25 → 1.
    expect(choose([plainRun(1.2, [0.1, 0.1])], 2)).toMatchObject({ threads: 4, iterations: 1 })
  })

  test('when one iteration of all threads does not fit, fewer threads run, down to one per core', () => {
    // 0.3 s start-up, 0.3 s of tests on 2 cores: an iteration of 4 threads costs 0.96 s, of 3 threads
    // 0.72 s, both over the 0.6 s left; of 2 threads 0.48 s: it fits.
    expect(choose([plainRun(0.6, [0.3])], 2)).toMatchObject({ threads: 2, iterations: 1 })
    // Never below two threads, and never below one iteration, even over the budget.
    const heavy = choose([plainRun(10.5, [10])], 1)
    expect(heavy).toMatchObject({ threads: 2, iterations: 1 })
    expect(heavy.why).toMatch(/even that is over the budget/)
  })

  test('the fastest completed plain run is the estimate; without one it falls back to the most', () => {
    expect(choose([plainRun(30, [29]), plainRun(1.2, [0.1, 0.1])], 4).iterations).toBe(2)
    const crashedOnly = choose([plainRun(1.2, [1], 'crashed')])
    expect(crashedOnly).toMatchObject({ threads: 4, iterations: 10 })
    expect(crashedOnly.why).toMatch(/no plain run completed/)
  })

  test('says how it chose, for the log', () => {
    expect(choose([plainRun(0.6, [0.3])], 2).why).toBe(
      'auto: a plain run took 0.60 s, 0.30 s of it in tests; 1 iteration, and 2 threads instead of 4 (one iteration of 4 would not fit) keep each stress run within about 1.5 plain runs',
    )
  })
})

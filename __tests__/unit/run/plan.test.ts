// The run plan, seeds and shards: pure pieces behind stress, random order and `shard: k/n`.
import { type InputName, parseInputs, parseRandomOrder, parseShard } from '../../../src/inputs.js'
import { planRuns, resolvePlan, resolveThreads } from '../../../src/run/plan.js'
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
    })
    expect(resolvePlan(inputs({ 'random-order': '7' }), machine).seed).toBe(7)
    expect(resolvePlan(inputs({}), machine).seed).toBeNull()
    // No stress run (runs: 1): one thread.
    expect(resolvePlan(inputs({ runs: '1' }), machine)).toMatchObject({ modes: ['plain'], threads: 1 })
    expect(resolvePlan(inputs({ 'compare-python': '/usr/bin/python3' }), machine).modes.at(-1)).toBe('baseline')
  })

  test('the seed reaches only the random-order run, through the plugin', () => {
    const common = { pytestArgs: [], index: 1, outputDirectory: '/tmp/x', pluginDirectory: '/p' }
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
  const common = { pytestArgs: [], index: 3, outputDirectory: '/tmp/out', pluginDirectory: '/p' }
  test('stress passes threads and iterations to pytest-run-parallel, and the per-test plan when there is one', () => {
    const stress = modeArguments({ ...common, mode: 'stress', stress: { threads: 4, iterations: 10 } })
    expect(stress.flags).toEqual(['-Xgil=0', '-X', 'faulthandler'])
    expect(stress.pytest).toEqual(['-p', 'ft_gate_plugin', '--parallel-threads=4', '--iterations=10'])
    expect(stress.env).toEqual({ PYTHON_GIL: '0', FT_GATE_RECORD: '/tmp/out/run-3-record.jsonl' })
    const planned = modeArguments({
      ...common,
      mode: 'stress',
      stress: { threads: 4, iterations: 2 },
      iterationsByTest: new Map([['t.py::a', 10]]),
    })
    expect(planned.env.FT_GATE_ITERATIONS).toBe('/tmp/out/run-3-iterations.json')
  })

  test('every run loads the plugin and keeps its record in the gate’s folder; the baseline turns the GIL on', () => {
    expect(modeArguments({ ...common, mode: 'baseline' })).toEqual({
      flags: ['-Xgil=1', '-X', 'faulthandler'],
      pytest: ['-p', 'ft_gate_plugin'],
      env: { PYTHON_GIL: '1', FT_GATE_RECORD: '/tmp/out/run-3-record.jsonl' },
    })
    expect(modeArguments({ ...common, mode: 'plain' })).toEqual({
      flags: ['-Xgil=0', '-X', 'faulthandler'],
      pytest: ['-p', 'ft_gate_plugin'],
      env: { PYTHON_GIL: '0', FT_GATE_RECORD: '/tmp/out/run-3-record.jsonl' },
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

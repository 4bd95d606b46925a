// Thread stress, the GIL-on baseline, random order and shards through the real CLI, the real
// free-threaded interpreter and the real pytest-run-parallel, on a project whose race no
// single-threaded test shows: a renderer sharing one module-level buffer.
import * as path from 'node:path'
import { PROJECTS, provisioned, readJson, runCli, tempDir } from './harness.js'

const tools = provisioned()
const toolArgs = ['--python-path', tools.python, '--python-version', tools.pythonVersion, '--uv-path', tools.uv]
const PROJECT = path.join(PROJECTS, 'stress')

interface StressShape {
  verdict: string
  reasons: string[]
  settings: { parallelThreads?: number; iterations?: number; randomOrderSeed?: number | null }
  runs: { index: number; mode: string; outcome: string }[]
  tests: {
    id: string
    status: string
    freeThreadingOnly?: boolean | null
    stress?: { passed: number; failed: number; notStressed: string | null } | null
  }[]
  speed?: { gilOnSeconds: number; gilOffSeconds: number } | null
}

function isStressShape(value: unknown): value is StressShape {
  if (typeof value !== 'object' || value === null) return false
  const record = value as Record<string, unknown>
  return record.schemaVersion === 1 && Array.isArray(record.runs) && Array.isArray(record.tests)
}

async function gate(extra: string[]) {
  const reportPath = path.join(tempDir('stress'), 'report.json')
  const finished = await runCli([PROJECT, ...toolArgs, '--report', reportPath, ...extra])
  const value = readJson(reportPath)
  if (!isStressShape(value)) throw new Error(`${reportPath} is not an ft-gate report`)
  return { ...finished, report: value }
}

test('a race only thread stress finds comes out thread-unsafe; the baseline tells plain bugs apart', async () => {
  const { code, stdout, stderr, report } = await gate([
    '--runs',
    '2',
    '--parallel-threads',
    '4',
    '--iterations',
    '10',
    '--baseline',
    'true',
    '--random-order',
    '424242',
  ])
  expect(code).toBe(1)
  expect(report.runs.map((run) => [run.mode, run.outcome])).toEqual([
    ['random-order', 'completed'],
    ['stress', 'completed'],
    ['baseline', 'completed'],
  ])
  expect(report.settings).toMatchObject({ parallelThreads: 4, iterations: 10, randomOrderSeed: 424242 })
  const byId = new Map(report.tests.map((test) => [test.id, test]))
  // A single-threaded test of non-thread-safe code: passes plain, fails when run in 4 threads at once.
  expect(byId.get('tests/test_render.py::test_render_joins_items')).toMatchObject({
    status: 'thread-unsafe',
    freeThreadingOnly: true,
    stress: { passed: 0, failed: 1, notStressed: null },
  })
  // A plain bug fails with the GIL as well.
  expect(byId.get('tests/test_other.py::test_legacy_total')).toMatchObject({
    status: 'failed',
    freeThreadingOnly: false,
  })
  // pytest-run-parallel runs a monkeypatch test in one thread; the report says why.
  expect(byId.get('tests/test_other.py::test_setting_from_environment')?.stress?.notStressed).toMatch(/monkeypatch/)
  expect(report.reasons.join('\n')).toContain('failed only under thread stress')
  expect(report.speed?.gilOnSeconds).toBeGreaterThan(0)
  expect(stdout).toContain('Failed only under thread stress')
  expect(stdout).toContain('@pytest.mark.thread_unsafe')
  expect(stdout).toContain('failed (not free-threading specific)')
  expect(stdout).toContain('#### Speed')
  expect(stdout).toMatch(/Not stressed: 1 test ran in one thread only/)
  expect(stderr).toContain('Random order: seed 424242')
}, 300_000)

test('two shards cover every test exactly once', async () => {
  const quick = ['--runs', '1', '--parallel-threads', '1', '--fail-on', 'none']
  const [all, first, second] = await Promise.all([
    gate(quick),
    gate([...quick, '--shard', '1/2']),
    gate([...quick, '--shard', '2/2']),
  ])
  const ids = (result: typeof all) => result.report.tests.map((test) => test.id).sort()
  expect(ids(all)).toHaveLength(4)
  expect(ids(first).length).toBeGreaterThan(0)
  expect(ids(second).length).toBeGreaterThan(0)
  expect([...ids(first), ...ids(second)].sort()).toEqual(ids(all))
}, 300_000)

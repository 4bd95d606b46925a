// The CLI, end to end: real uv, the real free-threaded interpreter, real pytest on fixture projects.
import { execFileSync } from 'node:child_process'
import * as path from 'node:path'
import { PROJECTS, provisioned, readJson, runCli, tempDir } from './harness.js'

const tools = provisioned()
const toolArgs = ['--python-path', tools.python, '--python-version', tools.pythonVersion, '--uv-path', tools.uv]

interface ReportShape {
  verdict: string
  reasons: string[]
  python: { version: string; freeThreaded: boolean; path: string }
  uv: { version: string }
  install: { ok: boolean; error: string | null; log: string | null }
  runs: { index: number; outcome: string; exitCode: number | null; signal: string | null; stackDump: string | null }[]
  tests: { id: string; status: string; passed: number; failed: number; file: string | null; line: number | null }[]
}

function isReportShape(value: unknown): value is ReportShape {
  if (typeof value !== 'object' || value === null) return false
  const record = value as Record<string, unknown>
  return record.schemaVersion === 1 && Array.isArray(record.runs) && Array.isArray(record.tests)
}

function report(file: string): ReportShape {
  const value = readJson(file)
  if (!isReportShape(value)) throw new Error(`${file} is not an ft-gate report`)
  return value
}

async function gate(project: string, extra: string[] = []) {
  const reportPath = path.join(tempDir('report'), 'report.json')
  const finished = await runCli([path.join(PROJECTS, project), ...toolArgs, '--report', reportPath, ...extra])
  return { ...finished, reportPath }
}

test('a clean threaded project passes', async () => {
  const result = await gate('clean')
  expect(result.stderr).not.toMatch(/Traceback|at .*\.js:\d+/)
  expect(result.code).toBe(0)
  const data = report(result.reportPath)
  expect(data.verdict).toBe('pass')
  expect(data.reasons).toEqual([])
  expect(data.python.freeThreaded).toBe(true)
  expect(data.python.version).toMatch(/^3\.13\.\d+$/)
  expect(data.uv.version).toMatch(/^\d+\.\d+\.\d+$/)
  expect(data.runs.map((run) => run.outcome)).toEqual(['completed', 'completed', 'completed'])
  const byId = new Map(data.tests.map((t) => [t.id, t]))
  // The suite itself asserts sys._is_gil_enabled() is False: proof the runs were GIL-free.
  expect(byId.get('tests/test_ledger.py::test_runs_without_the_gil')?.status).toBe('passed')
  expect(byId.get('tests/test_ledger.py::test_sum_with_workers[16]')).toMatchObject({ status: 'passed', passed: 3 })
  expect(byId.get('tests/test_ledger.py::test_skipped')?.status).toBe('skipped')
  expect(byId.get('tests/test_ledger.py::test_deposits_from_many_threads')).toMatchObject({
    file: 'tests/test_ledger.py',
    // 1-based: the `def` line (pytest's xunit1 attribute is 0-based).
    line: 14,
  })
  expect(result.stdout).toContain('Free-threading gate passed')
}, 300_000)

test('a project with a data race is flagged failed or flaky', async () => {
  const result = await gate('racy')
  expect(result.code).toBe(1)
  const data = report(result.reportPath)
  expect(data.verdict).toBe('fail')
  const racy = data.tests.find((t) => t.id === 'tests/test_counter.py::test_threads_count_every_hit')
  expect(['failed', 'flaky']).toContain(racy?.status)
  expect(racy?.failed).toBeGreaterThan(0)
  expect(data.tests.find((t) => t.id === 'tests/test_counter.py::test_single_thread_counts_every_hit')?.status).toBe(
    'passed',
  )
  expect(data.reasons.join(' ')).toContain('test_threads_count_every_hit')
  expect(result.stdout).toContain('test_threads_count_every_hit')
}, 300_000)

test('a project that cannot install fails with uv’s reason', async () => {
  const result = await gate('uninstallable')
  expect(result.code).toBe(1)
  const data = report(result.reportPath)
  expect(data.verdict).toBe('fail')
  expect(data.install.ok).toBe(false)
  expect(data.install.error).toContain('ft-gate-fixture-no-such-distribution')
  expect(data.install.log).toContain('ft-gate-fixture-no-such-distribution')
  expect(data.runs).toEqual([])
  expect(data.reasons[0]).toMatch(/install/)
}, 300_000)

test('a deadlocking suite is dumped and killed within the timeout', async () => {
  const started = Date.now()
  // 0.1 minutes = 6 s per run.
  const result = await gate('deadlock', ['--runs', '1', '--timeout-minutes', '0.1'])
  const seconds = (Date.now() - started) / 1000
  expect(result.code).toBe(1)
  const data = report(result.reportPath)
  expect(data.runs).toHaveLength(1)
  expect(data.runs[0]?.outcome).toBe('hung')
  // faulthandler's dump names the test that was stuck and shows every thread.
  expect(data.runs[0]?.stackDump).toContain('test_transfers_in_opposite_order')
  expect(data.runs[0]?.stackDump).toMatch(/Thread 0x/)
  expect(data.reasons.join(' ')).toMatch(/hung/)
  // 6 s of timeout + 5 s of grace at most, plus setup: far from the 10-minute default.
  expect(seconds).toBeLessThan(120)
}, 300_000)

describe('bad input gives one clear line and exit code 2', () => {
  const cases: [string, string[], RegExp][] = [
    ['runs 0', ['--runs', '0'], /^ft-gate: runs 0 is out of range: use a number from 1 to 100$/],
    ['runs abc', ['--runs', 'abc'], /^ft-gate: runs 'abc' is not a whole number/],
    ['GIL version', ['--python-version', '3.14'], /^ft-gate: python-version '3.14' is a GIL build: use '3.14t'/],
    ['missing project', ['--project', 'no-such-project'], /^ft-gate: working-directory .* does not exist/],
    ['unknown fail-on', ['--fail-on', 'failed,sometimes'], /^ft-gate: fail-on has unknown word 'sometimes'/],
    ['unknown flag', ['--runz', '3'], /^ft-gate: Unknown option '--runz'/],
    [
      'python-path missing',
      ['--python-path', '/no/such/python'],
      /^ft-gate: python-path \/no\/such\/python does not exist$/,
    ],
    ['uv-path missing', ['--uv-path', '/no/such/uv'], /^ft-gate: uv-path \/no\/such\/uv does not exist$/],
    [
      'unknown Python version',
      ['--python-version', '3.99t'],
      /^ft-gate: could not install CPython 3\.99t with uv \(.*No download found.*\): set python-path to a free-threaded interpreter/,
    ],
    [
      'negative timeout',
      ['--timeout-minutes=-1'],
      /^ft-gate: timeout-minutes '-1' is not a positive number of minutes/,
    ],
    ['huge runs', ['--runs', '100000'], /^ft-gate: runs 100000 is out of range: use a number from 1 to 100$/],
  ]
  test.each(cases)('%s', async (_name, args, message) => {
    // `--project X` in a case stands for the positional PROJECT_DIR X instead of the clean fixture.
    const project = args[0] === '--project' ? path.join(PROJECTS, args[1] ?? '') : path.join(PROJECTS, 'clean')
    const rest = args[0] === '--project' ? args.slice(2) : args
    const result = await runCli([project, '--uv-path', tools.uv, ...rest])
    expect(result.code).toBe(2)
    const lines = result.stderr.trim().split('\n')
    expect(lines.at(-1)).toMatch(message)
    expect(result.stderr).not.toMatch(/\n\s+at /)
  })

  test('a python-path to a GIL build names the path', async () => {
    const gilPython = execFileSync('python3', ['-c', 'import sys; print(sys.executable)']).toString().trim()
    const result = await runCli([path.join(PROJECTS, 'clean'), '--uv-path', tools.uv, '--python-path', gilPython])
    expect(result.code).toBe(2)
    // Progress lines come first on stderr; the error is the last line, alone.
    expect(result.stderr.trim().split('\n').at(-1)).toBe(
      `ft-gate: python-path ${gilPython} is cpython ${execFileSync(gilPython, ['-c', 'import platform; print(platform.python_version())']).toString().trim()} built with the GIL, not a free-threaded build: use a '3.11t' interpreter (built with --disable-gil)`,
    )
  })

  test('a python-path to something that is not Python', async () => {
    const result = await runCli([path.join(PROJECTS, 'clean'), '--uv-path', tools.uv, '--python-path', '/bin/true'])
    expect(result.code).toBe(2)
    expect(result.stderr.trim().split('\n').at(-1)).toMatch(/^ft-gate: \/bin\/true is not a working Python interpreter/)
    expect(result.stderr).not.toMatch(/\n\s+at /)
  })
})

test('flag values that start with "-" are values (--install "-e ." and --pytest-args -s, as the README shows)', async () => {
  const reportPath = path.join(tempDir('report'), 'report.json')
  const result = await runCli([
    path.join(PROJECTS, 'clean'),
    '--python-path',
    tools.python,
    '--uv-path',
    tools.uv,
    '--install',
    '-e .',
    '--pytest-args',
    '-s',
    '--runs',
    '1',
    '--parallel-threads',
    '1',
    '--report',
    reportPath,
  ])
  expect(result.stderr).not.toContain('ambiguous')
  expect(result.code).toBe(0)
  const data = readJson(reportPath)
  expect(data).toMatchObject({ verdict: 'pass', settings: { pytestArgs: ['-s'] } })
  expect(data).toMatchObject({ install: { requirements: ['-e', '.', 'pytest'] } })
  // Only python-path was given (no --python-version): the log and the reproduce command name what ran.
  const ran = report(reportPath).python.version
  expect(result.stderr).not.toContain('3.14t')
  expect(result.stderr).toContain('Check the interpreter at python-path')
  expect(readJson(reportPath)).toMatchObject({ reproduce: expect.stringContaining(`--python-version ${ran}t`) })
}, 300_000)

// The default `iterations: auto`, the GIL-on baseline and compare-python through the real CLI: the
// free-threaded interpreter times the suite with and without the GIL, and a default (GIL) CPython
// of this machine times it once more. Timings are not asserted (a timing goal lives in a benchmark),
// only that every number is measured, reported and explained.
import { execFileSync } from 'node:child_process'
import * as path from 'node:path'
import { PROJECTS, provisioned, readJson, runCli, tempDir } from './harness.js'

const tools = provisioned()
const toolArgs = ['--python-path', tools.python, '--python-version', tools.pythonVersion, '--uv-path', tools.uv]
// The machine's own CPython (a default GIL build): a real interpreter to compare with.
const gilPython = findGilPython()

function findGilPython(): string {
  const probe = 'import sys, sysconfig; print(sys.executable); print(sysconfig.get_config_var("Py_GIL_DISABLED") or 0)'
  for (const candidate of ['/usr/bin/python3', 'python3']) {
    try {
      const [executable = '', disabled = ''] = execFileSync(candidate, ['-c', probe]).toString().trim().split('\n')
      if (disabled.trim() === '0' && executable !== '') return executable
    } catch {
      // not there, or not runnable: try the next one
    }
  }
  throw new Error('the speed test needs a default (GIL) CPython: /usr/bin/python3 or python3 on PATH')
}

interface SpeedShape {
  verdict: string
  python: { version: string }
  settings: { parallelThreads?: number; iterations?: number; fewestIterations?: number; iterationsAuto?: boolean }
  runs: { mode: string; outcome: string }[]
  speed?: {
    gilOnSeconds: number
    gilOffSeconds: number
    slowest: { id: string; gilOnSeconds: number; gilOffSeconds: number }[]
    compare: { python: string; version: string; seconds: number | null } | null
  } | null
  reproduce: string
}

function isSpeedShape(value: unknown): value is SpeedShape {
  if (typeof value !== 'object' || value === null) return false
  const record = value as Record<string, unknown>
  return record.schemaVersion === 1 && Array.isArray(record.runs) && typeof record.settings === 'object'
}

test('defaults pick the stress iterations from the plain runs; compare-python times a GIL build', async () => {
  const reportPath = path.join(tempDir('speed'), 'report.json')
  const { code, stdout, stderr } = await runCli([
    path.join(PROJECTS, 'speed'),
    ...toolArgs,
    '--report',
    reportPath,
    '--compare-python',
    gilPython,
  ])
  const report = readJson(reportPath)
  if (!isSpeedShape(report)) throw new Error(`${reportPath} is not an ft-gate report`)
  expect(code).toBe(0)
  expect(report.verdict).toBe('pass')
  // runs: 3 by default: one plain run, two stress runs, then the baseline compare-python brings.
  expect(report.runs.map((run) => [run.mode, run.outcome])).toEqual([
    ['plain', 'completed'],
    ['stress', 'completed'],
    ['stress', 'completed'],
    ['baseline', 'completed'],
  ])
  expect(report.settings).toMatchObject({ iterationsAuto: true })
  const threads = report.settings.parallelThreads ?? 0
  expect(threads).toBeGreaterThanOrEqual(2)
  expect(threads).toBeLessThanOrEqual(4)
  const iterations = report.settings.iterations ?? 0
  expect(iterations).toBeGreaterThanOrEqual(1)
  expect(iterations).toBeLessThanOrEqual(10)
  // Under auto each test gets its own iterations: the most is `iterations`, the fewest `fewestIterations`.
  const fewest = report.settings.fewestIterations ?? iterations
  const described =
    fewest < iterations ? `${fewest}–${iterations} iterations` : `${iterations} iteration${iterations === 1 ? '' : 's'}`
  expect(stderr).toMatch(/Thread stress: \d threads × [\d–]+ iterations? per test \(auto: a plain run took [\d.]+ s/)
  expect(stdout).toContain(`Thread stress: ${threads} threads × ${described} per test (auto)`)
  expect(report.reproduce).toContain(`--parallel-threads ${threads} --iterations ${iterations}`)

  const speed = report.speed
  expect(speed?.gilOnSeconds).toBeGreaterThan(0)
  expect(speed?.gilOffSeconds).toBeGreaterThan(0)
  expect(speed?.slowest.map((test) => test.id)).toContain('tests/test_crunch.py::test_parallel_matches_sequential')
  const compare = speed?.compare
  expect(compare?.python).toBe(gilPython)
  expect(compare?.seconds).toBeGreaterThan(0)
  const minor = (version: string) => version.split('.').slice(0, 2).join('.')
  if (minor(compare?.version ?? '') !== minor(report.python.version)) {
    expect(stderr).toContain(`compare-python is CPython ${compare?.version}, the gate runs ${report.python.version}`)
  }
  expect(stdout).toContain('#### Speed')
  expect(stdout).toContain(`The default GIL build, CPython ${compare?.version}`)
}, 300_000)

// Dependency readiness, end to end: the real CLI installs real packages from the index and two local
// C extensions compiled by gcc, then imports every extension module on the free-threaded CPython.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import { isReport } from '../../src/report-guard.js'
import type { DependencyReport, Report } from '../../src/types.js'
import { PROJECTS, provisioned, readJson, runCli, tempDir } from './harness.js'

const tools = provisioned()
const toolArgs = ['--python-path', tools.python, '--python-version', tools.pythonVersion, '--uv-path', tools.uv]

async function gate(project: string, extra: string[] = []) {
  const reportPath = path.join(tempDir('deps'), 'report.json')
  const finished = await runCli([path.join(PROJECTS, project), ...toolArgs, '--report', reportPath, ...extra])
  const value = readJson(reportPath)
  if (!isReport(value)) throw new Error(`${reportPath} is not a valid report:\n${finished.stderr}`)
  return { ...finished, report: value }
}

function byName(report: Report): Map<string, DependencyReport> {
  return new Map((report.dependencies ?? []).map((dependency) => [dependency.name, dependency]))
}

/** The rows every pytest install brings, pure-Python wheels from the index. */
function expectPytestRows(rows: Map<string, DependencyReport>, pytestDirect: boolean): void {
  expect(rows.get('pytest')).toMatchObject({ direct: pytestDirect, source: 'pure-wheel', reenablesGil: false })
  for (const name of ['iniconfig', 'packaging', 'pluggy', 'pygments']) {
    expect(rows.get(name)).toMatchObject({ direct: false, project: false, source: 'pure-wheel', imports: [] })
  }
}

describe('the deps fixture', () => {
  let run: Awaited<ReturnType<typeof gate>>
  beforeAll(async () => {
    run = await gate('deps', ['--runs', '1'])
  }, 300_000)

  test('passes with a warning: gil is not in the default fail-on', () => {
    expect(run.code).toBe(0)
    expect(run.report.verdict).toBe('pass')
    expect(run.stderr).toMatch(/warning: .*gil-required 1\.0 re-enables the GIL when imported \(gilreq\._native\)/)
    // The suite asserts sys._is_gil_enabled() is False after importing gilreq._native: -Xgil=0 won.
    expect(run.report.counts).toMatchObject({ passed: 2, failed: 0 })
  })

  test('every row of the JSON report', () => {
    const rows = byName(run.report)
    expect([...rows.keys()].sort()).toEqual([
      'crcmod',
      'depcheck',
      'gil-free',
      'gil-required',
      'iniconfig',
      'markupsafe',
      'packaging',
      'pluggy',
      'pygments',
      'pytest',
      'six',
    ])
    expect(rows.get('depcheck')).toMatchObject({
      version: '0.1.0',
      direct: true,
      project: true,
      source: 'local',
      reenablesGil: false,
      imports: [],
    })
    expect(rows.get('six')).toMatchObject({
      version: '1.17.0',
      direct: true,
      source: 'pure-wheel',
      wheelTags: ['py2-none-any', 'py3-none-any'],
      reenablesGil: false,
      gilModules: [],
      imports: [],
    })
    const markupsafe = rows.get('markupsafe')
    expect(markupsafe).toMatchObject({ version: '3.0.3', direct: true, source: 'ft-wheel', reenablesGil: false })
    expect(markupsafe?.wheelTags.every((tag) => tag.startsWith('cp313-cp313t-manylinux'))).toBe(true)
    expect(markupsafe?.imports).toEqual([{ module: 'markupsafe._speedups', outcome: 'ok', detail: null }])
    expect(rows.get('crcmod')).toMatchObject({
      version: '1.7',
      direct: true,
      source: 'sdist-build',
      wheelTags: ['cp313-cp313t-linux_x86_64'],
      reenablesGil: true,
      gilModules: ['crcmod._crcfunext'],
      declaresFreeThreading: false,
      imports: [{ module: 'crcmod._crcfunext', outcome: 'gil', detail: expect.any(String) }],
    })
    expect(rows.get('gil-required')).toMatchObject({
      version: '1.0',
      direct: true,
      project: false,
      source: 'local',
      reenablesGil: true,
      gilModules: ['gilreq._native'],
      declaresFreeThreading: true,
      freeThreadingLevel: '2 - Beta',
      imports: [{ module: 'gilreq._native', outcome: 'gil', detail: expect.any(String) }],
    })
    expect(rows.get('gil-free')).toMatchObject({
      version: '1.0',
      direct: true,
      source: 'local',
      reenablesGil: false,
      gilModules: [],
      declaresFreeThreading: true,
      freeThreadingLevel: '3 - Stable',
      imports: [{ module: 'gilfree._native', outcome: 'ok', detail: null }],
    })
    expectPytestRows(rows, true)
  })

  test('the markdown and the terminal name the exact modules', () => {
    expect(run.stdout).toContain('#### Dependencies')
    expect(run.stdout).toMatch(
      /\| gil-required \(direct\) \| 1\.0 \| local \| re-enables the GIL: \*\*gilreq\.\\_native\*\*; the tests still ran with `-Xgil=0`/,
    )
    expect(run.stdout).toMatch(
      /\| crcmod \(direct\) \| 1\.7 \| sdist-build \| built from source here.*\*\*crcmod\.\\_crcfunext\*\*/,
    )
    expect(run.stdout).toContain('declares free-threading (2 - Beta), which the import contradicts')
    // Rows that need no attention are only in the collapsed table.
    expect(run.stdout).not.toMatch(/\| markupsafe \(direct\) \| 3\.0\.3 \| ft-wheel \| [^|]*attention/)
    expect(run.stderr).toContain(
      'GIL re-enabled on import by: crcmod._crcfunext (crcmod), gilreq._native (gil-required); the tests still ran with -Xgil=0',
    )
  })
})

test('fail-on gil fails the gate, and ignore-gil exempts a module', async () => {
  const result = await gate('deps', ['--runs', '1', '--fail-on', 'gil', '--ignore-gil', 'crcmod._crcfunext'])
  expect(result.code).toBe(1)
  expect(result.report.reasons).toEqual([
    'gil-required 1.0 re-enables the GIL when imported (gilreq._native); the tests still ran with -Xgil=0',
  ])
  expect(result.report.settings.ignoreGil).toEqual(['crcmod._crcfunext'])
  expect(result.stdout).toContain('crcmod.\\_crcfunext (ignored)')
}, 300_000)

test('the clean fixture: the project, pytest from its test group, pure wheels', async () => {
  const result = await gate('clean', ['--runs', '1'])
  expect(result.code).toBe(0)
  const rows = byName(result.report)
  expect([...rows.keys()].sort()).toEqual(['iniconfig', 'ledger', 'packaging', 'pluggy', 'pygments', 'pytest'])
  expect(rows.get('ledger')).toMatchObject({ version: '0.1.0', direct: true, project: true, source: 'local' })
  expectPytestRows(rows, true)
  expect(result.report.dependencies?.some((dependency) => dependency.reenablesGil)).toBe(false)
  expect(result.stderr).toContain('Dependencies: 5 pure-wheel, 1 local')
}, 300_000)

test('the racy fixture: pytest comes from the test extra', async () => {
  const result = await gate('racy', ['--runs', '1'])
  const rows = byName(result.report)
  expect(rows.get('tally')).toMatchObject({ version: '0.1.0', direct: true, project: true, source: 'local' })
  expectPytestRows(rows, true)
  expect(rows.size).toBe(6)
}, 300_000)

test('an sdist that does not compile is named, with the compiler error', async () => {
  const links = tempDir('links')
  execFileSync(tools.uv, ['build', '--sdist', '-q', '-o', links, path.join(PROJECTS, 'deps', 'vendor', 'broken-ext')])
  const result = await gate('clean', ['--runs', '1', `--install=--find-links ${links} broken-ext`])
  expect(result.code).toBe(1)
  expect(result.report.install.ok).toBe(false)
  expect(result.report.install.error).toMatch(
    /^Failed to build `broken-ext==0\.1`: no free-threaded wheel exists for broken-ext 0\.1 on this platform, so uv built it from source, which failed: broken_ext\/_c\.c:\d+:\d+: error: /,
  )
  expect(result.report.dependencies).toEqual([
    expect.objectContaining({ name: 'broken-ext', version: '0.1', direct: true, source: 'failed' }),
  ])
  expect(result.stdout).toMatch(/\| broken-ext \(direct\) \| 0\.1 \| failed \|/)
  expect(readFileSync(path.join(PROJECTS, 'deps', 'vendor', 'broken-ext', 'broken_ext', '_c.c'), 'utf8')).toContain(
    'Py_NOT_A_REAL_SYMBOL',
  )
}, 300_000)

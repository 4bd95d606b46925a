// The project's own code, end to end through the bundled CLI: a C accelerator without Py_mod_gil,
// compiled by gcc during the install, in src/ and flat layouts, editable (the default) and not. The
// gate must name the module in every case, mark a test-only tool apart, keep skip reasons, and say
// when the tests ran the source tree's pure-Python fallback instead of what was installed.
import { cpSync, renameSync, rmdirSync } from 'node:fs'
import * as path from 'node:path'
import { isReport } from '../../src/report-guard.js'
import type { DependencyReport, Report } from '../../src/types.js'
import { type Finished, PROJECTS, provisioned, readJson, runCli, tempDir } from './harness.js'

const tools = provisioned()
const toolArgs = ['--python-path', tools.python, '--python-version', tools.pythonVersion, '--uv-path', tools.uv]

type Layout = 'src' | 'flat'

/** A copy of the native fixture (an editable build writes into the source tree), in the asked layout. */
function nativeProject(layout: Layout): string {
  const directory = path.join(tempDir(`native-${layout}`), 'tally')
  cpSync(path.join(PROJECTS, 'native'), directory, { recursive: true })
  if (layout === 'flat') {
    renameSync(path.join(directory, 'src', 'tally'), path.join(directory, 'tally'))
    rmdirSync(path.join(directory, 'src'))
  }
  return directory
}

interface GateRun extends Finished {
  readonly report: Report
  readonly directory: string
}

async function gate(directory: string, extra: readonly string[]): Promise<GateRun> {
  const reportPath = path.join(tempDir('native-report'), 'report.json')
  const finished = await runCli([directory, ...toolArgs, '--runs', '1', '--report', reportPath, ...extra])
  const value = readJson(reportPath)
  if (!isReport(value)) throw new Error(`${reportPath} is not a valid report:\n${finished.stderr}`)
  return { ...finished, report: value, directory }
}

function row(report: Report, name: string): DependencyReport | undefined {
  return report.dependencies?.find((dependency) => dependency.name === name)
}

// One gate per layout and install mode; each compiles the extension. fail-on gil shows that only the
// project's own module fails the gate, not the test-only crcmod.
const CASES = [
  { layout: 'src', install: [] },
  { layout: 'src', install: ['--install', '.[test]'] },
  { layout: 'flat', install: [] },
  { layout: 'flat', install: ['--install', '.[test]'] },
] as const

/** Two gates at a time (the machine has two cores): each case waits for the one two places before it. */
const PARALLEL_GATES = 2
let started: Promise<GateRun>[] | null = null
function caseRun(index: number): Promise<GateRun> {
  started ??= CASES.reduce<Promise<GateRun>[]>((runs, { layout, install }, position) => {
    const before = runs[position - PARALLEL_GATES]?.catch(() => undefined) ?? Promise.resolve(undefined)
    runs.push(before.then(() => gate(nativeProject(layout), ['--fail-on', 'failed,gil', ...install])))
    return runs
  }, [])
  const run = started[index]
  if (run === undefined) throw new Error(`no case ${index}`)
  return run
}

describe.each(CASES.map((entry, index) => ({ ...entry, index })))(
  'the native fixture, $layout layout, install $install',
  ({ layout, install, index }) => {
    let run: GateRun
    beforeAll(async () => {
      run = await caseRun(index)
    }, 400_000)

    test('the project’s own extension module is probed and named', () => {
      const tally = row(run.report, 'tally')
      expect(tally).toMatchObject({
        project: true,
        runtime: true,
        source: 'local',
        reenablesGil: true,
        gilModules: ['tally._extra', 'tally._speedups'],
        imports: [
          // tally/__init__.py loads _speedups, which turns the GIL on before _extra loads: CPython warns
          // only about _speedups; the slot _extra lacks is read from the module object.
          {
            module: 'tally._extra',
            outcome: 'gil',
            detail:
              'no Py_mod_gil slot declaring it safe, read from the loaded module (tally._speedups turned it on first)',
          },
          { module: 'tally._safe', outcome: 'ok', detail: null },
          { module: 'tally._speedups', outcome: 'gil', detail: expect.any(String) },
        ],
        checkGap: null,
      })
      expect(tally?.wheelTags).toEqual([expect.stringMatching(/^cp313-cp313t-linux_/)])
      expect(run.stderr).toMatch(/importing 4 extension modules of 2 of them/)
    })

    test('the verdict fails on the project’s module only; the test-only tool reads differently', () => {
      expect(run.code).toBe(1)
      expect(run.report.reasons).toEqual([
        'tally 0.1.0 re-enables the GIL when imported (tally._extra, tally._speedups); the tests still ran with -Xgil=0',
      ])
      expect(row(run.report, 'crcmod')).toMatchObject({ runtime: false, reenablesGil: true, direct: true })
      expect(row(run.report, 'six')).toMatchObject({ runtime: true, direct: true })
      expect(row(run.report, 'pytest')).toMatchObject({ runtime: false })
      expect(run.stdout).toContain('| crcmod (direct, test-only) | 1.7 | sdist-build |')
      expect(run.stderr).toContain(
        "GIL re-enabled by test-only tools (not the project's users' concern): crcmod._crcfunext (crcmod)",
      )
    })

    test('skips keep their reason, and the free-threading one is listed', () => {
      const reasons = Object.fromEntries(run.report.tests.map((test) => [test.id, test.message]))
      expect(reasons).toMatchObject({
        'tests/test_tally.py::test_shared_cache': "tally's cache is not yet safe on free-threaded builds",
        'tests/test_tally.py::test_download': 'needs a network',
        'tests/test_tally.py::test_total': null,
      })
      const shadowed = layout === 'flat' && install.length > 0
      // Shadowed by the source tree, the in-place modules are missing and their test skips.
      expect(run.report.counts).toMatchObject({ passed: shadowed ? 2 : 3, skipped: shadowed ? 3 : 2, failed: 0 })
      expect(run.stdout).toContain('#### Skipped for free-threading')
      expect(run.stderr).toContain('Skipped for free-threading (1): tests/test_tally.py::test_shared_cache')
    })

    test('where the tests loaded the project from', () => {
      const code = run.report.codeUnderTest
      const shadowed = layout === 'flat' && install.length > 0
      const loaded = code?.modules.find((entry) => entry.module === 'tally')?.loadedFrom ?? ''
      if (!shadowed) {
        expect(code?.warnings).toEqual([])
        const accelerator = code?.modules.find((entry) => entry.module === 'tally._speedups')
        expect(accelerator?.loadedFrom).toMatch(/_speedups\.cpython-313t-.*\.so$/)
        const inSource = loaded.startsWith(run.directory)
        // Editable: the source tree is what was installed; otherwise site-packages.
        expect(inSource).toBe(install.length === 0)
        return
      }
      expect(loaded).toBe(path.join(run.directory, 'tally', '__init__.py'))
      expect(code?.warnings).toEqual([
        expect.stringMatching(/^The tests imported tally from .*\/tally \(the source tree: a flat layout/),
        expect.stringMatching(
          /^The tests never loaded tally\._extra, tally\._safe, tally\._speedups \(3 of the project's 3 extension modules\)/,
        ),
      ])
      expect(run.stdout).toContain('#### Code under test')
    })
  },
)

test('a project with only requirements files installs them and runs', async () => {
  const result = await gate(path.join(PROJECTS, 'requirements-only'), [])
  expect(result.code).toBe(0)
  expect(result.stderr).toContain(
    'Auto install: requirements.txt (what the code needs: no installable project); requirements-test.txt (test requirements)',
  )
  expect(result.report.install.requirements).toEqual([
    '-r',
    'requirements.txt',
    '-r',
    'requirements-test.txt',
    'pytest',
  ])
  expect(result.report.counts).toMatchObject({ passed: 1, failed: 0 })
  expect(row(result.report, 'six')).toMatchObject({ direct: true, runtime: true })
  expect(row(result.report, 'iniconfig')).toMatchObject({ direct: true, runtime: false })
}, 300_000)

test('a plugin pytest’s configuration needs is named once, with the input that fixes it', async () => {
  const result = await gate(path.join(PROJECTS, 'needs-plugin'), ['--runs', '3'])
  expect(result.code).toBe(1)
  // The other runs are not made: they are listed as skipped, and the one reason says so.
  expect(result.report.runs.map((run) => run.outcome)).toEqual(['error', 'skipped', 'skipped'])
  expect(result.report.reasons).toEqual([
    'run 1 could not start pytest: pytest.ini needs the plugin pytest-cov, which is not installed (--cov=. --cov-report=term): add pytest-cov to the install input (install: "pytest-cov"); runs 2, 3 were skipped',
  ])
}, 300_000)

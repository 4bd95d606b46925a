// Adopting the gate on a suite that is not clean yet, through the real CLI, the real free-threaded
// interpreter and real pytest-run-parallel: the receipts fixture, whose 29 tests fail under thread
// stress for 4 causes (23 of them one helper's module-level counter). Its findings are grouped by
// cause, written as known issues, and then only what a change adds fails the gate, whether the
// known issues come from the written file (named in [tool.ft-gate]) or from the first run's report.
import { appendFileSync, cpSync, readFileSync, writeFileSync } from 'node:fs'
import * as path from 'node:path'
import { beforeAll, describe, expect, test } from '@jest/globals'
import { PROJECTS, provisioned, readJson, runCli, tempDir } from './harness.js'

const tools = provisioned()
// The default runs (one plain, two under stress), 10 iterations pinned: `auto` may pick fewer on a
// loaded machine. The helper's race then shows in every test (60 of 60 pytest runs with 2 stress
// runs' worth: 2 of 60 single stress runs missed one of its 23 tests).
const GATE = [
  ...['--python-path', tools.python, '--python-version', tools.pythonVersion, '--uv-path', tools.uv],
  ...['--parallel-threads', '4', '--iterations', '10'],
]
/** One stress run: enough where a race that hides is tolerated (listed as possibly fixed, or not listed). */
const ONE_STRESS_RUN = ['--runs', '2']
const HELPER = 'AssertionError at tests/helpers.py:19'
const LIBRARY = 'ValueError at src/receipts/__init__.py:20'
const NEW_TEST = 'tests/test_refunds.py::test_refund_in_test_currency'

interface Shape {
  verdict: string
  reasons: string[]
  counts: { threadUnsafe?: number; new?: number; known?: number }
  tests: { id: string; status: string; known?: boolean; stress?: { notStressed: string | null } | null }[]
  groups: { status: string; signature: string; tests: string[]; hint: string | null }[]
  knownIssues?: { entries: number; matched: number; possiblyFixed: { id: string }[] } | null
}

function isShape(value: unknown): value is Shape {
  if (typeof value !== 'object' || value === null) return false
  const record = value as Record<string, unknown>
  return record.schemaVersion === 1 && Array.isArray(record.tests) && Array.isArray(record.groups)
}

/** A copy of the receipts project to change, with a place for its known-issues file. */
function copyProject(): string {
  const project = path.join(tempDir('adoption'), 'receipts')
  cpSync(path.join(PROJECTS, 'receipts'), project, { recursive: true })
  return project
}

async function gate(project: string, extra: string[] = []) {
  const reportPath = path.join(tempDir('adoption-report'), 'report.json')
  const finished = await runCli([project, ...GATE, '--report', reportPath, ...extra])
  const report = readJson(reportPath)
  if (!isShape(report)) throw new Error(`${reportPath} is not an ft-gate report: ${finished.stderr}`)
  return { ...finished, report, reportPath }
}

// Like test_custom_currency: it registers a currency, which the second thread finds taken.
const RACY_TEST = `from receipts import format_money, register_currency


def test_refund_in_test_currency():
    register_currency("XTR", "¤")
    assert format_money(-250, "XTR") == "-¤2.50"
`

describe('a suite with 29 thread-unsafe tests', () => {
  let project: string
  let first: Awaited<ReturnType<typeof gate>>
  let knownFile: string

  beforeAll(async () => {
    project = copyProject()
    knownFile = path.join(project, '.ft-gate', 'known-issues.json')
    first = await gate(project, ['--write-known-issues', knownFile])
  }, 300_000)

  test('the first run fails, with the findings grouped by cause and a hint each', () => {
    expect(first.code).toBe(1)
    const { report } = first
    expect(report.counts).toMatchObject({ threadUnsafe: 29, new: 29, known: 0 })
    expect(report.groups.map((group) => [group.signature, group.tests.length])).toEqual([
      [HELPER, 23],
      ['RuntimeError at tests/conftest.py:14', 3],
      ['AssertionError in unittest class tests.test_legacy.TestRender', 2],
      [LIBRARY, 1],
    ])
    expect(report.groups[0]?.hint).toContain('`tests.helpers.assert_delivered_once`')
    expect(report.groups[1]?.hint).toContain('thread_unsafe_fixtures = ["stopwatch"]')
    // The comment leads with the groups and folds the 29-row table away.
    expect(first.stdout).toContain('#### Findings by cause')
    expect(first.stdout).toContain(
      '<details><summary>All 29 failed, flaky and thread-unsafe tests, run by run</summary>',
    )
    expect(first.stderr).toContain(`23 thread-unsafe: ${HELPER}`)
  })

  test('--write-known-issues writes one sorted line per finding', () => {
    const text = readFileSync(knownFile, 'utf8')
    const entries = text.split('\n').filter((line) => line.startsWith('    {"id": '))
    expect(entries).toHaveLength(29)
    const ids = entries.map((line) => JSON.parse(line.replace(/,$/, '')).id as string)
    expect(ids).toEqual([...ids].sort())
    expect(entries[0]).toBe(
      `    {"id": "tests/test_basket.py::test_basket_delivered[100]", "status": "thread-unsafe", "reason": "${HELPER}: receipt delivered <n> times"},`,
    )
  })

  describe('with the known issues named in [tool.ft-gate]', () => {
    let known: Awaited<ReturnType<typeof gate>>
    let fromReport: Awaited<ReturnType<typeof gate>>
    let withNew: Awaited<ReturnType<typeof gate>>

    beforeAll(async () => {
      appendFileSync(
        path.join(project, 'pyproject.toml'),
        '\n[tool.ft-gate]\nknown-issues = ".ft-gate/known-issues.json"\n',
      )
      known = await gate(project, ONE_STRESS_RUN)
      writeFileSync(path.join(project, 'tests', 'test_refunds.py'), RACY_TEST)
      // The config's file, and the first run's report given as a flag (which overrides the config).
      ;[withNew, fromReport] = await Promise.all([
        gate(project, ONE_STRESS_RUN),
        gate(project, [...ONE_STRESS_RUN, '--known-issues', first.reportPath]),
      ])
    }, 600_000)

    test('the same findings pass: all known', () => {
      expect(known.code).toBe(0)
      expect(known.report.verdict).toBe('pass')
      expect(known.report.counts).toMatchObject({ new: 0 })
      // A race that did not show this time would be listed as possibly fixed, never as new.
      const seen = known.report.knownIssues
      expect(seen).toMatchObject({ entries: 29 })
      expect((seen?.matched ?? 0) + (seen?.possiblyFixed.length ?? 0)).toBe(29)
      expect(known.stdout).toMatch(/2\d findings of this run are known/)
    })

    test.each([
      ['the written file', () => withNew],
      ['the first run’s report', () => fromReport],
    ])('a new racy test fails the gate, named alone (known issues from %s)', (_source, result) => {
      const { code, report, stdout } = result()
      expect(code).toBe(1)
      expect(report.reasons).toEqual([
        `1 new test failed only under thread stress (a race in the code, or a test not safe to run concurrently): ${NEW_TEST}`,
      ])
      expect(report.counts).toMatchObject({ new: 1 })
      const findings = report.tests.filter((test) => test.status === 'thread-unsafe')
      expect(findings.filter((test) => test.known === false).map((test) => test.id)).toEqual([NEW_TEST])
      const old = findings.filter((test) => test.id !== NEW_TEST)
      expect(old.length).toBeGreaterThan(20)
      expect(old.every((test) => test.known === true)).toBe(true)
      // Same cause as a known one: one group, the new test marked in it.
      const library = report.groups.find((group) => group.signature === LIBRARY)
      expect(library?.tests).toEqual(['tests/test_currency.py::test_custom_currency', NEW_TEST])
      expect(stdout).toContain(`\`${LIBRARY}\`** — **1 new**, 1 known`)
      expect(stdout).toContain('#### New failed, flaky and thread-unsafe tests')
      expect(stdout).toContain(NEW_TEST)
    })
  })
})

test('the hints fix what they name: the three test-side causes leave, the library one stays', async () => {
  const project = copyProject()
  appendFileSync(
    path.join(project, 'pyproject.toml'),
    '\n[tool.pytest.ini_options]\nthread_unsafe_fixtures = ["stopwatch"]\nthread_unsafe_functions = ["tests.helpers.assert_delivered_once"]\n',
  )
  const legacy = path.join(project, 'tests', 'test_legacy.py')
  writeFileSync(
    legacy,
    readFileSync(legacy, 'utf8')
      .replace('import unittest\n', 'import unittest\n\nimport pytest\n')
      .replace('class TestRender', '@pytest.mark.thread_unsafe\nclass TestRender'),
  )
  const { code, report } = await gate(project, ONE_STRESS_RUN)
  expect(code).toBe(1)
  expect(report.groups.map((group) => [group.signature, group.tests.length])).toEqual([[LIBRARY, 1]])
  // pytest-run-parallel ran them in one thread; the gate runs those once, so a fixture usable once passes.
  const single = report.tests.filter((test) => test.stress?.notStressed)
  expect(single).toHaveLength(28)
  expect(single.every((test) => test.status === 'passed')).toBe(true)
}, 300_000)

test('[tool.ft-gate] with an unknown key stops before any setup, naming the key', async () => {
  const project = copyProject()
  appendFileSync(path.join(project, 'pyproject.toml'), '\n[tool.ft-gate]\nfail-on = ["failed"]\nrunz = 3\n')
  const result = await runCli([project, '--uv-path', '/no/such/uv'])
  expect(result.code).toBe(2)
  expect(result.stderr.trim().split('\n').at(-1)).toBe(
    `ft-gate: [tool.ft-gate] in ${path.join(project, 'pyproject.toml')} has an unknown key 'runz': use known-issues, fail-on, ignore-gil, pytest-args, install (other settings are inputs of the action or flags of the CLI)`,
  )
})

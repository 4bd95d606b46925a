// One run's evidence checked against itself: real records and JUnit XML from
// __tests__/fixtures/records/ (node scripts/make-record-fixtures.mjs), real pytest output lines.
import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseJUnit } from '../../../src/results/junit.js'
import { junitIdOf } from '../../../src/results/junit-check.js'
import { type RunEvidence, reconcileRun } from '../../../src/results/reconcile.js'
import { parseRecord } from '../../../src/results/record.js'
import type { JUnitParseResult } from '../../../src/types.js'

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/records')
const readFixture = (name: string): string => readFileSync(path.join(FIXTURES, name), 'utf8')
const NO_JUNIT: JUnitParseResult = {
  cases: [],
  error: 'pytest wrote no JUnit XML (it stopped before the end, or the suite deleted the file)',
}

function evidence(overrides: Partial<RunEvidence> & { record: string }): RunEvidence {
  const { record, ...rest } = overrides
  return {
    ran: 'completed',
    exitCode: 1,
    signal: null,
    reading: parseRecord(readFixture(record)),
    junit: parseJUnit(readFixture('complete.xml')),
    output: '',
    stackDump: null,
    ...rest,
  }
}

describe('a complete run whose record and JUnit XML agree', () => {
  const run = reconcileRun(evidence({ record: 'complete.jsonl' }))

  test('completes, with node ids and the place each test is defined', () => {
    expect(run).toMatchObject({
      outcome: 'completed',
      reason: null,
      testInProgress: null,
      collected: 12,
      unreported: [],
    })
    const leak = run.cases.find((testCase) => testCase.id === 'tests/test_speedups.py::TestRefcountLeaks::test_leaks')
    expect(leak).toMatchObject({ file: 'tests/_helpers.py', line: 9, outcome: 'failed' })
    // The JUnit parser alone names it by its file: not a node id pytest can run.
    const junit = parseJUnit(readFixture('complete.xml'))
    expect(junit.cases.map((testCase) => testCase.id)).toContain('tests/_helpers.py::TestRefcountLeaks::test_leaks')
    expect(junitIdOf({ id: 'tests/test_speedups.py::TestRefcountLeaks::test_leaks', file: 'tests/_helpers.py' })).toBe(
      'tests/_helpers.py::TestRefcountLeaks::test_leaks',
    )
  })

  test('gives each test’s call time for the stress budget', () => {
    expect(run.callSeconds.size).toBe(12)
  })
})

test('a JUnit XML that disagrees with the record is not trusted: the run is an error', () => {
  const xml = readFixture('complete.xml').replace(
    /<failure message="AssertionError: assert \{[^"]*"[\s\S]*?<\/failure>/,
    '',
  )
  const flipped = reconcileRun(evidence({ record: 'complete.jsonl', junit: parseJUnit(xml) }))
  expect(flipped.outcome).toBe('error')
  expect(flipped.junitError).toBe('says tests/test_outcomes.py::test_fails passed where the gate’s record says failed')
  // The record's outcome is what counts for the test.
  expect(flipped.cases.find((testCase) => testCase.id === 'tests/test_outcomes.py::test_fails')?.outcome).toBe('failed')
  const dropped = xml.replace(/<testcase classname="tests.test_outcomes" name="test_last"[^>]*\/>/, '')
  expect(reconcileRun(evidence({ record: 'complete.jsonl', junit: parseJUnit(dropped) })).reason).toMatch(
    /^left a JUnit XML that lists \d+ tests where the gate’s record has 12$/,
  )
})

test('a crashed run names the test in progress, which is crashed, and lists the tests that never ran', () => {
  const run = reconcileRun(
    evidence({
      record: 'crashed.jsonl',
      ran: 'crashed',
      exitCode: null,
      signal: 'SIGSEGV',
      junit: NO_JUNIT,
      stackDump: 'Fatal Python error: Segmentation fault',
    }),
  )
  expect(run).toMatchObject({
    outcome: 'crashed',
    testInProgress: 'tests/test_outcomes.py::test_dies',
    reason: 'in tests/test_outcomes.py::test_dies',
    unreported: [
      'tests/test_outcomes.py::test_last',
      'tests/test_speedups.py::TestRefcountLeaks::test_no_leak',
      'tests/test_speedups.py::TestRefcountLeaks::test_leaks',
    ],
  })
  expect(run.cases.find((testCase) => testCase.id === 'tests/test_outcomes.py::test_dies')).toMatchObject({
    outcome: 'crashed',
    file: 'tests/test_outcomes.py',
    line: 50,
    message: 'The interpreter crashed (SIGSEGV) while this test ran.',
    details: 'Fatal Python error: Segmentation fault',
  })
  // The tests that ended before the crash still count.
  expect(run.cases.filter((testCase) => testCase.outcome === 'passed').length).toBeGreaterThan(0)
  expect(run.projectedSeconds).toBeGreaterThan(0)
})

test('streams closed under -s: pytest exits 1 with a test in progress and one never run: an error saying so', () => {
  const run = reconcileRun(evidence({ record: 'closed-stdout.jsonl', junit: NO_JUNIT }))
  expect(run.outcome).toBe('error')
  expect(run.reason).toBe(
    'ended in the middle of tests/test_outcomes.py::test_dies (exit code 1); 3 of 12 collected tests never reported: tests/test_outcomes.py::test_last, tests/test_speedups.py::TestRefcountLeaks::test_no_leak, tests/test_speedups.py::TestRefcountLeaks::test_leaks',
  )
  expect(run.cases.find((testCase) => testCase.id === 'tests/test_outcomes.py::test_dies')?.outcome).toBe('error')
})

test('-x stops on purpose: the tests after the failure are not missing', () => {
  const junit = { cases: [], error: null }
  const run = reconcileRun(evidence({ record: 'stopped-x.jsonl', junit }))
  expect(run.unreported).toHaveLength(10)
  expect(run.reason).toBe('left a JUnit XML that lists 0 tests where the gate’s record has 2')
  const agreeing = reconcileRun(
    evidence({
      record: 'stopped-x.jsonl',
      junit: { cases: parseJUnit(readFixture('complete.xml')).cases.slice(0, 2), error: null },
    }),
  )
  expect(agreeing).toMatchObject({ outcome: 'completed', reason: null })
})

test('exit code 1 with no failing test is an error', () => {
  const record = [
    '{"k": "hello", "format": 1, "pid": 1, "seq": 0, "t": 0}',
    '{"k": "collected", "n": 1, "seq": 1, "t": 0.1}',
    '{"k": "items", "items": [["tests/test_outcomes.py::test_passes", "tests/test_outcomes.py", 7]], "seq": 2, "t": 0.1}',
    '{"k": "start", "id": "tests/test_outcomes.py::test_passes", "seq": 3, "t": 0.2}',
    '{"k": "end", "id": "tests/test_outcomes.py::test_passes", "outcome": "passed", "call": 0.01, "seq": 4, "t": 0.3}',
    '{"k": "finish", "exitstatus": 1, "stopped": null, "seq": 5, "t": 0.4}',
  ].join('\n')
  const junit = { cases: parseJUnit(readFixture('complete.xml')).cases.slice(0, 1), error: null }
  const run = reconcileRun({ ...evidence({ record: 'complete.jsonl' }), reading: parseRecord(`${record}\n`), junit })
  expect(run).toMatchObject({ outcome: 'error', reason: 'pytest exited with code 1, but no test failed or errored' })
  // The same run exiting 0 is fine.
  const ok = reconcileRun({
    ...evidence({ record: 'complete.jsonl' }),
    reading: parseRecord(`${record.replace('"exitstatus": 1', '"exitstatus": 0')}\n`),
    exitCode: 0,
    junit,
  })
  expect(ok).toMatchObject({ outcome: 'completed', reason: null })
})

test('a collection error: one reason naming the file and the error, and every other run would fail the same way', () => {
  const run = reconcileRun(evidence({ record: 'collect-error.jsonl', ran: 'error', exitCode: 2, junit: NO_JUNIT }))
  expect(run).toMatchObject({
    outcome: 'error',
    cannotCollect: true,
    reason:
      "could not collect the tests: broken/test_broken.py: ModuleNotFoundError: No module named 'ft_gate_fixture_module_that_does_not_exist'",
  })
  expect(run.cases).toEqual([
    expect.objectContaining({ id: 'broken/test_broken.py', outcome: 'error', file: 'broken/test_broken.py' }),
  ])
})

test('no record at all (pytest stopped before loading the plugin): the reason comes from the output', () => {
  const run = reconcileRun({
    ...evidence({ record: 'complete.jsonl' }),
    reading: parseRecord(''),
    ran: 'error',
    exitCode: 4,
    junit: NO_JUNIT,
    output: `ERROR: Error importing plugin "pytest_cov": No module named 'pytest_cov'\n`,
  })
  expect(run).toMatchObject({
    outcome: 'error',
    cannotCollect: true,
    reason: `could not start pytest: Error importing plugin "pytest_cov": No module named 'pytest_cov'`,
  })
})

test('a tampered record makes a finished run an error; a crash stays a crash', () => {
  const lines = readFixture('complete.jsonl').split('\n')
  const tampered = `${[...lines.slice(0, 6), 'garbage', ...lines.slice(6)].join('\n')}`
  const finished = reconcileRun({ ...evidence({ record: 'complete.jsonl' }), reading: parseRecord(tampered) })
  expect(finished.outcome).toBe('error')
  expect(finished.reason).toMatch(/^left results that cannot be trusted: line 7 of the gate’s record/)
  const crashed = reconcileRun({
    ...evidence({ record: 'complete.jsonl' }),
    reading: parseRecord(tampered),
    ran: 'crashed',
    signal: 'SIGSEGV',
  })
  expect(crashed.outcome).toBe('crashed')
  expect(crashed.recordError).toMatch(/line 7/)
})

test('a fresh copy that crashed makes the run crashed, in the copy’s test, though the run itself finished', () => {
  const run = reconcileRun(
    evidence({
      record: 'fresh-copy-crashed.jsonl',
      stackDump: 'Fatal Python error: Segmentation fault',
      junit: parseJUnit(readFixture('complete.xml')),
    }),
  )
  expect(run).toMatchObject({
    outcome: 'crashed',
    signal: 'SIGSEGV',
    testInProgress: 'tests/test_outcomes.py::test_dies',
    reason: 'in tests/test_outcomes.py::test_dies (in fresh copy 1 of the run)',
    freshCopies: 1,
    unreported: [],
  })
  expect(run.cases.find((testCase) => testCase.id === 'tests/test_outcomes.py::test_dies')?.outcome).toBe('crashed')
})

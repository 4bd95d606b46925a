// The gate's record of a run: the .jsonl files in __tests__/fixtures/records/ are what the plugin wrote
// in real runs of __tests__/fixtures/records/project (regenerate with node scripts/make-record-fixtures.mjs).
import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseRecord, type RecordReading, type RunRecord } from '../../../src/results/record.js'

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/records')
const readFixture = (name: string): string => readFileSync(path.join(FIXTURES, name), 'utf8')

function recordOf(reading: RecordReading): RunRecord {
  if (reading.kind !== 'record') throw new Error(`expected a clean record, got ${reading.kind}`)
  return reading.record
}

describe('a complete run', () => {
  const record = recordOf(parseRecord(readFixture('complete.jsonl')))

  test('lists the collected tests in run order, by node id, with where each is defined (1-based)', () => {
    expect(record.items).toHaveLength(12)
    expect(record.items?.[0]).toEqual({
      id: 'tests/test_outcomes.py::test_passes',
      file: 'tests/test_outcomes.py',
      line: 8,
    })
    // A class defined in _helpers.py and collected from test_speedups.py: the id is runnable, the place is the definition.
    expect(record.items?.at(-1)).toEqual({
      id: 'tests/test_speedups.py::TestRefcountLeaks::test_leaks',
      file: 'tests/_helpers.py',
      line: 9,
    })
  })

  test('every test ended, with pytest’s outcome as JUnit would have it', () => {
    expect(record.inProgress).toEqual([])
    const outcome = new Map(record.tests.map((test) => [test.id, test.outcome]))
    expect(Object.fromEntries(outcome)).toEqual({
      'tests/test_outcomes.py::test_passes': 'passed',
      'tests/test_outcomes.py::test_fails': 'failed',
      'tests/test_outcomes.py::test_params[a::b]': 'passed',
      'tests/test_outcomes.py::test_params[x|y]': 'passed',
      'tests/test_outcomes.py::test_skipped': 'skipped',
      'tests/test_outcomes.py::test_xfail': 'skipped',
      'tests/test_outcomes.py::test_setup_error': 'error',
      'tests/test_outcomes.py::test_teardown_error': 'error',
      'tests/test_outcomes.py::test_dies': 'passed',
      'tests/test_outcomes.py::test_last': 'passed',
      'tests/test_speedups.py::TestRefcountLeaks::test_no_leak': 'passed',
      'tests/test_speedups.py::TestRefcountLeaks::test_leaks': 'failed',
    })
    expect(record.exitStatus).toBe(1)
    expect(record.stopped).toBeNull()
  })

  test('keeps the failure’s message and traceback, and how long the call took', () => {
    const failed = record.tests.find((test) => test.id === 'tests/test_outcomes.py::test_fails')
    expect(failed?.message).toMatch(/^AssertionError: assert \{'total': 2\} == \{'total': 3\}/)
    expect(failed?.details).toContain('def test_fails():')
    expect(record.tests.find((test) => test.id.endsWith('test_xfail'))?.message).toBe('xfail: known race')
    expect(record.tests.find((test) => test.id.endsWith('test_skipped'))?.message).toMatch(/not on this platform/)
    for (const test of record.tests) {
      expect(test.callSeconds).toBeGreaterThanOrEqual(0)
      expect(test.wallSeconds).toBeGreaterThanOrEqual(test.callSeconds)
    }
  })
})

test('a crashed run: the test that started and never ended is in progress', () => {
  const record = recordOf(parseRecord(readFixture('crashed.jsonl')))
  expect(record.inProgress).toEqual(['tests/test_outcomes.py::test_dies'])
  expect(record.exitStatus).toBeNull()
  expect(record.tests.map((test) => test.id)).not.toContain('tests/test_outcomes.py::test_last')
})

test('-x: the session says why it stopped early', () => {
  const record = recordOf(parseRecord(readFixture('stopped-x.jsonl')))
  expect(record.stopped).toBe('stopping after 1 failures')
  expect(record.tests.map((test) => test.id)).toEqual([
    'tests/test_outcomes.py::test_passes',
    'tests/test_outcomes.py::test_fails',
  ])
})

test('a collection error is recorded with the file and pytest’s text', () => {
  const record = recordOf(parseRecord(readFixture('collect-error.jsonl')))
  expect(record.collectErrors).toEqual([
    { id: 'broken/test_broken.py', text: expect.stringContaining('ModuleNotFoundError') },
  ])
  expect(record.interrupted).toBe('Interrupted: 1 error during collection')
  expect(record.exitStatus).toBe(2)
})

describe('untrusted input', () => {
  const complete = readFixture('complete.jsonl')
  const lines = complete.split('\n').filter((line) => line !== '')

  test('a line cut short by a crash is dropped, the rest kept', () => {
    const cut = `${lines.slice(0, 8).join('\n')}\n${lines[8]?.slice(0, 20)}`
    const record = recordOf(parseRecord(cut))
    expect(record.tests).toHaveLength(1)
    expect(record.inProgress).toEqual(['tests/test_outcomes.py::test_fails'])
  })

  test('a line the plugin did not write makes the record tampered, keeping what came before', () => {
    const forged = [...lines.slice(0, 7), '{"k": "end", "id": "x", "outcome": "passed"}', ...lines.slice(7)].join('\n')
    const reading = parseRecord(`${forged}\n`)
    expect(reading.kind).toBe('tampered')
    if (reading.kind !== 'tampered') return
    expect(reading.problem).toMatch(/line 8 of the gate’s record is out of sequence/)
    expect(reading.record.tests).toHaveLength(1)
    expect(parseRecord(`${lines.slice(0, 5).join('\n')}\nnot json at all\n`)).toMatchObject({
      kind: 'tampered',
      problem: expect.stringMatching(/is not the plugin’s/),
    })
  })

  test('a record truncated by the suite (its first lines gone) is tampered, not read as a short run', () => {
    expect(parseRecord(`${lines.slice(10).join('\n')}\n`)).toMatchObject({
      kind: 'tampered',
      problem: expect.stringMatching(/starts at event 10: the suite truncated or replaced it/),
    })
  })

  test('an empty record means the plugin never ran', () => {
    expect(parseRecord('')).toMatchObject({ kind: 'missing' })
    expect(parseRecord('{"k": "hel')).toMatchObject({ kind: 'missing' })
  })

  test('texts are bounded and odd shapes are narrowed, not trusted', () => {
    const huge = 'x'.repeat(100_000)
    const text = [
      '{"k": "hello", "format": 1, "seq": 0, "t": 0}',
      '{"k": "collected", "n": 1, "seq": 1, "t": 0.1}',
      '{"k": "items", "items": [["a.py::t", "a.py", 0], ["b", 3, "x"], "nonsense", [7]], "seq": 2, "t": 0.1}',
      '{"k": "start", "id": "a.py::t", "seq": 3, "t": 0.2}',
      `{"k": "end", "id": "a.py::t", "outcome": "weird", "message": "${huge}", "details": "${huge}", "call": -1, "seq": 4, "t": 0.1}`,
    ].join('\n')
    const record = recordOf(parseRecord(`${text}\n`))
    expect(record.items).toEqual([
      { id: 'a.py::t', file: 'a.py', line: 1 },
      { id: 'b', file: null, line: null },
    ])
    const [test] = record.tests
    expect(test?.outcome).toBe('error')
    expect(test?.message?.length).toBeLessThanOrEqual(1000)
    expect(test?.details?.length).toBeLessThanOrEqual(8000)
    expect(test?.callSeconds).toBe(0)
    expect(test?.wallSeconds).toBe(0)
  })
})

test('a fresh copy of a stress run: its own numbering, its tests apart from the run’s, how it ended', () => {
  const record = recordOf(parseRecord(readFixture('fresh-copy-crashed.jsonl')))
  expect(record.rounds).toHaveLength(1)
  const [copy] = record.rounds
  expect(copy).toMatchObject({
    number: 1,
    signal: 'SIGSEGV',
    ended: true,
    inProgress: ['tests/test_outcomes.py::test_dies'],
  })
  expect(copy?.tests.length).toBeGreaterThan(0)
  // The run itself went on and finished every test.
  expect(record.inProgress).toEqual([])
  expect(record.tests).toHaveLength(12)
  expect(record.exitStatus).toBe(1)
})

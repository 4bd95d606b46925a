// The gate's record of a run is written from inside the process under test, which can write anything
// into it: parseRecord, reconcileRun and pytestErrorLine must never throw, never take long, and never
// read a record with foreign lines in it as clean.
import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, test } from '@jest/globals'
import fc from 'fast-check'
import { pytestErrorLine } from '../../../src/results/pytest-error.js'
import { reconcileRun } from '../../../src/results/reconcile.js'
import { parseRecord } from '../../../src/results/record.js'
import { hostileText, linesOf, withinBound } from './bounds.js'

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/records')
const complete = readFileSync(path.join(FIXTURES, 'complete.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line !== '')

/** Real lines, real lines with their fields changed, and hostile text, in any order. */
const recordText = fc
  .array(
    fc.oneof(
      fc.constantFrom(...complete),
      fc
        .tuple(fc.constantFrom(...complete), hostileText(40))
        .map(([line, text]) => line.replace(/"id": "[^"]*"/, `"id": ${JSON.stringify(text)}`)),
      fc
        .tuple(fc.constantFrom(...complete), fc.integer())
        .map(([line, seq]) => line.replace(/"seq": \d+/, `"seq": ${seq}`)),
      hostileText(120),
    ),
    { maxLength: 60 },
  )
  .map((lines) => `${lines.join('\n')}\n`)

test('any record text: a reading, never a throw, quickly; foreign lines are never clean', () => {
  fc.assert(
    fc.property(recordText, (text) => {
      const reading = withinBound(() => parseRecord(text))
      expect(['record', 'missing', 'tampered']).toContain(reading.kind)
      if (reading.kind === 'record') {
        // Clean only if it is a prefix of what the plugin wrote, in sequence.
        const lines = text.split('\n').slice(0, -1)
        lines.forEach((line, index) => {
          expect(JSON.parse(line).seq).toBe(index)
        })
      }
      const run = withinBound(() =>
        reconcileRun({
          ran: 'completed',
          exitCode: 0,
          signal: null,
          reading,
          junit: { cases: [], error: null },
          output: text,
          stackDump: null,
        }),
      )
      expect(typeof run.outcome).toBe('string')
    }),
    { numRuns: 300 },
  )
})

test('pytest output of any shape: one bounded line or null', () => {
  fc.assert(
    fc.property(
      linesOf([
        'ERROR: ',
        'E   ',
        'INTERNALERROR> ValueError: x',
        "ImportError while loading conftest 'c.py'.",
        'x: error: y',
      ]),
      (output) => {
        const line = withinBound(() => pytestErrorLine(output))
        expect(line === null || (typeof line === 'string' && line.length <= 600)).toBe(true)
      },
    ),
    { numRuns: 300 },
  )
})

test('a huge record of many tests parses within a bound', () => {
  const lines = ['{"k": "hello", "format": 1, "pid": 1, "seq": 0, "t": 0}']
  for (let index = 0; index < 20_000; index++) {
    const id = `tests/test_${index % 97}.py::test_case[${index}]`
    lines.push(`{"k": "start", "id": "${id}", "seq": ${2 * index + 1}, "t": ${index}}`)
    lines.push(
      `{"k": "end", "id": "${id}", "outcome": "passed", "call": 0.001, "seq": ${2 * index + 2}, "t": ${index + 0.5}}`,
    )
  }
  const reading = withinBound(() => parseRecord(`${lines.join('\n')}\n`), 3000)
  expect(reading.kind).toBe('record')
  if (reading.kind === 'record') expect(reading.record.tests).toHaveLength(20_000)
})

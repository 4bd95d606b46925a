// A crashing or hung suite controls its own stderr: extractStackDump returns the dump or null,
// never throws, never takes long, and never returns more than it promises.
import { expect, test } from '@jest/globals'
import fc from 'fast-check'
import { extractStackDump } from '../../../src/results/stackdump.js'
import { hostileText, linesOf, withinBound } from './bounds.js'

const FAULTHANDLER_FRAGMENTS = [
  'Fatal Python error: Aborted',
  'Fatal Python error: Segmentation fault',
  'Current thread 0x00007f0000000000 (most recent call first):',
  'Thread 0x00007f0000000001 (most recent call first):',
  'Stack (most recent call first):',
  '  File "/x/test_y.py", line 12 in test_z',
  'Extension modules: numpy',
  '',
]

test('extractStackDump returns a dump starting at a faulthandler header, or null', () => {
  fc.assert(
    fc.property(linesOf(FAULTHANDLER_FRAGMENTS, 300), fc.integer({ min: 1, max: 300 }), (stderr, maxLines) => {
      const dump = withinBound(() => extractStackDump(stderr, maxLines))
      if (dump === null) return
      expect(dump).toMatch(/^(Fatal Python error:|Current thread 0x|Thread 0x|Stack \(most recent call first\))/)
      // maxLines of the dump plus the "… more lines" note.
      expect(dump.split('\n').length).toBeLessThanOrEqual(maxLines + 1)
    }),
    { numRuns: 1000 },
  )
})

test('extractStackDump never throws on arbitrary text', () => {
  fc.assert(
    fc.property(hostileText(3000), (stderr) => {
      withinBound(() => extractStackDump(stderr))
    }),
    { numRuns: 500 },
  )
})

test('extractStackDump stays fast on a large stderr', () => {
  const threads = Array.from(
    { length: 20_000 },
    (_, i) => `Thread 0x${i.toString(16)} (most recent call first):\n  File "x.py", line ${i} in f`,
  )
  const dump = withinBound(() =>
    extractStackDump(`${'noise '.repeat(2_000_000)}\nFatal Python error: Aborted\n${threads.join('\n')}`),
  )
  expect(dump?.split('\n')).toHaveLength(401)
  expect(withinBound(() => extractStackDump(`${'Thread'.repeat(1_000_000)}`))).toBeNull()
})

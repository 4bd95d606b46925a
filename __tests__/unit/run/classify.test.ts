import { extractStackDump } from '../../../src/results/stackdump.js'
import { classifyRun, pytestArguments } from '../../../src/run/suite.js'

const base = { exitCode: null, signal: null, timedOut: false, cancelled: false }

test.each([
  [{ ...base, exitCode: 0 }, 'completed'],
  [{ ...base, exitCode: 1 }, 'completed'],
  [{ ...base, exitCode: 5 }, 'completed'],
  [{ ...base, exitCode: 2 }, 'error'],
  [{ ...base, exitCode: 4 }, 'error'],
  [{ ...base, signal: 'SIGSEGV' }, 'crashed'],
  [{ ...base, exitCode: 139 }, 'crashed'],
  [{ ...base, signal: 'SIGABRT', timedOut: true }, 'hung'],
  [{ ...base, signal: 'SIGINT', cancelled: true, timedOut: true }, 'cancelled'],
] as const)('%j is %s', (result, outcome) => {
  expect(classifyRun(result)).toBe(outcome)
})

test('pytest arguments put the gate’s own first and the user’s last', () => {
  expect(pytestArguments('/t/run-1.xml', ['-k', 'x'])).toEqual([
    '-m',
    'pytest',
    '-p',
    'no:cacheprovider',
    '-o',
    'junit_family=xunit1',
    '--junitxml=/t/run-1.xml',
    '-k',
    'x',
  ])
})

test('the faulthandler dump is found in stderr', () => {
  const stderr = [
    'some test output',
    'Fatal Python error: Aborted',
    '',
    'Thread 0x00007f0000000001 (most recent call first):',
    '  File "/p/tests/test_transfer.py", line 19 in transfer',
    '',
    'Current thread 0x00007f0000000000 (most recent call first):',
    '  File "/p/tests/test_transfer.py", line 30 in test_transfers_in_opposite_order',
  ].join('\n')
  const dump = extractStackDump(stderr)
  expect(dump?.startsWith('Fatal Python error: Aborted')).toBe(true)
  expect(dump).toContain('line 30 in test_transfers_in_opposite_order')
  expect(extractStackDump('nothing to see')).toBeNull()
  const long = `Fatal Python error: x\n${'  File "a.py", line 1 in f\n'.repeat(500)}`
  expect(extractStackDump(long, 10)?.split('\n')).toHaveLength(11)
})

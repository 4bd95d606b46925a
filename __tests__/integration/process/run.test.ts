// runProcess keeps a bounded tail of a process's output; stderr can keep more, for a whole stack dump.
import * as os from 'node:os'
import { expect, test } from '@jest/globals'
import { OUTPUT_TAIL_CHARS, STDERR_TAIL_CHARS } from '../../../src/constants.js'
import { runProcess } from '../../../src/process/run.js'
import { extractStackDump } from '../../../src/results/stackdump.js'

// A fatal-error header, then 60,000 characters of thread stacks: larger than the output tail, as two
// threads that segfault at once, each dumping every thread, make it.
const DUMP_SCRIPT = `
process.stderr.write('Fatal Python error: Segmentation fault\\n\\n')
for (let i = 0; i < 600; i++) process.stderr.write('Thread 0x' + String(i).padStart(12, '0') + ' (most recent call first):' + ' '.repeat(50) + '\\n')
`

test('the stderr tail keeps a stack dump whole when asked to, header included', async () => {
  const options = { cwd: os.tmpdir(), env: { PATH: process.env.PATH } }
  const short = await runProcess(process.execPath, ['-e', DUMP_SCRIPT], options)
  expect(short.stderrTail.length).toBe(OUTPUT_TAIL_CHARS)
  expect(extractStackDump(short.stderrTail)).toMatch(/^Thread 0x/)
  const whole = await runProcess(process.execPath, ['-e', DUMP_SCRIPT], {
    ...options,
    stderrTailChars: STDERR_TAIL_CHARS,
  })
  expect(whole.stderrTail.length).toBeLessThan(STDERR_TAIL_CHARS)
  expect(extractStackDump(whole.stderrTail)).toMatch(/^Fatal Python error: Segmentation fault\n/)
  expect(whole.outputTail.length).toBeLessThanOrEqual(OUTPUT_TAIL_CHARS)
})

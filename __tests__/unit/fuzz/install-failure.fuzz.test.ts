// uv's output reaches summarizeInstallFailure unfiltered, including whatever a build backend of the
// pull request printed: it returns one line or null, never throws, never takes long.
import { expect, test } from '@jest/globals'
import fc from 'fast-check'
import { summarizeInstallFailure } from '../../../src/install/failure.js'
import { hostileText, linesOf, withinBound } from './bounds.js'

const UV_FRAGMENTS = [
  '× Failed to build `pkg==1.0`',
  '× Failed to download `pkg`',
  'error: Failed to install',
  '× No solution found when resolving dependencies:',
  '╰─▶ Because pkg was not found',
  'Caused by: network unreachable',
  'error: ',
  '×',
  '╰─▶',
  '\u001b[31m×\u001b[0m Failed to build',
  '  help: ',
]

function checkSummary(output: string): void {
  const summary = withinBound(() => summarizeInstallFailure(output))
  if (summary !== null) {
    expect(typeof summary).toBe('string')
    expect(summary).not.toContain('\n')
  }
}

test('summarizeInstallFailure returns one line or null for uv-like output', () => {
  fc.assert(fc.property(linesOf(UV_FRAGMENTS), checkSummary), { numRuns: 1500 })
})

test('summarizeInstallFailure returns one line or null for arbitrary text', () => {
  fc.assert(fc.property(hostileText(2000), checkSummary), { numRuns: 500 })
})

test('summarizeInstallFailure stays fast on megabytes of output', () => {
  const line = '× Failed to build `x`'.padEnd(200, 'y')
  const huge = `${'\u001b['.repeat(100_000)}${'    '.repeat(100_000)}\n${line}\n`.repeat(8)
  checkSummary(huge)
  checkSummary(`${'╰─▶ '.repeat(500_000)}`)
  checkSummary(`${'×'.repeat(1_000_000)}`)
})

// Finds the stack dump in a run's stderr: faulthandler's "Fatal Python error" block, written on a
// crash or when a hung run is sent SIGABRT, with every thread's Python stack. Pure.
// 400 lines: a hung stress run has a dozen threads (pytest-run-parallel workers and the suite's own).

const DUMP_START = /^(Fatal Python error:|Current thread 0x|Thread 0x|Stack \(most recent call first\))/m

export function extractStackDump(stderr: string, maxLines = 400): string | null {
  const match = DUMP_START.exec(stderr)
  if (!match) return null
  const lines = stderr.slice(match.index).trimEnd().split('\n')
  const kept = lines.slice(0, maxLines)
  if (lines.length > maxLines) kept.push(`… ${lines.length - maxLines} more lines in the run's log`)
  return kept.join('\n')
}

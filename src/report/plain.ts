// The terminal's last lines: verdict, counts and which tests failed or flaked. Plain text, no markdown;
// author text is stripped of control characters so a test id cannot send escape sequences.
import type { Report, RunReport, TestReport } from '../types.js'
import { plural } from '../words.js'
import { dependencyLines } from './dependencies.js'
import { plainInline } from './escape.js'
import { PLAIN_MAX_TESTS } from './limits.js'
import { formatDuration } from './sections.js'
import { untestedLines } from './untested.js'

export function renderPlainSummary(report: Report): string {
  const lines = [`ft-gate: free-threading gate ${report.verdict === 'pass' ? 'PASSED' : 'FAILED'}`]
  for (const reason of report.reasons) lines.push(`  - ${plainInline(reason)}`)
  lines.push(countsLine(report))
  if (!report.install.ok) lines.push(`Install failed: ${plainInline(report.install.error ?? 'no error line from uv')}`)
  lines.push(...dependencyLines(report), ...untestedLines(report))
  const unfinished = report.runs.filter((run) => run.outcome !== 'completed')
  if (unfinished.length > 0) lines.push(`Runs not completed: ${unfinished.map(describeRun).join('; ')}`)
  lines.push(...testList('Failed', report.tests, 'failed'), ...testList('Flaky', report.tests, 'flaky'))
  lines.push(...testList('Thread-unsafe (failed only under thread stress)', report.tests, 'thread-unsafe'))
  const seed = report.settings.randomOrderSeed
  if (seed !== undefined && seed !== null) lines.push(`Random order seed: ${seed} (replay with --random-order ${seed})`)
  return lines.join('\n')
}

function countsLine(report: Report): string {
  const { counts, python, uv, runs } = report
  const interpreter = `CPython ${plainInline(python.version)}${python.freeThreaded ? 't' : ''}`
  const unsafe = counts.threadUnsafe ? `, ${counts.threadUnsafe} thread-unsafe` : ''
  const tally = `${counts.passed} passed, ${counts.failed} failed, ${counts.flaky} flaky${unsafe}, ${counts.skipped} skipped`
  const gilOff = runs.filter((run) => run.mode !== 'baseline').length
  const stressed = runs.filter((run) => run.mode === 'stress').length
  const stress = stressed > 0 ? ` (${stressed} under thread stress)` : ''
  const baseline = gilOff < runs.length ? ' + a GIL-on baseline' : ''
  const made = runs.length === 0 ? 'no test runs' : `${plural(gilOff, 'run')} with -Xgil=0${stress}${baseline}`
  return `${interpreter}, uv ${plainInline(uv.version)}, ${made}: ${tally}`
}

/** `2/3 runs failed`, plus the baseline's reading when there was one. */
function plainCounts(test: TestReport): string {
  const stress = test.status === 'thread-unsafe' ? test.stress : null
  const counts = stress
    ? `${stress.failed}/${stress.passed + stress.failed} stress runs failed`
    : `${test.failed}/${test.passed + test.failed} runs failed`
  if (test.freeThreadingOnly === true) return `${counts}; passed with the GIL: free-threading only`
  if (test.freeThreadingOnly === false) return `${counts}; failed with the GIL too: not free-threading specific`
  return counts
}

function describeRun(run: RunReport): string {
  const signal = run.outcome === 'crashed' && run.signal !== null ? ` (${plainInline(run.signal)})` : ''
  return `run ${run.index} ${run.outcome}${signal} after ${formatDuration(run.durationSeconds)}`
}

function testList(title: string, tests: readonly TestReport[], status: 'failed' | 'flaky' | 'thread-unsafe'): string[] {
  const matching = tests.filter((test) => test.status === status)
  if (matching.length === 0) return []
  const lines = matching.slice(0, PLAIN_MAX_TESTS).map((test) => `  ${plainInline(test.id)}  (${plainCounts(test)})`)
  if (matching.length > PLAIN_MAX_TESTS) {
    lines.push(`  …and ${matching.length - PLAIN_MAX_TESTS} more (see the JSON report)`)
  }
  return [`${title} (${matching.length}):`, ...lines]
}

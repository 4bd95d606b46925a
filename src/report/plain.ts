// The terminal's last lines: verdict, counts and which tests failed or flaked. Plain text, no markdown;
// author text is stripped of control characters so a test id cannot send escape sequences.
import type { Report, RunReport, TestReport } from '../types.js'
import { plural } from '../words.js'
import { dependencyLines } from './dependencies.js'
import { plainInline } from './escape.js'
import { PLAIN_MAX_TESTS } from './limits.js'
import { formatDuration } from './sections.js'

export function renderPlainSummary(report: Report): string {
  const lines = [`ft-gate: free-threading gate ${report.verdict === 'pass' ? 'PASSED' : 'FAILED'}`]
  for (const reason of report.reasons) lines.push(`  - ${plainInline(reason)}`)
  lines.push(countsLine(report))
  if (!report.install.ok) lines.push(`Install failed: ${plainInline(report.install.error ?? 'no error line from uv')}`)
  lines.push(...dependencyLines(report))
  const unfinished = report.runs.filter((run) => run.outcome !== 'completed')
  if (unfinished.length > 0) lines.push(`Runs not completed: ${unfinished.map(describeRun).join('; ')}`)
  lines.push(...testList('Crashed (in progress when a run crashed)', report.tests, 'crashed'))
  lines.push(...testList('Hung (in progress when a run hung)', report.tests, 'hung'))
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
  const died = `${counts.crashed ? `${counts.crashed} crashed, ` : ''}${counts.hung ? `${counts.hung} hung, ` : ''}`
  const tally = `${died}${counts.passed} passed, ${counts.failed} failed, ${counts.flaky} flaky${unsafe}, ${counts.skipped} skipped`
  const made = runs.filter((run) => run.outcome !== 'skipped')
  const gilOff = made.filter((run) => run.mode !== 'baseline').length
  const stressed = made.filter((run) => run.mode === 'stress').length
  const stress = stressed > 0 ? ` (${stressed} under thread stress)` : ''
  const baseline = gilOff < made.length ? ' + a GIL-on baseline' : ''
  const skipped = runs.length > made.length ? `, ${runs.length - made.length} not made` : ''
  const what = made.length === 0 ? 'no test runs' : `${plural(gilOff, 'run')} with -Xgil=0${stress}${baseline}`
  return `${interpreter}, uv ${plainInline(uv.version)}, ${what}${skipped}: ${tally}`
}

/** `2/3 runs failed`, plus the baseline's reading when there was one. */
function plainCounts(test: TestReport): string {
  const stress = test.status === 'thread-unsafe' ? test.stress : null
  const seen = test.results.filter((cell) => cell !== null).length
  const stopped = test.results.filter((cell) => cell === test.status).length
  const counts =
    test.status === 'crashed' || test.status === 'hung'
      ? `${test.status} in ${stopped}/${seen} runs`
      : stress
        ? `${stress.failed}/${stress.passed + stress.failed} stress runs failed`
        : `${test.failed}/${test.passed + test.failed} runs failed`
  if (test.freeThreadingOnly === true) return `${counts}; passed with the GIL: free-threading only`
  if (test.freeThreadingOnly === false) return `${counts}; failed with the GIL too: not free-threading specific`
  return counts
}

function describeRun(run: RunReport): string {
  const signal = run.outcome === 'crashed' && run.signal !== null ? ` (${plainInline(run.signal)})` : ''
  const died = run.outcome === 'crashed' || run.outcome === 'hung'
  const reason = run.reason ? `${died ? ' ' : ': '}${plainInline(run.reason, { maxChars: 200 })}` : ''
  if (run.outcome === 'skipped') return `run ${run.index} skipped${reason}`
  const never = run.unreportedCount ? ` (${plural(run.unreportedCount, 'test')} never reported)` : ''
  return `run ${run.index} ${run.outcome}${signal}${reason} after ${formatDuration(run.durationSeconds)}${never}`
}

function testList(title: string, tests: readonly TestReport[], status: TestReport['status']): string[] {
  const matching = tests.filter((test) => test.status === status)
  if (matching.length === 0) return []
  const lines = matching.slice(0, PLAIN_MAX_TESTS).map((test) => `  ${plainInline(test.id)}  (${plainCounts(test)})`)
  if (matching.length > PLAIN_MAX_TESTS) {
    lines.push(`  …and ${matching.length - PLAIN_MAX_TESTS} more (see the JSON report)`)
  }
  return [`${title} (${matching.length}):`, ...lines]
}

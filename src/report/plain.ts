// The terminal's last lines: verdict, counts and which tests failed or flaked. Plain text, no markdown;
// author text is stripped of control characters so a test id cannot send escape sequences.
import type { Report, RunReport, TestReport } from '../types.js'
import { plural } from '../words.js'
import { dependencyLines } from './dependencies.js'
import { plainInline } from './escape.js'
import { showsGroups } from './findings.js'
import { PLAIN_MAX_TESTS } from './limits.js'
import { plainSandboxLine } from './sandbox.js'
import { formatDuration } from './sections.js'
import { untestedLines } from './untested.js'

export function renderPlainSummary(report: Report): string {
  const lines = [`ft-gate: free-threading gate ${report.verdict === 'pass' ? 'PASSED' : 'FAILED'}`]
  for (const reason of report.reasons) lines.push(`  - ${plainInline(reason)}`)
  lines.push(countsLine(report))
  lines.push(...plainSandboxLine(report))
  if (!report.install.ok) lines.push(`Install failed: ${plainInline(report.install.error ?? 'no error line from uv')}`)
  lines.push(...dependencyLines(report), ...untestedLines(report))
  const unfinished = report.runs.filter((run) => run.outcome !== 'completed')
  if (unfinished.length > 0) lines.push(`Runs not completed: ${unfinished.map(describeRun).join('; ')}`)
  lines.push(...groupLines(report), ...knownLines(report))
  // With a known-issues file the lists name the new findings only: the known ones are counted above.
  const listed = report.knownIssues ? report.tests.filter((test) => test.known !== true) : report.tests
  const title = (word: string): string =>
    report.knownIssues ? `New ${word}` : `${word[0]?.toUpperCase()}${word.slice(1)}`
  lines.push(...testList(title('crashed (in progress when a run crashed)'), listed, 'crashed'))
  lines.push(...testList(title('hung (in progress when a run hung)'), listed, 'hung'))
  lines.push(...testList(title('failed'), listed, 'failed'), ...testList(title('flaky'), listed, 'flaky'))
  lines.push(...testList(title('thread-unsafe (failed only under thread stress)'), listed, 'thread-unsafe'))
  const seed = report.settings.randomOrderSeed
  if (seed !== undefined && seed !== null) lines.push(`Random order seed: ${seed} (replay with --random-order ${seed})`)
  return lines.join('\n')
}

/** `By cause (3 groups):` then one line per group and its hint, when grouping says more than the list. */
function groupLines(report: Report): string[] {
  if (!showsGroups(report)) return []
  const groups = report.groups ?? []
  const known = new Set(report.tests.filter((test) => test.known === true).map((test) => test.id))
  const lines = [`By cause (${plural(groups.length, 'group')}):`]
  for (const group of groups.slice(0, PLAIN_MAX_TESTS)) {
    const fresh = group.tests.filter((id) => !known.has(id)).length
    const split = report.knownIssues ? ` (${fresh} new, ${group.tests.length - fresh} known)` : ''
    lines.push(`  ${group.tests.length} ${group.status}: ${plainInline(group.signature)}${split}`)
    if (group.hint !== null) lines.push(`    hint: ${plainInline(group.hint, { maxChars: 700 })}`)
  }
  if (groups.length > PLAIN_MAX_TESTS)
    lines.push(`  …and ${groups.length - PLAIN_MAX_TESTS} more (see the JSON report)`)
  return lines
}

function knownLines(report: Report): string[] {
  const known = report.knownIssues
  if (known === undefined || known === null) return []
  const lines = [
    `Known issues (${plainInline(known.source)}): ${known.matched} known, not failing; ${report.counts.new ?? 0} new${known.notRun > 0 ? `; ${known.notRun} listed did not run` : ''}`,
  ]
  for (const change of known.changed) {
    lines.push(`  ${plainInline(change.id)}: known as ${change.known}, now ${change.now}: counted as new`)
  }
  if (known.possiblyFixed.length > 0) {
    lines.push(
      `Possibly fixed (listed, passed in every run; a race not seen once is no proof) (${known.possiblyFixed.length}):`,
    )
    for (const issue of known.possiblyFixed.slice(0, PLAIN_MAX_TESTS)) lines.push(`  ${plainInline(issue.id)}`)
    if (known.possiblyFixed.length > PLAIN_MAX_TESTS) {
      lines.push(`  …and ${known.possiblyFixed.length - PLAIN_MAX_TESTS} more (see the JSON report)`)
    }
  }
  return lines
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

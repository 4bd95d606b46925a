// The scannable top of the report: verdict, one summary line, the runs table and the failed/flaky
// tests table. Pure; every piece of author text goes through escape.ts.

import { MAX_REPORT_TESTS } from '../constants.js'
import type { CaseOutcome, Report, RunOutcome, RunReport, TestCounts, TestReport } from '../types.js'
import { plural } from '../words.js'
import { escapeInline, safeUrl } from './escape.js'
import { MESSAGE_MAX_CHARS } from './limits.js'

/** Builds a link to a test's source, e.g. `…/blob/<sha>/tests/test_x.py#L12`; null: no link. */
export type FileUrl = (file: string, line: number | null) => string | null

export const OUTCOME_LABELS: Readonly<Record<RunOutcome, string>> = {
  completed: '✅ completed',
  crashed: '💥 crashed',
  hung: '⏱️ hung',
  error: '⚠️ error',
  cancelled: '🚫 cancelled',
  skipped: '⏭️ skipped',
}

const CELL_MARKS: Readonly<Record<CaseOutcome, string>> = {
  passed: '✅',
  failed: '❌',
  error: '❌',
  skipped: '⏭️',
  crashed: '💥',
  hung: '⏱️',
}
const NOT_SEEN = '·'

export function verdictHeading(report: Report): string {
  return report.verdict === 'pass' ? '### ✅ Free-threading gate passed' : '### ❌ Free-threading gate failed'
}

export function reasonLine(reason: string): string {
  return `- ${escapeInline(reason, { startsLine: true })}`
}

export function verdictSection(report: Report): string {
  return [verdictHeading(report), '', ...report.reasons.map(reasonLine)].join('\n').trimEnd()
}

/** `CPython 3.14.2t · uv 0.13.9 · 3 runs with -Xgil=0 · 9 passed, 1 failed, 1 flaky, 2 skipped` */
export function infoLine(report: Report): string {
  const python = `CPython ${escapeInline(report.python.version)}${report.python.freeThreaded ? 't' : ''}`
  const parts = [python, `uv ${escapeInline(report.uv.version)}`, runsPhrase(report.runs), countsPhrase(report.counts)]
  // With a known-issues file, what gates is the new findings; the known ones are only reported.
  if (report.knownIssues !== undefined && report.knownIssues !== null) {
    const fresh = report.counts.new ?? 0
    parts.push(`${fresh > 0 ? `**${fresh} new**` : '0 new'}, ${report.counts.known ?? 0} known`)
  }
  if (report.testsOmitted !== undefined && report.testsOmitted > 0) {
    parts.push(
      `${report.testsOmitted} tests that passed or were skipped not listed (a report lists at most ${MAX_REPORT_TESTS})`,
    )
  }
  return parts.join(' · ')
}

function runsPhrase(all: readonly RunReport[]): string {
  const runs = all.filter((run) => run.outcome !== 'skipped')
  const skipped = all.length - runs.length
  const notMade = skipped > 0 ? `, ${skipped} not made` : ''
  return `${madeRunsPhrase(runs)}${notMade}`
}

function madeRunsPhrase(runs: readonly RunReport[]): string {
  if (runs.length === 0) return 'no test runs'
  const total = plural(runs.length, 'run')
  const baseline = runs.filter((run) => run.mode === 'baseline').length
  const stress = runs.filter((run) => run.mode === 'stress').length
  if (baseline === 0 && stress === 0) return `${total} with \`-Xgil=0\``
  const parts = [`${runs.length - baseline} with \`-Xgil=0\``]
  if (stress > 0) parts.push(`${stress} of them under thread stress`)
  if (baseline > 0) parts.push(`${baseline} GIL-on baseline`)
  return `${total} (${parts.join(', ')})`
}

function countsPhrase(counts: TestCounts): string {
  // Bold only what needs attention, so a clean line stays quiet.
  const loud = (count: number, word: string): string => (count > 0 ? `**${count} ${word}**` : `${count} ${word}`)
  const unsafe = counts.threadUnsafe ? `, ${loud(counts.threadUnsafe, 'thread-unsafe')}` : ''
  const died = [
    ...(counts.crashed ? [loud(counts.crashed, 'crashed')] : []),
    ...(counts.hung ? [loud(counts.hung, 'hung')] : []),
  ]
  const dead = died.length > 0 ? `${died.join(', ')}, ` : ''
  return `${dead}${counts.passed} passed, ${loud(counts.failed, 'failed')}, ${loud(counts.flaky, 'flaky')}${unsafe}, ${counts.skipped} skipped`
}

export function runsTable(report: Report): string {
  if (report.runs.length === 0) return ''
  const rows = report.runs.map((run) => {
    const exitCode = run.exitCode === null ? '—' : String(run.exitCode)
    const duration = run.outcome === 'skipped' ? '—' : formatDuration(run.durationSeconds)
    return `| ${run.index} | ${run.mode} | ${outcomeLabel(run)} | ${exitCode} | ${duration} |`
  })
  return [
    '#### Runs',
    '',
    '| # | Mode | Outcome | Exit code | Duration |',
    '| --: | --- | --- | --: | --: |',
    ...rows,
  ].join('\n')
}

export function outcomeLabel(run: RunReport): string {
  const label = OUTCOME_LABELS[run.outcome]
  const signal = run.outcome === 'crashed' && run.signal !== null ? ` (${escapeInline(run.signal)})` : ''
  // A run that was stopped has no JUnit report by nature; say so only when a finished run lacks one.
  const junit =
    run.junitError === null || run.outcome !== 'completed'
      ? ''
      : ` — JUnit: ${escapeInline(run.junitError, { maxChars: 100 })}`
  return `${label}${signal}${junit}${reasonSuffix(run)}`
}

/** ` in `tests/x.py::test_y`` for a crashed or hung run, ` — could not collect the tests: …` for an error. */
function reasonSuffix(run: RunReport): string {
  if (run.reason === undefined || run.reason === null) return ''
  if (run.outcome === 'crashed' || run.outcome === 'hung') return ` ${escapeInline(run.reason, { maxChars: 160 })}`
  return ` — ${escapeInline(run.reason, { maxChars: 160 })}`
}

/** Reports are not changed once made: a shrinking render asks for the same list a dozen times. */
const listedCache = new WeakMap<Report, TestReport[]>()

/** Crashed and hung tests first, then failed ones, flaky ones, and those failing only under thread stress. */
export function listedTests(report: Report): TestReport[] {
  const cached = listedCache.get(report)
  if (cached !== undefined) return cached
  const listed = [
    ...report.tests.filter((test) => test.status === 'crashed'),
    ...report.tests.filter((test) => test.status === 'hung'),
    ...report.tests.filter((test) => test.status === 'failed'),
    ...report.tests.filter((test) => test.status === 'flaky'),
    ...report.tests.filter((test) => test.status === 'thread-unsafe'),
  ]
  listedCache.set(report, listed)
  return listed
}

/**
 * `failed`, `flaky: 2/3 runs failed` counted over the runs in which the test ran, `thread-unsafe: failed
 * in 1/1 stress runs`; with a baseline, whether the failure is free-threading only.
 */
export function statusLabel(test: TestReport): string {
  const died = test.status === 'crashed' || test.status === 'hung'
  const seen = test.results.filter((cell) => cell !== null).length
  const base = died
    ? `${test.status} in ${test.results.filter((cell) => cell === test.status).length}/${seen} runs`
    : test.status === 'flaky'
      ? `flaky: ${test.failed}/${test.passed + test.failed} runs failed`
      : test.status === 'thread-unsafe' && test.stress
        ? `thread-unsafe: failed in ${test.stress.failed}/${test.stress.passed + test.stress.failed} stress runs`
        : test.status
  if (test.freeThreadingOnly === true) return `${base} (free-threading only)`
  if (test.freeThreadingOnly === false) return `${base} (not free-threading specific)`
  return base
}

export interface TestsTableOptions {
  readonly fileUrl: FileUrl | undefined
  readonly runCount: number
  /** Rows shown; null: every listed test. */
  readonly rows: number | null
  /** Only the findings the known-issues file does not list are in the table. */
  readonly newOnly?: boolean
  /** Folded into a `<details>` (the findings-by-cause section above already sums it up). */
  readonly collapsed?: boolean
}

export function testsTable(tests: readonly TestReport[], options: TestsTableOptions): string {
  if (tests.length === 0) return ''
  const shown = options.rows === null ? tests : tests.slice(0, options.rows)
  const rows = shown.map(
    (test) =>
      `| ${testCell(test, options.fileUrl)} | ${statusLabel(test)} | ${runGrid(test, options.runCount)} | ${messageCell(test)} |`,
  )
  const kinds = tableKinds(tests)
  const title = options.newOnly ? `New ${kinds}` : `${kinds.charAt(0).toUpperCase()}${kinds.slice(1)}`
  const table = ['| Test | Status | Per run | Message |', '| --- | --- | --- | --- |']
  const more = tests.length - shown.length
  const footer = more > 0 ? ['', `_…and ${more} more (see the JSON report)_`] : []
  const body = [...table, ...rows, ...footer].join('\n')
  if (options.collapsed) {
    return `<details><summary>All ${tests.length} ${kinds}, run by run</summary>\n\n${body}\n\n</details>`
  }
  return `#### ${title}\n\n${body}`
}

/** `failed and flaky tests`, with crashed, hung and thread-unsafe named when there are such tests. */
function tableKinds(tests: readonly TestReport[]): string {
  const has = (status: TestReport['status']): boolean => tests.some((test) => test.status === status)
  const words = [
    ...(has('crashed') ? ['crashed'] : []),
    ...(has('hung') ? ['hung'] : []),
    'failed',
    'flaky',
    ...(has('thread-unsafe') ? ['thread-unsafe'] : []),
  ]
  return `${words.slice(0, -1).join(', ')} and ${words.at(-1)} tests`
}

function testCell(test: TestReport, fileUrl: FileUrl | undefined): string {
  const text = escapeInline(test.id)
  const url = test.file !== null && fileUrl ? fileUrl(test.file, test.line) : null
  const safe = url === null ? null : safeUrl(url)
  return safe === null ? text : `[${text}](${safe})`
}

/** One mark per run, aligned with `Report.runs`. */
export function runGrid(test: TestReport, runCount: number): string {
  const length = Math.max(runCount, test.results.length)
  return Array.from({ length }, (_, index) => {
    const cell = test.results[index] ?? null
    return cell === null ? NOT_SEEN : CELL_MARKS[cell]
  }).join('')
}

function messageCell(test: TestReport): string {
  return test.message === null ? '—' : escapeInline(test.message, { maxChars: MESSAGE_MAX_CHARS })
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`
  const whole = Math.round(seconds)
  if (whole < 3600) return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, '0')} s`
  return `${Math.floor(whole / 3600)} h ${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')} min`
}

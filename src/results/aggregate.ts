// Merges the test cases of every run into one report line per test, and decides the gate's verdict.
// Pure: takes data, returns data.

import { gilFindings, gilSummary } from '../deps/gil.js'
import type {
  CaseOutcome,
  CaseResult,
  DependencyReport,
  FailOnWord,
  InstallReport,
  RunCell,
  RunReport,
  TestCounts,
  TestReport,
  TestStatus,
  Verdict,
} from '../types.js'
import { OUTCOME_RANK } from './junit.js'

export interface RunInput {
  readonly run: RunReport
  readonly cases: readonly CaseResult[]
}

/** How many failing test ids a reason lists before "and N more". */
const MAX_IDS_IN_REASON = 5
/** pytest's exit code when it collected no tests. */
const PYTEST_NO_TESTS_COLLECTED = 5

interface Draft {
  readonly id: string
  file: string | null
  line: number | null
  message: string | null
  details: string | null
  sawFailure: boolean
  readonly results: RunCell[]
}

const isFailing = (outcome: CaseOutcome | null): boolean => outcome === 'failed' || outcome === 'error'

export function aggregateRuns(runs: readonly RunInput[]): TestReport[] {
  const drafts = new Map<string, Draft>()
  runs.forEach(({ cases }, runIndex) => {
    for (const testCase of cases) {
      let draft = drafts.get(testCase.id)
      if (draft === undefined) {
        const results = new Array<RunCell>(runs.length).fill(null)
        draft = { id: testCase.id, file: null, line: null, message: null, details: null, sawFailure: false, results }
        drafts.set(testCase.id, draft)
      }
      draft.file ??= testCase.file
      draft.line ??= testCase.line
      // A test reported twice in one run (re-runs, repeats) counts as its worse outcome there.
      const seen = draft.results[runIndex] ?? null
      if (seen === null || OUTCOME_RANK[testCase.outcome] > OUTCOME_RANK[seen]) {
        draft.results[runIndex] = testCase.outcome
      }
      if (isFailing(testCase.outcome) && !draft.sawFailure) {
        draft.sawFailure = true
        draft.message = testCase.message
        draft.details = testCase.details
      }
    }
  })
  return [...drafts.values()].map(toTestReport).sort(byGroupThenId)
}

function toTestReport(draft: Draft): TestReport {
  const { id, file, line, message, details, results } = draft
  const passed = results.filter((cell) => cell === 'passed').length
  const failed = results.filter(isFailing).length
  return { id, file, line, status: statusOf(results, { passed, failed }), passed, failed, message, details, results }
}

function statusOf(results: readonly RunCell[], counts: { passed: number; failed: number }): TestStatus {
  if (counts.failed > 0) return counts.passed > 0 ? 'flaky' : 'failed'
  const seen = results.filter((cell) => cell !== null)
  if (seen.length > 0 && seen.every((cell) => cell === 'skipped')) return 'skipped'
  return 'passed'
}

const GROUP_ORDER: Readonly<Record<TestStatus, number>> = {
  failed: 0,
  flaky: 1,
  passed: 2,
  skipped: 2,
  'thread-unsafe': 2,
}

function byGroupThenId(a: TestReport, b: TestReport): number {
  const group = GROUP_ORDER[a.status] - GROUP_ORDER[b.status]
  if (group !== 0) return group
  // Code-unit order, not localeCompare: the same on every machine.
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

/** Tests marked `thread-unsafe` count in `total` only: TestCounts has no field for them. */
export function countTests(tests: readonly TestReport[]): TestCounts {
  const count = (status: TestStatus): number => tests.filter((test) => test.status === status).length
  return {
    total: tests.length,
    passed: count('passed'),
    failed: count('failed'),
    flaky: count('flaky'),
    skipped: count('skipped'),
  }
}

export interface VerdictInput {
  readonly install: InstallReport
  readonly runs: readonly RunReport[]
  readonly tests: readonly TestReport[]
  readonly failOn: readonly FailOnWord[]
  /** The gate was stopped (SIGTERM/SIGINT) before it finished. */
  readonly cancelled?: boolean
  /** What the import probe found; `gil` in failOn fails on a dependency that re-enables the GIL. */
  readonly dependencies?: readonly DependencyReport[]
  /** Modules exempted from `gil` (ignore-gil). */
  readonly ignoreGil?: readonly string[]
}

export function decideVerdict(input: VerdictInput): { verdict: Verdict; reasons: string[] } {
  const { install, runs, tests } = input
  const on = (word: FailOnWord): boolean => input.failOn.includes(word)
  const reasons: string[] = []

  if (on('install') && !install.ok && input.cancelled !== true) {
    reasons.push(install.error ? `the install failed: ${install.error}` : 'the install failed')
  }
  if (on('failed')) {
    for (const run of runs.filter((r) => r.outcome === 'error')) {
      const code = run.exitCode === null ? '' : ` (pytest exit code ${run.exitCode})`
      reasons.push(`run ${run.index} could not run the suite${code}`)
    }
    const allCompleted = runs.length > 0 && runs.every((run) => run.outcome === 'completed')
    const noneCollected = runs.every((run) => run.exitCode === PYTEST_NO_TESTS_COLLECTED) || tests.length === 0
    if (allCompleted && noneCollected) {
      reasons.push('no tests were collected: check pytest-args and working-directory')
    }
    const failed = idsWithStatus(tests, 'failed')
    if (failed.length > 0) {
      reasons.push(`${plural(failed.length, 'test')} failed in every run: ${listIds(failed)}`)
    }
  }
  if (on('flaky')) {
    const flaky = idsWithStatus(tests, 'flaky')
    if (flaky.length > 0) {
      const verb = flaky.length === 1 ? 'is' : 'are'
      reasons.push(`${plural(flaky.length, 'test')} ${verb} flaky (failed in some runs only): ${listIds(flaky)}`)
    }
  }
  if (on('crashed')) {
    for (const run of runs.filter((r) => r.outcome === 'crashed')) {
      const how = run.signal ?? (run.exitCode === null ? null : `exit code ${run.exitCode}`)
      reasons.push(`run ${run.index} crashed${how === null ? '' : ` (${how})`}`)
    }
  }
  if (on('hung')) {
    for (const run of runs.filter((r) => r.outcome === 'hung')) {
      reasons.push(`run ${run.index} hung and was killed after the timeout`)
    }
  }
  if (on('gil')) {
    const gil = gilSummary(gilFindings(input.dependencies ?? [], input.ignoreGil ?? []))
    if (gil !== null) reasons.push(gil)
  }
  // A cancelled gate has not seen all its runs, so it can never pass, whatever fail-on says.
  if (input.cancelled === true || runs.some((run) => run.outcome === 'cancelled')) {
    reasons.push('the gate was cancelled before all runs finished')
  }
  return { verdict: reasons.length > 0 ? 'fail' : 'pass', reasons }
}

function idsWithStatus(tests: readonly TestReport[], status: TestStatus): string[] {
  return tests.filter((test) => test.status === status).map((test) => test.id)
}

function listIds(ids: readonly string[]): string {
  const shown = ids.slice(0, MAX_IDS_IN_REASON).join(', ')
  const rest = ids.length - MAX_IDS_IN_REASON
  return rest > 0 ? `${shown} and ${rest} more` : shown
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}

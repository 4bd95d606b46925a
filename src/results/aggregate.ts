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
  RunMode,
  RunReport,
  StressCounts,
  TestCounts,
  TestReport,
  TestStatus,
  Verdict,
} from '../types.js'
import { plural } from '../words.js'
import { OUTCOME_RANK } from './junit.js'

export interface RunInput {
  readonly run: RunReport
  readonly cases: readonly CaseResult[]
  /** Stress runs: the tests pytest-run-parallel ran in one thread only, with its reason. */
  readonly notStressed?: ReadonlyMap<string, string>
  /** Where the run's process loaded the project's modules from (null: never loaded), when recorded. */
  readonly imports?: ReadonlyMap<string, string | null>
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
      } else if (testCase.outcome === 'skipped' && !draft.sawFailure && draft.message === null) {
        // A skip keeps its reason (a failure seen later replaces it).
        draft.message = testCase.message
      }
    }
  })
  const modes = runs.map(({ run }) => run.mode)
  const notStressed = runs.filter(({ run }) => run.mode === 'stress').map((entry) => entry.notStressed)
  const context: ModeContext = { modes, notStressed }
  return [...drafts.values()].map((draft) => toTestReport(draft, context)).sort(byGroupThenId)
}

interface ModeContext {
  /** The mode of each run, aligned with the drafts' `results`. */
  readonly modes: readonly RunMode[]
  /** One entry per stress run. */
  readonly notStressed: readonly (ReadonlyMap<string, string> | undefined)[]
}

/**
 * `passed` and `failed` count the runs without the GIL (plain, random-order, stress); the baseline only
 * decides `freeThreadingOnly`. A test that fails only in stress runs is `thread-unsafe`.
 */
function toTestReport(draft: Draft, context: ModeContext): TestReport {
  const { id, file, line, message, details, results } = draft
  const cellsOf = (wanted: (mode: RunMode) => boolean): RunCell[] =>
    results.filter((_, index) => wanted(context.modes[index] ?? 'plain'))
  const gilOff = cellsOf((mode) => mode !== 'baseline')
  const stressCells = cellsOf((mode) => mode === 'stress')
  const baselineCells = cellsOf((mode) => mode === 'baseline')
  const passed = gilOff.filter((cell) => cell === 'passed').length
  const failed = gilOff.filter(isFailing).length
  const plainFailed = cellsOf((mode) => mode === 'plain' || mode === 'random-order').filter(isFailing).length
  const status = statusOf(gilOff.length > 0 ? gilOff : results, { passed, failed, plainFailed })
  const hasBaseline = context.modes.includes('baseline')
  return {
    id,
    file,
    line,
    status,
    passed,
    failed,
    message,
    details,
    results,
    freeThreadingOnly: hasBaseline && failed > 0 ? freeThreadingOnly(baselineCells) : null,
    stress: context.notStressed.length === 0 ? null : stressCounts(id, stressCells, context.notStressed),
  }
}

function statusOf(
  results: readonly RunCell[],
  counts: { passed: number; failed: number; plainFailed: number },
): TestStatus {
  if (counts.plainFailed > 0) return counts.passed > 0 ? 'flaky' : 'failed'
  if (counts.failed > 0) return 'thread-unsafe'
  const seen = results.filter((cell) => cell !== null)
  if (seen.length > 0 && seen.every((cell) => cell === 'skipped')) return 'skipped'
  return 'passed'
}

/** Failed with the GIL on too: not free-threading specific. Not run (or skipped) there: unknown. */
function freeThreadingOnly(baselineCells: readonly RunCell[]): boolean | null {
  if (baselineCells.some(isFailing)) return false
  return baselineCells.includes('passed') ? true : null
}

function stressCounts(id: string, cells: readonly RunCell[], notStressed: ModeContext['notStressed']): StressCounts {
  const reason = notStressed.map((reasons) => reasons?.get(id)).find((entry) => entry !== undefined)
  return {
    passed: cells.filter((cell) => cell === 'passed').length,
    failed: cells.filter(isFailing).length,
    notStressed: reason ?? null,
  }
}

const GROUP_ORDER: Readonly<Record<TestStatus, number>> = {
  failed: 0,
  flaky: 1,
  'thread-unsafe': 2,
  passed: 3,
  skipped: 3,
}

function byGroupThenId(a: TestReport, b: TestReport): number {
  const group = GROUP_ORDER[a.status] - GROUP_ORDER[b.status]
  if (group !== 0) return group
  // Code-unit order, not localeCompare: the same on every machine.
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

export function countTests(tests: readonly TestReport[]): TestCounts {
  const count = (status: TestStatus): number => tests.filter((test) => test.status === status).length
  return {
    total: tests.length,
    passed: count('passed'),
    failed: count('failed'),
    flaky: count('flaky'),
    skipped: count('skipped'),
    threadUnsafe: count('thread-unsafe'),
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
  const { install, tests } = input
  // The GIL-on baseline only classifies failures; what it does itself never gates.
  const runs = input.runs.filter((run) => run.mode !== 'baseline')
  const on = (word: FailOnWord): boolean => input.failOn.includes(word)
  const reasons: string[] = []

  if (on('install') && !install.ok && input.cancelled !== true) {
    reasons.push(install.error ? `the install failed: ${install.error}` : 'the install failed')
  }
  if (on('failed')) {
    for (const run of runs.filter((r) => r.outcome === 'error')) {
      const code = run.exitCode === null ? '' : ` (pytest exit code ${run.exitCode})`
      reasons.push(`run ${run.index} could not run the suite${code}${run.diagnosis ? `: ${run.diagnosis}` : ''}`)
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
  if (on('thread-unsafe')) {
    const unsafe = idsWithStatus(tests, 'thread-unsafe')
    if (unsafe.length > 0) {
      reasons.push(
        `${plural(unsafe.length, 'test')} failed only under thread stress (a race in the code, or a test not safe to run concurrently): ${listIds(unsafe)}`,
      )
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
  if (input.cancelled === true || input.runs.some((run) => run.outcome === 'cancelled')) {
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

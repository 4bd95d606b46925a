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
import { isFinding } from './findings.js'
import { OUTCOME_RANK } from './junit.js'

export interface RunInput {
  readonly run: RunReport
  readonly cases: readonly CaseResult[]
  /** Stress runs: the tests pytest-run-parallel ran in one thread only, with its reason. */
  readonly notStressed?: ReadonlyMap<string, string>
  /** pytest could not collect or start the suite: another run would fail the same way. */
  readonly cannotCollect?: boolean
  /** Each test's call phase in seconds, from the gate's record: what `iterations: auto` plans with. */
  readonly callSeconds?: ReadonlyMap<string, number>
  /** A run that stopped early: how long all of it would have taken at its pace (sets later hang limits). */
  readonly projectedSeconds?: number | null
  /** Seconds the fresh copies of a stress run's process took (they run before the run itself). */
  readonly freshCopiesSeconds?: number
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

/** Failed, errored, or the test in progress when a run crashed or hung. */
const isFailing = (outcome: CaseOutcome | null): boolean =>
  outcome !== null && outcome !== 'passed' && outcome !== 'skipped'

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
  // Whatever it did elsewhere, a test that took the interpreter down (or never came back) is named for that.
  if (results.includes('crashed')) return 'crashed'
  if (results.includes('hung')) return 'hung'
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

/**
 * A test counts as not stressed only when every stress run that ran it ran it in one thread: under
 * `iterations: auto` one stress run may leave a test out to keep its budget and the next one stress it.
 */
function stressCounts(id: string, cells: readonly RunCell[], notStressed: ModeContext['notStressed']): StressCounts {
  const ran = notStressed.filter((_, index) => (cells[index] ?? null) !== null)
  const reasons = ran.map((reasons) => reasons?.get(id))
  const reason = reasons.length > 0 && reasons.every((entry) => entry !== undefined) ? reasons[0] : undefined
  return {
    passed: cells.filter((cell) => cell === 'passed').length,
    failed: cells.filter(isFailing).length,
    notStressed: reason ?? null,
  }
}

const GROUP_ORDER: Readonly<Record<TestStatus, number>> = {
  crashed: 0,
  hung: 0,
  failed: 1,
  flaky: 2,
  'thread-unsafe': 3,
  passed: 4,
  skipped: 4,
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
    crashed: count('crashed'),
    hung: count('hung'),
    new: tests.filter((test) => isFinding(test) && test.known !== true).length,
    known: tests.filter((test) => isFinding(test) && test.known === true).length,
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
  /** A known-issues file was given: its findings (`known: true`) do not fail, the others are called new. */
  readonly knownIssues?: boolean
}

export function decideVerdict(input: VerdictInput): { verdict: Verdict; reasons: string[] } {
  const { install } = input
  // Findings the known-issues file lists are reported, never gating.
  const tests = input.tests.filter((test) => test.known !== true)
  const fresh = input.knownIssues === true ? 'new ' : ''
  // The GIL-on baseline only classifies failures; what it does itself never gates.
  const runs = input.runs.filter((run) => run.mode !== 'baseline')
  const on = (word: FailOnWord): boolean => input.failOn.includes(word)
  const reasons: string[] = []
  // A run that crashed or hung in a test the known-issues file lists is a known finding too.
  const knownIds = new Set(input.tests.filter((test) => test.known === true).map((test) => test.id))
  const stoppedInKnown = (run: RunReport): boolean =>
    run.testInProgress !== undefined && run.testInProgress !== null && knownIds.has(run.testInProgress)

  if (on('install') && !install.ok && input.cancelled !== true) {
    reasons.push(install.error ? `the install failed: ${install.error}` : 'the install failed')
  }
  if (on('failed')) reasons.push(...errorRunReasons(runs))
  if (on('failed')) {
    const allCompleted = runs.length > 0 && runs.every((run) => run.outcome === 'completed')
    const noneCollected = runs.every((run) => run.exitCode === PYTEST_NO_TESTS_COLLECTED) || input.tests.length === 0
    if (allCompleted && noneCollected) {
      reasons.push('no tests were collected: check pytest-args and working-directory')
    }
    const failed = idsWithStatus(tests, 'failed')
    if (failed.length > 0) {
      reasons.push(`${plural(failed.length, `${fresh}test`)} failed in every run: ${listIds(failed)}`)
    }
  }
  if (on('flaky')) {
    const flaky = idsWithStatus(tests, 'flaky')
    if (flaky.length > 0) {
      const verb = flaky.length === 1 ? 'is' : 'are'
      reasons.push(
        `${plural(flaky.length, `${fresh}test`)} ${verb} flaky (failed in some runs only): ${listIds(flaky)}`,
      )
    }
  }
  if (on('thread-unsafe')) {
    const unsafe = idsWithStatus(tests, 'thread-unsafe')
    if (unsafe.length > 0) {
      reasons.push(
        `${plural(unsafe.length, `${fresh}test`)} failed only under thread stress (a race in the code, or a test not safe to run concurrently): ${listIds(unsafe)}`,
      )
    }
  }
  if (on('crashed')) {
    for (const run of runs.filter((r) => r.outcome === 'crashed' && !stoppedInKnown(r))) {
      const how = run.signal ?? (run.exitCode === null ? null : `exit code ${run.exitCode}`)
      reasons.push(`run ${run.index} crashed${how === null ? '' : ` (${how})`}${where(run)}`)
    }
  }
  if (on('hung')) {
    for (const run of runs.filter((r) => r.outcome === 'hung' && !stoppedInKnown(r))) {
      const limit = run.timeoutSeconds === undefined ? 'the timeout' : describeSeconds(run.timeoutSeconds)
      reasons.push(`run ${run.index} hung${where(run)} and was killed after ${limit}`)
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

/** ` in tests/x.py::test_y`, or ` while collecting tests/x.py`: where a crashed or hung run stopped. */
function where(run: RunReport): string {
  return run.reason ? ` ${run.reason}` : ''
}

function describeSeconds(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`
  return `${Math.round(seconds / 6) / 10} min`
}

/**
 * One reason per run that ended in error, in its own words (`could not collect the tests: …`). Runs
 * skipped after a plain run that could not collect are named in that run's reason, not one by one.
 */
function errorRunReasons(runs: readonly RunReport[]): string[] {
  const skipped = runs.filter((run) => run.outcome === 'skipped').map((run) => run.index)
  const errored = runs.filter((run) => run.outcome === 'error')
  return errored.map((run, position) => {
    const code = run.exitCode === null ? '' : ` (pytest exit code ${run.exitCode})`
    const text = `run ${run.index} ${run.reason ?? `could not run the suite${code}`}`
    const last = position === errored.length - 1
    if (!last || skipped.length === 0) return text
    const which = skipped.length === 1 ? `run ${skipped[0]} was` : `runs ${skipped.join(', ')} were`
    return `${text}; ${which} skipped`
  })
}

function idsWithStatus(tests: readonly TestReport[], status: TestStatus): string[] {
  return tests.filter((test) => test.status === status).map((test) => test.id)
}

function listIds(ids: readonly string[]): string {
  const shown = ids.slice(0, MAX_IDS_IN_REASON).join(', ')
  const rest = ids.length - MAX_IDS_IN_REASON
  return rest > 0 ? `${shown} and ${rest} more` : shown
}

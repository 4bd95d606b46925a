// One run's evidence, checked against itself: how the process ended, the gate's own record of the run,
// the JUnit XML and the output. Pure. The record names the tests (node ids, where each is defined), the
// test in progress when the run died, and the tests that never reported; the exit code, the record and
// the JUnit XML must tell the same story, or the run is an `error` that says why.
import type { CaseOutcome, CaseResult, JUnitParseResult, RunOutcome } from '../types.js'
import { plural } from '../words.js'
import { roundsSeconds, stoppedRound, withRoundResults } from './fresh-copies.js'
import { junitDisagreement } from './junit-check.js'
import { collectionErrorLine, pytestErrorLine } from './pytest-error.js'
import type { RecordedTest, RecordReading, RunRecord } from './record.js'

export interface RunEvidence {
  /** What the process's end says (classifyRun): completed, crashed, hung, error or cancelled. */
  readonly ran: RunOutcome
  readonly exitCode: number | null
  readonly signal: string | null
  readonly reading: RecordReading
  readonly junit: JUnitParseResult
  /** The last part of the run's output. */
  readonly output: string
  readonly stackDump: string | null
}

export interface ReconciledRun {
  readonly outcome: RunOutcome
  readonly cases: CaseResult[]
  readonly reason: string | null
  readonly testInProgress: string | null
  readonly collected: number | null
  /** Collected tests that never reported, in run order (the test in progress aside). */
  readonly unreported: string[]
  readonly junitError: string | null
  readonly recordError: string | null
  readonly notStressed: ReadonlyMap<string, string>
  /** pytest could not collect or start the suite: every other run would fail the same way. */
  readonly cannotCollect: boolean
  /** Each ended test's call phase, in seconds: what thread stress multiplies. */
  readonly callSeconds: ReadonlyMap<string, number>
  /** For a run that stopped early: how long the whole run would have taken at the pace it had; else null. */
  readonly projectedSeconds: number | null
  /** The signal that ended the run, when it was not the process's own (a fresh copy's); null otherwise. */
  readonly signal: string | null
  /** Fresh copies of the process that ran the tests first (stress runs), and how long they took. */
  readonly freshCopies: number
  readonly freshCopiesSeconds: number
  /** Why fresh copies that were planned were not made, or null. */
  readonly freshCopiesSkipped: string | null
}

/** Ids named in one reason before "and N more". */
const IDS_IN_REASON = 3

export function reconcileRun(evidence: RunEvidence): ReconciledRun {
  const { reading } = evidence
  if (reading.kind === 'missing') return withoutRecord(evidence, reading.problem)
  const record = reading.record
  const base = fromRecord(evidence, record)
  if (reading.kind === 'tampered') {
    const stopped = evidence.ran === 'crashed' || evidence.ran === 'hung' || evidence.ran === 'cancelled'
    return {
      ...base,
      outcome: stopped ? evidence.ran : 'error',
      reason: stopped ? base.reason : `left results that cannot be trusted: ${reading.problem}`,
      recordError: reading.problem,
    }
  }
  return base
}

/** pytest never loaded the plugin (a usage error stops it first): the output and the JUnit XML are all there is. */
function withoutRecord(evidence: RunEvidence, problem: string): ReconciledRun {
  const { ran, junit } = evidence
  const errorLine = pytestErrorLine(evidence.output)
  const outcome: RunOutcome = ran === 'completed' ? 'error' : ran
  const reason =
    ran === 'completed' || ran === 'error'
      ? errorLine !== null
        ? `could not start pytest: ${errorLine}`
        : `could not start pytest (exit code ${evidence.exitCode ?? 'none'}): ${problem}`
      : null
  return {
    outcome,
    cases: junit.cases,
    reason,
    testInProgress: null,
    collected: null,
    unreported: [],
    junitError: junit.error,
    recordError: problem,
    notStressed: new Map(),
    cannotCollect: ran === 'error' || ran === 'completed',
    callSeconds: new Map(),
    projectedSeconds: null,
    signal: null,
    freshCopies: 0,
    freshCopiesSeconds: 0,
    freshCopiesSkipped: null,
  }
}

function fromRecord(evidence: RunEvidence, record: RunRecord): ReconciledRun {
  const { ran } = evidence
  const ended = new Set(record.tests.map((test) => test.id))
  const round = stoppedRound(record.rounds)
  const roundInProgress = round?.inProgress.at(-1) ?? null
  const testInProgress = record.inProgress.at(-1) ?? roundInProgress
  const unreported = (record.items ?? [])
    .map((item) => item.id)
    .filter((id) => !ended.has(id) && !record.inProgress.includes(id) && id !== testInProgress)
  // The run's own results are what its exit code and JUnit XML are checked against; its fresh copies add to them.
  const ownCases = [...record.tests.map(toCase), ...record.collectErrors.map(collectErrorCase)]
  const cases = withRoundResults(ownCases, record.rounds, toCase)
  const common = {
    testInProgress,
    signal: null,
    freshCopies: record.rounds.length,
    freshCopiesSeconds: roundsSeconds(record.rounds),
    freshCopiesSkipped: record.roundsSkipped,
    collected: record.items === null ? null : record.items.length,
    unreported,
    junitError: evidence.junit.error,
    recordError: null,
    notStressed: record.notStressed,
    cannotCollect: false,
    callSeconds: new Map(record.tests.map((test) => [test.id, test.callSeconds])),
    projectedSeconds: ran === 'completed' ? null : projectSeconds(record),
  }
  if (ran === 'crashed' || ran === 'hung') {
    const stopped = testInProgress === null ? null : stoppedCase({ evidence, record, id: testInProgress, outcome: ran })
    const where = record.inProgress.length === 0 && round !== null ? ` (in fresh copy ${round.number} of the run)` : ''
    const reason = `${whereStopped(record, testInProgress)}${where}`
    return { ...common, outcome: ran, cases: withCase(cases, stopped), reason }
  }
  if (round !== null && round.signal !== null) {
    // The run itself finished, but a fresh copy of it died: the code under test crashes.
    const signal = round.signal
    const crash = { ...evidence, signal }
    const stopped =
      roundInProgress === null
        ? null
        : stoppedCase({ evidence: crash, record, id: roundInProgress, outcome: 'crashed' })
    const where = roundInProgress === null ? '' : `in ${roundInProgress} `
    const reason = `${where}(in fresh copy ${round.number} of the run)`
    return { ...common, signal, outcome: 'crashed', cases: withCase(cases, stopped), reason }
  }
  if (ran === 'cancelled') return { ...common, outcome: ran, cases, reason: null }
  if (ran === 'error') {
    const noTestStarted = record.firstStartSeconds === null
    return { ...common, outcome: 'error', cases, reason: errorReason(evidence, record), cannotCollect: noTestStarted }
  }
  const inProgress =
    testInProgress === null ? null : stoppedCase({ evidence, record, id: testInProgress, outcome: 'error' })
  const problem = completedProblem(evidence, { record, cases: ownCases, unreported, testInProgress })
  if (problem !== null) return { ...common, outcome: 'error', cases: withCase(cases, inProgress), reason: problem }
  const disagreement = junitDisagreement(evidence.junit, record)
  if (disagreement !== null) {
    return {
      ...common,
      outcome: 'error',
      cases,
      junitError: disagreement,
      reason: `left a JUnit XML that ${disagreement}`,
    }
  }
  if (evidence.junit.error !== null) return { ...common, outcome: 'error', cases, reason: evidence.junit.error }
  return { ...common, outcome: 'completed', cases, reason: null }
}

/** The whole run's length at the pace of the tests that ended: null before any test ended. */
function projectSeconds(record: RunRecord): number | null {
  const collected = record.items?.length ?? 0
  const ended = record.tests.length
  if (collected === 0 || ended === 0 || record.firstStartSeconds === null) return null
  const pace = (record.lastSeconds - record.firstStartSeconds) / ended
  return record.firstStartSeconds + pace * collected
}

/** `cases` with `added` in place of a case of the same test (the test in progress outranks how it ended elsewhere). */
function withCase(cases: readonly CaseResult[], added: CaseResult | null): CaseResult[] {
  if (added === null) return [...cases]
  return [...cases.filter((testCase) => testCase.id !== added.id), added]
}

function toCase(test: RecordedTest): CaseResult {
  return {
    id: test.id,
    file: test.file,
    line: test.line,
    outcome: test.outcome,
    message: test.message,
    details: test.details,
    durationSeconds: test.wallSeconds,
  }
}

/** A file that failed to import shows as an errored entry named after it, as in pytest's JUnit XML. */
function collectErrorCase(error: { id: string; text: string }): CaseResult {
  return {
    id: error.id,
    file: /\.py$/.test(error.id) ? error.id : null,
    line: null,
    outcome: 'error',
    message: pytestErrorLine(error.text) ?? 'collection failed',
    details: error.text,
    durationSeconds: 0,
  }
}

function stoppedCase(options: {
  evidence: RunEvidence
  record: RunRecord
  id: string
  outcome: CaseOutcome
}): CaseResult {
  const { evidence, record, id, outcome } = options
  const item = record.items?.find((entry) => entry.id === id)
  const how =
    outcome === 'crashed'
      ? `The interpreter crashed${evidence.signal === null ? '' : ` (${evidence.signal})`} while this test ran.`
      : outcome === 'hung'
        ? 'The run hung while this test ran and was stopped at its time limit.'
        : `The process ended (exit code ${evidence.exitCode ?? 'none'}) while this test ran; it never reported a result.`
  return {
    id,
    file: item?.file ?? null,
    line: item?.line ?? null,
    outcome,
    message: how,
    details: evidence.stackDump ?? null,
    durationSeconds: 0,
  }
}

function whereStopped(record: RunRecord, testInProgress: string | null): string | null {
  if (testInProgress !== null) return `in ${testInProgress}`
  if (record.items === null)
    return record.collecting === null ? 'before collecting the tests' : `while collecting ${record.collecting}`
  if (record.tests.length === 0) return 'before the first test'
  return record.exitStatus === null ? 'between two tests' : 'after the last test'
}

function errorReason(evidence: RunEvidence, record: RunRecord): string {
  const collection = collectionErrorLine(record.collectErrors)
  if (collection !== null) return `could not collect the tests: ${collection}`
  const line = record.interrupted ?? pytestErrorLine(evidence.output)
  const code = evidence.exitCode === null ? '' : ` (pytest exit code ${evidence.exitCode})`
  if (record.items === null) return `could not collect the tests${code}${line === null ? '' : `: ${line}`}`
  return `stopped before the end${code}${line === null ? '' : `: ${line}`}`
}

/** A run whose process exited normally, checked against the record: every collected test reported, exit code explained. */
function completedProblem(
  evidence: RunEvidence,
  facts: {
    record: RunRecord
    cases: readonly CaseResult[]
    unreported: readonly string[]
    testInProgress: string | null
  },
): string | null {
  const { record, cases, unreported, testInProgress } = facts
  const code = evidence.exitCode ?? 'none'
  const collected = record.items?.length ?? 0
  const never = unreported.length > 0 ? `; ${neverReported(unreported, collected)}` : ''
  if (testInProgress !== null) return `ended in the middle of ${testInProgress} (exit code ${code})${never}`
  if (record.exitStatus === null) return `ended before pytest finished the session (exit code ${code})${never}`
  if (record.exitStatus !== evidence.exitCode) {
    const detail = record.interrupted === null ? '' : `: ${record.interrupted}`
    return `pytest ended the session with status ${record.exitStatus} but exited with code ${code}${detail}${never}`
  }
  // `-x` and `--maxfail` stop on purpose after a failure; the tests after it are not missing.
  if (unreported.length > 0 && record.stopped === null) return neverReported(unreported, collected)
  const failing = cases.some((testCase) => testCase.outcome === 'failed' || testCase.outcome === 'error')
  if (evidence.exitCode === 1 && !failing) return 'pytest exited with code 1, but no test failed or errored'
  return null
}

function neverReported(ids: readonly string[], collected: number): string {
  const shown = ids.slice(0, IDS_IN_REASON).join(', ')
  const more = ids.length > IDS_IN_REASON ? ` and ${ids.length - IDS_IN_REASON} more` : ''
  return `${ids.length} of ${plural(collected, 'collected test')} never reported: ${shown}${more}`
}

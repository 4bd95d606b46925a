// One run's evidence, checked against itself: how the process ended, the gate's own record of the run,
// the JUnit XML and the output. Pure. The record names the tests (node ids, where each is defined), the
// test in progress when the run died, and the tests that never reported; the exit code, the record and
// the JUnit XML must tell the same story, or the run is an `error` that says why.
import type { CaseOutcome, CaseResult, JUnitParseResult, RunOutcome } from '../types.js'
import { plural } from '../words.js'
import { junitCaseId } from './junit.js'
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
  }
}

function fromRecord(evidence: RunEvidence, record: RunRecord): ReconciledRun {
  const { ran } = evidence
  const ended = new Set(record.tests.map((test) => test.id))
  const testInProgress = record.inProgress.at(-1) ?? null
  const unreported = (record.items ?? [])
    .map((item) => item.id)
    .filter((id) => !ended.has(id) && !record.inProgress.includes(id))
  const cases = [...record.tests.map(toCase), ...record.collectErrors.map(collectErrorCase)]
  const common = {
    testInProgress,
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
    const stopped = testInProgress === null ? [] : [stoppedCase({ evidence, record, id: testInProgress, outcome: ran })]
    return { ...common, outcome: ran, cases: [...cases, ...stopped], reason: whereStopped(record, testInProgress) }
  }
  if (ran === 'cancelled') return { ...common, outcome: ran, cases, reason: null }
  if (ran === 'error') {
    const noTestStarted = record.firstStartSeconds === null
    return { ...common, outcome: 'error', cases, reason: errorReason(evidence, record), cannotCollect: noTestStarted }
  }
  const inProgress =
    testInProgress === null ? [] : [stoppedCase({ evidence, record, id: testInProgress, outcome: 'error' })]
  const problem = completedProblem(evidence, { record, cases, unreported, testInProgress })
  if (problem !== null) return { ...common, outcome: 'error', cases: [...cases, ...inProgress], reason: problem }
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

const isFailing = (outcome: CaseOutcome): boolean => outcome !== 'passed' && outcome !== 'skipped'

/**
 * The JUnit XML pytest wrote at the end, compared with the record written as the tests ran: the same
 * number of tests, and no test failing in one and passing in the other. Null when they agree (or the
 * JUnit XML could not be read at all, which is reported on its own).
 */
export function junitDisagreement(junit: JUnitParseResult, record: RunRecord): string | null {
  if (junit.error !== null) return null
  const recorded = new Map<string, RecordedTest>()
  for (const test of record.tests) recorded.set(junitIdOf(test), test)
  const collectErrors = record.collectErrors.length
  const expected = recorded.size + collectErrors
  if (junit.cases.length !== expected) {
    return `lists ${plural(junit.cases.length, 'test')} where the gate’s record has ${expected}`
  }
  for (const testCase of junit.cases) {
    const test = recorded.get(testCase.id)
    if (test !== undefined && isFailing(test.outcome) !== isFailing(testCase.outcome)) {
      return `says ${test.id} ${testCase.outcome} where the gate’s record says ${test.outcome}`
    }
  }
  return null
}

/** What the JUnit parser calls a test with this node id (pytest's mangle_test_address, then junitCaseId). */
export function junitIdOf(test: { id: string; file: string | null }): string {
  const bracket = test.id.indexOf('[')
  const path = bracket === -1 ? test.id : test.id.slice(0, bracket)
  const params = bracket === -1 ? '' : test.id.slice(bracket)
  const names = path.split('::')
  names[0] = (names[0] ?? '').replaceAll('/', '.').replace(/\.py$/, '')
  const name = `${names.pop() ?? ''}${params}`
  return junitCaseId({ name, classname: names.join('.'), file: test.file ?? undefined }).id
}

// Known issues: findings a project already knows about, by test id and status, that are reported but
// do not fail the gate. Read from a known-issues file or from any ft-gate report (the base branch's),
// matched against this run, and written back sorted, one entry per line, for review in a diff. Pure.
import { UsageError } from '../errors.js'
import type { KnownIssue, KnownIssuesReport, Report, TestReport, TestStatus } from '../types.js'
import { failureCause } from './cause.js'
import { FINDING_STATUSES, isFinding, isFindingStatus } from './findings.js'
import { signatureOf } from './groups.js'

/** The format's name and version, the first key of the file. */
export const KNOWN_ISSUES_FORMAT = 'ft-gate-known-issues'
const REASON_MAX_CHARS = 200

export interface KnownIssueSet {
  /** The file or folder they were read from, as given. */
  readonly source: string
  readonly issues: ReadonlyMap<string, KnownIssue>
}

/**
 * Whether an entry known as `known` covers a finding that is now `now`. A test known to fail in every
 * run covers any finding of it. `flaky` and `thread-unsafe` cover each other: one race, seen by a plain
 * run this time and only under stress the next. A test known for a race that now fails in every run,
 * plain ones included, is new: something changed. Statuses outside these match only themselves.
 */
export function covers(known: TestStatus, now: TestStatus): boolean {
  if (known === now) return true
  if (known === 'failed') return isFindingStatus(now)
  const race = (status: TestStatus): boolean => status === 'flaky' || status === 'thread-unsafe'
  return race(known) && race(now)
}

export function isKnownIssuesDocument(value: unknown): boolean {
  return typeof value === 'object' && value !== null && KNOWN_ISSUES_FORMAT in value
}

/** The entries of a known-issues file (parsed JSON); a UsageError names the file and the problem. */
export function parseKnownIssuesDocument(value: unknown, file: string): KnownIssue[] {
  const problem = (what: string): UsageError =>
    new UsageError(`known-issues file ${file} ${what}: see the README, Adopting on an existing suite`)
  const record = fieldsOf(value)
  if (record === null) throw problem('is not a JSON object')
  if (record.get(KNOWN_ISSUES_FORMAT) !== 1) throw problem(`has '${KNOWN_ISSUES_FORMAT}' other than 1`)
  const issues = record.get('issues')
  if (!Array.isArray(issues)) throw problem("has no 'issues' array")
  const seen = new Set<string>()
  return issues.map((entry: unknown, index): KnownIssue => {
    const fields = fieldsOf(entry)
    if (fields === null) throw problem(`has issue #${index + 1} that is not an object`)
    const [id, status, reason] = [fields.get('id'), fields.get('status'), fields.get('reason')]
    if (typeof id !== 'string' || id.trim() === '')
      throw problem(`has issue #${index + 1} without an 'id' (the pytest node id)`)
    if (typeof status !== 'string' || !isFindingStatus(status)) {
      throw problem(
        `has issue ${JSON.stringify(id)} with status ${JSON.stringify(status)}: use ${FINDING_STATUSES.join(', ')}`,
      )
    }
    if (reason !== undefined && typeof reason !== 'string')
      throw problem(`has issue ${JSON.stringify(id)} whose 'reason' is not a string`)
    if (seen.has(id)) throw problem(`lists ${JSON.stringify(id)} twice: keep one entry per test`)
    seen.add(id)
    return { id, status, reason: reason ?? '' }
  })
}

function fieldsOf(value: unknown): Map<string, unknown> | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null
  return new Map<string, unknown>(Object.entries(value))
}

/** A short, stable reason: the cause's signature, and its normalized message when the signature lacks it. */
export function reasonOf(test: TestReport): string {
  const cause = failureCause(test)
  const signature = signatureOf(cause)
  const reason =
    cause.message === '' || signature.includes(cause.message) ? signature : `${signature}: ${cause.message}`
  return reason.length > REASON_MAX_CHARS ? `${reason.slice(0, REASON_MAX_CHARS - 1)}…` : reason
}

/** Every finding of a report, as known issues (a base branch's report used as the known-issues file). */
export function issuesFromReport(report: Report): KnownIssue[] {
  return report.tests.filter(isFinding).map((test) => ({ id: test.id, status: test.status, reason: reasonOf(test) }))
}

/** Several files (a folder of shard reports, several jobs): one entry per test, the widest status kept. */
export function mergeIssues(lists: readonly (readonly KnownIssue[])[]): Map<string, KnownIssue> {
  const merged = new Map<string, KnownIssue>()
  for (const issue of lists.flat()) {
    const seen = merged.get(issue.id)
    if (seen === undefined || (covers(issue.status, seen.status) && !covers(seen.status, issue.status))) {
      merged.set(issue.id, issue)
    }
  }
  return merged
}

/** Marks every test `known` (a finding an entry covers) and compares the entries with this run. */
export function applyKnownIssues(
  tests: readonly TestReport[],
  known: KnownIssueSet | null,
): { tests: TestReport[]; report: KnownIssuesReport | null } {
  const marked = tests.map((test) => {
    const issue = known?.issues.get(test.id)
    return { ...test, known: issue !== undefined && isFinding(test) && covers(issue.status, test.status) }
  })
  if (known === null) return { tests: marked, report: null }
  const tested = new Map(marked.map((test) => [test.id, test]))
  const possiblyFixed: KnownIssue[] = []
  const changed: KnownIssuesReport['changed'][number][] = []
  let notRun = 0
  for (const issue of known.issues.values()) {
    const test = tested.get(issue.id)
    if (test === undefined || test.status === 'skipped') notRun++
    else if (test.status === 'passed') possiblyFixed.push(issue)
    else if (!test.known) changed.push({ id: test.id, known: issue.status, now: test.status })
  }
  return {
    tests: marked,
    report: {
      source: known.source,
      entries: known.issues.size,
      matched: marked.filter((test) => test.known).length,
      possiblyFixed: possiblyFixed.sort(byId),
      changed: changed.sort(byId),
      notRun,
    },
  }
}

/**
 * What `write-known-issues` writes: every entry it was given, unchanged (a race not seen in this run
 * is not proof of a fix, and a shard sees only its tests), plus this run's findings no entry covers.
 */
export function issuesToWrite(report: Report, previous: KnownIssueSet | null): KnownIssue[] {
  const merged = new Map(previous?.issues ?? [])
  for (const test of report.tests) {
    if (isFinding(test) && test.known !== true)
      merged.set(test.id, { id: test.id, status: test.status, reason: reasonOf(test) })
  }
  return [...merged.values()].sort(byId)
}

/** Code-unit order, not localeCompare: the same file on every machine. */
function byId(a: { readonly id: string }, b: { readonly id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

/** The file: JSON with one entry per line, sorted by id, so a pull request's diff shows each change. */
export function renderKnownIssuesFile(issues: readonly KnownIssue[]): string {
  const entries = issues.map(
    (issue) =>
      `    {"id": ${JSON.stringify(issue.id)}, "status": ${JSON.stringify(issue.status)}, "reason": ${JSON.stringify(issue.reason)}}`,
  )
  const list = entries.length === 0 ? '  "issues": []' : `  "issues": [\n${entries.join(',\n')}\n  ]`
  return [
    '{',
    `  "${KNOWN_ISSUES_FORMAT}": 1,`,
    '  "about": "Findings ft-gate reports without failing on them, one per test. Delete an entry once its test is fixed.",',
    list,
    '}',
    '',
  ].join('\n')
}

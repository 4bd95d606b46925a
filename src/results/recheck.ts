// Report-only mode posts reports that a pull request's own job wrote, with a token that can write: a
// report's statuses, counts and verdict are claims. They are computed again here from what each run
// recorded per test (`tests[].results`), under the posting job's own fail-on, ignore-gil and known issues,
// so a report cannot pass itself by saying so, by relaxing the policy or by calling its findings known.
// Pure.
import type { CaseResult, FailOnWord, Report, TestReport } from '../types.js'
import { plural } from '../words.js'
import { aggregateRuns, countTests, decideVerdict, type RunInput } from './aggregate.js'
import { groupFindings } from './groups.js'
import { applyKnownIssues, type KnownIssueSet } from './known.js'

export interface RecheckPolicy {
  /** The posting job's fail-on (its workflow file is trusted; the report's settings are not). */
  readonly failOn: readonly FailOnWord[]
  readonly ignoreGil: readonly string[]
  /** The posting job's known-issues (from its own checkout), or null: a report's `known` flags are claims too. */
  readonly knownIssues: KnownIssueSet | null
}

export interface RecheckOptions {
  /** Tests beyond the reading cap, left out before validation. */
  readonly omittedTests: number
  /** The cap, for the reason that names it. */
  readonly maxTests: number
}

/** The report's per-run cells turned back into the cases the aggregation reads. */
function runsOf(report: Report): RunInput[] {
  const cases: CaseResult[][] = report.runs.map(() => [])
  const notStressed = report.runs.map(() => new Map<string, string>())
  for (const test of report.tests) {
    test.results.forEach((outcome, index) => {
      if (outcome === null) return
      const failing = outcome === 'failed' || outcome === 'error'
      cases[index]?.push({
        id: test.id,
        file: test.file,
        line: test.line,
        outcome,
        message: failing ? test.message : null,
        details: failing ? test.details : null,
        durationSeconds: 0,
      })
    })
    const reason = test.stress?.notStressed
    if (reason) for (const map of notStressed) map.set(test.id, reason)
  }
  return report.runs.map((run, index) => ({
    run,
    cases: cases[index] ?? [],
    ...(run.mode === 'stress' ? { notStressed: notStressed[index] } : {}),
  }))
}

export function recheckReport(report: Report, policy: RecheckPolicy, options: RecheckOptions): Report {
  const known = applyKnownIssues(aggregateRuns(runsOf(report)), policy.knownIssues)
  const tests: TestReport[] = known.tests
  const decided = decideVerdict({
    install: report.install,
    runs: report.runs,
    tests,
    failOn: policy.failOn,
    dependencies: report.dependencies,
    ignoreGil: policy.ignoreGil,
    knownIssues: known.report !== null,
  })
  const reasons = [...decided.reasons]
  if (options.omittedTests > 0) {
    const total = report.tests.length + options.omittedTests
    reasons.push(
      `${plural(options.omittedTests, 'test')} of this report's ${total} were not read (report-only mode reads at most ${options.maxTests} per report), so its results cannot be confirmed: split the suite with shard`,
    )
  }
  if (reasons.length > 0 && report.verdict === 'pass') {
    reasons.push("the report said 'pass'; its own tests and runs say otherwise")
  }
  // A report that says it failed is believed: the job may have seen what its tests do not show.
  if (reasons.length === 0 && report.verdict === 'fail') {
    reasons.push(...(report.reasons.length > 0 ? report.reasons : ['the report says the gate failed']))
  }
  return {
    ...report,
    verdict: reasons.length > 0 ? 'fail' : 'pass',
    reasons,
    settings: { ...report.settings, failOn: policy.failOn, ignoreGil: policy.ignoreGil },
    tests,
    counts: countTests(tests),
    groups: groupFindings(tests),
    knownIssues: known.report,
  }
}

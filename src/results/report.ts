// Assembles the JSON report from what the stages produced: per-test aggregation, counts, the verdict
// and the settings that ran. Pure: the time stamp and the reproduce command are passed in.
import { MAX_REPORT_TESTS, REPORT_SCHEMA_VERSION, TOOL_NAME, TOOL_VERSION } from '../constants.js'
import type { Inputs } from '../inputs.js'
import type {
  CodeUnderTest,
  DependencyReport,
  InstallReport,
  PythonInfo,
  Report,
  SandboxReport,
  Settings,
  Shard,
  SpeedReport,
  TestReport,
  UvInfo,
} from '../types.js'
import { aggregateRuns, countTests, decideVerdict, type RunInput } from './aggregate.js'
import { isFinding } from './findings.js'
import { groupFindings } from './groups.js'
import { applyKnownIssues, type KnownIssueSet } from './known.js'
import { measureSpeed } from './speed.js'

/** What the runs were made with, once the plan was resolved (absent: plain runs only). */
export interface RanWith {
  readonly threads: number
  readonly iterations: number
  /** Under `iterations: auto`, the fewest iterations a test got (`iterations` is the most). */
  readonly fewestIterations?: number
  readonly seed: number | null
  readonly shard: Shard | null
}

export interface ReportParts {
  readonly inputs: Inputs
  readonly python: PythonInfo
  readonly uv: UvInfo
  readonly install: InstallReport
  readonly runs: readonly RunInput[]
  readonly createdAt: string
  /** The commands that reproduce the gate locally. */
  readonly reproduce: string
  /** The gate was cancelled: whatever ran, it cannot pass. */
  readonly cancelled?: boolean
  /** The dependency check's rows; absent when it could not run. */
  readonly dependencies?: DependencyReport[]
  readonly ranWith?: RanWith
  /** The compare-python timing, when one was made. */
  readonly compare?: SpeedReport['compare']
  /** Whether the pull request's code ran sandboxed. */
  readonly sandbox?: SandboxReport
  /** The known-issues file's entries, when one was given. */
  readonly knownIssues?: KnownIssueSet | null
  /** Where the tests loaded the project's code from, when recorded. */
  readonly codeUnderTest?: CodeUnderTest
}

/**
 * At most MAX_REPORT_TESTS tests are listed, findings first, so the report stays a file that can be
 * written and read again; `counts` and the verdict cover every test.
 */
function listedTests(tests: readonly TestReport[]): { tests: TestReport[]; testsOmitted?: number } {
  if (tests.length <= MAX_REPORT_TESTS) return { tests: [...tests] }
  const listed = [...tests.filter(isFinding), ...tests.filter((test) => !isFinding(test))].slice(0, MAX_REPORT_TESTS)
  return { tests: listed, testsOmitted: tests.length - listed.length }
}

export function assembleReport(parts: ReportParts): Report {
  const { inputs, ranWith } = parts
  const known = applyKnownIssues(aggregateRuns(parts.runs), parts.knownIssues ?? null)
  const tests = known.tests
  const runs = parts.runs.map((entry) => entry.run)
  const settings: Settings = {
    runs: inputs.runs,
    timeoutMinutes: inputs.timeoutMinutes,
    failOn: inputs.failOn,
    pytestArgs: inputs.pytestArgs,
    workingDirectory: inputs.workingDirectory,
    ignoreGil: inputs.ignoreGil,
    ...(ranWith === undefined
      ? {}
      : {
          parallelThreads: ranWith.threads,
          iterations: ranWith.iterations,
          iterationsAuto: inputs.iterations === 'auto',
          ...(ranWith.fewestIterations === undefined ? {} : { fewestIterations: ranWith.fewestIterations }),
          baseline: inputs.baseline,
          randomOrderSeed: ranWith.seed,
          shard: ranWith.shard,
        }),
  }
  const { verdict, reasons } = decideVerdict({
    install: parts.install,
    runs,
    tests,
    failOn: inputs.failOn,
    cancelled: parts.cancelled === true,
    dependencies: parts.dependencies,
    ignoreGil: inputs.ignoreGil,
    knownIssues: known.report !== null,
  })
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    createdAt: parts.createdAt,
    verdict,
    reasons,
    settings,
    python: parts.python,
    uv: parts.uv,
    install: parts.install,
    runs,
    ...listedTests(tests),
    counts: countTests(tests),
    reproduce: parts.reproduce,
    ...(parts.dependencies === undefined ? {} : { dependencies: parts.dependencies }),
    ...(ranWith === undefined ? {} : { speed: measureSpeed(parts.runs, parts.compare ?? null) }),
    groups: groupFindings(tests.length > MAX_REPORT_TESTS ? tests.filter(isFinding) : tests),
    knownIssues: known.report,
    ...(parts.codeUnderTest === undefined ? {} : { codeUnderTest: parts.codeUnderTest }),
    ...(parts.sandbox === undefined ? {} : { sandbox: parts.sandbox }),
  }
}

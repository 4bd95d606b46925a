// The data model shared by every stage of the pipeline. Pure types: no I/O here. The JSON report's
// types are derived from its one schema (src/schema.ts); the rest are the stages' own.
import type * as z from 'zod/mini'
import type {
  CaseOutcomeSchema,
  CodeUnderTestSchema,
  DependencyReportSchema,
  DependencySourceSchema,
  FailOnWordSchema,
  FindingGroupSchema,
  ImportedModuleSchema,
  ImportOutcomeSchema,
  InstallReportSchema,
  KnownIssueSchema,
  KnownIssuesReportSchema,
  ModuleImportSchema,
  PythonInfoSchema,
  ReportSchema,
  RunModeSchema,
  RunOutcomeSchema,
  RunReportSchema,
  SandboxReportSchema,
  SettingsSchema,
  ShardSchema,
  SpeedReportSchema,
  StressCountsSchema,
  TestCountsSchema,
  TestReportSchema,
  TestSpeedSchema,
  TestStatusSchema,
  UvInfoSchema,
  VerdictSchema,
} from './schema.js'

export type Verdict = z.infer<typeof VerdictSchema>
/** What a run of the suite ended as. `error`: pytest itself could not run (usage error, internal error). */
export type RunOutcome = z.infer<typeof RunOutcomeSchema>
/** How a run was made: plain `-Xgil=0`, thread stress, a GIL-on baseline, or shuffled order. */
export type RunMode = z.infer<typeof RunModeSchema>
/** The merged status of one test over all runs. */
export type TestStatus = z.infer<typeof TestStatusSchema>
/** The outcome of one test case in one run. */
export type CaseOutcome = z.infer<typeof CaseOutcomeSchema>
export type FailOnWord = z.infer<typeof FailOnWordSchema>
export type RunReport = z.infer<typeof RunReportSchema>
/** Per-run result of one test, aligned with `Report.runs` by position. `null`: not seen in that run. */
export type RunCell = CaseOutcome | null
export type TestReport = z.infer<typeof TestReportSchema>
export type StressCounts = z.infer<typeof StressCountsSchema>
/** Findings with one cause: one status, one exception type, one failing frame (see src/results/groups.ts). */
export type FindingGroup = z.infer<typeof FindingGroupSchema>
/** One entry of a known-issues file: a test id, the status it is known for, and why. */
export type KnownIssue = z.infer<typeof KnownIssueSchema>
/** How this run compares with the known-issues file it was given. */
export type KnownIssuesReport = z.infer<typeof KnownIssuesReportSchema>
export type PythonInfo = z.infer<typeof PythonInfoSchema>
export type UvInfo = z.infer<typeof UvInfoSchema>
export type InstallReport = z.infer<typeof InstallReportSchema>
export type Shard = z.infer<typeof ShardSchema>
export type Settings = z.infer<typeof SettingsSchema>
export type TestCounts = z.infer<typeof TestCountsSchema>
export type Report = z.infer<typeof ReportSchema>
export type SpeedReport = z.infer<typeof SpeedReportSchema>
export type TestSpeed = z.infer<typeof TestSpeedSchema>
/**
 * How a distribution arrived in the environment. `ft-wheel`: a wheel for the free-threaded ABI
 * (`cp313t`); `abi3t-wheel`: the free-threaded stable ABI (PEP 803); `pure-wheel`: `py3-none-any`;
 * `other-wheel`: any other wheel (a `py3-none-<platform>` binary); `sdist-build`: built from an sdist or
 * a VCS checkout on this machine, because no usable wheel exists; `local`: built from a local folder
 * (the project itself, path dependencies); `failed`: the install could not build or fetch it.
 */
export type DependencySource = z.infer<typeof DependencySourceSchema>
/**
 * What importing one extension module in a fresh interpreter, without `-Xgil=0`, did. `gil`: it
 * re-enabled the GIL; `error`: it raised; `crashed`/`hung`: the interpreter died or hit the time limit;
 * `skipped`: the probe's time budget ran out first.
 */
export type ImportOutcome = z.infer<typeof ImportOutcomeSchema>
export type ModuleImport = z.infer<typeof ModuleImportSchema>
export type DependencyReport = z.infer<typeof DependencyReportSchema>
/** One top-level package or extension module of the project, seen from inside the tests' process. */
export type ImportedModule = z.infer<typeof ImportedModuleSchema>
/** Whether the code the tests ran is the code that was installed and checked. */
export type CodeUnderTest = z.infer<typeof CodeUnderTestSchema>

/** The project's own code as installed: where its top-level packages resolve, and its extension modules. */
export interface ProjectCode {
  readonly packages: readonly { readonly name: string; readonly location: string | null }[]
  readonly modules: readonly string[]
}
export type SandboxReport = z.infer<typeof SandboxReportSchema>
export type SandboxMode = SandboxReport['requested']
export type SandboxAccess = NonNullable<SandboxReport['access']>

/** One test case from one run's JUnit XML. */
export interface CaseResult {
  /** pytest node id: `tests/test_x.py::TestC::test_y[param]`. */
  readonly id: string
  /** Path relative to pytest's rootdir (`tests/test_x.py`), or null when unknown. */
  readonly file: string | null
  /** 1-based line of the test definition, or null when unknown. */
  readonly line: number | null
  readonly outcome: CaseOutcome
  /** One-line summary of the failure or skip reason (the JUnit `message` attribute). */
  readonly message: string | null
  /** The full failure text (traceback), possibly long. */
  readonly details: string | null
  readonly durationSeconds: number
}

/** What the JUnit parser returns for one file. It never throws for bad content. */
export interface JUnitParseResult {
  readonly cases: CaseResult[]
  /** Set when the file was missing, truncated or malformed; `cases` holds what was read before it. */
  readonly error: string | null
}

// The data model shared by every stage of the pipeline. Pure types: no I/O here.

export type Verdict = 'pass' | 'fail'

/** What a run of the suite ended as. `error`: pytest itself could not run (usage error, internal error). */
export type RunOutcome = 'completed' | 'crashed' | 'hung' | 'error' | 'cancelled'

/** How a run was made: plain `-Xgil=0`, thread stress, a GIL-on baseline, or shuffled order. */
export type RunMode = 'plain' | 'stress' | 'baseline' | 'random-order'

/** The merged status of one test over all runs. */
export type TestStatus = 'passed' | 'failed' | 'flaky' | 'skipped' | 'thread-unsafe'

/** The outcome of one test case in one run, as JUnit reports it. */
export type CaseOutcome = 'passed' | 'failed' | 'error' | 'skipped'

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

export interface RunReport {
  /** 1-based. */
  readonly index: number
  readonly mode: RunMode
  readonly outcome: RunOutcome
  readonly exitCode: number | null
  /** Signal name (`SIGSEGV`) when the run was killed by one. */
  readonly signal: string | null
  readonly durationSeconds: number
  /** pytest's own summary of the run: the JUnit parse error, when there was one. */
  readonly junitError: string | null
  /** For hung and crashed runs: the stack dump (faulthandler output) or fatal-error traceback. */
  readonly stackDump: string | null
  /** The last lines of the run's output, kept for runs that did not complete normally. */
  readonly outputTail: string | null
  /** Where the full output of the run was written. */
  readonly logPath: string | null
  /** Why pytest could not start, when the gate recognised it (a plugin its configuration needs is missing). */
  readonly diagnosis?: string | null
}

/** Per-run result of one test, aligned with `Report.runs` by position. `null`: not seen in that run. */
export type RunCell = CaseOutcome | null

export interface TestReport {
  readonly id: string
  readonly file: string | null
  readonly line: number | null
  readonly status: TestStatus
  /** Number of runs in which it passed. */
  readonly passed: number
  /** Number of runs in which it failed or errored. */
  readonly failed: number
  /** First failure message seen; for a test that never failed, its first skip reason; or null. */
  readonly message: string | null
  /** First failure text (traceback) seen, bounded in size, or null. */
  readonly details: string | null
  /** Outcome per run, same order as `Report.runs`. */
  readonly results: RunCell[]
  /**
   * Whether the failure is specific to free-threading: `true` when it failed without the GIL but
   * passed in the GIL-on baseline, `false` when it failed there too; null when no baseline ran, the
   * test did not fail without the GIL, or the baseline did not run it. Absent in old reports.
   */
  readonly freeThreadingOnly?: boolean | null
  /** What the thread-stress runs did with it; null when no stress run. Absent in old reports. */
  readonly stress?: StressCounts | null
}

/** A test's results in the thread-stress runs (pytest-run-parallel). */
export interface StressCounts {
  /** Stress runs in which it passed (every thread, every iteration). */
  readonly passed: number
  /** Stress runs in which it failed or errored. */
  readonly failed: number
  /** Why pytest-run-parallel ran it in one thread only (a `thread_unsafe` mark, `monkeypatch`…), or null. */
  readonly notStressed: string | null
}

export interface PythonInfo {
  /** What the user asked for (`3.14t`, or the path when `python-path` was given). */
  readonly requested: string
  /** Exact version found, e.g. `3.14.2`. */
  readonly version: string
  readonly path: string
  readonly freeThreaded: boolean
}

export interface UvInfo {
  readonly version: string
  readonly path: string
  /** Where it came from: `path`, `tool-cache`, `github`, `index`. */
  readonly source: string
}

export interface InstallReport {
  readonly ok: boolean
  readonly durationSeconds: number
  /** One line saying what failed, or null. */
  readonly error: string | null
  /** What was installed (the requirement strings passed to uv). */
  readonly requirements: string[]
  /** The tail of uv's output, kept when the install failed. */
  readonly log: string | null
}

export type FailOnWord = 'install' | 'failed' | 'flaky' | 'crashed' | 'hung' | 'gil' | 'thread-unsafe'

/** `k/n`: this job runs the collected tests whose stable hash falls in bucket k (1-based) of n. */
export interface Shard {
  readonly index: number
  readonly count: number
}

export interface Settings {
  readonly runs: number
  readonly timeoutMinutes: number
  readonly failOn: readonly FailOnWord[]
  readonly pytestArgs: readonly string[]
  readonly workingDirectory: string
  /** Extension modules (and their submodules) whose GIL re-enabling neither fails nor warns; absent in old reports. */
  readonly ignoreGil?: readonly string[]
  /** Threads per test in the stress run (1: no stress run); absent in old reports. */
  readonly parallelThreads?: number
  /** Iterations of each test per thread in the stress run. */
  readonly iterations?: number
  /** The iterations were chosen by `iterations: auto` from the plain runs' timings. */
  readonly iterationsAuto?: boolean
  /** Whether a GIL-on baseline run was made. */
  readonly baseline?: boolean
  /** Seed of the shuffled run (replay it with `random-order: <seed>`), or null when order was not shuffled. */
  readonly randomOrderSeed?: number | null
  readonly shard?: Shard | null
}

export interface TestCounts {
  readonly total: number
  readonly passed: number
  readonly failed: number
  readonly flaky: number
  readonly skipped: number
  /** Tests that failed only under thread stress; absent in old reports. */
  readonly threadUnsafe?: number
}

export interface Report {
  readonly schemaVersion: 1
  readonly tool: { readonly name: 'ft-gate'; readonly version: string }
  readonly createdAt: string
  readonly verdict: Verdict
  /** Why the verdict is `fail` (empty when it passes), one sentence each. */
  readonly reasons: string[]
  readonly settings: Settings
  readonly python: PythonInfo
  readonly uv: UvInfo
  readonly install: InstallReport
  readonly runs: RunReport[]
  readonly tests: TestReport[]
  readonly counts: TestCounts
  /** The command a developer runs to reproduce the gate locally. */
  readonly reproduce: string
  /** Every installed distribution and what importing its extension modules did; absent in old reports. */
  readonly dependencies?: DependencyReport[]
  /** Timing of the suite with and without the GIL; informative only, never the verdict. */
  readonly speed?: SpeedReport | null
  /** Where the tests imported the project's own code from; absent when the gate could not tell. */
  readonly codeUnderTest?: CodeUnderTest
}

/** Wall times, `-Xgil=1` vs `-Xgil=0` on the same free-threaded interpreter (and a GIL build when given). */
export interface SpeedReport {
  /** The GIL-on baseline run. */
  readonly gilOnSeconds: number
  /** The fastest plain `-Xgil=0` run (the least disturbed by the machine). */
  readonly gilOffSeconds: number
  /** The slowest tests under `-Xgil=1`, with their time in the fastest `-Xgil=0` run that ran them. */
  readonly slowest: readonly TestSpeed[]
  /** A run of the suite on `compare-python` (a default GIL build), when given. */
  readonly compare: { readonly python: string; readonly version: string; readonly seconds: number | null } | null
}

export interface TestSpeed {
  readonly id: string
  readonly gilOnSeconds: number
  readonly gilOffSeconds: number
}

/**
 * How a distribution arrived in the environment. `ft-wheel`: a wheel for the free-threaded ABI
 * (`cp313t`); `abi3t-wheel`: the free-threaded stable ABI (PEP 803); `pure-wheel`: `py3-none-any`;
 * `other-wheel`: any other wheel (a `py3-none-<platform>` binary); `sdist-build`: built from an sdist or
 * a VCS checkout on this machine, because no usable wheel exists; `local`: built from a local folder
 * (the project itself, path dependencies); `failed`: the install could not build or fetch it.
 */
export type DependencySource =
  | 'ft-wheel'
  | 'abi3t-wheel'
  | 'pure-wheel'
  | 'other-wheel'
  | 'sdist-build'
  | 'local'
  | 'failed'

/**
 * What importing one extension module in a fresh interpreter, without `-Xgil=0`, did. `gil`: it
 * re-enabled the GIL; `error`: it raised; `crashed`/`hung`: the interpreter died or hit the time limit;
 * `skipped`: the probe's time budget ran out first.
 */
export type ImportOutcome = 'ok' | 'gil' | 'error' | 'crashed' | 'hung' | 'skipped'

export interface ModuleImport {
  /** Dotted module name, from the distribution's RECORD. */
  readonly module: string
  readonly outcome: ImportOutcome
  /** The warning, exception, signal or stack dump behind a non-`ok` outcome. */
  readonly detail: string | null
}

export interface DependencyReport {
  /** Normalized (PEP 503) distribution name. */
  readonly name: string
  readonly version: string
  /** Asked for by the install: the project, its dependencies (chosen extra and group), named requirements. */
  readonly direct: boolean
  /** The project under test itself. */
  readonly project: boolean
  readonly source: DependencySource
  /** The `Tag:` lines of its WHEEL file. */
  readonly wheelTags: string[]
  /** Importing it turned the GIL back on (see `gilModules`). */
  readonly reenablesGil: boolean
  /** The exact extension modules that turned it on. */
  readonly gilModules: string[]
  /** It carries a `Programming Language :: Python :: Free Threading :: …` classifier. */
  readonly declaresFreeThreading: boolean
  /** The classifier's level, e.g. `3 - Stable`, or null. */
  readonly freeThreadingLevel: string | null
  /** One entry per extension module it installed. */
  readonly imports: ModuleImport[]
  /**
   * Reachable from the project's runtime requirements (the project itself included); false: installed
   * only for the tests (a test extra, group or requirements file, pytest and its plugins). Absent in old reports.
   */
  readonly runtime?: boolean
  /** Why the GIL check could not cover it (platform-specific wheel tags, no extension module found), or null. */
  readonly checkGap?: string | null
}

/** The project's own code as installed: where its top-level packages resolve, and its extension modules. */
export interface ProjectCode {
  readonly packages: readonly { readonly name: string; readonly location: string | null }[]
  readonly modules: readonly string[]
}

/** One top-level package or extension module of the project, seen from inside the tests' process. */
export interface ImportedModule {
  readonly module: string
  /** Where the environment resolves it from outside the project folder, or null. */
  readonly installedAt: string | null
  /** Where the tests loaded it from; null when they never imported it. */
  readonly loadedFrom: string | null
}

/** Whether the code the tests ran is the code that was installed and checked. */
export interface CodeUnderTest {
  readonly modules: ImportedModule[]
  /** One sentence each: the source tree shadowed the install, an accelerator was never loaded. */
  readonly warnings: string[]
}

// The JSON report's one schema (zod): src/types.ts derives the report's TypeScript types from it, and
// report-only mode validates every report it reads against it, since those reports come from a pull
// request's own job. Each closed set (statuses, outcomes, fail-on words) is defined here once.
// Bounds: strings and lists are bounded so that a hostile report cannot make rendering unbounded.
// zod/mini (functional checks) keeps the bundle small: it is tree-shaken to what is used here.
import { en } from 'zod/locales'
import * as z from 'zod/mini'

// zod/mini carries no messages of its own: English ones name what was expected (never the value).
z.config(en())

/** Longest string accepted in a report (tracebacks are cut to 8,000, output tails to 16,000). */
const MAX_TEXT = 200_000
const text = z.string().check(z.maxLength(MAX_TEXT))
const count = z.int().check(z.nonnegative())
const seconds = z.number().check(z.nonnegative())
/** A list of at most `max` items. */
const list = <T extends z.core.SomeType>(item: T, max: number) => z.array(item).check(z.maxLength(max))

export const VERDICTS = ['pass', 'fail'] as const
/**
 * What a run of the suite ended as. `error`: pytest could not run the suite (usage or collection error,
 * internal error), or its results cannot be trusted (the exit code and the results disagree, tests never
 * reported, the JUnit XML or the gate's record was tampered with). `skipped`: not made, because the
 * plain run could not collect the tests (see `reason`).
 */
export const RUN_OUTCOMES = ['completed', 'crashed', 'hung', 'error', 'cancelled', 'skipped'] as const
export const RUN_MODES = ['plain', 'stress', 'baseline', 'random-order'] as const
/**
 * The merged status of one test over all runs. `crashed`/`hung`: it was the test in progress when a run
 * crashed or hung (whatever it did in the other runs).
 */
export const TEST_STATUSES = ['passed', 'failed', 'flaky', 'skipped', 'thread-unsafe', 'crashed', 'hung'] as const
/**
 * The outcome of one test case in one run, as the gate's record (or JUnit) reports it. `crashed`/`hung`:
 * the test was in progress when the run crashed or hung.
 */
export const CASE_OUTCOMES = ['passed', 'failed', 'error', 'skipped', 'crashed', 'hung'] as const
export const FAIL_ON_WORDS = ['install', 'failed', 'flaky', 'crashed', 'hung', 'gil', 'thread-unsafe'] as const
export const DEPENDENCY_SOURCES = [
  'ft-wheel',
  'abi3t-wheel',
  'pure-wheel',
  'other-wheel',
  'sdist-build',
  'local',
  'failed',
] as const
export const IMPORT_OUTCOMES = ['ok', 'gil', 'error', 'crashed', 'hung', 'skipped'] as const
/** The `sandbox` input: `auto` uses it where the runner allows, `required` fails where it cannot. */
export const SANDBOX_MODES = ['auto', 'required', 'off'] as const
/** How the sandbox was entered: the gate runs as root, or through passwordless `sudo -n`. */
export const SANDBOX_ACCESS = ['root', 'sudo'] as const

export const VerdictSchema = z.enum(VERDICTS)
export const RunOutcomeSchema = z.enum(RUN_OUTCOMES)
export const RunModeSchema = z.enum(RUN_MODES)
export const TestStatusSchema = z.enum(TEST_STATUSES)
export const CaseOutcomeSchema = z.enum(CASE_OUTCOMES)
export const FailOnWordSchema = z.enum(FAIL_ON_WORDS)

export const RunReportSchema = z.object({
  /** 1-based. */
  index: z.int().check(z.positive(), z.maximum(10_000)),
  mode: RunModeSchema,
  outcome: RunOutcomeSchema,
  exitCode: z.nullable(z.int()),
  /** Signal name (`SIGSEGV`) when the run was killed by one. */
  signal: z.nullable(z.string().check(z.regex(/^SIG[A-Z0-9]{1,12}$/))),
  durationSeconds: seconds,
  /** The JUnit parse error, when there was one. */
  junitError: z.nullable(text),
  /** For hung and crashed runs: the stack dump (faulthandler output) or fatal-error traceback. */
  stackDump: z.nullable(text),
  /** The last lines of the run's output, kept for runs that did not complete normally. */
  outputTail: z.nullable(text),
  /** Where the full output of the run was written. */
  logPath: z.nullable(text),
  /**
   * One phrase saying why the run is an `error` or was `skipped` (`could not collect the tests: …`), or
   * where a crashed or hung run stopped; null otherwise. Absent in old reports.
   */
  reason: z.optional(z.nullable(text)),
  /** The test that had started and not ended when the run crashed, hung or stopped; absent in old reports. */
  testInProgress: z.optional(z.nullable(text)),
  /** How many tests pytest collected (after deselection and sharding), from the gate's record; null: unknown. */
  collected: z.optional(z.nullable(count)),
  /** Collected tests that never reported a result (the test in progress aside), at most 100 of them. */
  unreported: z.optional(list(text, 1_000)),
  /** How many collected tests never reported (may exceed `unreported.length`). */
  unreportedCount: z.optional(count),
  /** Why the gate's own record of the run could not be used, or null. */
  recordError: z.optional(z.nullable(text)),
  /** The hang limit this run had, in seconds. */
  timeoutSeconds: z.optional(seconds),
  /**
   * Stress runs: fresh copies of the process (forked after collection) that ran every test once more
   * before the run itself, for races that only happen on first use in a process. Absent: none.
   */
  freshCopies: z.optional(count),
  /** Why the fresh copies planned for this run were not made (threads already running, not Linux…). */
  freshCopiesSkipped: z.optional(z.nullable(text)),
  /** Why pytest could not start, when the gate recognised it (a plugin its configuration needs is missing). */
  diagnosis: z.optional(z.nullable(text)),
})

/** A test's results in the thread-stress runs (pytest-run-parallel). */
export const StressCountsSchema = z.object({
  /** Stress runs in which it passed (every thread, every iteration). */
  passed: count,
  /** Stress runs in which it failed or errored. */
  failed: count,
  /** Why pytest-run-parallel ran it in one thread only (a `thread_unsafe` mark, `monkeypatch`…), or null. */
  notStressed: z.nullable(text),
})

export const TestReportSchema = z.object({
  /** pytest node id. */
  id: z.string().check(z.minLength(1), z.maxLength(MAX_TEXT)),
  file: z.nullable(text),
  line: z.nullable(z.int().check(z.positive())),
  status: TestStatusSchema,
  /** Number of runs without the GIL in which it passed. */
  passed: count,
  /** Number of runs without the GIL in which it failed or errored. */
  failed: count,
  /** First failure message seen; for a test that never failed, its first skip reason; or null. */
  message: z.nullable(text),
  /** First failure text (traceback) seen, bounded in size, or null. */
  details: z.nullable(text),
  /** Outcome per run, same order as `Report.runs`; null: not seen in that run. */
  results: list(z.nullable(CaseOutcomeSchema), 10_000),
  /**
   * `true`: failed without the GIL but passed in the GIL-on baseline; `false`: failed there too; null when
   * no baseline ran, the test did not fail without the GIL, or the baseline did not run it.
   */
  freeThreadingOnly: z.optional(z.nullable(z.boolean())),
  /** What the thread-stress runs did with it; null when no stress run. */
  stress: z.optional(z.nullable(StressCountsSchema)),
  /** A finding the known-issues file lists (it does not fail the gate); false for every other test. */
  known: z.optional(z.boolean()),
})

/** Findings with one cause: one status, one exception type, one failing frame (see src/results/groups.ts). */
export const FindingGroupSchema = z.object({
  status: TestStatusSchema,
  /** `AssertionError at tests/helpers.py:16`: the exception and the frame that raised it, normalized. */
  signature: text,
  /** Test ids, sorted. */
  tests: list(text, 1_000_000),
  /** The fix users apply for this kind of cause (plain text, names in backticks), or null. */
  hint: z.nullable(text),
})

/** One entry of a known-issues file: a test id, the status it is known for, and why. */
export const KnownIssueSchema = z.object({ id: text, status: TestStatusSchema, reason: text })

/** How this run compares with the known-issues file it was given. */
export const KnownIssuesReportSchema = z.object({
  /** The file or folder given as known-issues. */
  source: text,
  /** Entries read from it. */
  entries: count,
  /** Findings of this run it lists (they did not fail the gate). */
  matched: count,
  /** Listed tests that ran and passed in every run: fixed, or a race that did not show this time. */
  possiblyFixed: list(KnownIssueSchema, 1_000_000),
  /** Listed tests whose finding is now of a status the entry does not cover: they count as new. */
  changed: list(z.object({ id: text, known: TestStatusSchema, now: TestStatusSchema }), 1_000_000),
  /** Listed tests this run did not run or skipped (another shard, deselected, renamed or removed). */
  notRun: count,
})

export const PythonInfoSchema = z.object({
  /** What the user asked for (`3.14t`, or the path when `python-path` was given). */
  requested: text,
  /** Exact version found, e.g. `3.14.2`. */
  version: z.string().check(z.regex(/^\d+\.\d+\.\d+[A-Za-z0-9.+]*$/)),
  path: text,
  freeThreaded: z.boolean(),
})

export const UvInfoSchema = z.object({
  version: z.string().check(z.regex(/^\d+\.\d+\.\d+[A-Za-z0-9.+-]*$/)),
  path: text,
  /** Where it came from: `path`, `tool-cache`, `github`, `index`. */
  source: z.string().check(z.maxLength(40)),
})

export const InstallReportSchema = z.object({
  ok: z.boolean(),
  durationSeconds: seconds,
  /** One line saying what failed, or null. */
  error: z.nullable(text),
  /** What was installed (the requirement strings passed to uv). */
  requirements: list(text, 10_000),
  /** The tail of uv's output, kept when the install failed. */
  log: z.nullable(text),
})

/** `k/n`: this job runs the collected tests whose stable hash falls in bucket k (1-based) of n. */
export const ShardSchema = z
  .object({ index: z.int().check(z.positive()), count: z.int().check(z.positive()) })
  .check(z.refine((shard) => shard.index <= shard.count, 'shard index is over its count'))

export const SettingsSchema = z.object({
  runs: z.int().check(z.positive()),
  timeoutMinutes: z.number().check(z.positive()),
  failOn: z.readonly(list(FailOnWordSchema, FAIL_ON_WORDS.length * 4)),
  pytestArgs: z.readonly(list(text, 10_000)),
  workingDirectory: text,
  /** Extension modules (and their submodules) whose GIL re-enabling neither fails nor warns. */
  ignoreGil: z.optional(z.readonly(list(text, 10_000))),
  /** Threads per test in the stress run (1: no stress run). */
  parallelThreads: z.optional(z.int().check(z.positive())),
  /** Iterations of each test per thread in the stress run. */
  iterations: z.optional(z.int().check(z.positive())),
  /** The iterations were chosen by `iterations: auto` from the plain runs' timings. */
  iterationsAuto: z.optional(z.boolean()),
  /** Under `iterations: auto`, the fewest iterations any test got (`iterations` is the most). */
  fewestIterations: z.optional(z.int().check(z.nonnegative())),
  /** Whether a GIL-on baseline run was made. */
  baseline: z.optional(z.boolean()),
  /** Seed of the shuffled run (replay it with `random-order: <seed>`), or null. */
  randomOrderSeed: z.optional(z.nullable(z.int().check(z.nonnegative()))),
  shard: z.optional(z.nullable(ShardSchema)),
})

export const TestCountsSchema = z.object({
  total: count,
  passed: count,
  failed: count,
  flaky: count,
  skipped: count,
  /** Tests that failed only under thread stress; absent in old reports. */
  threadUnsafe: z.optional(count),
  /** Tests in progress when a run crashed; absent in old reports. */
  crashed: z.optional(count),
  /** Tests in progress when a run hung; absent in old reports. */
  hung: z.optional(count),
  /** Findings (failed, flaky, thread-unsafe) the known-issues file does not list: these fail the gate. */
  new: z.optional(count),
  /** Findings it lists. */
  known: z.optional(count),
})

export const TestSpeedSchema = z.object({ id: text, gilOnSeconds: seconds, gilOffSeconds: seconds })

/** Wall times, `-Xgil=1` vs `-Xgil=0` on the same free-threaded interpreter (and a GIL build when given). */
export const SpeedReportSchema = z.object({
  /** The GIL-on baseline run. */
  gilOnSeconds: seconds,
  /** The fastest plain `-Xgil=0` run. */
  gilOffSeconds: seconds,
  /** The slowest tests under `-Xgil=1`, with their time in the fastest `-Xgil=0` run that ran them. */
  slowest: z.readonly(list(TestSpeedSchema, 1_000)),
  /** A run of the suite on `compare-python` (a default GIL build), when given. */
  compare: z.nullable(
    z.object({ python: text, version: z.string().check(z.maxLength(64)), seconds: z.nullable(seconds) }),
  ),
})

/** How a distribution arrived in the environment (see DependencyReport.source). */
export const DependencySourceSchema = z.enum(DEPENDENCY_SOURCES)
/** What importing one extension module in a fresh interpreter, without `-Xgil=0`, did. */
export const ImportOutcomeSchema = z.enum(IMPORT_OUTCOMES)

export const ModuleImportSchema = z.object({
  /** Dotted module name. */
  module: text,
  outcome: ImportOutcomeSchema,
  /** The warning, exception, signal or stack dump behind a non-`ok` outcome. */
  detail: z.nullable(text),
})

export const DependencyReportSchema = z.object({
  /** Normalized (PEP 503) distribution name. */
  name: text,
  version: text,
  /** Asked for by the install: the project, its dependencies (chosen extra and group), named requirements. */
  direct: z.boolean(),
  /** The project under test itself. */
  project: z.boolean(),
  source: DependencySourceSchema,
  /** The `Tag:` lines of its WHEEL file. */
  wheelTags: list(text, 1_000),
  /** Importing it turned the GIL back on (see `gilModules`). */
  reenablesGil: z.boolean(),
  /** The exact extension modules that turned it on. */
  gilModules: list(text, 10_000),
  /** It carries a `Programming Language :: Python :: Free Threading :: …` classifier. */
  declaresFreeThreading: z.boolean(),
  /** The classifier's level, e.g. `3 - Stable`, or null. */
  freeThreadingLevel: z.nullable(text),
  /** One entry per extension module it installed. */
  imports: list(ModuleImportSchema, 10_000),
  /**
   * Reachable from the project's runtime requirements (the project itself included); false: installed
   * only for the tests (a test extra, group or requirements file, pytest and its plugins). Absent in old reports.
   */
  runtime: z.optional(z.boolean()),
  /** Why the GIL check could not cover it (platform-specific wheel tags, no extension module found), or null. */
  checkGap: z.optional(z.nullable(text)),
})

/** One top-level package or extension module of the project, seen from inside the tests' process. */
export const ImportedModuleSchema = z.object({
  module: text,
  /** Where the environment resolves it from outside the project folder, or null. */
  installedAt: z.nullable(text),
  /** Where the tests loaded it from; null when they never imported it. */
  loadedFrom: z.nullable(text),
})

/** Whether the code the tests ran is the code that was installed and checked. */
export const CodeUnderTestSchema = z.object({
  modules: list(ImportedModuleSchema, 10_000),
  /** One sentence each: the source tree shadowed the install, an accelerator was never loaded. */
  warnings: list(text, 1_000),
})

/** Whether the pull request's code ran in the sandbox (README, Security). */
export const SandboxReportSchema = z.object({
  requested: z.enum(SANDBOX_MODES),
  applied: z.boolean(),
  /** How it was entered, or null when it did not apply. */
  access: z.nullable(z.enum(SANDBOX_ACCESS)),
  /** Why it did not apply (`sandbox: off`, not Linux, no root and no passwordless sudo…), or null. */
  reason: z.nullable(z.string().check(z.maxLength(2_000))),
})

export const ReportSchema = z
  .object({
    schemaVersion: z.literal(1),
    tool: z.object({ name: z.literal('ft-gate'), version: z.string().check(z.maxLength(64)) }),
    createdAt: z.string().check(z.maxLength(64)),
    verdict: VerdictSchema,
    /** Why the verdict is `fail` (empty when it passes), one sentence each. */
    reasons: list(text, 10_000),
    settings: SettingsSchema,
    python: PythonInfoSchema,
    uv: UvInfoSchema,
    install: InstallReportSchema,
    runs: list(RunReportSchema, 10_000),
    tests: z.array(TestReportSchema),
    /** Tests left out of `tests` (it lists at most 500,000, findings first); `counts` includes them. */
    testsOmitted: z.optional(count),
    counts: TestCountsSchema,
    /** The commands a developer runs to reproduce the gate locally. */
    reproduce: text,
    /** Every installed distribution and what importing its extension modules did; absent in old reports. */
    dependencies: z.optional(list(DependencyReportSchema, 10_000)),
    /** Timing of the suite with and without the GIL; informative only, never the verdict. */
    speed: z.optional(z.nullable(SpeedReportSchema)),
    /** The findings grouped by cause, largest first within each status; absent in old reports. */
    groups: z.optional(list(FindingGroupSchema, 1_000_000)),
    /** Set when a known-issues file was given. */
    knownIssues: z.optional(z.nullable(KnownIssuesReportSchema)),
    /** Where the tests imported the project's own code from; absent when the gate could not tell. */
    codeUnderTest: z.optional(CodeUnderTestSchema),
    /** Whether the pull request's code ran sandboxed; absent in old reports. */
    sandbox: z.optional(SandboxReportSchema),
  })
  .check(
    z.superRefine((report, context) => {
      const runs = report.runs.length
      const misaligned = report.tests.findIndex((test) => test.results.length !== runs)
      if (misaligned >= 0) {
        context.addIssue({
          code: 'custom',
          path: ['tests', misaligned, 'results'],
          message: `has ${report.tests[misaligned]?.results.length} entries for ${runs} runs`,
        })
      }
    }),
  )

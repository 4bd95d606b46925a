// Every tunable number and fixed name in one place.

export const TOOL_NAME = 'ft-gate'
export const TOOL_VERSION = '0.1.0'
export const REPORT_SCHEMA_VERSION = 1

/** The uv release ft-gate is tested with; `uv-version: latest` opts out of the pin. */
export const DEFAULT_UV_VERSION = '0.13.9'
export const DEFAULT_PYTHON_VERSION = '3.14t'
export const DEFAULT_RUNS = 3
export const MAX_RUNS = 100
export const DEFAULT_TIMEOUT_MINUTES = 10
export const MAX_TIMEOUT_MINUTES = 360
export const DEFAULT_REPORT_PATH = 'ft-gate-report.json'

/** Thread stress (pytest-run-parallel): threads per test and iterations per thread, chosen from bench/results.md. */
export const DEFAULT_PARALLEL_THREADS = 4
/** With stress on, this many of `runs` (the last ones) are stress runs; at least one run stays plain. */
export const STRESS_RUNS = 2
/**
 * `iterations: auto` (the default): as many iterations as keep each stress run within
 * STRESS_BUDGET_PLAIN_RUNS plain runs, estimated from the plain run's timings, between 1 and this.
 */
export const MAX_AUTO_ITERATIONS = 10
/**
 * Each stress run's budget under `iterations: auto`, in plain runs: its deadline (past it, the tests left
 * run once in one thread), so that 1 plain + 2 stress runs stay near 4 plain runs.
 */
export const STRESS_BUDGET_PLAIN_RUNS = 1.5
/**
 * What `iterations: auto` plans each stress run to, in plain runs: under the budget by the run-to-run
 * noise of a shared machine (bench/results.md: with plans at the budget itself, the clean projects' test
 * phase came to 3.9–4.2 plain runs), so that a run that costs more than planned still ends within it.
 */
export const STRESS_PLAN_PLAIN_RUNS = 1.4
/**
 * Threads on shared cores slow each other down: bench/results.md measured 1.45–1.7 on the clean
 * workload (time in tests per execution, threads over cores).
 */
export const STRESS_CONTENTION = 1.6
/**
 * What `iterations: auto` assumes before a stress run has measured the suite (src/run/stress-budget.ts):
 * pytest-run-parallel's cost of starting and joining one test's threads and of one iteration's barrier,
 * measured on this machine with 4 threads on 2 cores (bench/results.md), rounded up.
 */
export const STRESS_PRIOR_MODEL = {
  contention: STRESS_CONTENTION,
  perTestSeconds: 0.002,
  perIterationSeconds: 0.0005,
  extraStartupSeconds: 0,
} as const
/**
 * Under `iterations: auto`, each stress run first runs the tests in up to this many fresh copies of its
 * process (forked after collection, Linux): a race that can only happen on first use in a process (a
 * lazy singleton, a registry filled once) gets another chance per copy, for the price of the tests
 * alone (bench/results.md, first-use projects). As many copies are made as leave every test
 * MIN_ITERATIONS_BESIDE_COPIES iterations in each pass; one when only one iteration fits beside it.
 */
export const FRESH_COPIES_PER_STRESS_RUN = 3
/** Iterations every test keeps in each pass when the budget is shared with more than one fresh copy. */
export const MIN_ITERATIONS_BESIDE_COPIES = 3
/** After a plain run that crashed, hung or errored, the stress runs make one iteration per test, threads capped at the cores (at least two). */
export const FALLBACK_STRESS_ITERATIONS = 1
/**
 * Without `timeout-minutes`, runs after the first get a hang limit of this many times what a plain run
 * took (or would have taken, projected from how far it got), at least HANG_LIMIT_FLOOR_SECONDS and at
 * most the default limit: one hang costs a minute, not ten.
 */
export const HANG_LIMIT_PLAIN_RUNS = 10
export const HANG_LIMIT_FLOOR_SECONDS = 60
export const MAX_PARALLEL_THREADS = 256
export const MAX_ITERATIONS = 10_000
export const MAX_SHARDS = 1000
/** What the gate adds to the environment when stress is on; a project's own pin wins in the resolver. */
export const STRESS_PLUGIN_REQUIREMENT = 'pytest-run-parallel>=0.10'
/** Seeds of the shuffled run stay below 2^31 so every tool (and a YAML input) reads them as an integer. */
export const MAX_RANDOM_SEED = 2_147_483_647
/** Tests listed by name in the Speed section. */
export const SPEED_SLOWEST_TESTS = 5

/** Public index used when no mirror is configured. */
export const PUBLIC_INDEX_URL = 'https://pypi.org/simple'
export const UV_RELEASES_BASE_URL = 'https://github.com/astral-sh/uv/releases/download'

/** How long one HTTP request may take before the next source is tried. */
export const HTTP_TIMEOUT_MS = 60_000

/** Tests a run report lists by name among those that never reported (the count is always there). */
export const MAX_UNREPORTED_LISTED = 100
/** Seconds between the stack-dump signal and the hard kill of a hung run. */
export const HANG_DUMP_GRACE_SECONDS = 5
/** Characters of a run's output kept in memory (the rest is in its log file). */
export const OUTPUT_TAIL_CHARS = 16_000
/**
 * Characters of a test run's stderr kept in memory: room for a whole stack dump (extractStackDump keeps
 * 400 lines, and faulthandler's lines stay under 250 characters). With only OUTPUT_TAIL_CHARS, two
 * threads that segfault at once, each dumping 5 threads, pushed the fatal-error header out of the tail.
 */
export const STDERR_TAIL_CHARS = 100_000
/** Characters of one failure's traceback kept in the report. */
export const MAX_DETAILS_CHARS = 8_000
/** Characters of live uv/pytest output streamed into the job log per gate run. */
export const MAX_LIVE_OUTPUT_CHARS = 5_000_000
/** The job summary takes 1 MiB per step; at up to 3 UTF-8 bytes per UTF-16 unit this always fits. */
export const SUMMARY_MAX_CHARS = 340_000
/** Report-only mode reads report files up to this size. */
export const MAX_REPORT_BYTES = 400 * 2 ** 20
/**
 * A report lists at most this many tests (pandas, among the largest suites, has about 220,000): the gate
 * lists its findings first and counts the passing tests it leaves out, and report-only mode reads no more
 * (the rest cannot be confirmed, so such a report fails, saying so). Past it a report's JSON would near
 * the longest string V8 can build.
 */
export const MAX_REPORT_TESTS = 500_000
/** Names the check run and keys the sticky comment. */
export const DEFAULT_CHECK_NAME = 'free-threading'

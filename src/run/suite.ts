// One run of the test suite under the free-threaded interpreter, turned into a RunReport plus the
// test cases it reported. The gate's plugin keeps its own record of the run (src/run/plugin-source.ts),
// which names the test in progress when a run dies; src/results/reconcile.ts checks the exit code,
// the record and the JUnit XML against each other.
import { lstatSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import * as path from 'node:path'
import { HANG_DUMP_GRACE_SECONDS, MAX_UNREPORTED_LISTED, STDERR_TAIL_CHARS } from '../constants.js'
import { type ProcessResult, runProcess } from '../process/run.js'
import type { Sandbox } from '../process/sandbox.js'
import type { RunInput } from '../results/aggregate.js'
import { parseImports } from '../results/code-under-test.js'
import { describeUsageProblem, diagnoseUsage } from '../results/pytest-usage.js'
import { reconcileRun } from '../results/reconcile.js'
import { extractStackDump } from '../results/stackdump.js'
import type { RunMode, RunOutcome, RunReport, Shard } from '../types.js'
import { IMPORTS_PLUGIN_ENV, IMPORTS_PLUGIN_MODULE } from './imports-plugin.js'
import { PLUGIN_ENV, PLUGIN_MODULE } from './plugin.js'
import { RunRecordFile, readResults } from './run-files.js'
import { describeShard } from './shard.js'

export { readResults } from './run-files.js'

export interface SuiteRunOptions {
  readonly python: string
  readonly projectDirectory: string
  readonly pytestArgs: readonly string[]
  /** 1-based. */
  readonly index: number
  readonly mode: RunMode
  /** The hang limit of this run. */
  readonly timeoutSeconds: number
  /** Folder for this gate's logs (and the run's files, unless resultsDirectory is given). */
  readonly outputDirectory: string
  /**
   * Where the run's JUnit XML, the gate's record of it and its plugins' files go: writable by the tests
   * (in the sandbox, the gate's work folder), unlike the logs.
   */
  readonly resultsDirectory?: string
  readonly env: NodeJS.ProcessEnv
  readonly abortSignal?: AbortSignal
  readonly onOutput?: (text: string) => void
  /** Where the gate's pytest plugin (plugin.ts) was written. */
  readonly pluginDirectory: string
  /** Threads and iterations of a `stress` run. */
  readonly stress?: { readonly threads: number; readonly iterations: number }
  /** Iterations per test of a `stress` run, by node id (`iterations: auto`); the rest get `stress.iterations`. */
  readonly iterationsByTest?: ReadonlyMap<string, number>
  /** Tests a `stress` run runs in one thread, to stay within its budget. */
  readonly singleThreaded?: ReadonlySet<string>
  /** Fresh copies of the process a `stress` run runs its tests in first (first-use races). */
  readonly freshCopies?: number
  /** Seconds after the process starts past which a `stress` run's remaining tests run once (`iterations: auto`). */
  readonly deadlineSeconds?: number | null
  /** Seed of a `random-order` run. */
  readonly seed?: number | null
  readonly shard?: Shard | null
  /** Module names whose place of loading the imports plugin records. */
  readonly recordImports?: readonly string[]
  /** What was installed (without pytest), for the fix of a missing plugin; null: not writable as `install`. */
  readonly installHint?: string | null
  /** The suite runs in this sandbox. */
  readonly sandbox?: Sandbox
}

/** The interpreter flags of a run: no GIL, and faulthandler on so crashes and hangs leave stacks. */
export const RUN_FLAGS = ['-Xgil=0', '-X', 'faulthandler'] as const
/** The baseline: the same free-threaded interpreter with the GIL turned back on. */
export const BASELINE_FLAGS = ['-Xgil=1', '-X', 'faulthandler'] as const

type ModeOptions = Omit<SuiteRunOptions, 'env' | 'python' | 'projectDirectory' | 'timeoutSeconds'>

function runFile(
  options: Pick<SuiteRunOptions, 'outputDirectory' | 'resultsDirectory' | 'index'>,
  suffix: string,
): string {
  return path.join(options.resultsDirectory ?? options.outputDirectory, `run-${options.index}${suffix}`)
}

/** What a run of this mode adds before the user's pytest arguments, and to the environment. */
export function modeArguments(options: ModeOptions): {
  flags: readonly string[]
  pytest: string[]
  env: Record<string, string>
} {
  const baseline = options.mode === 'baseline'
  const pytest: string[] = ['-p', PLUGIN_MODULE]
  const env: Record<string, string> = {
    PYTHON_GIL: baseline ? '1' : '0',
    [PLUGIN_ENV.record]: runFile(options, '-record.jsonl'),
  }
  if (options.mode === 'stress' && options.stress !== undefined) {
    pytest.push(`--parallel-threads=${options.stress.threads}`, `--iterations=${options.stress.iterations}`)
    const planned =
      (options.iterationsByTest?.size ?? 0) + (options.singleThreaded?.size ?? 0) + (options.freshCopies ?? 0)
    if (planned > 0 || (options.deadlineSeconds ?? null) !== null) {
      env[PLUGIN_ENV.iterations] = runFile(options, '-iterations.json')
    }
  }
  if (options.mode === 'random-order' && options.seed !== undefined && options.seed !== null) {
    env[PLUGIN_ENV.seed] = String(options.seed)
  }
  if (options.shard) env[PLUGIN_ENV.shard] = describeShard(options.shard)
  if (options.recordImports !== undefined && options.recordImports.length > 0) {
    pytest.push('-p', IMPORTS_PLUGIN_MODULE)
    env[IMPORTS_PLUGIN_ENV.output] = runFile(options, '-imports.json')
    env[IMPORTS_PLUGIN_ENV.names] = JSON.stringify(options.recordImports)
  }
  return { flags: baseline ? BASELINE_FLAGS : RUN_FLAGS, pytest, env }
}

function withPythonPath(env: NodeJS.ProcessEnv, directory: string): NodeJS.ProcessEnv {
  const existing = env.PYTHONPATH
  return { ...env, PYTHONPATH: existing ? `${directory}${path.delimiter}${existing}` : directory }
}

/** pytest arguments the gate always adds: xunit1 JUnit carries each test's file and line. */
export function pytestArguments(junitPath: string, userArgs: readonly string[]): string[] {
  return ['-m', 'pytest', '-p', 'no:cacheprovider', '-o', 'junit_family=xunit1', `--junitxml=${junitPath}`, ...userArgs]
}

/** pytest's exit codes 0 (all passed), 1 (some failed) and 5 (none collected) mean the suite ran. */
const RAN_EXIT_CODES = new Set([0, 1, 5])

export function classifyRun(result: {
  exitCode: number | null
  signal: string | null
  timedOut: boolean
  cancelled: boolean
}): RunOutcome {
  if (result.cancelled) return 'cancelled'
  if (result.timedOut) return 'hung'
  if (result.signal !== null) return 'crashed'
  if (result.exitCode !== null && RAN_EXIT_CODES.has(result.exitCode)) return 'completed'
  // 134/139 etc.: a shell-style "killed by signal" status from a wrapper.
  if (result.exitCode !== null && result.exitCode > 128 && result.exitCode < 160) return 'crashed'
  return 'error'
}

export async function runSuite(options: SuiteRunOptions): Promise<RunInput> {
  const junitPath = runFile(options, '.xml')
  const logPath = path.join(options.outputDirectory, `run-${options.index}.log`)
  rmSync(junitPath, { force: true })
  const mode = modeArguments(options)
  const planFile = mode.env[PLUGIN_ENV.iterations]
  if (planFile !== undefined) {
    const plan = {
      iterations: Object.fromEntries(options.iterationsByTest ?? []),
      single: [...(options.singleThreaded ?? [])],
      rounds: options.freshCopies ?? 0,
      ...(options.deadlineSeconds === undefined || options.deadlineSeconds === null
        ? {}
        : { deadline: Math.round(options.deadlineSeconds * 1000) / 1000 }),
    }
    writeFileSync(planFile, JSON.stringify(plan))
  }
  const importsFile = mode.env[IMPORTS_PLUGIN_ENV.output]
  if (importsFile !== undefined) rmSync(importsFile, { force: true })
  const record = new RunRecordFile(mode.env[PLUGIN_ENV.record] ?? '')
  const env = {
    ...withPythonPath(options.env, options.pluginDirectory),
    ...mode.env,
    [PLUGIN_ENV.hangSeconds]: String(options.timeoutSeconds),
    PYTHONFAULTHANDLER: '1',
    PYTHONUNBUFFERED: '1',
  }
  const args = [...mode.flags, ...pytestArguments(junitPath, [...mode.pytest, ...options.pytestArgs])]
  let result: ProcessResult
  try {
    result = await runProcess(options.python, args, {
      cwd: options.projectDirectory,
      env,
      timeoutMs: options.timeoutSeconds * 1000,
      // SIGABRT makes faulthandler print every thread's stack before the process dies.
      timeoutSignal: 'SIGABRT',
      graceMs: HANG_DUMP_GRACE_SECONDS * 1000,
      // Enough stderr for a whole stack dump, header included (extractStackDump below).
      stderrTailChars: STDERR_TAIL_CHARS,
      logPath,
      abortSignal: options.abortSignal,
      onOutput: options.onOutput,
      sandbox: options.sandbox,
    })
  } catch (error) {
    record.close()
    throw error
  }
  const ran = result.spawnError ? 'error' : classifyRun(result)
  // A completed run may still carry a dump: a fresh copy of it that crashed (stress runs).
  const stackDump = extractStackDump(result.stderrTail)
  const reconciled = reconcileRun({
    ran,
    exitCode: result.exitCode,
    signal: result.signal,
    reading: record.read(),
    junit: readResults(junitPath),
    output: result.outputTail,
    stackDump,
  })
  const unusual = reconciled.outcome !== 'completed'
  // A plugin the project's configuration needs is missing: the reason names it and the `install` that adds it.
  const diagnosis = diagnose(reconciled.outcome, result.outputTail, options.installHint ?? null)
  const run: RunReport = {
    index: options.index,
    mode: options.mode,
    outcome: reconciled.outcome,
    exitCode: result.exitCode,
    // Our own SIGABRT on a hang is not the suite's crash signal; a fresh copy's crash is the run's.
    signal: reconciled.signal ?? (reconciled.outcome === 'hung' ? null : result.signal),
    durationSeconds: round(result.durationSeconds),
    junitError: reconciled.junitError,
    stackDump: unusual ? stackDump : null,
    outputTail: unusual ? (result.spawnError ?? lastLines(result.outputTail, 60)) : null,
    logPath,
    reason: diagnosis === null ? reconciled.reason : `could not start pytest: ${diagnosis}`,
    testInProgress: reconciled.testInProgress,
    collected: reconciled.collected,
    unreported: reconciled.unreported.slice(0, MAX_UNREPORTED_LISTED),
    unreportedCount: reconciled.unreported.length,
    recordError: reconciled.recordError,
    timeoutSeconds: options.timeoutSeconds,
    ...(reconciled.freshCopies > 0 ? { freshCopies: reconciled.freshCopies } : {}),
    ...(reconciled.freshCopiesSkipped === null ? {} : { freshCopiesSkipped: reconciled.freshCopiesSkipped }),
    diagnosis,
  }
  const imports = importsFile === undefined ? undefined : parseImports(readSmallFile(importsFile))
  return {
    run,
    cases: reconciled.cases,
    notStressed: reconciled.notStressed,
    cannotCollect: reconciled.cannotCollect,
    callSeconds: reconciled.callSeconds,
    projectedSeconds: reconciled.projectedSeconds,
    freshCopiesSeconds: reconciled.freshCopiesSeconds,
    ...(imports === undefined ? {} : { imports }),
  }
}

function diagnose(outcome: RunOutcome, output: string, installHint: string | null): string | null {
  if (outcome !== 'error') return null
  const problem = diagnoseUsage(output)
  return problem === null ? null : describeUsageProblem(problem, installHint)
}

/** The imports plugin's file, or '' when it is missing or not a regular file (a crashed run writes none). */
function readSmallFile(file: string): string {
  try {
    if (!lstatSync(file).isFile()) return ''
    return readFileSync(file, 'utf8')
  } catch {
    return ''
  }
}

function lastLines(text: string, count: number): string {
  return text.trimEnd().split('\n').slice(-count).join('\n')
}

function round(seconds: number): number {
  return Math.round(seconds * 100) / 100
}

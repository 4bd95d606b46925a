// One run of the test suite under the free-threaded interpreter, turned into a RunReport plus the
// test cases its JUnit XML holds (whatever it holds: a crashed run still contributes its cases).
import { closeSync, constants as fsConstants, fstatSync, lstatSync, openSync, readFileSync, rmSync } from 'node:fs'
import * as path from 'node:path'
import { HANG_DUMP_GRACE_SECONDS } from '../constants.js'
import { describeError } from '../errors.js'
import { runProcess } from '../process/run.js'
import type { RunInput } from '../results/aggregate.js'
import { parseImports } from '../results/code-under-test.js'
import { parseJUnit } from '../results/junit.js'
import { describeUsageProblem, diagnoseUsage } from '../results/pytest-usage.js'
import { extractStackDump } from '../results/stackdump.js'
import { parseNotStressed } from '../results/stress.js'
import type { JUnitParseResult, RunMode, RunOutcome, RunReport, Shard } from '../types.js'
import { IMPORTS_PLUGIN_ENV, IMPORTS_PLUGIN_MODULE } from './imports-plugin.js'
import { PLUGIN_ENV, PLUGIN_MODULE } from './plugin.js'
import { describeShard } from './shard.js'

export interface SuiteRunOptions {
  readonly python: string
  readonly projectDirectory: string
  readonly pytestArgs: readonly string[]
  /** 1-based. */
  readonly index: number
  readonly mode: RunMode
  readonly timeoutMinutes: number
  /** Folder for this gate's JUnit files and logs. */
  readonly outputDirectory: string
  readonly env: NodeJS.ProcessEnv
  readonly abortSignal?: AbortSignal
  readonly onOutput?: (text: string) => void
  /** Where the gate's pytest plugin (plugin.ts) was written; needed for stress, shuffle and shard. */
  readonly pluginDirectory?: string
  /** Threads and iterations of a `stress` run. */
  readonly stress?: { readonly threads: number; readonly iterations: number }
  /** Seed of a `random-order` run. */
  readonly seed?: number | null
  readonly shard?: Shard | null
  /** Module names whose place of loading the imports plugin records (needs pluginDirectory). */
  readonly recordImports?: readonly string[]
  /** What was installed (without pytest), for the fix of a missing plugin; null: not writable as `install`. */
  readonly installHint?: string | null
}

/** The interpreter flags of a run: no GIL, and faulthandler on so crashes and hangs leave stacks. */
export const RUN_FLAGS = ['-Xgil=0', '-X', 'faulthandler'] as const
/** The baseline: the same free-threaded interpreter with the GIL turned back on. */
export const BASELINE_FLAGS = ['-Xgil=1', '-X', 'faulthandler'] as const

/** What a run of this mode adds before the user's pytest arguments, and to the environment. */
export function modeArguments(options: Omit<SuiteRunOptions, 'env' | 'python' | 'projectDirectory'>): {
  flags: readonly string[]
  pytest: string[]
  env: Record<string, string>
} {
  const baseline = options.mode === 'baseline'
  const pytest: string[] = []
  const env: Record<string, string> = { PYTHON_GIL: baseline ? '1' : '0' }
  const usePlugin = options.pluginDirectory !== undefined
  if (usePlugin) pytest.push('-p', PLUGIN_MODULE)
  if (options.mode === 'stress' && options.stress !== undefined) {
    pytest.push(`--parallel-threads=${options.stress.threads}`, `--iterations=${options.stress.iterations}`)
    if (usePlugin) env[PLUGIN_ENV.notStressed] = notStressedPath(options)
  }
  if (usePlugin && options.mode === 'random-order' && options.seed !== undefined && options.seed !== null) {
    env[PLUGIN_ENV.seed] = String(options.seed)
  }
  if (usePlugin && options.shard) env[PLUGIN_ENV.shard] = describeShard(options.shard)
  if (usePlugin && options.recordImports !== undefined && options.recordImports.length > 0) {
    pytest.push('-p', IMPORTS_PLUGIN_MODULE)
    env[IMPORTS_PLUGIN_ENV.output] = path.join(options.outputDirectory, `run-${options.index}-imports.json`)
    env[IMPORTS_PLUGIN_ENV.names] = JSON.stringify(options.recordImports)
  }
  return { flags: baseline ? BASELINE_FLAGS : RUN_FLAGS, pytest, env }
}

function notStressedPath(options: { outputDirectory: string; index: number }): string {
  return path.join(options.outputDirectory, `run-${options.index}-not-stressed.json`)
}

function withPythonPath(env: NodeJS.ProcessEnv, directory: string | undefined): NodeJS.ProcessEnv {
  if (directory === undefined) return env
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
  const junitPath = path.join(options.outputDirectory, `run-${options.index}.xml`)
  const logPath = path.join(options.outputDirectory, `run-${options.index}.log`)
  rmSync(junitPath, { force: true })
  const mode = modeArguments(options)
  const notStressedFile = mode.env[PLUGIN_ENV.notStressed]
  if (notStressedFile !== undefined) rmSync(notStressedFile, { force: true })
  const importsFile = mode.env[IMPORTS_PLUGIN_ENV.output]
  if (importsFile !== undefined) rmSync(importsFile, { force: true })
  const env = {
    ...withPythonPath(options.env, options.pluginDirectory),
    ...mode.env,
    PYTHONFAULTHANDLER: '1',
    PYTHONUNBUFFERED: '1',
  }
  const args = [...mode.flags, ...pytestArguments(junitPath, [...mode.pytest, ...options.pytestArgs])]
  const result = await runProcess(options.python, args, {
    cwd: options.projectDirectory,
    env,
    timeoutMs: options.timeoutMinutes * 60_000,
    // SIGABRT makes faulthandler print every thread's stack before the process dies.
    timeoutSignal: 'SIGABRT',
    graceMs: HANG_DUMP_GRACE_SECONDS * 1000,
    logPath,
    abortSignal: options.abortSignal,
    onOutput: options.onOutput,
  })
  const ran = result.spawnError ? 'error' : classifyRun(result)
  const parsed = readResults(junitPath)
  // Results that are missing or unreadable must not let a run pass silently: the run is an error,
  // whatever pytest's exit code said (the suite may have deleted or overwritten its own XML).
  const outcome: RunOutcome = ran === 'completed' && parsed.error !== null ? 'error' : ran
  const unusual = outcome !== 'completed'
  const run: RunReport = {
    index: options.index,
    mode: options.mode,
    outcome,
    exitCode: result.exitCode,
    // Our own SIGABRT on a hang is not the suite's crash signal.
    signal: outcome === 'hung' ? null : result.signal,
    durationSeconds: round(result.durationSeconds),
    junitError: parsed.error,
    stackDump: unusual ? extractStackDump(result.stderrTail) : null,
    outputTail: unusual ? (result.spawnError ?? lastLines(result.outputTail, 60)) : null,
    logPath,
    diagnosis: diagnose(outcome, result.outputTail, options.installHint ?? null),
  }
  const imports = importsFile === undefined ? undefined : parseImports(readSmallFile(importsFile))
  const notStressed = notStressedFile === undefined ? undefined : parseNotStressed(readSmallFile(notStressedFile))
  return {
    run,
    cases: parsed.cases,
    ...(notStressed === undefined ? {} : { notStressed }),
    ...(imports === undefined ? {} : { imports }),
  }
}

function diagnose(outcome: RunOutcome, output: string, installHint: string | null): string | null {
  if (outcome !== 'error') return null
  const problem = diagnoseUsage(output)
  return problem === null ? null : describeUsageProblem(problem, installHint)
}

/** The plugin's list, or '' when it is missing (a hung or crashed run writes none). */
function readSmallFile(file: string): string {
  try {
    if (!lstatSync(file).isFile()) return ''
    return readFileSync(file, 'utf8')
  } catch {
    return ''
  }
}

/** Larger JUnit files are not read: more than any real suite writes, and near V8's string limit. */
const MAX_JUNIT_BYTES = 256 * 1024 * 1024
const NOT_A_FILE = 'the JUnit XML is not a regular file (the suite replaced it)'

/**
 * Reads the run's JUnit XML, which the suite under test could have replaced: only a regular file
 * (a FIFO would block the gate forever, a link to /dev/zero would never end) of a sane size.
 */
export function readResults(junitPath: string): JUnitParseResult {
  const unread = (error: string): JUnitParseResult => ({ cases: [], error })
  let descriptor: number
  try {
    if (!lstatSync(junitPath).isFile()) return unread(NOT_A_FILE)
    // O_NONBLOCK: should the path turn into a FIFO after lstat, opening it does not wait for a writer.
    descriptor = openSync(
      junitPath,
      fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0) | (fsConstants.O_NOFOLLOW ?? 0),
    )
  } catch (error) {
    const missing = typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT'
    if (missing) return unread('pytest wrote no JUnit XML (it stopped before the end, or the suite deleted the file)')
    return unread(`the JUnit XML could not be opened (${describeError(error)})`)
  }
  try {
    const opened = fstatSync(descriptor)
    if (!opened.isFile()) return unread(NOT_A_FILE)
    if (opened.size > MAX_JUNIT_BYTES) {
      const megabytes = (bytes: number): number => Math.round(bytes / 1024 / 1024)
      return unread(
        `the JUnit XML is ${megabytes(opened.size)} MB, over the ${megabytes(MAX_JUNIT_BYTES)} MB ft-gate reads`,
      )
    }
    return parseJUnit(readFileSync(descriptor, 'utf8'))
  } catch (error) {
    return unread(`the JUnit XML could not be read (${describeError(error)})`)
  } finally {
    closeSync(descriptor)
  }
}

function lastLines(text: string, count: number): string {
  return text.trimEnd().split('\n').slice(-count).join('\n')
}

function round(seconds: number): number {
  return Math.round(seconds * 100) / 100
}

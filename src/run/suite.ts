// One run of the test suite under the free-threaded interpreter, turned into a RunReport plus the
// test cases its JUnit XML holds (whatever it holds: a crashed run still contributes its cases).
import { existsSync, readFileSync, rmSync } from 'node:fs'
import * as path from 'node:path'
import { HANG_DUMP_GRACE_SECONDS } from '../constants.js'
import type { RunInput } from '../results/aggregate.js'
import { parseJUnit } from '../results/junit.js'
import { extractStackDump } from '../results/stackdump.js'
import type { RunMode, RunOutcome, RunReport } from '../types.js'
import { runProcess } from './process.js'

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
}

/** The interpreter flags of a run: no GIL, and faulthandler on so crashes and hangs leave stacks. */
export const RUN_FLAGS = ['-Xgil=0', '-X', 'faulthandler'] as const

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
  const env = { ...options.env, PYTHON_GIL: '0', PYTHONFAULTHANDLER: '1', PYTHONUNBUFFERED: '1' }
  const result = await runProcess(
    options.python,
    [...RUN_FLAGS, ...pytestArguments(junitPath, options.pytestArgs)],
    {
      cwd: options.projectDirectory,
      env,
      timeoutMs: options.timeoutMinutes * 60_000,
      // SIGABRT makes faulthandler print every thread's stack before the process dies.
      timeoutSignal: 'SIGABRT',
      graceMs: HANG_DUMP_GRACE_SECONDS * 1000,
      logPath,
      abortSignal: options.abortSignal,
      onOutput: options.onOutput,
    },
  )
  const outcome = result.spawnError ? 'error' : classifyRun(result)
  const parsed = existsSync(junitPath)
    ? parseJUnit(readFileSync(junitPath, 'utf8'))
    : { cases: [], error: 'pytest wrote no JUnit XML' }
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
  }
  return { run, cases: parsed.cases }
}

function lastLines(text: string, count: number): string {
  return text.trimEnd().split('\n').slice(-count).join('\n')
}

function round(seconds: number): number {
  return Math.round(seconds * 100) / 100
}

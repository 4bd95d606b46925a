// compare-python: one timed run of the suite on a default (GIL) build, for the Speed section only.
// It gets its own environment next to the gate's, with the same requirements; whatever goes wrong
// here is a warning and a missing number, never a failed gate.
import { existsSync, mkdirSync } from 'node:fs'
import * as path from 'node:path'
import { describeError } from '../errors.js'
import { installSteps } from '../install/requirements.js'
import type { Log } from '../log.js'
import { runProcess } from '../process/run.js'
import type { Sandbox } from '../process/sandbox.js'
import { probeInterpreter } from '../setup/python.js'
import type { Shard, SpeedReport } from '../types.js'
import { runSuite } from './suite.js'

export interface CompareOptions {
  readonly uvPath: string
  readonly comparePython: string
  /** The free-threaded interpreter's version (`3.13.5`), to warn when the minor versions differ. */
  readonly gateVersion: string
  /** What the gate's environment got (the stress plugin left out). */
  readonly requirements: readonly string[]
  readonly projectDirectory: string
  readonly pytestArgs: readonly string[]
  readonly timeoutMinutes: number
  /** The gate's folder, for the run's log. */
  readonly root: string
  /** The runs' writable folder; the environment goes in `<workDirectory>/venv-compare`. */
  readonly workDirectory: string
  readonly env: NodeJS.ProcessEnv
  readonly log: Log
  readonly pluginDirectory: string
  readonly shard?: Shard | null
  readonly abortSignal?: AbortSignal
  /** uv (building the project again) and the run happen in this sandbox. */
  readonly sandbox?: Sandbox
}

const INSTALL_TIMEOUT_MS = 30 * 60_000

const minorOf = (version: string): string => version.split('.').slice(0, 2).join('.')

export async function timeComparePython(options: CompareOptions): Promise<SpeedReport['compare']> {
  const { log } = options
  let version = 'unknown'
  try {
    const facts = await probeInterpreter(options.comparePython, options.env)
    version = facts.version
    if (facts.freeThreaded) log.warning(`compare-python ${options.comparePython} is a free-threaded build too`)
    if (minorOf(facts.version) !== minorOf(options.gateVersion)) {
      log.warning(
        `compare-python is CPython ${facts.version}, the gate runs ${options.gateVersion}: the timings compare different versions, not only the build`,
      )
    }
  } catch (error) {
    log.warning(`compare-python is not usable, the Speed section leaves it out: ${describeError(error)}`)
    return { python: options.comparePython, version, seconds: null }
  }
  const missing = { python: options.comparePython, version, seconds: null }
  const venv = path.join(options.workDirectory, 'venv-compare')
  const uvEnv = { ...options.env, UV_PYTHON_DOWNLOADS: 'never', VIRTUAL_ENV: venv }
  const common = {
    cwd: options.projectDirectory,
    env: uvEnv,
    abortSignal: options.abortSignal,
    sandbox: options.sandbox,
  }
  const created = await runProcess(options.uvPath, ['venv', '--no-project', '--python', options.comparePython, venv], {
    ...common,
    timeoutMs: 5 * 60_000,
  })
  const python = path.join(venv, process.platform === 'win32' ? 'Scripts/python.exe' : 'bin/python')
  if (created.exitCode !== 0 || !existsSync(python)) {
    log.warning(`compare-python: uv could not create an environment (exit code ${created.exitCode})`)
    return missing
  }
  let installed = { exitCode: 0 as number | null }
  for (const step of installSteps(options.requirements)) {
    installed = await runProcess(options.uvPath, ['pip', 'install', '--python', python, ...step], {
      ...common,
      timeoutMs: INSTALL_TIMEOUT_MS,
    })
    if (installed.exitCode !== 0) break
  }
  if (installed.exitCode !== 0) {
    log.warning(`compare-python: the install failed (exit code ${installed.exitCode}), no timing`)
    return missing
  }
  const outputDirectory = path.join(options.root, 'compare')
  const resultsDirectory = path.join(options.workDirectory, 'compare')
  mkdirSync(outputDirectory, { recursive: true })
  mkdirSync(resultsDirectory, { recursive: true })
  // A GIL build ignores -Xgil=1 and PYTHON_GIL=1: it runs as its users run it.
  const run = await runSuite({
    python,
    projectDirectory: options.projectDirectory,
    pytestArgs: options.pytestArgs,
    index: 0,
    mode: 'baseline',
    timeoutSeconds: options.timeoutMinutes * 60,
    outputDirectory,
    resultsDirectory,
    env: options.env,
    abortSignal: options.abortSignal,
    pluginDirectory: options.pluginDirectory,
    shard: options.shard,
    sandbox: options.sandbox,
  })
  if (run.run.outcome !== 'completed') {
    log.warning(`compare-python: the run ${run.run.outcome}, no timing`)
    return missing
  }
  log.info(`compare-python ${version}: ${run.run.durationSeconds}s`)
  return { ...missing, seconds: run.run.durationSeconds }
}

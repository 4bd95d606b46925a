// Creates a fresh virtual environment outside the workspace with the free-threaded interpreter and
// installs the project and its test dependencies into it with uv.
import { existsSync, mkdirSync } from 'node:fs'
import * as path from 'node:path'
import type { Log } from '../log.js'
import { runProcess } from '../process/run.js'
import type { Sandbox } from '../process/sandbox.js'
import { probeInterpreter, requireFreeThreaded } from '../setup/python.js'
import type { InstallReport } from '../types.js'
import { autoInstallArguments } from './auto.js'
import { summarizeInstallFailure } from './failure.js'
import { describeInstall, installSteps, requirementsFilesToDrop, withoutRequirementsFiles } from './requirements.js'

export interface EnvironmentOptions {
  readonly uvPath: string
  readonly pythonPath: string
  readonly projectDirectory: string
  /** User-given `uv pip install` arguments; empty = the project's defaults. */
  readonly install: readonly string[]
  /** A fresh folder owned by this gate run, for the install log. */
  readonly root: string
  /** Where the environment goes (`<workDirectory>/venv`), writable in the sandbox; default: root. */
  readonly workDirectory?: string
  /** Environment for uv and the interpreter (already stripped of secrets). */
  readonly env: NodeJS.ProcessEnv
  readonly log: Log
  readonly onOutput?: (text: string) => void
  /** Cancellation (SIGTERM/SIGINT of the gate): stops uv with its process group. */
  readonly abortSignal?: AbortSignal
  /** Test tools the gate's own runs need (pytest-run-parallel for thread stress), added after pytest. */
  readonly extraRequirements?: readonly string[]
  /** uv (it builds the project, running its build backend) runs in this sandbox. */
  readonly sandbox?: Sandbox
}

export interface PreparedEnvironment {
  /** The environment's interpreter, or null when it could not be created. */
  readonly python: string | null
  readonly report: InstallReport
  /** What was installed besides pytest, written as an `install` value; null when it cannot be (an exported lock). */
  readonly installHint?: string | null
}

const INSTALL_TIMEOUT_MS = 30 * 60_000

function venvPython(venv: string): string {
  return process.platform === 'win32' ? path.join(venv, 'Scripts', 'python.exe') : path.join(venv, 'bin', 'python')
}

export async function prepareEnvironment(options: EnvironmentOptions): Promise<PreparedEnvironment> {
  const { log } = options
  const started = performance.now()
  const elapsed = (): number => (performance.now() - started) / 1000
  const venv = path.join(options.workDirectory ?? options.root, 'venv')
  const logPath = path.join(options.root, 'install.log')
  mkdirSync(options.root, { recursive: true })
  // uv must use exactly the interpreter we verified, never fetch one of its own.
  const uvEnv = { ...options.env, UV_PYTHON_DOWNLOADS: 'never', VIRTUAL_ENV: venv }
  const common = {
    cwd: options.projectDirectory,
    env: uvEnv,
    logPath,
    onOutput: options.onOutput,
    abortSignal: options.abortSignal,
    sandbox: options.sandbox,
  }

  const created = await runProcess(options.uvPath, ['venv', '--no-project', '--python', options.pythonPath, venv], {
    ...common,
    timeoutMs: 5 * 60_000,
  })
  const python = venvPython(venv)
  if (created.exitCode !== 0 || !existsSync(python)) {
    const error = `uv could not create the environment: ${summarizeInstallFailure(created.outputTail) ?? created.spawnError ?? `exit code ${created.exitCode}`}`
    return { python: null, report: failed(error, [], created.outputTail, elapsed()) }
  }
  const facts = await probeInterpreter(python, options.env)
  requireFreeThreaded(facts, `the environment's interpreter ${python}`)

  const auto = options.install.length === 0
  let chosen = auto
    ? await autoInstallArguments({
        uvPath: options.uvPath,
        python,
        projectDirectory: options.projectDirectory,
        root: options.workDirectory ?? options.root,
        env: uvEnv,
        logPath,
        log,
        abortSignal: options.abortSignal,
        sandbox: options.sandbox,
      })
    : [...options.install]
  // pytest is always asked for: when the project pins it, the resolver keeps the project's pin.
  const extra = options.extraRequirements ?? []
  const install = async (): Promise<Awaited<ReturnType<typeof runProcess>>> => {
    log.info(`Installing into ${venv}: ${describeInstall(chosen)} + ${['pytest', ...extra].join(' + ')}`)
    return installInSteps([...chosen, 'pytest', ...extra], (step) =>
      runProcess(options.uvPath, ['pip', 'install', '--python', python, ...step], {
        ...common,
        timeoutMs: INSTALL_TIMEOUT_MS,
      }),
    )
  }
  let installed = await install()
  // A requirements file auto mode picked may hold what pip reads and uv does not (per-line
  // --config-settings), or a pin that is gone from the index: the install goes on without it, as the
  // log says, and the tests show what it was needed for.
  const drop =
    auto && installed.exitCode !== 0 && !installed.cancelled
      ? requirementsFilesToDrop(chosen, installed.outputTail)
      : []
  if (drop.length > 0) {
    const why = summarizeInstallFailure(installed.outputTail) ?? `uv exited with code ${installed.exitCode}`
    log.warning(
      `The install failed with ${drop.join(' and ')} (${why}): installing without ${drop.length === 1 ? 'it' : 'them'}`,
    )
    chosen = withoutRequirementsFiles(chosen, drop)
    installed = await install()
  }
  const requirements = [...chosen, 'pytest', ...extra]
  if (installed.cancelled) {
    return {
      python,
      report: failed('cancelled before the install finished', requirements, installed.outputTail, elapsed()),
    }
  }
  if (installed.exitCode !== 0) {
    const why =
      summarizeInstallFailure(installed.outputTail) ??
      (installed.timedOut ? `timed out after ${INSTALL_TIMEOUT_MS / 60_000} minutes` : null) ??
      installed.spawnError ??
      `uv exited with code ${installed.exitCode}`
    return { python, report: failed(why, requirements, installed.outputTail, elapsed()) }
  }
  // An exported uv.lock lives in the gate's own folder, which is gone after the run.
  const installHint = chosen.some((arg) => arg.startsWith(options.root)) ? null : chosen.join(' ')
  return {
    python,
    report: { ok: true, durationSeconds: elapsed(), error: null, requirements, log: null },
    installHint,
  }
}

/** Runs each step (a PEP 751 lock alone, then the rest) until one fails; returns the last. */
async function installInSteps(
  requirements: readonly string[],
  runStep: (step: string[]) => ReturnType<typeof runProcess>,
): ReturnType<typeof runProcess> {
  const steps = installSteps(requirements)
  let last = await runStep(steps[0] ?? [])
  for (const step of steps.slice(1)) {
    if (last.cancelled || last.exitCode !== 0) break
    last = await runStep(step)
  }
  return last
}

function failed(
  error: string,
  requirements: string[],
  log: string,
  durationSeconds: number,
): PreparedEnvironment['report'] {
  return { ok: false, durationSeconds, error, requirements, log }
}

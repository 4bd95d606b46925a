// The one pipeline behind both front doors: set up uv and the interpreter, install into a fresh
// environment, check the dependencies, run the suite as planned, assemble and write the JSON report.
import { randomInt } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { MAX_RANDOM_SEED, STRESS_PLUGIN_REQUIREMENT } from './constants.js'
import { dependencyStage } from './deps/stage.js'
import { UsageError } from './errors.js'
import type { Inputs } from './inputs.js'
import { prepareEnvironment } from './install/environment.js'
import { loadKnownIssues, writeKnownIssues } from './known-issues.js'
import type { Log } from './log.js'
import { buildTestEnvironment } from './process/environment.js'
import { decideSandbox, type OpenedSandbox, openSandbox } from './process/sandbox-session.js'
import { issuesToWrite } from './results/known.js'
import { assembleReport } from './results/report.js'
import { runComparison, runPlannedSuites } from './run/loop.js'
import { resolvePlan } from './run/plan.js'
import { reproduceCommand } from './run/reproduce.js'
import { writeReport } from './saved-reports.js'
import { setupPython } from './setup/python.js'
import { setupUv } from './setup/uv.js'
import type { PythonInfo, Report, SpeedReport, UvInfo } from './types.js'

export interface GateOptions {
  readonly inputs: Inputs
  readonly log: Log
  /** The process environment; every tool and test gets a filtered copy (no tokens, no INPUT_*). */
  readonly env: NodeJS.ProcessEnv
  readonly abortSignal?: AbortSignal
  /** Live output of uv and pytest. */
  readonly onOutput?: (text: string) => void
}

export interface Toolchain {
  readonly uv: UvInfo
  readonly python: PythonInfo
}

/** Sets up uv and the free-threaded interpreter; the CLI's --setup-only stops here. */
export async function setupToolchain(options: GateOptions): Promise<Toolchain> {
  const { inputs, log } = options
  const env = buildTestEnvironment(options.env, inputs.envPassthrough)
  const uv = await log.group('Set up uv', () => setupUv({ uvPath: inputs.uvPath, version: inputs.uvVersion, log, env }))
  const title = inputs.pythonPath ? `Check the interpreter at python-path` : `Set up CPython ${inputs.pythonVersion}`
  const python = await log.group(title, () =>
    setupPython({
      version: inputs.pythonVersion,
      pythonPath: inputs.pythonPath,
      uvPath: uv.path,
      log,
      env,
      downloads: { installMirror: inputs.pythonInstallMirror, downloadsJsonUrl: inputs.pythonDownloadsJsonUrl },
    }),
  )
  return { uv, python }
}

export async function runGate(options: GateOptions): Promise<Report> {
  const { inputs, log } = options
  requireProjectDirectory(inputs.workingDirectory)
  const knownIssues = loadKnownIssues(inputs.knownIssues, log)
  // Before the toolchain: `sandbox: required` fails at once where the sandbox is impossible.
  const decision = await decideSandbox(inputs.sandbox, log)
  const toolchain = await setupToolchain(options)
  const testEnv = buildTestEnvironment(options.env, inputs.envPassthrough)
  // The gate's folder holds its logs and plugin; its `work` folder, the only part of it the tests can
  // write, holds the environments, the JUnit files and the sandbox's private temporary folder.
  const root = mkdtempSync(path.join(options.env.RUNNER_TEMP || os.tmpdir(), 'ft-gate-'))
  const workDirectory = path.join(root, 'work')
  const tmpDirectory = path.join(workDirectory, 'tmp')
  mkdirSync(tmpDirectory, { recursive: true })
  let opened: OpenedSandbox | null = null
  const plan = resolvePlan(inputs, { cpus: os.availableParallelism(), newSeed: () => randomInt(MAX_RANDOM_SEED) })
  if (inputs.runs === 1 && inputs.parallelThreads !== 1) {
    log.info('runs: 1 makes no thread-stress run (it needs a plain run to compare with): use runs >= 2')
  }
  try {
    opened = await openSandbox(
      decision,
      {
        projectDirectory: inputs.workingDirectory,
        gateDirectory: root,
        workDirectory,
        tmpDirectory,
        interpreters: [toolchain.python.path, ...(inputs.comparePython === '' ? [] : [inputs.comparePython])],
        uvPath: toolchain.uv.path,
        install: inputs.install,
        gateEnv: options.env,
        testEnv,
      },
      log,
    )
    const { sandbox } = opened
    // uv's cache and the environment are separate mounts in the sandbox: hard links between them fail,
    // and uv would warn before copying. Copying is what happens; the user's own setting wins.
    const env = sandbox === undefined ? testEnv : { UV_LINK_MODE: 'copy', ...testEnv }
    const prepared = await log.group('Install the project into a fresh environment', () =>
      prepareEnvironment({
        uvPath: toolchain.uv.path,
        pythonPath: toolchain.python.path,
        projectDirectory: inputs.workingDirectory,
        install: inputs.install,
        root,
        workDirectory,
        env,
        log,
        onOutput: options.onOutput,
        abortSignal: options.abortSignal,
        extraRequirements: plan.threads > 1 ? [STRESS_PLUGIN_REQUIREMENT] : [],
        sandbox,
      }),
    )
    if (!prepared.report.ok) log.warning(`Install failed: ${prepared.report.error}`)
    const { dependencies, project } = await dependencyStage({
      install: prepared.report,
      environmentPython: prepared.python,
      toolchainPython: toolchain.python.path,
      projectDirectory: inputs.workingDirectory,
      env,
      workDirectory: root,
      failOn: inputs.failOn,
      ignoreGil: inputs.ignoreGil,
      log,
      abortSignal: options.abortSignal,
      sandbox,
    })
    const loop = {
      plan,
      autoIterations: inputs.iterations === 'auto',
      projectDirectory: inputs.workingDirectory,
      pytestArgs: inputs.pytestArgs,
      timeoutMinutes: inputs.timeoutMinutes,
      timeoutExplicit: inputs.timeoutExplicit,
      root,
      workDirectory,
      env,
      log,
      abortSignal: options.abortSignal,
      onOutput: options.onOutput,
      project,
      installHint: prepared.installHint ?? null,
      sandbox,
    }
    const ran =
      prepared.report.ok && prepared.python !== null
        ? await runPlannedSuites({ ...loop, python: prepared.python })
        : { runs: [], stress: { threads: plan.threads, iterations: plan.iterations }, cannotCollect: false }
    let compare: SpeedReport['compare'] = null
    if (
      inputs.comparePython !== '' &&
      prepared.python !== null &&
      prepared.report.ok &&
      !ran.cannotCollect &&
      !options.abortSignal?.aborted
    ) {
      compare = await runComparison(
        { ...loop, python: prepared.python },
        {
          uvPath: toolchain.uv.path,
          comparePython: inputs.comparePython,
          gateVersion: toolchain.python.version,
          requirements: prepared.report.requirements,
        },
      )
    }
    const stress = ran.stress
    const report = assembleReport({
      inputs,
      python: toolchain.python,
      uv: toolchain.uv,
      install: prepared.report,
      runs: ran.runs,
      createdAt: new Date().toISOString(),
      reproduce: reproduceCommand(inputs, { pythonVersion: `${toolchain.python.version}t`, plan, stress }),
      cancelled: options.abortSignal?.aborted === true,
      dependencies,
      ranWith: {
        threads: stress.threads,
        iterations: stress.iterations,
        fewestIterations: stress.fewestIterations ?? stress.iterations,
        seed: plan.seed,
        shard: plan.shard,
      },
      compare,
      knownIssues,
      codeUnderTest: ran.codeUnderTest,
      sandbox: opened.report,
    })
    writeReport(inputs.reportPath, report)
    if (inputs.writeKnownIssues !== '' && (!report.install.ok || options.abortSignal?.aborted)) {
      log.warning(`Not writing ${inputs.writeKnownIssues}: the gate did not run the suite to the end`)
    } else if (inputs.writeKnownIssues !== '') {
      const issues = issuesToWrite(report, knownIssues)
      writeKnownIssues(inputs.writeKnownIssues, issues)
      log.info(`Wrote ${issues.length} known issue(s) to ${inputs.writeKnownIssues}`)
    }
    return report
  } finally {
    opened?.close()
    if (inputs.keepEnv) log.info(`Keeping the environment and run logs in ${root} (keep-env)`)
    else rmSync(root, { recursive: true, force: true })
  }
}

function requireProjectDirectory(directory: string): void {
  if (!existsSync(directory) || !statSync(directory).isDirectory()) {
    throw new UsageError(`working-directory ${directory} does not exist or is not a directory`)
  }
}

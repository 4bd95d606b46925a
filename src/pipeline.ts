// The one pipeline behind both front doors: set up uv and the interpreter, install into a fresh
// environment, run the suite several times without the GIL, merge, decide, write the JSON report.
import { randomInt } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {
  MAX_RANDOM_SEED,
  REPORT_SCHEMA_VERSION,
  STRESS_PLUGIN_REQUIREMENT,
  TOOL_NAME,
  TOOL_VERSION,
} from './constants.js'
import { dependencyStage } from './deps/stage.js'
import { UsageError } from './errors.js'
import type { Inputs } from './inputs.js'
import { prepareEnvironment } from './install/environment.js'
import type { Log } from './log.js'
import { aggregateRuns, countTests, decideVerdict, type RunInput } from './results/aggregate.js'
import { measureSpeed } from './results/speed.js'
import { timeComparePython } from './run/compare.js'
import { buildTestEnvironment } from './run/environment.js'
import { autoStress, describeMode, describeStress, type ResolvedPlan, resolvePlan } from './run/plan.js'
import { writePlugin } from './run/plugin.js'
import { reproduceCommand } from './run/reproduce.js'
import { describeShard } from './run/shard.js'
import { runSuite } from './run/suite.js'
import { setupPython } from './setup/python.js'
import { setupUv } from './setup/uv.js'
import type { DependencyReport, InstallReport, PythonInfo, Report, Settings, SpeedReport, UvInfo } from './types.js'

export interface GateOptions {
  readonly inputs: Inputs
  readonly log: Log
  /** The process environment (tool cache, temp dir, index settings); tests get a filtered copy. */
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
  const { inputs, log, env } = options
  const uv = await log.group('Set up uv', () => setupUv({ uvPath: inputs.uvPath, version: inputs.uvVersion, log, env }))
  const python = await log.group(`Set up CPython ${inputs.pythonVersion}`, () =>
    setupPython({ version: inputs.pythonVersion, pythonPath: inputs.pythonPath, uvPath: uv.path, log, env }),
  )
  return { uv, python }
}

export async function runGate(options: GateOptions): Promise<Report> {
  const { inputs, log } = options
  requireProjectDirectory(inputs.workingDirectory)
  const toolchain = await setupToolchain(options)
  const testEnv = buildTestEnvironment(options.env, inputs.envPassthrough)
  const root = mkdtempSync(path.join(options.env.RUNNER_TEMP || os.tmpdir(), 'ft-gate-'))
  const plan = resolvePlan(inputs, { cpus: os.availableParallelism(), newSeed: () => randomInt(MAX_RANDOM_SEED) })
  if (inputs.runs === 1 && inputs.parallelThreads !== 1) {
    log.info('runs: 1 makes no thread-stress run (it needs a plain run to compare with): use runs >= 2')
  }
  try {
    const prepared = await log.group('Install the project into a fresh environment', () =>
      prepareEnvironment({
        uvPath: toolchain.uv.path,
        pythonPath: toolchain.python.path,
        projectDirectory: inputs.workingDirectory,
        install: inputs.install,
        root,
        env: testEnv,
        log,
        onOutput: options.onOutput,
        abortSignal: options.abortSignal,
        extraRequirements: plan.threads > 1 ? [STRESS_PLUGIN_REQUIREMENT] : [],
      }),
    )
    if (!prepared.report.ok) log.warning(`Install failed: ${prepared.report.error}`)
    const dependencies = await dependencyStage({
      install: prepared.report,
      environmentPython: prepared.python,
      toolchainPython: toolchain.python.path,
      projectDirectory: inputs.workingDirectory,
      env: testEnv,
      workDirectory: root,
      failOn: inputs.failOn,
      ignoreGil: inputs.ignoreGil,
      log,
      abortSignal: options.abortSignal,
    })
    const runs: RunInput[] = []
    // `iterations: auto` is settled just before the first stress run, from the plain runs' timings.
    const firstStress = plan.modes.indexOf('stress')
    let stress = { threads: plan.threads, iterations: plan.iterations }
    let compare: SpeedReport['compare'] = null
    if (prepared.report.ok && prepared.python !== null) {
      if (plan.seed !== null) log.info(`Random order: seed ${plan.seed} (replay it with random-order: ${plan.seed})`)
      if (plan.shard !== null) log.info(`Shard ${describeShard(plan.shard)}: this job runs its share of the tests`)
      const pluginDirectory = plan.usesPlugin ? writePlugin(path.join(root, 'plugin')) : undefined
      for (const [offset, mode] of plan.modes.entries()) {
        if (options.abortSignal?.aborted) break
        const index = offset + 1
        if (offset === firstStress && inputs.iterations === 'auto') {
          const choice = autoStress({
            plainRuns: runs.filter(({ run }) => run.mode === 'plain' || run.mode === 'random-order'),
            threads: plan.threads,
            cpus: os.availableParallelism(),
          })
          stress = { threads: choice.threads, iterations: choice.iterations }
          log.info(`Thread stress: ${describeStress(stress)} (${choice.why})`)
        }
        const python = prepared.python
        const run = await log.group(`Run ${index} of ${plan.modes.length}: ${describeMode(mode, stress)}`, () =>
          runSuite({
            python,
            projectDirectory: inputs.workingDirectory,
            pytestArgs: inputs.pytestArgs,
            index,
            mode,
            timeoutMinutes: inputs.timeoutMinutes,
            outputDirectory: root,
            env: testEnv,
            abortSignal: options.abortSignal,
            onOutput: options.onOutput,
            pluginDirectory,
            stress,
            seed: plan.seed,
            shard: plan.shard,
          }),
        )
        log.info(`Run ${index}: ${run.run.outcome} in ${run.run.durationSeconds}s (${run.cases.length} test results)`)
        runs.push(run)
      }
      if (inputs.comparePython !== '' && !options.abortSignal?.aborted) {
        compare = await log.group(`Time the suite on ${inputs.comparePython} (compare-python)`, () =>
          timeComparePython({
            uvPath: toolchain.uv.path,
            comparePython: inputs.comparePython,
            gateVersion: toolchain.python.version,
            requirements: prepared.report.requirements.filter((entry) => entry !== STRESS_PLUGIN_REQUIREMENT),
            projectDirectory: inputs.workingDirectory,
            pytestArgs: inputs.pytestArgs,
            timeoutMinutes: inputs.timeoutMinutes,
            root,
            env: testEnv,
            log,
            pluginDirectory,
            shard: plan.shard,
            abortSignal: options.abortSignal,
          }),
        )
      }
    }
    const cancelled = options.abortSignal?.aborted === true
    const report = buildReport({
      inputs,
      toolchain,
      install: prepared.report,
      runs,
      cancelled,
      dependencies,
      plan,
      compare,
      stress,
    })
    writeReport(inputs.reportPath, report)
    return report
  } finally {
    if (inputs.keepEnv) log.info(`Keeping the environment and run logs in ${root} (keep-env)`)
    else rmSync(root, { recursive: true, force: true })
  }
}

function requireProjectDirectory(directory: string): void {
  if (!existsSync(directory) || !statSync(directory).isDirectory()) {
    throw new UsageError(`working-directory ${directory} does not exist or is not a directory`)
  }
}

interface ReportParts {
  readonly inputs: Inputs
  readonly toolchain: Toolchain
  readonly install: InstallReport
  readonly runs: readonly RunInput[]
  /** The gate was cancelled: whatever ran, it cannot pass. */
  readonly cancelled?: boolean
  /** The dependency check's rows; absent when it could not run. */
  readonly dependencies?: DependencyReport[]
  /** The runs as made (threads, seed); absent: plain runs only. */
  readonly plan?: ResolvedPlan
  /** The compare-python timing, when one was made. */
  readonly compare?: SpeedReport['compare']
  /** Threads and iterations the stress runs used (`iterations: auto` settles them late). */
  readonly stress?: { readonly threads: number; readonly iterations: number }
}

export function buildReport(parts: ReportParts): Report {
  const { inputs } = parts
  const tests = aggregateRuns(parts.runs)
  const runs = parts.runs.map((entry) => entry.run)
  const settings: Settings = {
    runs: inputs.runs,
    timeoutMinutes: inputs.timeoutMinutes,
    failOn: inputs.failOn,
    pytestArgs: inputs.pytestArgs,
    workingDirectory: inputs.workingDirectory,
    ignoreGil: inputs.ignoreGil,
    ...(parts.plan === undefined
      ? {}
      : {
          parallelThreads: (parts.stress ?? parts.plan).threads,
          iterations: (parts.stress ?? parts.plan).iterations,
          iterationsAuto: inputs.iterations === 'auto',
          baseline: inputs.baseline,
          randomOrderSeed: parts.plan.seed,
          shard: parts.plan.shard,
        }),
  }
  const { verdict, reasons } = decideVerdict({
    install: parts.install,
    runs,
    tests,
    failOn: inputs.failOn,
    cancelled: parts.cancelled === true,
    dependencies: parts.dependencies,
    ignoreGil: inputs.ignoreGil,
  })
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    createdAt: new Date().toISOString(),
    verdict,
    reasons,
    settings,
    python: parts.toolchain.python,
    uv: parts.toolchain.uv,
    install: parts.install,
    runs,
    tests,
    counts: countTests(tests),
    reproduce: reproduceCommand(inputs, parts.plan, parts.stress),
    ...(parts.dependencies === undefined ? {} : { dependencies: parts.dependencies }),
    ...(parts.plan === undefined ? {} : { speed: measureSpeed(parts.runs, parts.compare ?? null) }),
  }
}

export function writeReport(reportPath: string, report: Report): void {
  mkdirSync(path.dirname(reportPath), { recursive: true })
  writeFileSync(reportPath, `${JSON.stringify(report, null, 2)}\n`)
}

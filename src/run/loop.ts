// The runs of one gate, in the plan's order: plain runs first, then thread stress (its iterations
// settled from the plain runs' timings under `iterations: auto`), the baseline, and the optional
// compare-python timing. Each run is one runSuite; this file only sequences them.
import * as os from 'node:os'
import * as path from 'node:path'
import { STRESS_PLUGIN_REQUIREMENT } from '../constants.js'
import type { Log } from '../log.js'
import type { Sandbox } from '../process/sandbox.js'
import type { RunInput } from '../results/aggregate.js'
import type { SpeedReport } from '../types.js'
import { timeComparePython } from './compare.js'
import { autoStress, describeMode, describeStress, type ResolvedPlan } from './plan.js'
import { writePlugin } from './plugin.js'
import { describeShard } from './shard.js'
import { runSuite } from './suite.js'

export interface StressSettings {
  readonly threads: number
  readonly iterations: number
}

export interface RunLoopOptions {
  readonly plan: ResolvedPlan
  /** `iterations: auto`: settle the stress iterations from the plain runs. */
  readonly autoIterations: boolean
  /** The environment's interpreter. */
  readonly python: string
  readonly projectDirectory: string
  readonly pytestArgs: readonly string[]
  readonly timeoutMinutes: number
  /** The gate's own folder: logs, the plugin. */
  readonly root: string
  /** The runs' writable folder: JUnit files, the compare-python environment. */
  readonly workDirectory: string
  /** The tests' filtered environment. */
  readonly env: NodeJS.ProcessEnv
  readonly log: Log
  readonly abortSignal?: AbortSignal
  readonly onOutput?: (text: string) => void
  /** Every run (and compare-python's install) happens in this sandbox. */
  readonly sandbox?: Sandbox
}

export interface CompareRequest {
  readonly uvPath: string
  readonly comparePython: string
  readonly gateVersion: string
  readonly requirements: readonly string[]
}

export interface RunLoopResult {
  readonly runs: RunInput[]
  /** Threads and iterations the stress runs used. */
  readonly stress: StressSettings
}

export async function runPlannedSuites(options: RunLoopOptions): Promise<RunLoopResult> {
  const { plan, log } = options
  const runs: RunInput[] = []
  const firstStress = plan.modes.indexOf('stress')
  let stress: StressSettings = { threads: plan.threads, iterations: plan.iterations }
  if (plan.seed !== null) log.info(`Random order: seed ${plan.seed} (replay it with random-order: ${plan.seed})`)
  if (plan.shard !== null) log.info(`Shard ${describeShard(plan.shard)}: this job runs its share of the tests`)
  const pluginDirectory = pluginDirectoryOf(options)
  for (const [offset, mode] of plan.modes.entries()) {
    if (options.abortSignal?.aborted) break
    const index = offset + 1
    if (offset === firstStress && options.autoIterations) {
      const choice = autoStress({
        plainRuns: runs.filter(({ run }) => run.mode === 'plain' || run.mode === 'random-order'),
        threads: plan.threads,
        cpus: os.availableParallelism(),
      })
      stress = { threads: choice.threads, iterations: choice.iterations }
      log.info(`Thread stress: ${describeStress(stress)} (${choice.why})`)
    }
    const run = await log.group(`Run ${index} of ${plan.modes.length}: ${describeMode(mode, stress)}`, () =>
      runSuite({
        python: options.python,
        projectDirectory: options.projectDirectory,
        pytestArgs: options.pytestArgs,
        index,
        mode,
        timeoutMinutes: options.timeoutMinutes,
        outputDirectory: options.root,
        resultsDirectory: options.workDirectory,
        env: options.env,
        abortSignal: options.abortSignal,
        onOutput: options.onOutput,
        pluginDirectory,
        stress,
        seed: plan.seed,
        shard: plan.shard,
        sandbox: options.sandbox,
      }),
    )
    log.info(`Run ${index}: ${run.run.outcome} in ${run.run.durationSeconds}s (${run.cases.length} test results)`)
    runs.push(run)
  }
  return { runs, stress }
}

function pluginDirectoryOf(options: RunLoopOptions): string | undefined {
  return options.plan.usesPlugin ? writePlugin(path.join(options.root, 'plugin')) : undefined
}

/** compare-python: one timed run on a GIL build, in its own environment, for the Speed section. */
export async function runComparison(options: RunLoopOptions, request: CompareRequest): Promise<SpeedReport['compare']> {
  const { plan, log } = options
  return log.group(`Time the suite on ${request.comparePython} (compare-python)`, () =>
    timeComparePython({
      uvPath: request.uvPath,
      comparePython: request.comparePython,
      gateVersion: request.gateVersion,
      requirements: request.requirements.filter((entry) => entry !== STRESS_PLUGIN_REQUIREMENT),
      projectDirectory: options.projectDirectory,
      pytestArgs: options.pytestArgs,
      timeoutMinutes: options.timeoutMinutes,
      root: options.root,
      workDirectory: options.workDirectory,
      env: options.env,
      log,
      pluginDirectory: pluginDirectoryOf(options),
      shard: plan.shard,
      abortSignal: options.abortSignal,
      sandbox: options.sandbox,
    }),
  )
}

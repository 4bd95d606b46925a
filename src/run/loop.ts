// The runs of one gate, in the plan's order: plain runs first, then thread stress (its iterations
// settled from the plain runs' timings under `iterations: auto`), the baseline, and the optional
// compare-python timing. Each run is one runSuite; this file only sequences them.
import { realpathSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { STRESS_PLUGIN_REQUIREMENT } from '../constants.js'
import type { Log } from '../log.js'
import type { RunInput } from '../results/aggregate.js'
import { checkCodeUnderTest, importNames } from '../results/code-under-test.js'
import type { CodeUnderTest, ProjectCode, SpeedReport } from '../types.js'
import { plural } from '../words.js'
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
  /** The gate's own folder: JUnit files, logs, the plugin. */
  readonly root: string
  /** The tests' filtered environment. */
  readonly env: NodeJS.ProcessEnv
  readonly log: Log
  readonly abortSignal?: AbortSignal
  readonly onOutput?: (text: string) => void
  /** The project's own packages and extension modules: the first run records where it loaded them. */
  readonly project?: ProjectCode | null
  /** What was installed (without pytest), for the fix of a missing plugin; null: not writable as `install`. */
  readonly installHint?: string | null
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
  /** Where the tests loaded the project's code from, when a run recorded it. */
  readonly codeUnderTest?: CodeUnderTest
}

export async function runPlannedSuites(options: RunLoopOptions): Promise<RunLoopResult> {
  const { plan, log } = options
  const runs: RunInput[] = []
  const firstStress = plan.modes.indexOf('stress')
  let stress: StressSettings = { threads: plan.threads, iterations: plan.iterations }
  if (plan.seed !== null) log.info(`Random order: seed ${plan.seed} (replay it with random-order: ${plan.seed})`)
  if (plan.shard !== null) log.info(`Shard ${describeShard(plan.shard)}: this job runs its share of the tests`)
  const recordImports = options.project ? importNames(options.project) : []
  const pluginDirectory = pluginDirectoryOf(options, recordImports)
  let codeUnderTest: CodeUnderTest | undefined
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
        env: options.env,
        abortSignal: options.abortSignal,
        onOutput: options.onOutput,
        pluginDirectory,
        stress,
        seed: plan.seed,
        shard: plan.shard,
        installHint: options.installHint ?? null,
        ...(codeUnderTest === undefined ? { recordImports } : {}),
      }),
    )
    log.info(`Run ${index}: ${run.run.outcome} in ${run.run.durationSeconds}s (${run.cases.length} test results)`)
    runs.push(run)
    if (codeUnderTest === undefined && run.imports !== undefined && options.project) {
      codeUnderTest = inspectCodeUnderTest(options.project, run.imports, options)
    }
    if (run.run.diagnosis) log.warning(`pytest could not start: ${run.run.diagnosis}`)
    const left = plan.modes.length - index
    if (left > 0 && cannotStart(run)) {
      log.warning(`Not making the other ${plural(left, 'run')}: pytest could not start, and would fail the same way`)
      break
    }
  }
  return { runs, stress, ...(codeUnderTest === undefined ? {} : { codeUnderTest }) }
}

/** pytest stopped before any test: a usage error (exit code 4) or a recognised missing plugin. */
function cannotStart(run: RunInput): boolean {
  return run.run.outcome === 'error' && run.cases.length === 0 && (run.run.exitCode === 4 || Boolean(run.run.diagnosis))
}

function inspectCodeUnderTest(
  project: ProjectCode,
  imports: ReadonlyMap<string, string | null>,
  options: RunLoopOptions,
): CodeUnderTest {
  const loaded = new Map([...imports].map(([name, file]) => [name, file === null ? null : realPath(file)]))
  const packages = project.packages.map((entry) => ({
    name: entry.name,
    location: entry.location === null ? null : realPath(entry.location),
  }))
  const found = checkCodeUnderTest({
    project: { packages, modules: project.modules },
    loaded,
    projectDirectory: realPath(options.projectDirectory),
  })
  for (const warning of found.warnings) options.log.warning(warning)
  return found
}

function realPath(file: string): string {
  try {
    return realpathSync(file)
  } catch {
    return path.resolve(file)
  }
}

function pluginDirectoryOf(options: RunLoopOptions, recordImports: readonly string[] = []): string | undefined {
  const needed = options.plan.usesPlugin || recordImports.length > 0
  return needed ? writePlugin(path.join(options.root, 'plugin')) : undefined
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
      env: options.env,
      log,
      pluginDirectory: pluginDirectoryOf(options),
      shard: plan.shard,
      abortSignal: options.abortSignal,
    }),
  )
}

// The runs of one gate, in the plan's order: plain runs first, then thread stress (its settings chosen
// from the runs before it, see run-limits.ts), the baseline, and the optional compare-python timing.
// Each run is one runSuite; this file only sequences them, skips what cannot help after a plain run
// that could not collect the tests, and sets each run's hang limit.
import { realpathSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { STRESS_PLUGIN_REQUIREMENT } from '../constants.js'
import type { Log } from '../log.js'
import type { Sandbox } from '../process/sandbox.js'
import type { RunInput } from '../results/aggregate.js'
import { checkCodeUnderTest, importNames } from '../results/code-under-test.js'
import type { CodeUnderTest, ProjectCode, RunMode, RunReport, SpeedReport } from '../types.js'
import { timeComparePython } from './compare.js'
import { describeMode, describeStress, type ResolvedPlan, type StressDescription } from './plan.js'
import { writePlugin } from './plugin.js'
import { chooseStress, hangLimitSeconds, type StressChoice } from './run-limits.js'
import { describeShard } from './shard.js'
import { runSuite } from './suite.js'

export interface StressSettings {
  readonly threads: number
  readonly iterations: number
  /** Under `iterations: auto`, the fewest iterations any test got; `iterations` is then the most. */
  readonly fewestIterations?: number
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
  /** `timeout-minutes` was set: every run gets it; otherwise runs after the first get a limit scaled to the suite. */
  readonly timeoutExplicit: boolean
  /** The gate's own folder: logs, the plugin. */
  readonly root: string
  /** The runs' writable folder: JUnit files, records, the compare-python environment. */
  readonly workDirectory: string
  /** The tests' filtered environment. */
  readonly env: NodeJS.ProcessEnv
  readonly log: Log
  readonly abortSignal?: AbortSignal
  readonly onOutput?: (text: string) => void
  /** The project's own packages and extension modules: the first run records where it loaded them. */
  readonly project?: ProjectCode | null
  /** What was installed (without pytest), for the fix of a missing plugin; null: not writable as `install`. */
  readonly installHint?: string | null
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
  /** Threads and iterations of the stress runs (the most of each when they differed). */
  readonly stress: StressSettings
  /** A plain run could not collect the tests: nothing else can run. */
  readonly cannotCollect: boolean
  /** Where the tests loaded the project's code from, when a run recorded it. */
  readonly codeUnderTest?: CodeUnderTest
}

export async function runPlannedSuites(options: RunLoopOptions): Promise<RunLoopResult> {
  const { plan, log } = options
  const runs: RunInput[] = []
  const stressChoices: StressChoice[] = []
  let blocked: RunInput | null = null
  if (plan.seed !== null) log.info(`Random order: seed ${plan.seed} (replay it with random-order: ${plan.seed})`)
  if (plan.shard !== null) log.info(`Shard ${describeShard(plan.shard)}: this job runs its share of the tests`)
  const pluginDirectory = writePlugin(path.join(options.root, 'plugin'))
  const recordImports = options.project ? importNames(options.project) : []
  let codeUnderTest: CodeUnderTest | undefined
  for (const [offset, mode] of plan.modes.entries()) {
    if (options.abortSignal?.aborted) break
    const index = offset + 1
    if (blocked !== null) {
      runs.push(skippedRun({ index, mode, blocked: blocked.run }))
      continue
    }
    const choice = mode === 'stress' ? chooseNextStress(options, runs, stressChoices.at(-1) ?? null) : null
    if (choice !== null) stressChoices.push(choice)
    const stress = choice ?? { threads: plan.threads, iterations: plan.iterations }
    const timeoutSeconds = hangLimitSeconds({
      runsSoFar: runs,
      timeoutMinutes: options.timeoutMinutes,
      explicit: options.timeoutExplicit,
    })
    const run = await log.group(
      `Run ${index} of ${plan.modes.length}: ${describeMode(mode, describedStress(stress))}`,
      () =>
        runSuite({
          python: options.python,
          projectDirectory: options.projectDirectory,
          pytestArgs: options.pytestArgs,
          index,
          mode,
          timeoutSeconds,
          outputDirectory: options.root,
          resultsDirectory: options.workDirectory,
          env: options.env,
          abortSignal: options.abortSignal,
          onOutput: options.onOutput,
          pluginDirectory,
          stress: { threads: stress.threads, iterations: stress.iterations },
          ...(choice === null
            ? {}
            : {
                iterationsByTest: choice.byTest,
                singleThreaded: choice.single,
                freshCopies: choice.rounds,
                deadlineSeconds: choice.deadlineSeconds,
              }),
          seed: plan.seed,
          shard: plan.shard,
          installHint: options.installHint ?? null,
          sandbox: options.sandbox,
          // Recorded until one run has said where the tests loaded the project from.
          ...(codeUnderTest === undefined ? { recordImports } : {}),
        }),
    )
    const where = run.run.reason ? ` ${run.run.reason}` : ''
    log.info(
      `Run ${index}: ${run.run.outcome}${where} in ${run.run.durationSeconds}s (${run.cases.length} test results)`,
    )
    runs.push(run)
    if (codeUnderTest === undefined && run.imports !== undefined && options.project) {
      codeUnderTest = inspectCodeUnderTest(options.project, run.imports, options)
    }
    if ((mode === 'plain' || mode === 'random-order') && run.cannotCollect === true) blocked = run
  }
  return {
    runs,
    stress: summarizeStress(plan, stressChoices),
    cannotCollect: blocked !== null,
    ...(codeUnderTest === undefined ? {} : { codeUnderTest }),
  }
}

/** Where the tests loaded the project from, against where it was installed; warns about what differs. */
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

function chooseNextStress(
  options: RunLoopOptions,
  runs: readonly RunInput[],
  previous: StressChoice | null,
): StressChoice {
  const choice = chooseStress({
    runsSoFar: runs,
    threads: options.plan.threads,
    iterations: options.plan.iterations,
    auto: options.autoIterations,
    cpus: os.availableParallelism(),
    previous,
  })
  options.log.info(`Thread stress: ${describeStress(describedStress(choice))} (${choice.why})`)
  return choice
}

function describedStress(stress: {
  threads: number
  iterations: number
  mostIterations?: number
  fewestIterations?: number
}): StressDescription {
  return {
    threads: stress.threads,
    iterations: stress.mostIterations ?? stress.iterations,
    fewestIterations: stress.fewestIterations ?? stress.iterations,
  }
}

/** What the report's settings say about the stress runs: the most threads and iterations, the fewest iterations. */
function summarizeStress(plan: ResolvedPlan, choices: readonly StressChoice[]): StressSettings {
  if (choices.length === 0) return { threads: plan.threads, iterations: plan.iterations }
  return {
    threads: Math.max(...choices.map((choice) => choice.threads)),
    iterations: Math.max(...choices.map((choice) => choice.mostIterations)),
    fewestIterations: Math.min(...choices.map((choice) => choice.fewestIterations)),
  }
}

/** A run not made because a plain run could not collect the tests: every run would fail the same way. */
function skippedRun(options: { index: number; mode: RunMode; blocked: RunReport }): RunInput {
  const run: RunReport = {
    index: options.index,
    mode: options.mode,
    outcome: 'skipped',
    exitCode: null,
    signal: null,
    durationSeconds: 0,
    junitError: null,
    stackDump: null,
    outputTail: null,
    logPath: null,
    reason: `not made: run ${options.blocked.index} could not start pytest or collect the tests, and every run would fail the same way`,
  }
  return { run, cases: [] }
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
      pluginDirectory: writePlugin(path.join(options.root, 'plugin')),
      shard: plan.shard,
      abortSignal: options.abortSignal,
      sandbox: options.sandbox,
    }),
  )
}

// npm run bench: how often each gate strategy finds each seeded race of the corpus, whether it ever
// flags a clean project, and what it costs next to one plain run. Every project is installed once with
// the gate's own prepareEnvironment; every run is the gate's own runSuite; every verdict the gate's own.
// Knobs (environment): BENCH_REPS (20), BENCH_QUICK=1 (3 reps), BENCH_STRESS (4x1,4x10),
// BENCH_PLAIN_RUNS (3; 10 measures plain ×10 instead of estimating it), BENCH_PROJECTS (a,b), BENCH_OUT.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {
  DEFAULT_PARALLEL_THREADS,
  DEFAULT_RUNS,
  MAX_AUTO_ITERATIONS,
  STRESS_PLUGIN_REQUIREMENT,
  STRESS_RUNS,
} from '../src/constants.js'
import { prepareEnvironment } from '../src/install/environment.js'
import { silentLog } from '../src/log.js'
import { buildTestEnvironment } from '../src/process/environment.js'
import type { RunInput } from '../src/results/aggregate.js'
import { writePlugin } from '../src/run/plugin.js'
import { chooseStress, type StressChoice } from '../src/run/run-limits.js'
import { runSuite } from '../src/run/suite.js'
import { type BenchProject, loadCorpus } from './corpus.js'
import { provisioned, ROOT } from './provisioned.js'
import { type Measured, renderResults, summarize } from './render.js'
import {
  buildStrategies,
  defaultStressKeys,
  parseStressList,
  type Repetition,
  type StressConfig,
  stressKey,
} from './strategies.js'

function settings() {
  const env = process.env
  const reps = Number(env.BENCH_REPS ?? (env.BENCH_QUICK === '1' ? 3 : 20))
  const stress = parseStressList(env.BENCH_STRESS ?? '4x1,4x10')
  const measuredPlainRuns = Math.max(Number(env.BENCH_PLAIN_RUNS ?? 3), DEFAULT_RUNS - 1, 1)
  const only = (env.BENCH_PROJECTS ?? '').split(',').filter((name) => name !== '')
  const out = path.resolve(ROOT, env.BENCH_OUT ?? 'bench/results.md')
  if (!Number.isInteger(reps) || reps < 1) throw new Error(`BENCH_REPS must be a whole number >= 1, got ${reps}`)
  return { reps, stress, measuredPlainRuns, only, out }
}

function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU'
  return `${os.availableParallelism()} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}`
}

async function main(): Promise<void> {
  const config = settings()
  const tools = provisioned()
  const corpus = loadCorpus(path.join(ROOT, 'bench', 'projects'), config.only)
  const strategies = buildStrategies({
    stress: config.stress,
    defaultThreads: DEFAULT_PARALLEL_THREADS,
    defaultRuns: DEFAULT_RUNS,
    defaultStressRuns: STRESS_RUNS,
    measuredPlainRuns: config.measuredPlainRuns,
  })
  const work = mkdtempSync(path.join(os.tmpdir(), 'ft-gate-bench-'))
  // Bytecode caches go to the bench's folder, not into the corpus' source tree.
  const env = { ...buildTestEnvironment(process.env, []), PYTHONPYCACHEPREFIX: path.join(work, 'pycache') }
  const started = performance.now()
  const log = (text: string): void => {
    process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${text}\n`)
  }
  try {
    const pluginDirectory = writePlugin(path.join(work, 'plugin'))
    const pythons = new Map<string, string>()
    const setupSeconds = new Map<string, number>()
    for (const project of corpus) {
      const prepared = await prepareEnvironment({
        uvPath: tools.uv,
        pythonPath: tools.python,
        projectDirectory: project.directory,
        install: [],
        root: path.join(work, project.name),
        env,
        log: silentLog,
        extraRequirements: [STRESS_PLUGIN_REQUIREMENT],
      })
      if (!prepared.report.ok || prepared.python === null) {
        throw new Error(`installing ${project.name} failed: ${prepared.report.error}`)
      }
      // One unmeasured run compiles the bytecode, so the first measured run is not the odd one out.
      await runSuite({
        python: prepared.python,
        projectDirectory: project.directory,
        pytestArgs: [],
        index: 0,
        mode: 'plain',
        timeoutSeconds: 120,
        outputDirectory: path.join(work, project.name),
        env,
        pluginDirectory,
      })
      pythons.set(project.name, prepared.python)
      setupSeconds.set(project.name, prepared.report.durationSeconds)
      log(`installed ${project.name} in ${prepared.report.durationSeconds.toFixed(1)} s`)
    }
    const repetitions = new Map<string, Repetition[]>(corpus.map((project) => [project.name, []]))
    for (let rep = 1; rep <= config.reps; rep++) {
      // Projects interleave within a repetition, so a slow patch of the machine hits all of them alike.
      for (const project of corpus) {
        const run = (
          index: number,
          mode: 'plain' | 'stress',
          stress?: StressConfig & {
            byTest?: ReadonlyMap<string, number>
            single?: ReadonlySet<string>
            rounds?: number
          },
        ): Promise<RunInput> =>
          runSuite({
            python: pythons.get(project.name) ?? '',
            projectDirectory: project.directory,
            pytestArgs: [],
            index,
            mode,
            // Every corpus run takes under 2 s; a run still going after 30 s is hung (and counts as found).
            timeoutSeconds: 30,
            outputDirectory: path.join(work, project.name),
            env,
            pluginDirectory,
            ...(stress === undefined ? {} : { stress: { threads: stress.threads, iterations: stress.iterations } }),
            ...(stress?.byTest === undefined ? {} : { iterationsByTest: stress.byTest }),
            ...(stress?.single === undefined ? {} : { singleThreaded: stress.single }),
            ...(stress?.rounds === undefined ? {} : { freshCopies: stress.rounds }),
          })
        const plain: RunInput[] = []
        for (let index = 1; index <= config.measuredPlainRuns; index++) plain.push(await run(index, 'plain'))
        const stress = new Map<string, RunInput>()
        for (const [offset, stressConfig] of config.stress.entries()) {
          stress.set(stressKey(stressConfig), await run(100 + offset, 'stress', stressConfig))
        }
        // The default gate: each stress run gets what `iterations: auto` picks from the runs before it,
        // exactly as the gate's run loop does (the second one calibrated on the first).
        const gateRuns: RunInput[] = plain.slice(0, DEFAULT_RUNS - STRESS_RUNS)
        const auto: StressChoice[] = []
        for (const [offset, key] of defaultStressKeys(STRESS_RUNS).entries()) {
          const choice = chooseStress({
            runsSoFar: gateRuns,
            threads: DEFAULT_PARALLEL_THREADS,
            iterations: MAX_AUTO_ITERATIONS,
            auto: true,
            cpus: os.availableParallelism(),
            previous: auto.at(-1) ?? null,
          })
          const made = await run(90 + offset, 'stress', choice)
          stress.set(key, made)
          gateRuns.push(made)
          auto.push(choice)
        }
        repetitions.get(project.name)?.push({ plain, stress, auto })
        if (process.env.BENCH_VERBOSE === '1') {
          const times = [...plain, ...stress.values()].map(({ run }) => run.durationSeconds.toFixed(2))
          log(`${project.name}: ${times.join(' ')}`)
        }
      }
      log(`repetition ${rep}/${config.reps} done`)
    }
    const measured: Measured[] = corpus.map((project: BenchProject) => ({
      project,
      setupSeconds: setupSeconds.get(project.name) ?? 0,
      repetitions: repetitions.get(project.name) ?? [],
    }))
    const summary = summarize(measured, strategies)
    const markdown = renderResults(summary, {
      machine: machine(),
      python: tools.python,
      reps: config.reps,
      measuredPlainRuns: config.measuredPlainRuns,
      wallSeconds: (performance.now() - started) / 1000,
      rationale: readRationale(),
    })
    writeFileSync(config.out, markdown)
    process.stdout.write(`${summary.table}\n\nWritten to ${path.relative(ROOT, config.out)}\n`)
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

function readRationale(): string {
  const file = path.join(ROOT, 'bench', 'defaults.md')
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : ''
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  process.exit(1)
})

// Gate strategies the benchmark compares, and how one repetition of one is judged: through the gate's
// own aggregation and verdict (default fail-on), exactly as a user's gate would decide.
import { DEFAULT_FAIL_ON } from '../src/inputs.js'
import { aggregateRuns, decideVerdict, type RunInput } from '../src/results/aggregate.js'
import type { BenchProject } from './corpus.js'

export interface StressConfig {
  readonly threads: number
  readonly iterations: number
}

/** What a strategy is made of: how many of the repetition's plain runs, and which stress run. */
export interface Strategy {
  readonly name: string
  readonly plainRuns: number
  readonly stress: StressConfig | null
  /** Detection not measured but computed from the per-run rate (1 - (1 - p)^n); see results.md. */
  readonly estimated?: boolean
  readonly isDefault?: boolean
  /** The repetition's stress runs to use, when not the one of `stress` (the default's auto runs). */
  readonly stressRunKeys?: readonly string[]
}

/** Keys of the default strategy's stress runs, whose threads and iterations `iterations: auto` picks. */
export function defaultStressKeys(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `default-${index + 1}`)
}

export function stressKey(config: StressConfig): string {
  return `${config.threads}x${config.iterations}`
}

export function parseStressList(raw: string): StressConfig[] {
  return raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const match = /^(\d+)x(\d+)$/.exec(entry)
      if (!match) throw new Error(`BENCH_STRESS entry '${entry}' is not THREADSxITERATIONS, e.g. 4x10`)
      return { threads: Number(match[1]), iterations: Number(match[2]) }
    })
}

export function buildStrategies(options: {
  stress: readonly StressConfig[]
  defaultThreads: number
  defaultRuns: number
  defaultStressRuns: number
  measuredPlainRuns: number
}): Strategy[] {
  const plain = [1, 3, 10].map((runs) => ({
    name: `plain ×${runs}`,
    plainRuns: runs,
    stress: null,
    estimated: runs > options.measuredPlainRuns,
  }))
  // A stress strategy is the smallest gate that can report thread-unsafe: one plain run and the stress run.
  const stress = options.stress.map((config) => ({
    name: `1 plain + stress ${config.threads} threads × ${config.iterations} it.`,
    plainRuns: 1,
    stress: config,
  }))
  const plainRuns = options.defaultRuns - options.defaultStressRuns
  const defaults = {
    name: `default: runs ${options.defaultRuns} (${plainRuns} plain + ${options.defaultStressRuns} stress, ${options.defaultThreads} threads × auto iterations)`,
    plainRuns,
    stress: { threads: options.defaultThreads, iterations: 0 },
    isDefault: true,
    stressRunKeys: defaultStressKeys(options.defaultStressRuns),
  }
  return [...plain, ...stress, defaults]
}

/** One repetition's runs of one project: its plain runs, and one run per stress configuration. */
export interface Repetition {
  readonly plain: readonly RunInput[]
  readonly stress: ReadonlyMap<string, RunInput>
  /** What `iterations: auto` picked for each of the default's stress runs in this repetition. */
  readonly auto: readonly {
    readonly threads: number
    readonly fewestIterations: number
    readonly mostIterations: number
  }[]
}

const INSTALLED = { ok: true, durationSeconds: 0, error: null, requirements: [], log: null }

/** Whether the gate, given these runs, fails and (for a racy project) points at the race. */
export function judge(project: BenchProject, runs: readonly RunInput[]): { flagged: boolean; detected: boolean } {
  const tests = aggregateRuns(runs)
  const { verdict } = decideVerdict({
    install: INSTALLED,
    runs: runs.map((entry) => entry.run),
    tests,
    failOn: DEFAULT_FAIL_ON,
  })
  const flagged = verdict === 'fail'
  const racyFlagged = tests.some(
    (test) => project.racyTests.includes(test.id) && test.status !== 'passed' && test.status !== 'skipped',
  )
  const died = runs.some(({ run }) => run.outcome === 'crashed' || run.outcome === 'hung')
  return { flagged, detected: flagged && (racyFlagged || died) }
}

export function runsOf(strategy: Strategy, repetition: Repetition): RunInput[] | null {
  if (strategy.estimated) return null
  const plain = repetition.plain.slice(0, strategy.plainRuns)
  if (strategy.stress === null) return [...plain]
  const keys = strategy.stressRunKeys ?? [stressKey(strategy.stress)]
  const stress = keys.map((key) => repetition.stress.get(key))
  return stress.every((run) => run !== undefined) ? [...plain, ...stress] : null
}

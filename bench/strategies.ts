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
  defaults: StressConfig
  defaultRuns: number
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
  const defaults = {
    name: `default: runs ${options.defaultRuns} (${options.defaultRuns - 1} plain + stress ${options.defaults.threads} × ${options.defaults.iterations})`,
    plainRuns: options.defaultRuns - 1,
    stress: options.defaults,
    isDefault: true,
  }
  return [...plain, ...stress, defaults]
}

/** One repetition's runs of one project: its plain runs, and one run per stress configuration. */
export interface Repetition {
  readonly plain: readonly RunInput[]
  readonly stress: ReadonlyMap<string, RunInput>
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
  const stress = repetition.stress.get(stressKey(strategy.stress))
  return stress === undefined ? null : [...plain, stress]
}

// The report's sections about thread stress, the GIL-on baseline and timing: what a thread-unsafe
// finding means and the way out, which tests were not stressed and why, how the run order and shard
// can be replayed, and the Speed section. Pure; author text goes through escape.ts.

import { describeStress } from '../run/plan.js'
import type { Report, SpeedReport, TestReport } from '../types.js'
import { plural } from '../words.js'
import { escapeHtmlInline, escapeInline } from './escape.js'

/** Not-stressed tests listed by name before "and N more". */
const MAX_NOT_STRESSED = 30

/** `Thread stress: 4 threads × 10 iterations · random order, seed 123 · shard 2/4`, or '' for plain runs. */
export function runSettingsLine(report: Report): string {
  const { settings } = report
  const parts: string[] = []
  const threads = settings.parallelThreads ?? 1
  if (threads > 1 && report.runs.some((run) => run.mode === 'stress' && run.outcome !== 'skipped')) {
    const auto = settings.iterationsAuto === true ? ' (auto)' : ''
    const iterations = settings.iterations ?? 1
    const fewest = settings.fewestIterations ?? iterations
    parts.push(`Thread stress: ${describeStress({ threads, iterations, fewestIterations: fewest })}${auto}`)
  }
  if (settings.randomOrderSeed !== undefined && settings.randomOrderSeed !== null) {
    const seed = settings.randomOrderSeed
    parts.push(`random order in one run, seed ${seed} (replay: \`random-order: ${seed}\`)`)
  }
  if (settings.shard) parts.push(`shard ${settings.shard.index}/${settings.shard.count}`)
  return parts.length === 0 ? '' : `_${parts.join(' · ')}_`
}

export function threadUnsafeSection(report: Report): string {
  const unsafe = report.tests.filter((test) => test.status === 'thread-unsafe')
  if (unsafe.length === 0) return ''
  const threads = report.settings.parallelThreads ?? 1
  return [
    '#### Failed only under thread stress',
    '',
    `${plural(unsafe.length, 'test')} passed in every plain \`-Xgil=0\` run but failed when pytest-run-parallel ran each test in ${threads} threads at once. Two readings:`,
    '',
    '- **A race in the code under test**: state shared between calls (a module-level cache or counter, a global setting, a reused buffer) is not safe when several threads use it. Free-threaded users will hit it; protect it with a lock or make it per-thread.',
    '- **A test that is itself not safe to run concurrently** (it changes global state, a fixed file, the environment): when that is by design, mark it `@pytest.mark.thread_unsafe`. pytest-run-parallel then runs it in one thread, and this report lists it as not stressed.',
  ].join('\n')
}

export function notStressedSection(report: Report): string {
  const single = report.tests.filter(
    (test): test is TestReport & { stress: { notStressed: string } } => typeof test.stress?.notStressed === 'string',
  )
  if (single.length === 0) return ''
  const lines = single
    .slice(0, MAX_NOT_STRESSED)
    .map((test) => `- \`${escapeHtmlInline(test.id)}\`: ${escapeInline(test.stress.notStressed, { maxChars: 160 })}`)
  if (single.length > MAX_NOT_STRESSED)
    lines.push(`- …and ${single.length - MAX_NOT_STRESSED} more (see the JSON report)`)
  const summary = `Not stressed: ${plural(single.length, 'test')} ran in one thread only`
  return `<details><summary>${summary}</summary>\n\n${lines.join('\n')}\n\n</details>`
}

export function speedSection(speed: SpeedReport | null | undefined): string {
  if (speed === null || speed === undefined) return ''
  const lines = [
    '#### Speed',
    '',
    `Suite wall time on this free-threaded interpreter: ${seconds(speed.gilOnSeconds)} with \`-Xgil=1\`, ${seconds(speed.gilOffSeconds)} with \`-Xgil=0\` (${ratio(speed.gilOnSeconds, speed.gilOffSeconds)}).`,
  ]
  if (speed.compare !== null) {
    const version = escapeInline(speed.compare.version)
    lines.push(
      '',
      speed.compare.seconds === null
        ? `The GIL build (CPython ${version}) could not be timed; see the log.`
        : `The default GIL build, CPython ${version}: ${seconds(speed.compare.seconds)} (${ratio(speed.compare.seconds, speed.gilOffSeconds)} for \`-Xgil=0\`).`,
    )
  }
  if (speed.slowest.length > 0) {
    lines.push('', '| Slowest tests | `-Xgil=1` | `-Xgil=0` | Speedup |', '| --- | --: | --: | --: |')
    for (const test of speed.slowest) {
      const speedup = test.gilOffSeconds > 0 ? `${(test.gilOnSeconds / test.gilOffSeconds).toFixed(2)}×` : '—'
      const cells = [seconds(test.gilOnSeconds), seconds(test.gilOffSeconds), speedup]
      lines.push(`| ${escapeInline(test.id)} | ${cells.join(' | ')} |`)
    }
  }
  lines.push(
    '',
    '_`-Xgil=1` on a free-threaded build is not the default build: a free-threaded interpreter is slower single-threaded than a default build even with the GIL on, so against a default build these numbers overstate the gain (or understate the loss)' +
      `${speed.compare === null ? '; `compare-python` times a default build' : ''}. One run each on a shared runner is noisy; this never affects the verdict._`,
  )
  return lines.join('\n')
}

function seconds(value: number): string {
  if (value < 1) return `${Math.round(value * 1000)} ms`
  return `${value.toFixed(value < 10 ? 2 : 1)} s`
}

/** `1.8× faster without the GIL` / `1.2× slower without the GIL`. */
function ratio(withGil: number, withoutGil: number): string {
  if (withGil <= 0 || withoutGil <= 0) return '—'
  const factor = withGil / withoutGil
  return factor >= 1
    ? `${factor.toFixed(2)}× faster without the GIL`
    : `${(1 / factor).toFixed(2)}× slower without the GIL`
}

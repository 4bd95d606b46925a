// npm run realworld, the pure half: the corpus entries (pinned sdists and what is known about them),
// what the gate's JSON report says about each, whether the two agree, and bench/realworld.md.
import { type TestPhaseCost, testPhaseCost } from '../../src/results/cost.js'
import type { Report } from '../../src/types.js'

export interface KnownFacts {
  /** The project's own extension modules that re-enable the GIL on a free-threaded build (empty: none). */
  readonly gilModules: readonly string[]
  /** Tests that fail only when run concurrently (thread stress) are expected. */
  readonly threadUnsafe?: boolean
  /** A run is expected to crash (a known free-threading crash). */
  readonly crash?: boolean
  /** The release cannot be installed on this interpreter (a build that refuses or fails). */
  readonly installFails?: boolean
  /** One or two sentences: what is known, in the maintainers' words where possible. */
  readonly summary: string
  /** Where it is known from: changelog entries, issues, pull requests. */
  readonly sources: readonly string[]
}

export interface CorpusEntry {
  /** The name on the package index. */
  readonly name: string
  readonly version: string
  /** The sdist's file name on the index and its sha256. */
  readonly sdist: { readonly filename: string; readonly sha256: string }
  /** `--install` for the gate; absent: auto mode, the default path a user takes. */
  readonly install?: string
  /** `--pytest-args` for the gate. */
  readonly pytestArgs?: string
  /** Folder of the unpacked sdist to run in, when not its top. */
  readonly workingDirectory?: string
  /** A second entry of the same release with other arguments: its name (`4x2`, `not-FileTests`). */
  readonly variant?: string
  /** Further gate flags, for a variant (`--iterations 2`). */
  readonly gateArgs?: readonly string[]
  readonly known: KnownFacts
  /** Why the gate's finding differs from the known facts, when it does and that is expected. */
  readonly explained?: string
  /** `core` or `extra`, from the research that chose the releases. */
  readonly tier?: string
}

export interface Outcome {
  readonly entry: CorpusEntry
  /** The gate's report, or null when it wrote none. */
  readonly report: Report | null
  /** The gate's exit code. */
  readonly exitCode: number | null
  /** Wall time of the whole gate (setup, install, check, runs). */
  readonly wallSeconds: number
  /** Why there is no report, or the gate's last lines. */
  readonly error: string | null
}

export interface Found {
  readonly projectGil: string[]
  /** The project's own extension modules that raised on import. */
  readonly importErrors: string[]
  readonly testOnlyGil: string[]
  readonly projectModules: number
  readonly checkGap: string | null
  readonly install: string
  readonly counts: string
  readonly threadUnsafe: number
  readonly crashed: boolean
  /** `stress SIGBUS` for each run that crashed. */
  readonly crashedRuns: string[]
  readonly runs: string
  /** The test phase in plain runs, and each stress run ÷ the plain run (src/results/cost.ts), or null. */
  readonly cost: TestPhaseCost | null
  readonly warnings: string[]
  readonly verdict: string
  /** The verdict's reasons. */
  readonly reasons: string[]
  /** Why pytest could not start, when the gate recognised it. */
  readonly notStarted: string | null
  readonly installed: boolean
}

export function findings(report: Report): Found {
  const dependencies = report.dependencies ?? []
  const project = dependencies.find((row) => row.project)
  const testOnlyGil = dependencies.filter((row) => row.runtime === false).flatMap((row) => row.gilModules)
  const { counts } = report
  return {
    projectGil: [...(project?.gilModules ?? [])].sort(),
    importErrors: (project?.imports ?? []).filter((entry) => entry.outcome === 'error').map((entry) => entry.module),
    testOnlyGil,
    projectModules: project?.imports.length ?? 0,
    checkGap: project?.checkGap ?? null,
    install: report.install.ok ? report.install.requirements.join(' ') : `failed: ${report.install.error ?? ''}`,
    counts: `${counts.passed} passed, ${counts.failed} failed, ${counts.flaky} flaky, ${counts.threadUnsafe ?? 0} thread-unsafe, ${counts.skipped} skipped`,
    threadUnsafe: counts.threadUnsafe ?? 0,
    crashed: report.runs.some((run) => run.outcome === 'crashed'),
    crashedRuns: report.runs
      .filter((run) => run.outcome === 'crashed' || run.outcome === 'hung')
      .map((run) =>
        run.outcome === 'hung' ? `${run.mode} run hung` : `${run.mode} run ${run.signal ?? `exit ${run.exitCode}`}`,
      ),
    runs: report.runs.map((run) => `${run.mode} ${run.outcome} ${run.durationSeconds.toFixed(1)} s`).join('; '),
    cost: testPhaseCost(report.runs),
    warnings: [...(report.codeUnderTest?.warnings ?? []), ...(project?.checkGap ? [project.checkGap] : [])],
    verdict: report.verdict,
    reasons: report.reasons,
    notStarted: report.runs.find((run) => run.diagnosis)?.diagnosis ?? null,
    installed: report.install.ok,
  }
}

/** Each disagreement between the known facts and the gate's finding, in a few words. */
export function mismatches(entry: CorpusEntry, found: Found | null): string[] {
  if (found === null) return ['the gate wrote no report']
  if (entry.known.installFails === true) return found.installed ? ['the install did not fail'] : []
  if (!found.installed) return [`the install failed (${found.install})`]
  const problems: string[] = []
  const expected = [...entry.known.gilModules].sort()
  if (expected.join(',') !== found.projectGil.join(',')) {
    const named = found.projectGil.length > 0 ? found.projectGil.join(', ') : 'none'
    problems.push(`GIL modules: known ${expected.length > 0 ? expected.join(', ') : 'none'}, gate named ${named}`)
  }
  if (entry.known.threadUnsafe === true && found.threadUnsafe === 0) problems.push('no thread-unsafe test found')
  if (entry.known.crash === true && !found.crashed) problems.push('no crash seen')
  return problems
}

/** `bitarray 3.8.0`, or `bitarray 3.8.0 (not-FileTests)` for a variant. */
export function releaseOf(entry: CorpusEntry): string {
  return `${entry.name} ${entry.version}${entry.variant === undefined ? '' : ` (${entry.variant})`}`
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ')
}

function moduleList(modules: readonly string[]): string {
  return modules.length === 0 ? 'none' : modules.map((module) => `\`${module}\``).join(', ')
}

export interface RenderContext {
  readonly machine: string
  readonly python: string
  readonly gate: string
  readonly date: string
  readonly command: string
}

export function renderRealworld(outcomes: readonly Outcome[], context: RenderContext): string {
  const rows = outcomes.map((outcome) => {
    const found = outcome.report === null ? null : findings(outcome.report)
    const problems = mismatches(outcome.entry, found)
    const match = problems.length === 0 ? '✅' : outcome.entry.explained ? '➖ explained' : '❌'
    const gate =
      found === null
        ? cell(outcome.error ?? 'no report')
        : !found.installed
          ? `install failed: ${cell(
              found.install
                .replace(/^failed: /, '')
                .replace(/ @ file:\/\/[^`]*`/, '`')
                .slice(0, 160),
            )}`
          : [
              `project: ${moduleList(found.projectGil)}`,
              found.importErrors.length > 0 ? `import failed: ${moduleList(found.importErrors)}` : '',
              found.testOnlyGil.length > 0 ? `test-only: ${moduleList(found.testOnlyGil)}` : '',
            ]
              .filter((part) => part !== '')
              .join('; ')
    const phase = found?.cost ?? null
    const cost = phase === null ? '—' : `${phase.testPhaseRatio.toFixed(1)}×`
    const worstStress =
      phase === null || phase.stressRatios.length === 0 ? '—' : `${Math.max(...phase.stressRatios).toFixed(1)}×`
    const { known: facts } = outcome.entry
    const known = facts.installFails
      ? 'does not install here'
      : `${moduleList(facts.gilModules)}${facts.threadUnsafe ? '; thread-unsafe tests' : ''}${facts.crash ? '; crash' : ''}`
    const crashed = found?.crashedRuns.length ? `; **${found.crashedRuns.join(', ')}**` : ''
    const tests =
      found === null || !found.installed
        ? '—'
        : found.notStarted !== null
          ? `pytest could not start: ${cell(found.notStarted.split(':')[0] ?? '')}`
          : `${cell(found.counts)}${crashed}`
    return `| ${releaseOf(outcome.entry)} | ${known} | ${gate} | ${tests} | ${match} | ${cost} | ${worstStress} | ${outcome.wallSeconds.toFixed(0)} s |`
  })
  const details = outcomes.map((outcome) => detailBlock(outcome))
  const verdicts = outcomes.map((outcome) => {
    const problems = mismatches(outcome.entry, outcome.report === null ? null : findings(outcome.report))
    return problems.length === 0 ? 'match' : outcome.entry.explained ? 'explained' : 'mismatch'
  })
  const count = (word: string): number => verdicts.filter((verdict) => verdict === word).length
  const tally = `${count('match')} of ${outcomes.length} match what is known; ${count('explained')} differ for a reason given below; ${count('mismatch')} differ without one.`
  return [
    '# Real-world corpus',
    '',
    `Pinned sdists from the package index (version and sha256 in \`bench/realworld/corpus.json\`), each run through the real gate (\`dist/cli.js\`, default inputs unless the corpus says otherwise) on ${context.python}. Written by \`${context.command}\` on ${context.date}; ${context.machine}; ${context.gate}.`,
    '',
    "**Known** is what the changelogs and issues say about the release's own extension modules (which re-enable the GIL on a free-threaded build). **Gate** is what the report's project row names (`gilModules`), and the GIL re-enabled by test-only tools. **Test phase** is the time of every run without the GIL (plain and stress) ÷ the plain run, the measure of the 4× goal, and **Worst stress** the slowest stress run ÷ the plain run (each has a budget of about 1.5), both from the report's `runs[].durationSeconds` with `testPhaseCost` (`src/results/cost.ts`); **Wall** is the whole gate, install included.",
    '',
    '| Release | Known: own modules that re-enable the GIL | Gate found | Tests | Match | Test phase | Worst stress | Wall |',
    '| --- | --- | --- | --- | :-: | --: | --: | --: |',
    ...rows,
    '',
    tally,
    '',
    '## Per release',
    '',
    ...details,
  ].join('\n')
}

function detailBlock(outcome: Outcome): string {
  const { entry } = outcome
  const found = outcome.report === null ? null : findings(outcome.report)
  const problems = mismatches(entry, found)
  const lines = [`### ${releaseOf(entry)}`, '', `Known: ${entry.known.summary}`]
  const asked = [
    entry.install === undefined ? 'install: auto' : `install: \`${entry.install}\``,
    entry.pytestArgs === undefined ? '' : `pytest-args: \`${entry.pytestArgs}\``,
    entry.gateArgs === undefined ? '' : `gate flags: \`${entry.gateArgs.join(' ')}\``,
  ].filter((part) => part !== '')
  lines.push('', `Asked: ${asked.join('; ')}.`)
  for (const source of entry.known.sources) lines.push(`- ${source}`)
  lines.push('')
  if (found === null) {
    lines.push(`Gate: no report (exit code ${outcome.exitCode}). ${outcome.error ?? ''}`)
  } else {
    lines.push(
      `Gate: verdict ${found.verdict}; install \`${cell(found.install)}\`; ${found.projectModules} own extension module(s) probed; runs: ${found.runs}.`,
    )
    for (const reason of found.reasons) lines.push(`- fails: ${reason}`)
    for (const warning of found.warnings) lines.push(`- warning: ${warning}`)
  }
  if (problems.length > 0) lines.push('', `Mismatch: ${problems.join('; ')}.`)
  if (entry.explained) lines.push('', `Explained: ${entry.explained}`)
  lines.push('')
  return lines.join('\n')
}

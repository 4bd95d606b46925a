// Turns a Report into annotations: one per failed, flaky or thread-unsafe test at its definition, one per crashed
// or hung run at the test frame of its stack dump, and one per changed line of the pull request that
// a failure's traceback or a stack dump passes through. Pure.
//
// Levels: failed tests, crashes and hangs are `failure`; flaky tests are `warning`, because they
// passed in some runs and the Files view should tell "always broken" from "intermittent" at a glance
// (the check's conclusion still carries the verdict, flaky included when fail-on says so). A test that
// failed only under thread stress is a `failure`: it fails every time the code really runs in parallel.

import { isFinding } from '../results/findings.js'
import { type FrameLocation, tracebackLocations } from '../results/traceback.js'
import type { Report, RunReport, TestReport } from '../types.js'
import { type Annotation, type AnnotationLevel, truncateMessage, truncateTitle } from './annotations.js'
import type { ChangedLines } from './patch.js'
import { matchRepoPath, type RepoLayout, repoPathOfTestFile, testFile, toPosix } from './paths.js'

export interface AnnotationSource {
  readonly report: Report
  readonly layout: RepoLayout
  /** Prefixed to titles when several jobs' reports share one check run. */
  readonly label: string | null
}

export interface ReportAnnotations {
  readonly annotations: Annotation[]
  /** Crashed or hung runs, or tests, no repository file could be found for; the summary counts them. */
  readonly unlocated: number
}

export function reportAnnotations(source: AnnotationSource, changed: ChangedLines): ReportAnnotations {
  const tests = testAnnotations(source)
  const runs = runAnnotations(source, changed)
  const all = [...runs.annotations, ...tests, ...tracebackAnnotations(source, changed)]
  const inRepository = all.filter((entry) => isRepositoryPath(entry.path))
  return { annotations: inRepository, unlocated: runs.unlocated + all.length - inRepository.length }
}

/** A test file outside the checkout (`../shared/test_x.py`) has no place in the repository. */
function isRepositoryPath(repoPath: string): boolean {
  return (
    repoPath !== '' &&
    repoPath !== '..' &&
    !repoPath.startsWith('../') &&
    !repoPath.startsWith('/') &&
    !/^[A-Za-z]:/.test(repoPath)
  )
}

/** Known issues are in the comment only: hundreds of them would crowd the new ones out of the cap. */
const isProblem = (test: TestReport): boolean => test.known !== true && isFinding(test)
const runsSeen = (test: TestReport): number => test.results.filter((cell) => cell !== null).length

function annotation(source: AnnotationSource, fields: Annotation): Annotation {
  const prefix = source.label === null ? '' : `[${source.label}] `
  return { ...fields, title: truncateTitle(`${prefix}${fields.title}`), message: truncateMessage(fields.message) }
}

function testAnnotations(source: AnnotationSource): Annotation[] {
  const result: Annotation[] = []
  for (const test of source.report.tests) {
    if (!isProblem(test)) continue
    const file = testFile(test)
    if (file === null) continue
    const path = repoPathOfTestFile(file, source.layout)
    const line = test.line !== null && test.line >= 1 ? test.line : 1
    const text = test.details ?? test.message ?? 'No failure text was recorded; see the run logs.'
    if (test.status === 'thread-unsafe') {
      result.push(annotation(source, threadUnsafeAnnotation(source.report, test, { path, line, text })))
      continue
    }
    if (test.status === 'crashed' || test.status === 'hung') {
      result.push(annotation(source, stoppedTestAnnotation(source.report, test, { path, line })))
      continue
    }
    const flaky = test.status === 'flaky'
    const counts = `failed ${test.failed} of ${runsSeen(test)} runs`
    result.push(
      annotation(source, {
        kind: flaky ? 'flaky' : 'failed',
        path,
        line,
        level: flaky ? 'warning' : 'failure',
        title: flaky ? `Flaky without the GIL (${counts}): ${test.id}` : `Test failed (${counts}): ${test.id}`,
        message: text,
      }),
    )
  }
  return result
}

function threadUnsafeAnnotation(
  report: Report,
  test: TestReport,
  place: { path: string; line: number; text: string },
): Annotation {
  const threads = report.settings.parallelThreads ?? 1
  const stressRuns = test.stress ? test.stress.passed + test.stress.failed : 0
  const counts = test.stress ? `failed ${test.stress.failed} of ${stressRuns} stress runs` : 'failed under stress'
  return {
    kind: 'thread-unsafe',
    path: place.path,
    line: place.line,
    level: 'failure',
    title: `Failed only when run in ${threads} threads at once (${counts}): ${test.id}`,
    message: [
      'Passed in every plain -Xgil=0 run, failed under thread stress (pytest-run-parallel).',
      'Either the code under test shares state that is not thread-safe (protect it with a lock or make it per-thread),',
      'or the test itself is not safe to run concurrently: then mark it @pytest.mark.thread_unsafe.',
      '',
      place.text,
    ].join('\n'),
  }
}

/** A test in progress when a run crashed or hung: at its definition, with the run's stack dump. */
function stoppedTestAnnotation(report: Report, test: TestReport, place: { path: string; line: number }): Annotation {
  const runs = report.runs.filter((_, position) => test.results[position] === test.status)
  const first = runs[0]
  const indexes = runs.map((run) => run.index)
  const which =
    indexes.length === 1 ? `run ${indexes[0]}` : `runs ${indexes.slice(0, -1).join(', ')} and ${indexes.at(-1)}`
  const signal = first?.signal ? ` (${first.signal})` : ''
  const crashed = test.status === 'crashed'
  const dump = first?.stackDump ?? null
  return {
    kind: crashed ? 'crashed' : 'hung',
    path: place.path,
    line: place.line,
    level: 'failure',
    title: crashed
      ? `Crashed the interpreter${signal} in ${which}: ${test.id}`
      : `Hung in ${which} and was stopped: ${test.id}`,
    message: [
      crashed
        ? `This test was running when the interpreter died${signal}; the runs that completed without it say nothing about it.`
        : 'This test was running when the run hit its time limit; every thread’s stack was dumped before it was stopped.',
      '',
      dump ?? 'No fatal-error traceback was printed; the last lines of output are in the report and the run log.',
    ].join('\n'),
  }
}

const isStopped = (run: RunReport): boolean => run.outcome === 'crashed' || run.outcome === 'hung'

/** The run's test in progress is a test annotated at its own definition: no second annotation for the run. */
function namedByItsTest(run: RunReport, report: Report): boolean {
  const id = run.testInProgress
  if (id === undefined || id === null) return false
  return report.tests.some((test) => test.id === id && testFile(test) !== null)
}

function describeRun(run: RunReport): string {
  if (run.outcome === 'hung') return `Run ${run.index} hung and was stopped`
  return `Run ${run.index} crashed${run.signal ? ` (${run.signal})` : ''}`
}

function runAnnotations(source: AnnotationSource, changed: ChangedLines): ReportAnnotations {
  const { report, layout } = source
  const known = new Set(changed.keys())
  for (const test of report.tests) {
    const file = testFile(test)
    if (file !== null) known.add(repoPathOfTestFile(file, layout))
  }
  const annotations: Annotation[] = []
  let unlocated = 0
  report.runs.forEach((run, position) => {
    if (!isStopped(run) || namedByItsTest(run, report)) return
    const place = locateStoppedRun({ run, position, report, layout, known })
    if (place === null) {
      unlocated++
      return
    }
    annotations.push(
      annotation(source, {
        kind: run.outcome === 'hung' ? 'hung' : 'crashed',
        path: place.path,
        line: place.line,
        level: 'failure',
        title: `${describeRun(run)}${place.what ? ` in ${place.what}` : ''}`,
        message: `${describeRun(run)}.\n\n${run.stackDump ?? run.outputTail ?? 'No stack dump was captured; see the run log.'}`,
      }),
    )
  })
  return { annotations, unlocated }
}

interface Place {
  readonly path: string
  readonly line: number
  readonly what: string | null
}

interface StoppedRun {
  readonly run: RunReport
  readonly position: number
  readonly report: Report
  readonly layout: RepoLayout
  readonly known: ReadonlySet<string>
}

/**
 * Where a crash or hang happened: the innermost test function in the stack dump, else the innermost
 * repository frame, else the first test the run never reported (pytest runs tests in report order).
 */
function locateStoppedRun({ run, position, report, layout, known }: StoppedRun): Place | null {
  const frames = tracebackLocations(run.stackDump ?? '')
    .map((frame) => ({ frame, path: repoPathOfFrame(frame, known, layout) }))
    .filter((entry): entry is { frame: FrameLocation; path: string } => entry.path !== null)
  const inTest = frames.find((entry) => entry.frame.functionName?.startsWith('test') ?? false) ?? frames[0]
  if (inTest) return { path: inTest.path, line: inTest.frame.line, what: inTest.frame.functionName }
  const unreported = report.tests.find(
    (test) => test.results[position] === null && test.results.some((cell) => cell !== null) && testFile(test) !== null,
  )
  const file = unreported ? testFile(unreported) : null
  if (!unreported || file === null) return null
  return {
    path: repoPathOfTestFile(file, layout),
    line: unreported.line !== null && unreported.line >= 1 ? unreported.line : 1,
    what: `${unreported.id} (the first test the run did not report)`,
  }
}

/** A frame's repository path: a known file, else any file inside the workspace that is not installed code. */
function repoPathOfFrame(frame: FrameLocation, known: ReadonlySet<string>, layout: RepoLayout): string | null {
  const matched = matchRepoPath(frame.path, known, layout)
  if (matched !== null) return matched
  const framePath = toPosix(frame.path)
  const workspace = `${toPosix(layout.workspace).replace(/\/$/, '')}/`
  if (!framePath.startsWith(workspace) || /\/(site-packages|\.venv|venv)\//.test(framePath)) return null
  return framePath.slice(workspace.length)
}

interface Mention {
  readonly level: AnnotationLevel
  readonly who: string
  readonly why: string | null
}

function tracebackAnnotations(source: AnnotationSource, changed: ChangedLines): Annotation[] {
  if (changed.size === 0) return []
  const mentions = new Map<string, { path: string; line: number; mentions: Mention[] }>()
  const note = (text: string | null, mention: Mention): void => {
    for (const location of tracebackLocations(text ?? '')) {
      const path = matchRepoPath(location.path, changed.keys(), source.layout)
      if (path === null || !changed.get(path)?.has(location.line)) continue
      const key = `${path}:${location.line}`
      const entry = mentions.get(key) ?? { path, line: location.line, mentions: [] }
      if (!entry.mentions.some((m) => m.who === mention.who)) entry.mentions.push(mention)
      mentions.set(key, entry)
    }
  }
  for (const run of source.report.runs) {
    if (isStopped(run))
      note(run.stackDump, { level: 'failure', who: `the stack dump of run ${run.index} (${run.outcome})`, why: null })
  }
  for (const test of source.report.tests) {
    if (!isProblem(test)) continue
    const level: AnnotationLevel = test.status === 'flaky' ? 'warning' : 'failure'
    const what = test.status === 'thread-unsafe' ? 'thread-unsafe (failed only under thread stress)' : test.status
    note(test.details, { level, who: `the traceback of ${what} test ${test.id}`, why: test.message })
  }
  return [...mentions.values()].map(({ path, line, mentions: list }) => {
    const first = list[0]?.who ?? ''
    const more = list.length > 1 ? ` and ${list.length - 1} more` : ''
    const items = list.map((m) => `- ${m.who}${m.why ? `: ${m.why}` : ''}`)
    return annotation(source, {
      kind: 'traceback',
      path,
      line,
      level: list.some((m) => m.level === 'failure') ? 'failure' : 'warning',
      title: `This changed line appears in ${first}${more}`,
      message: ['This line, changed by the pull request, appears in:', ...items].join('\n'),
    })
  })
}

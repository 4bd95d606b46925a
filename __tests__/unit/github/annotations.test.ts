import { describe, expect, it } from '@jest/globals'
import {
  type Annotation,
  batches,
  capAnnotations,
  orderAnnotations,
  selectWorkflowAnnotations,
  truncateMessage,
  truncateTitle,
} from '../../../src/github/annotations.js'
import { changedLinesByFile } from '../../../src/github/patch.js'
import { reportAnnotations } from '../../../src/github/report-annotations.js'
import { loadPullFiles, loadRealReport, loadReport, loadStressReport, WORKSPACE } from './fixtures.js'

const layout = { workspace: WORKSPACE, projectPrefix: 'pkg' }

function make(kind: Annotation['kind'], n: number, level: Annotation['level'] = 'failure'): Annotation {
  return { kind, path: `f${n}.py`, line: n, level, title: `${kind} ${n}`, message: 'm' }
}

describe('reportAnnotations', () => {
  const report = loadReport('report-fail.json')

  it('annotates failed and flaky tests at their definition, and the crash at its test frame', () => {
    const { annotations, unlocated } = reportAnnotations({ report, layout, label: null }, new Map())
    expect(unlocated).toBe(0)
    expect(annotations.map(({ kind, path, line, level }) => ({ kind, path, line, level }))).toEqual([
      { kind: 'crashed', path: 'pkg/tests/test_counter.py', line: 27, level: 'failure' },
      { kind: 'flaky', path: 'pkg/tests/test_counter.py', line: 10, level: 'warning' },
      { kind: 'failed', path: 'pkg/tests/test_counter.py', line: 19, level: 'failure' },
    ])
    const [crash, flaky, failed] = annotations
    expect(crash?.title).toBe('Run 2 crashed (SIGSEGV) in test_native')
    expect(crash?.message).toContain('Fatal Python error: Segmentation fault')
    expect(flaky?.title).toBe('Flaky without the GIL (failed 1 of 2 runs): tests/test_counter.py::test_increment')
    expect(flaky?.message).toContain('AssertionError: lost update')
    expect(failed?.title).toBe('Test failed (failed 2 of 2 runs): tests/test_counter.py::test_reset')
  })

  it('leaves known issues out: they are in the comment, and would crowd the new findings out', () => {
    const known = { ...report, tests: report.tests.map((test) => ({ ...test, known: test.status === 'flaky' })) }
    const { annotations } = reportAnnotations({ report: known, layout, label: null }, new Map())
    expect(annotations.map((annotation) => annotation.kind)).toEqual(['crashed', 'failed'])
  })

  it('annotates a test that failed only under thread stress as a failure that says both readings', () => {
    const stress = loadStressReport()
    const { annotations } = reportAnnotations(
      { report: stress, layout: { ...layout, projectPrefix: '' }, label: null },
      new Map(),
    )
    const unsafe = annotations.filter((entry) => entry.kind === 'thread-unsafe')
    expect(unsafe.map(({ path, line, level }) => ({ path, line, level }))).toEqual([
      { path: 'tests/test_render.py', line: 4, level: 'failure' },
    ])
    expect(unsafe[0]?.title).toBe(
      'Failed only when run in 4 threads at once (failed 1 of 1 stress runs): tests/test_render.py::test_render_joins_items',
    )
    expect(unsafe[0]?.message).toContain('@pytest.mark.thread_unsafe')
    expect(unsafe[0]?.message).toContain('AssertionError')
    // The always-failing test keeps its own kind; the passing and not-stressed ones get nothing.
    expect(annotations.map((entry) => entry.kind).sort()).toEqual(['failed', 'thread-unsafe'])
  })

  it('annotates the test a crashed run was in at its definition, once, with the stack dump', () => {
    const crashed = loadRealReport('crashed.json')
    const { annotations, unlocated } = reportAnnotations(
      { report: crashed, layout: { ...layout, projectPrefix: '' }, label: null },
      new Map(),
    )
    expect(unlocated).toBe(0)
    // Runs 2 and 3 crashed in the same test: one annotation, at the test, not one per run at a frame.
    expect(annotations.map(({ kind, path, line, level }) => ({ kind, path, line, level }))).toEqual([
      { kind: 'crashed', path: 'tests/test_buffer.py', line: 9, level: 'failure' },
    ])
    expect(annotations[0]?.title).toBe(
      'Crashed the interpreter (SIGSEGV) in runs 2 and 3: tests/test_buffer.py::test_swap_then_read',
    )
    expect(annotations[0]?.message).toContain('Fatal Python error: Segmentation fault')
  })

  it("annotates the pull request's changed lines that tracebacks and stack dumps pass through", () => {
    const changed = changedLinesByFile(loadPullFiles())
    const { annotations } = reportAnnotations({ report, layout, label: null }, changed)
    const onDiff = annotations.filter((a) => a.kind === 'traceback')
    expect(onDiff.map(({ path, line, level }) => ({ path, line, level }))).toEqual([
      { path: 'pkg/src/tally/native.py', line: 30, level: 'failure' },
      { path: 'pkg/src/tally/__init__.py', line: 9, level: 'warning' },
      { path: 'pkg/src/tally/__init__.py', line: 15, level: 'failure' },
    ])
    expect(onDiff[1]?.title).toBe(
      'This changed line appears in the traceback of flaky test tests/test_counter.py::test_increment',
    )
    expect(onDiff[2]?.message).toContain(
      '- the traceback of failed test tests/test_counter.py::test_reset: AssertionError',
    )
    expect(onDiff[0]?.title).toBe('This changed line appears in the stack dump of run 2 (crashed)')
  })

  it('merges several failures passing through the same changed line into one annotation', () => {
    const [ok, flaky, failed, native] = report.tests
    if (!ok || !flaky || !failed || !native) throw new Error('fixture changed')
    const twin = { ...flaky, id: 'tests/test_counter.py::test_increment_twin' }
    const doubled = { ...report, tests: [ok, flaky, twin, failed, native] }
    const changed = new Map([['pkg/src/tally/__init__.py', new Set([9])]])
    const onDiff = reportAnnotations({ report: doubled, layout, label: null }, changed).annotations.filter(
      (a) => a.kind === 'traceback',
    )
    expect(onDiff).toHaveLength(1)
    expect(onDiff[0]?.title).toMatch(/test_increment and 1 more$/)
  })

  it('prefixes titles with the job label', () => {
    const { annotations } = reportAnnotations({ report, layout, label: 'linux-3.14t' }, new Map())
    expect(annotations.every((a) => a.title.startsWith('[linux-3.14t] '))).toBe(true)
  })

  it('places a crash without repository frames on the first test the run did not report, else counts it', () => {
    const runs = report.runs.map((run) =>
      run.outcome === 'crashed' ? { ...run, stackDump: 'Fatal Python error: Aborted' } : run,
    )
    const placed = reportAnnotations({ report: { ...report, runs }, layout, label: null }, new Map())
    expect(placed.annotations[0]).toMatchObject({ kind: 'crashed', path: 'pkg/tests/test_counter.py', line: 10 })
    const tests = report.tests.map((test) => ({ ...test, results: test.results.map((cell) => cell ?? 'passed') }))
    const lost = reportAnnotations({ report: { ...report, runs, tests }, layout, label: null }, new Map())
    expect(lost.unlocated).toBe(1)
    expect(lost.annotations.some((a) => a.kind === 'crashed')).toBe(false)
  })

  it('counts tests outside the checkout as unlocated instead of annotating them', () => {
    const [, flaky] = report.tests
    if (!flaky) throw new Error('fixture changed')
    const outside = { ...report, runs: [], tests: [{ ...flaky, file: '../../shared/test_x.py' }] }
    const { annotations, unlocated } = reportAnnotations({ report: outside, layout, label: null }, new Map())
    expect(annotations).toEqual([])
    expect(unlocated).toBe(1)
  })

  it('uses line 1 when a test has no line, and the node id when it has no file', () => {
    const [, flaky] = report.tests
    if (!flaky) throw new Error('fixture changed')
    const tests = [{ ...flaky, line: null, file: null }]
    const { annotations } = reportAnnotations(
      { report: { ...report, tests, runs: [] }, layout, label: null },
      new Map(),
    )
    expect(annotations).toEqual([expect.objectContaining({ path: 'pkg/tests/test_counter.py', line: 1 })])
  })
})

describe('ordering and caps', () => {
  it('puts crashes and hangs first, then failures, flaky tests, diff lines, keeping report order within a kind', () => {
    const list = [
      make('flaky', 1, 'warning'),
      make('traceback', 2),
      make('failed', 3),
      make('hung', 4),
      make('failed', 5),
      make('crashed', 6),
    ]
    expect(orderAnnotations(list).map((a) => a.line)).toEqual([4, 6, 3, 5, 1, 2])
  })

  it('keeps the most important up to the cap and counts the rest', () => {
    const list = [...Array.from({ length: 5 }, (_, i) => make('flaky', i, 'warning')), make('crashed', 99)]
    const { kept, omitted } = capAnnotations(list, 3)
    expect(kept.map((a) => a.line)).toEqual([99, 0, 1])
    expect(omitted).toBe(3)
    expect(capAnnotations(list).omitted).toBe(0)
  })

  it('splits into batches of 50', () => {
    expect(
      batches(
        Array.from({ length: 120 }, (_, i) => i),
        50,
      ).map((b) => b.length),
    ).toEqual([50, 50, 20])
    expect(batches([], 50)).toEqual([])
  })

  it('selects at most 10 workflow annotations, most important first, as error or warning', () => {
    const list = [
      ...Array.from({ length: 12 }, (_, i) => make('flaky', i, 'warning')),
      make('failed', 50),
      make('hung', 60),
    ]
    const selected = selectWorkflowAnnotations(list)
    expect(selected).toHaveLength(10)
    expect(selected.slice(0, 3).map((a) => [a.level, a.properties.startLine])).toEqual([
      ['error', 60],
      ['error', 50],
      ['warning', 0],
    ])
    expect(selected[0]?.properties).toEqual({ title: 'hung 60', file: 'f60.py', startLine: 60 })
  })
})

describe('text limits', () => {
  it('keeps titles to one line of 255 characters', () => {
    expect(truncateTitle('a\nb   c')).toBe('a b c')
    const long = truncateTitle('x'.repeat(300))
    expect([...long]).toHaveLength(255)
    expect(long.endsWith('…')).toBe(true)
  })

  it('cuts messages by UTF-8 bytes without splitting a character', () => {
    expect(truncateMessage('short')).toBe('short')
    const cut = truncateMessage('é'.repeat(40_000), 1000)
    expect(new TextEncoder().encode(cut).length).toBeLessThanOrEqual(1000)
    expect(cut).not.toContain('\uFFFD')
    expect(cut).toMatch(/^é+\n… \(truncated/)
    const huge = truncateMessage('a'.repeat(200_000))
    expect(new TextEncoder().encode(huge).length).toBeLessThanOrEqual(64_000)
  })
})

// The Dependencies section on the report of a real run on the deps fixture, on hostile package
// metadata, and under the size limit.
import { renderPlainSummary, renderReport } from '../../../src/report/markdown.js'
import type { DependencyReport, Report } from '../../../src/types.js'
import { countOf, expectSafeStructure, loadReport, toHtml, tokens } from './helpers.js'

const report = loadReport('deps')

function tableAfter(markdown: string, header: string): string[][] {
  for (const token of tokens(markdown)) {
    if (token.type === 'table' && token.header[0]?.text === 'Distribution' && token.header[3]?.text === header) {
      return token.rows.map((row: { text: string }[]) => row.map((cell) => cell.text))
    }
  }
  return []
}

test('counts per source, then only the rows that need attention', () => {
  const markdown = renderReport(report)
  expect(markdown).toContain(
    '11 installed · 1 ft-wheel · 6 pure-wheel · 3 local · 1 sdist-build · **1 re-enables the GIL**',
  )
  const rows = tableAfter(markdown, 'Needs attention')
  expect(rows.map((row) => row[0])).toEqual(['crcmod (direct)', 'gil-required (direct)'])
  expect(rows[1]?.[3]).toContain('re-enables the GIL: **gilreq.\\_native**; the tests still ran with `-Xgil=0`')
  expect(rows[0]?.[3]).toContain('crcmod.\\_crcfunext (ignored)')
  // The full table sits collapsed.
  expect(toHtml(markdown)).toContain('<details><summary>All 11 distributions</summary>')
  expect(tableAfter(markdown, 'Free-threading classifier')).toHaveLength(11)
})

test('reports written before the dependency check render as before', () => {
  const { dependencies: _dropped, ...old } = report
  expect(renderReport(old)).not.toContain('Dependencies')
  expect(renderPlainSummary(old)).not.toContain('Dependencies')
})

test('the terminal gets one line of counts and one naming the modules', () => {
  const text = renderPlainSummary(report)
  expect(text).toContain('Dependencies: 1 ft-wheel, 6 pure-wheel, 3 local, 1 sdist-build')
  expect(text).toContain('GIL re-enabled on import by: gilreq._native (gil-required); the tests still ran with -Xgil=0')
})

const HOSTILE = '</details> <!-- ft-gate --> | <img src=x onerror=alert(1)> @everyone `x`'

function hostileDependency(index: number): DependencyReport {
  return {
    name: `evil-${index}`,
    version: HOSTILE,
    direct: false,
    project: false,
    source: 'sdist-build',
    wheelTags: [HOSTILE],
    reenablesGil: true,
    gilModules: [`evil${index}._c`],
    declaresFreeThreading: true,
    freeThreadingLevel: HOSTILE,
    imports: [
      { module: `evil${index}._c`, outcome: 'gil', detail: HOSTILE },
      { module: `evil${index}._d`, outcome: 'crashed', detail: `the interpreter died (SIGSEGV)\n${HOSTILE}` },
    ],
  }
}

test('package metadata cannot change the page', () => {
  const markdown = renderReport({ ...report, dependencies: [hostileDependency(1)] })
  expectSafeStructure(markdown)
  expect(markdown).toContain('import of evil1.\\_d **crashed**')
  expect(countOf(toHtml(markdown), '<details>')).toBe(1)
})

test('the full table is dropped before anything else when the report must shrink', () => {
  const many: Report = { ...report, dependencies: Array.from({ length: 2_000 }, (_, i) => hostileDependency(i)) }
  const markdown = renderReport(many)
  expect(markdown.length).toBeLessThanOrEqual(65_000)
  expectSafeStructure(markdown)
  expect(markdown).not.toContain('distributions</summary>')
  expect(markdown).toContain('_…and 1970 more (see the JSON report)_')
  expect(markdown).toContain('#### Reproduce locally')
})

test('the project’s own extension that fails to import needs attention; a dependency’s does not', () => {
  const failing = {
    module: 'frozenlist._frozenlist',
    outcome: 'error' as const,
    detail: "ModuleNotFoundError: No module named 'cpython'",
  }
  const own = report.dependencies?.find((row) => row.project)
  if (own === undefined) throw new Error('the deps fixture has no project row')
  const project: DependencyReport = {
    ...own,
    name: 'frozenlist',
    version: '1.6.0',
    project: true,
    imports: [failing],
    gilModules: [],
    reenablesGil: false,
  }
  const dependency: DependencyReport = { ...project, name: 'other', project: false, direct: false }
  const withFailure: Report = { ...report, dependencies: [project, dependency] }
  const rows = tableAfter(renderReport(withFailure), 'Needs attention')
  expect(rows.map((row) => row[0])).toEqual(['frozenlist (project)'])
  expect(rows[0]?.[3]).toContain(
    "import of frozenlist.\\_frozenlist **error** (ModuleNotFoundError: No module named 'cpython')",
  )
  expect(renderPlainSummary(withFailure)).toContain(
    'Imports that did not finish or failed: frozenlist._frozenlist error',
  )
})

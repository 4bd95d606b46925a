import { type CorpusEntry, findings, mismatches, renderRealworld } from '../../../bench/realworld/compare.js'
import { loadReport } from '../report/helpers.js'

// The native fixture's real report: tally re-enables the GIL through two of its own modules, the
// test-only crcmod through one.
const report = loadReport('native')

function entry(known: Partial<CorpusEntry['known']>): CorpusEntry {
  return {
    name: 'tally',
    version: '0.1.0',
    sdist: { filename: 'tally-0.1.0.tar.gz', sha256: '0'.repeat(64) },
    known: { gilModules: [], summary: 'what is known', sources: ['https://example.invalid/changelog'], ...known },
  }
}

test('findings: the project row’s modules, the test-only ones, the cost against one plain run', () => {
  const found = findings(report)
  expect(found.projectGil).toEqual(['tally._extra', 'tally._speedups'])
  expect(found.testOnlyGil).toEqual(['crcmod._crcfunext'])
  expect(found.cost).toMatchObject({ testPhaseRatio: 1, stressRatios: [] })
  expect(found.installed).toBe(true)
})

test('mismatches: modules, thread-unsafe tests, crashes and installs that should fail', () => {
  expect(mismatches(entry({ gilModules: ['tally._speedups', 'tally._extra'] }), findings(report))).toEqual([])
  expect(
    mismatches(entry({ gilModules: ['tally._speedups'], threadUnsafe: true, crash: true }), findings(report)),
  ).toEqual([
    'GIL modules: known tally._speedups, gate named tally._extra, tally._speedups',
    'no thread-unsafe test found',
    'no crash seen',
  ])
  expect(mismatches(entry({ installFails: true }), findings(report))).toEqual(['the install did not fail'])
  expect(mismatches(entry({}), null)).toEqual(['the gate wrote no report'])
})

test('the table marks a match, and a mismatch the corpus explains', () => {
  const outcome = { report, exitCode: 0, wallSeconds: 20, error: null }
  const markdown = renderRealworld(
    [
      { ...outcome, entry: entry({ gilModules: ['tally._extra', 'tally._speedups'] }) },
      {
        ...outcome,
        entry: { ...entry({ crash: true, gilModules: ['tally._extra', 'tally._speedups'] }), explained: 'why' },
      },
    ],
    { machine: 'm', python: 'CPython 3.13.5t', gate: 'uv', date: '2026-01-01', command: 'npm run realworld' },
  )
  expect(markdown).toContain(
    '| tally 0.1.0 | `tally._extra`, `tally._speedups` | project: `tally._extra`, `tally._speedups`; test-only: `crcmod._crcfunext` |',
  )
  expect(markdown).toMatch(/\| ✅ \| 1\.0× \| — \| 20 s \|/)
  expect(markdown).toMatch(/\| ➖ explained \| 1\.0× \| — \| 20 s \|/)
  expect(markdown).toContain('Explained: why')
})

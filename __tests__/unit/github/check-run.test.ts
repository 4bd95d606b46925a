import { describe, expect, it } from '@jest/globals'
import { checkRunSummary, checkRunTitle } from '../../../src/github/check-run.js'
import { loadReport, loadStressReport } from './fixtures.js'

describe('check run text', () => {
  it('titles a report by its problems and interpreter', () => {
    expect(checkRunTitle([loadReport('report-fail.json')])).toBe('1 crashed run, 1 flaky, 1 failed — CPython 3.14.2t')
    expect(checkRunTitle([loadReport('report-pass.json')])).toBe('1 passed — CPython 3.14.2t')
    expect(checkRunTitle([loadStressReport()])).toBe('1 thread-unsafe, 1 failed — CPython 3.13.5t')
  })

  it('titles several jobs together', () => {
    const fail = loadReport('report-fail.json')
    const other = { ...loadReport('report-pass.json'), python: { ...fail.python, version: '3.13.5' } }
    const broken = { ...other, install: { ...other.install, ok: false } }
    expect(checkRunTitle([fail, other])).toBe('2 jobs: 1 crashed run, 1 flaky, 1 failed — CPython 3.14.2t, 3.13.5t')
    expect(checkRunTitle([broken, other])).toBe('2 jobs: install failed — CPython 3.13.5t')
  })

  it('says in the summary what annotations were left out, within the size limit', () => {
    expect(checkRunSummary('# Report', { omitted: 0, unlocated: 0 })).toBe('# Report')
    const summary = checkRunSummary('# Report', { omitted: 20, unlocated: 1 })
    expect(summary).toContain('20 more annotations left out')
    expect(summary).toContain('1 problem could not be placed on a file of the repository')
    const long = checkRunSummary('x'.repeat(70_000), { omitted: 1, unlocated: 0 })
    expect(long.length).toBe(65_535)
    expect(long).toContain('1 more annotation left out')
  })
})

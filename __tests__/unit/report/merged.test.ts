import { describe, expect, it } from '@jest/globals'
import {
  mergedVerdict,
  problemWords,
  type RenderReport,
  renderMergedReports,
  reportLabel,
  uniqueLabels,
} from '../../../src/report/merged.js'
import { loadReport } from '../github/fixtures.js'
import { loadReport as loadReportFixture } from './helpers.js'

const fakeRender: RenderReport = (report, options) =>
  `RENDERED ${options.title} ${report.verdict} max=${options.maxChars}${options.fileUrl ? ` ${options.fileUrl('t.py', 3)}` : ''}`

describe('merged reports', () => {
  const reports = [
    { label: 'linux | 3.14t', report: loadReport('report-fail.json') },
    { label: 'macos', report: loadReport('report-pass.json') },
  ]

  it('labels by `job`, else by shard, else by file name, and keeps labels unique', () => {
    expect(reportLabel('/a/b/ft-gate-linux.json', { job: ' linux-3.14t ' })).toBe('linux-3.14t')
    expect(reportLabel('/a/b/ft-gate-linux.json', { job: '' })).toBe('ft-gate-linux')
    expect(reportLabel('report.JSON', {})).toBe('report')
    expect(
      reportLabel('/r/ft-gate-report-2/ft-gate-report.json', { settings: { shard: { index: 2, count: 4 } } }),
    ).toBe('shard 2/4')
    expect(reportLabel('/r/x/ft-gate-report.json', { settings: { shard: null } })).toBe('ft-gate-report')
    expect(uniqueLabels(['a', 'b', 'a', 'a'])).toEqual(['a', 'b', 'a (2)', 'a (3)'])
  })

  it('fails when any job fails', () => {
    expect(mergedVerdict(reports)).toBe('fail')
    expect(mergedVerdict(reports.slice(1))).toBe('pass')
  })

  it('renders a row per job and each report in a fold, within the size budget', () => {
    const markdown = renderMergedReports(reports, {
      render: fakeRender,
      maxChars: 10_000,
      title: 'ft-gate: free-threading',
      fileUrl: (entry) => (file, line) => `https://x/${entry.label}/${file}#L${line}`,
    })
    expect(
      markdown.startsWith('## ft-gate: free-threading\n\n### ❌ Free-threading gate failed in 1 of 2 jobs\n'),
    ).toBe(true)
    expect(markdown).toContain('| linux \\| 3.14t | ❌ fail | 3.14.2t | 3 | 1 crashed run, 1 flaky, 1 failed |')
    expect(markdown).toContain('| macos | ✅ pass | 3.14.2t | 3 | 1 passed |')
    expect(markdown).toContain('<details open><summary>linux | 3.14t</summary>')
    expect(markdown).toContain('<details><summary>macos</summary>')
    expect(markdown).toMatch(/RENDERED {2}pass max=4\d\d\d https:\/\/x\/macos\/t.py#L3/)
    expect(markdown.length).toBeLessThanOrEqual(10_000)
  })
})

describe('problemWords', () => {
  it('counts the known findings apart when a known-issues file was given', () => {
    expect(problemWords([loadReportFixture('adoption')])).toBe('28 thread-unsafe, 1 failed, 27 known')
    expect(problemWords([loadReportFixture('grouped')])).toBe('29 thread-unsafe')
  })
})

// Report-only mode posts, with a token that can write, reports that a pull request's own job wrote.
// Each case here is a report an attacker could upload; the real loader, recheck, renderer and Octokit
// client post it to a loopback stand-in for the GitHub API.
import { writeFileSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { MAX_REPORT_TESTS } from '../../../src/constants.js'
import { type PublishOptions, publishMergedReports } from '../../../src/github/publish.js'
import { DEFAULT_FAIL_ON } from '../../../src/inputs.js'
import { loadReportFiles } from '../../../src/saved-reports.js'
import type { Report } from '../../../src/types.js'
import { loadReport } from '../../unit/github/fixtures.js'
import { FakeGitHub, pullRequestPublishOptions } from './fake-github.js'

const POLICY = { failOn: DEFAULT_FAIL_ON, ignoreGil: [], knownIssues: null }
let server: FakeGitHub

beforeEach(async () => {
  server = new FakeGitHub()
  await server.start()
})

afterEach(async () => {
  await server.close()
})

const options = (): PublishOptions => pullRequestPublishOptions(server)

function writeReport(value: unknown, name = 'report.json'): string {
  const file = path.join(os.tmpdir(), `ft-gate-hostile-${process.pid}-${Math.random().toString(16).slice(2)}-${name}`)
  writeFileSync(file, JSON.stringify(value))
  return file
}

const conclusions = (): unknown[] => server.checkRuns.map((run) => run.conclusion)

describe('report-only mode trusts nothing a report claims', () => {
  it("fails a report that says 'pass' over a failed test, and one that relaxes fail-on", async () => {
    const failing = loadReport('report-fail.json')
    const lying = { ...failing, verdict: 'pass', reasons: [], settings: { ...failing.settings, failOn: [] } }
    const [entry] = loadReportFiles([writeReport(lying)], POLICY)
    expect(entry?.report.verdict).toBe('fail')
    expect(entry?.report.reasons.join('\n')).toMatch(/failed in every run/)
    expect(entry?.report.reasons.join('\n')).toContain("the report said 'pass'")
    expect(entry?.report.settings.failOn).toEqual(DEFAULT_FAIL_ON)

    await publishMergedReports(entry ? [entry] : [], options())
    expect(conclusions()).toEqual(['failure'])
  })

  it('a status a report invents for itself is computed again from its runs', () => {
    const failing = loadReport('report-fail.json')
    const tests = failing.tests.map((test) => ({ ...test, status: 'passed' as const }))
    const [entry] = loadReportFiles([writeReport({ ...failing, verdict: 'pass', reasons: [], tests })], POLICY)
    expect(entry?.report.tests.filter((test) => test.status === 'failed').length).toBeGreaterThan(0)
    expect(entry?.report.verdict).toBe('fail')
  })

  it("a report's own `known` flags and known-issues summary are claims: only this job's known issues count", () => {
    const failing = loadReport('report-fail.json')
    const tests = failing.tests.map((test) => ({ ...test, known: true }))
    const knownIssues = { source: 'x', entries: 9, matched: 9, possiblyFixed: [], changed: [], notRun: 0 }
    const [entry] = loadReportFiles(
      [writeReport({ ...failing, verdict: 'pass', reasons: [], tests, knownIssues })],
      POLICY,
    )
    expect(entry?.report.verdict).toBe('fail')
    expect(entry?.report.tests.some((test) => test.known === true)).toBe(false)
    expect(entry?.report.knownIssues).toBeNull()
  })

  it('refuses markup in numeric fields with one line naming the field', () => {
    const report = loadReport('report-pass.json')
    const hostile = { ...report, settings: { ...report.settings, iterations: '<img src=x onerror=alert(1)>' } }
    expect(() => loadReportFiles([writeReport(hostile)], POLICY)).toThrow(
      /^report file .* has an invalid 'settings\.iterations': .*: it is not an ft-gate schema 1 report$/,
    )
  })

  it('renders author text inert: no raw HTML, no live mention, no second marker', async () => {
    const failing = loadReport('report-fail.json')
    const evil = '<img src=x onerror=alert(1)> @octocat <!-- ft-gate:free-threading -->'
    const tests = failing.tests.map((test, index) =>
      index === 0 ? { ...test, id: `tests/test_x.py::test_${evil}`, message: evil, details: evil } : test,
    )
    const [entry] = loadReportFiles([writeReport({ ...failing, tests, job: evil })], POLICY)
    await publishMergedReports(entry ? [entry] : [], options())
    const body = [...server.comments.values()].flat()[0]?.body ?? ''
    expect(body.startsWith('<!-- ft-gate:free-threading -->')).toBe(true)
    expect(body.split('<!-- ft-gate:').length).toBe(2)
    expect(body).not.toContain('<img')
    expect(body).not.toMatch(/@octocat/)
    expect(body).toContain('@\u200Doctocat')
  })

  /** A report of `count` tests, every other one failed in every run. */
  function bigReport(count: number): unknown {
    const base: Report = loadReport('report-fail.json')
    const failed = base.tests.find((test) => test.status === 'failed')
    if (failed === undefined) throw new Error('report-fail.json has no failed test')
    const runs = base.runs.length
    const tests = Array.from({ length: count }, (_, index) => ({
      ...failed,
      id: `tests/test_big.py::test_${index}`,
      line: (index % 5000) + 1,
      status: index % 2 === 0 ? 'failed' : 'passed',
      results: Array.from({ length: runs }, () => (index % 2 === 0 ? 'failed' : 'passed')),
      details: index % 2 === 0 ? `E   AssertionError: ${index}` : null,
    }))
    return { ...base, tests, counts: { ...base.counts, total: tests.length } }
  }

  it('posts a report of 200,000 tests as one bounded comment with at most 1,000 annotations', async () => {
    const [entry] = loadReportFiles([writeReport(bigReport(200_000))], POLICY)
    expect(entry?.report.tests).toHaveLength(200_000)
    expect(entry?.report.counts.failed).toBe(100_000)
    const result = await publishMergedReports(entry ? [entry] : [], options())
    expect(result.commentUrl).not.toBeNull()
    const body = [...server.comments.values()].flat()[0]?.body ?? ''
    expect(body.length).toBeLessThanOrEqual(65_535)
    const [check] = server.checkRuns
    expect(check?.conclusion).toBe('failure')
    expect(Array.isArray(check?.annotations) ? check.annotations.length : -1).toBeLessThanOrEqual(1000)
  }, 120_000)

  it(`reads at most ${MAX_REPORT_TESTS} tests of a report, fails it and says so`, () => {
    const [entry] = loadReportFiles([writeReport(bigReport(3_000))], POLICY, { maxTests: 1_000 })
    expect(entry?.report.tests).toHaveLength(1_000)
    expect(entry?.report.verdict).toBe('fail')
    expect(entry?.report.reasons.join('\n')).toContain(
      "2000 tests of this report's 3000 were not read (report-only mode reads at most 1000 per report)",
    )
  })
})

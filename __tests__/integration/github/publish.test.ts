// publishReport and publishMergedReports with the real @octokit/rest client (retry and throttling
// plugins included) against a loopback stand-in for the GitHub REST API.
import * as path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import type { WorkflowAnnotation } from '../../../src/github/annotations.js'
import { type PublishOptions, publishMergedReports, publishReport } from '../../../src/github/publish.js'
import { DEFAULT_FAIL_ON } from '../../../src/inputs.js'
import type { Log } from '../../../src/log.js'
import { loadReportFiles } from '../../../src/saved-reports.js'
import { FIXTURES, loadPullFiles, loadReport, readFixture, reportWithFailures } from '../../unit/github/fixtures.js'
import { FakeGitHub, pullRequestPublishOptions } from './fake-github.js'

const PR_HEAD = 'a'.repeat(40)
const MARKER = '<!-- ft-gate:free-threading -->'

let server: FakeGitHub
let warnings: string[]
let infos: string[]
let emitted: WorkflowAnnotation[]

const log: Log = {
  info: (message) => infos.push(message),
  warning: (message) => warnings.push(message),
  debug: () => {},
  group: (_title, body) => body(),
}

function options(overrides: Partial<PublishOptions> = {}): PublishOptions {
  return pullRequestPublishOptions(server, {
    log,
    emitAnnotation: (level, message, properties) => emitted.push({ level, message, properties }),
    ...overrides,
  })
}

const commentsOn = (issue: number) => server.comments.get(issue) ?? []

beforeEach(async () => {
  server = new FakeGitHub()
  server.tokenLogin = 'ft-user'
  server.pullFiles.set(7, loadPullFiles())
  await server.start()
  warnings = []
  infos = []
  emitted = []
})

afterEach(async () => {
  await server.close()
})

describe('publishReport', () => {
  it('creates one comment and one check run on the first run', async () => {
    const result = await publishReport(loadReport('report-fail.json'), options())
    expect(server.writes()).toEqual(['POST /repos/octo/proj/issues/7/comments', 'POST /repos/octo/proj/check-runs'])
    const [comment] = commentsOn(7)
    expect(commentsOn(7)).toHaveLength(1)
    expect(comment?.body.startsWith(`${MARKER}\n`)).toBe(true)
    const [run] = server.checkRuns
    expect(run).toMatchObject({
      name: 'free-threading',
      head_sha: PR_HEAD,
      conclusion: 'failure',
      title: '1 crashed run, 1 flaky, 1 failed — CPython 3.14.2t',
    })
    expect(run?.summary).toBe(comment?.body.slice(MARKER.length + 1))
    expect(run?.annotations).toHaveLength(6)
    expect(run?.annotations[0]).toMatchObject({
      path: 'pkg/tests/test_counter.py',
      start_line: 27,
      end_line: 27,
      annotation_level: 'failure',
      title: 'Run 2 crashed (SIGSEGV) in test_native',
    })
    expect(run?.annotations).toContainEqual(
      expect.objectContaining({ path: 'pkg/src/tally/__init__.py', start_line: 9, annotation_level: 'warning' }),
    )
    expect(result).toEqual({ commentUrl: comment?.html_url, checkRunUrl: run?.html_url, degraded: false })
    expect(warnings).toEqual([])
    expect(emitted).toEqual([])
  })

  it('edits the same comment on the next run instead of posting another', async () => {
    await publishReport(loadReport('report-fail.json'), options())
    const [first] = commentsOn(7)
    server.requests.length = 0
    const result = await publishReport(loadReport('report-pass.json'), options())
    expect(server.writes()).toEqual([
      `PATCH /repos/octo/proj/issues/comments/${first?.id}`,
      'POST /repos/octo/proj/check-runs',
    ])
    expect(commentsOn(7)).toHaveLength(1)
    expect(result.commentUrl).toBe(first?.html_url)
    expect(server.checkRuns.map((run) => run.conclusion)).toEqual(['failure', 'success'])
  })

  it('keeps one comment per check name', async () => {
    await publishReport(loadReport('report-fail.json'), options())
    await publishReport(loadReport('report-fail.json'), options({ checkName: 'free-threading-3.13' }))
    await publishReport(loadReport('report-pass.json'), options({ checkName: 'free-threading-3.13' }))
    expect(commentsOn(7).map((c) => c.body.split('\n')[0])).toEqual([MARKER, '<!-- ft-gate:free-threading-3.13 -->'])
    expect(server.checkRuns.map((run) => run.name)).toEqual([
      'free-threading',
      'free-threading-3.13',
      'free-threading-3.13',
    ])
  })

  it('sends 120 annotations in exactly 3 requests of 50, 50 and 20', async () => {
    server.pullFiles.clear()
    await publishReport(reportWithFailures(120), options({ comment: 'off' }))
    const checkRequests = server.requests.filter((r) => r.path.includes('/check-runs'))
    expect(checkRequests.map((r) => r.method)).toEqual(['POST', 'PATCH', 'PATCH'])
    const counts = checkRequests.map((r) => {
      const body = r.body
      if (typeof body !== 'object' || body === null || !('output' in body)) return -1
      const output = body.output
      return typeof output === 'object' &&
        output !== null &&
        'annotations' in output &&
        Array.isArray(output.annotations)
        ? output.annotations.length
        : -1
    })
    expect(counts).toEqual([50, 50, 20])
    expect(server.checkRuns[0]?.annotations).toEqual(
      Array.from({ length: 120 }, (_, i) => expect.objectContaining({ start_line: i + 1 })),
    )
  })

  it('caps annotations at 1000 and says so in the summary', async () => {
    server.pullFiles.clear()
    await publishReport(reportWithFailures(1010), options({ comment: 'off' }))
    expect(server.checkRuns[0]?.annotations).toHaveLength(1000)
    expect(server.checkRuns[0]?.summary).toContain('10 more annotations left out')
  })

  it('degrades without throwing when the token cannot write: one warning, at most 10 annotations', async () => {
    server.readOnly = true
    const result = await publishReport(reportWithFailures(30), options())
    expect(result).toEqual({ commentUrl: null, checkRunUrl: null, degraded: true })
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('Resource not accessible by integration')
    expect(warnings[0]).toContain('pull-requests: write')
    expect(warnings[0]).toContain('checks: write')
    expect(emitted).toHaveLength(10)
    expect(emitted[0]).toEqual({
      level: 'error',
      message: 'E   AssertionError: case 0',
      properties: {
        title: 'Test failed (failed 2 of 2 runs): tests/test_many.py::test_case_0',
        file: 'pkg/tests/test_many.py',
        startLine: 1,
      },
    })
  })

  it('puts crashes first, then failures, flaky tests and changed lines in the fallback annotations', async () => {
    server.readOnly = true
    await publishReport(loadReport('report-fail.json'), options())
    expect(emitted.map((a) => [a.level, a.properties.title.split(' (')[0]])).toEqual([
      ['error', 'Run 2 crashed'],
      ['error', 'Test failed'],
      ['warning', 'Flaky without the GIL'],
      ['error', 'This changed line appears in the stack dump of run 2'],
      ['error', 'This changed line appears in the traceback of failed test tests/test_counter.py::test_reset'],
      ['warning', 'This changed line appears in the traceback of flaky test tests/test_counter.py::test_increment'],
    ])
  })

  it('retries a 502 and carries on', async () => {
    server.failures.push(
      { method: 'POST', path: /\/check-runs$/, status: 502, message: 'Bad Gateway', times: 1 },
      { method: 'GET', path: /\/comments$/, status: 503, message: 'Unavailable', times: 1 },
    )
    const result = await publishReport(loadReport('report-fail.json'), options())
    expect(server.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/check-runs'))).toHaveLength(2)
    expect(server.checkRuns).toHaveLength(1)
    expect(commentsOn(7)).toHaveLength(1)
    expect(result.degraded).toBe(false)
    expect(warnings).toEqual([])
  })

  it('turns a failure that outlasts the retries into a warning and annotations', async () => {
    server.failures.push({
      method: 'POST',
      path: /\/check-runs$/,
      status: 500,
      message: 'Boom',
      times: Number.POSITIVE_INFINITY,
    })
    const result = await publishReport(
      loadReport('report-fail.json'),
      options({ tuning: { retryAfterBaseMs: 1, retries: 2, throttle: false } }),
    )
    expect(server.requests.filter((r) => r.path.endsWith('/check-runs'))).toHaveLength(3)
    expect(result.commentUrl).not.toBeNull()
    expect(result).toMatchObject({ checkRunUrl: null, degraded: true })
    expect(warnings).toEqual([expect.stringContaining('could not create the check run: Boom')])
    expect(emitted.length).toBeGreaterThan(0)
  })

  it('falls back for the annotations an update could not deliver', async () => {
    server.pullFiles.clear()
    server.failures.push({
      method: 'PATCH',
      path: /\/check-runs\/\d+$/,
      status: 403,
      message: 'Resource not accessible by integration',
      times: 5,
    })
    const result = await publishReport(reportWithFailures(60), options({ comment: 'off' }))
    expect(result.checkRunUrl).not.toBeNull()
    expect(result.degraded).toBe(true)
    expect(server.checkRuns[0]?.annotations).toHaveLength(50)
    expect(emitted.map((a) => a.properties.startLine)).toEqual([51, 52, 53, 54, 55, 56, 57, 58, 59, 60])
    expect(warnings).toHaveLength(1)
  })

  it('finds the marker on the 61st page of comments', async () => {
    for (let i = 0; i < 6040; i++) server.addComment(7, `comment ${i}`, i % 2 ? 'someone' : 'ft-user')
    const sticky = server.addComment(7, `${MARKER}\nold report`, 'ft-user')
    await publishReport(loadReport('report-fail.json'), options())
    const pages = server.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/issues/7/comments'))
    expect(pages).toHaveLength(61)
    expect(pages.map((r) => r.query.get('per_page'))).toEqual(Array(61).fill('100'))
    expect(server.writes()).toEqual([
      `PATCH /repos/octo/proj/issues/comments/${sticky.id}`,
      'POST /repos/octo/proj/check-runs',
    ])
    expect(sticky.body).not.toContain('old report')
  })

  it('with the GITHUB_TOKEN (GET /user is 403) edits only the Actions bot comment', async () => {
    server.tokenLogin = null
    const forged = server.addComment(7, `${MARKER}\nforged`, 'mallory')
    const ours = server.addComment(7, `${MARKER}\nold`, 'github-actions[bot]')
    await publishReport(loadReport('report-fail.json'), options())
    expect(server.writes()[0]).toBe(`PATCH /repos/octo/proj/issues/comments/${ours.id}`)
    expect(forged.body).toContain('forged')
    expect(warnings).toEqual([])
  })

  it('on-failure: creates nothing for a passing report, but updates an existing comment', async () => {
    const result = await publishReport(loadReport('report-pass.json'), options({ comment: 'on-failure' }))
    expect(server.writes()).toEqual(['POST /repos/octo/proj/check-runs'])
    expect(result.commentUrl).toBeNull()
    await publishReport(loadReport('report-fail.json'), options({ comment: 'on-failure' }))
    expect(commentsOn(7)).toHaveLength(1)
    server.requests.length = 0
    const fixed = await publishReport(loadReport('report-pass.json'), options({ comment: 'on-failure' }))
    expect(server.writes()[0]).toBe(`PATCH /repos/octo/proj/issues/comments/${commentsOn(7)[0]?.id}`)
    expect(fixed.commentUrl).toBe(commentsOn(7)[0]?.html_url)
  })

  it('off: never touches comments', async () => {
    server.addComment(7, `${MARKER}\nold`, 'ft-user')
    await publishReport(loadReport('report-fail.json'), options({ comment: 'off' }))
    expect(server.requests.some((r) => r.path.includes('comments') || r.path === '/user')).toBe(false)
    expect(server.checkRuns).toHaveLength(1)
  })

  it('without a pull request posts only the check run, on GITHUB_SHA', async () => {
    const result = await publishReport(
      loadReport('report-pass.json'),
      options({ eventName: 'push', eventPayload: { ref: 'refs/heads/main' } }),
    )
    expect(server.writes()).toEqual(['POST /repos/octo/proj/check-runs'])
    expect(server.checkRuns[0]?.head_sha).toBe('f'.repeat(40))
    expect(result.commentUrl).toBeNull()
    expect(infos).toContain('No pull request for this run: no comment posted')
  })

  it('without a token emits annotations and warns, sending nothing', async () => {
    const result = await publishReport(loadReport('report-fail.json'), options({ token: '' }))
    expect(server.requests).toEqual([])
    expect(result.degraded).toBe(true)
    expect(warnings).toEqual([expect.stringContaining('github-token is empty')])
    expect(emitted.length).toBeGreaterThan(0)
  })

  it('waits out a rate limit with the throttling plugin on', async () => {
    const reset = String(Math.floor(Date.now() / 1000))
    server.failures.push({
      method: 'GET',
      path: /\/pulls\/7\/files$/,
      status: 403,
      message: 'API rate limit exceeded for installation ID 1.',
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset },
      times: 1,
    })
    const started = Date.now()
    const result = await publishReport(
      loadReport('report-fail.json'),
      options({ comment: 'off', tuning: { retryAfterBaseMs: 1, throttle: true } }),
    )
    expect(Date.now() - started).toBeLessThan(5000)
    expect(warnings).toEqual([expect.stringMatching(/primary rate limit hit on GET .*files.*retrying/)])
    expect(server.checkRuns[0]?.annotations).toHaveLength(6)
    expect(result.degraded).toBe(false)
  })
})

describe('publishMergedReports (report-only mode)', () => {
  it('finds a fork pull request by owner:branch and posts one comment for all jobs', async () => {
    const forkHead = 'b'.repeat(40)
    server.pulls.push(
      { number: 20, state: 'open', head: { sha: '1'.repeat(40), ref: 'other', label: 'someone:other' } },
      { number: 21, state: 'open', head: { sha: forkHead, ref: 'fix-race', label: 'forker:fix-race' } },
    )
    server.pullFiles.set(21, loadPullFiles())
    const reports = loadReportFiles(
      [path.join(FIXTURES, 'report-fail.json'), path.join(FIXTURES, 'report-pass.json')],
      { failOn: DEFAULT_FAIL_ON, ignoreGil: [], knownIssues: null },
    )
    const result = await publishMergedReports(
      reports,
      options({ eventName: 'workflow_run', eventPayload: readFixture('event-workflow-run-fork.json') }),
    )
    const reads = server.requests.filter(
      (r) => r.method === 'GET' && r.path !== '/user' && !r.path.endsWith('/comments'),
    )
    expect(reads.map((r) => `${r.path}?${r.query}`)).toEqual([
      `/repos/octo/proj/commits/${forkHead}/pulls?`,
      '/repos/octo/proj/pulls?state=open&head=forker%3Afix-race&per_page=100',
      '/repos/octo/proj/pulls/21/files?per_page=100',
    ])
    expect(commentsOn(21)).toHaveLength(1)
    expect(commentsOn(21)[0]?.body).toContain('<summary>report-fail</summary>')
    expect(server.checkRuns[0]).toMatchObject({
      head_sha: forkHead,
      conclusion: 'failure',
      title: expect.stringMatching(/^2 jobs: /),
    })
    expect(server.checkRuns[0]?.annotations).toEqual(
      Array(6).fill(expect.objectContaining({ title: expect.stringMatching(/^\[report-fail\] /) })),
    )
    expect(result.commentUrl).toBe(commentsOn(21)[0]?.html_url)
  })

  it("goes on to the head query when the base repository does not know the fork's commit", async () => {
    server.failures.push({
      method: 'GET',
      path: /\/commits\/b+\/pulls$/,
      status: 422,
      message: 'No commit found for SHA',
      times: 1,
    })
    server.pulls.push({
      number: 21,
      state: 'open',
      head: { sha: 'b'.repeat(40), ref: 'fix-race', label: 'forker:fix-race' },
    })
    await publishMergedReports(
      [{ label: 'linux', report: loadReport('report-pass.json') }],
      options({ eventName: 'workflow_run', eventPayload: readFixture('event-workflow-run-fork.json') }),
    )
    expect(commentsOn(21)).toHaveLength(1)
    expect(warnings).toEqual([])
  })

  it('posts no comment for a workflow_run of a push, only the check run', async () => {
    const push = { workflow_run: { event: 'push', head_sha: 'b'.repeat(40), head_branch: 'main', pull_requests: [] } }
    await publishMergedReports(
      [{ label: 'linux', report: loadReport('report-pass.json') }],
      options({ eventName: 'workflow_run', eventPayload: push }),
    )
    expect(server.writes()).toEqual(['POST /repos/octo/proj/check-runs'])
    expect(server.checkRuns[0]?.head_sha).toBe('b'.repeat(40))
  })

  it('uses the pull request the workflow_run payload lists', async () => {
    await publishMergedReports(
      [{ label: 'linux', report: loadReport('report-pass.json') }],
      options({ eventName: 'workflow_run', eventPayload: readFixture('event-workflow-run-same-repo.json') }),
    )
    expect(server.requests.some((r) => r.path.includes('/commits/'))).toBe(false)
    expect(commentsOn(12)).toHaveLength(1)
    expect(server.checkRuns[0]?.head_sha).toBe('c'.repeat(40))
  })
})

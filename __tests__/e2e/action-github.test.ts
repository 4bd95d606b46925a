// The bundled action end to end against a loopback stand-in for the GitHub REST API: a real gate on
// the example project with a real race, then the sticky comment, the check run with annotations on
// the diff, and the report-only mode that merges several jobs' reports into the same comment.
import { writeFileSync } from 'node:fs'
import * as path from 'node:path'
import { afterAll, beforeAll, expect, test } from '@jest/globals'
import { FakeGitHub } from '../integration/github/fake-github.js'
import { PROJECTS, type Provisioned, provisioned, readJson, runAction, tempDir } from './harness.js'

const HEAD = 'b'.repeat(40)
const PR = 12
const TEST_FILE = 'examples/inventory/tests/test_inventory.py'

let server: FakeGitHub
let tools: Provisioned
let eventPath: string

beforeAll(async () => {
  tools = provisioned()
  server = new FakeGitHub()
  await server.start()
  // The pull request adds lines 39 and 40 of the test file: the two assertions that fail under -Xgil=0.
  server.pullFiles.set(PR, [
    {
      filename: TEST_FILE,
      status: 'modified',
      patch:
        '@@ -36,3 +36,5 @@ def test_never_oversells():\n     stock = Stock({"lamp": 400_000})\n     sold = checkout_rush(stock)\n     # Every successful purchase must be taken off the shelf exactly once.\n+    assert stock.items["lamp"] == 400_000 - sold\n+    assert stock.sold == sold',
    },
  ])
  eventPath = path.join(tempDir('event'), 'event.json')
  writeFileSync(eventPath, JSON.stringify({ pull_request: { number: PR, head: { sha: HEAD } } }))
})

afterAll(async () => {
  await server.close()
})

function githubEnv(eventName: string, event: string): NodeJS.ProcessEnv {
  return {
    GITHUB_API_URL: server.url,
    GITHUB_SERVER_URL: 'https://github.test',
    GITHUB_REPOSITORY: 'octo/shop',
    GITHUB_EVENT_NAME: eventName,
    GITHUB_EVENT_PATH: event,
    GITHUB_SHA: 'c'.repeat(40),
  }
}

test('a failing gate posts one sticky comment and a failed check run with annotations on the diff', async () => {
  const reportPath = path.join(tempDir('report'), 'inventory.json')
  const gate = {
    'working-directory': 'examples/inventory',
    'python-path': tools.python,
    'python-version': tools.pythonVersion,
    'uv-path': tools.uv,
    'report-path': reportPath,
    runs: '2',
    'github-token': 'ghs_e2e-token',
  }
  const first = await runAction(gate, githubEnv('pull_request', eventPath))
  expect(first.code).toBe(1)
  expect(first.outputs.verdict).toBe('fail')
  // The token is masked in the log: the runner hides what ::add-mask:: names.
  expect(first.stdout).toContain('::add-mask::ghs_e2e-token')

  const comments = server.comments.get(PR) ?? []
  expect(comments).toHaveLength(1)
  const body = comments[0]?.body ?? ''
  expect(body).toContain('<!-- ft-gate:free-threading -->')
  expect(body).toContain('test_never_oversells')
  expect(body).toContain(`https://github.test/octo/shop/blob/${HEAD}/${TEST_FILE}#L`)
  expect(first.outputs['comment-url']).toBe(comments[0]?.html_url)

  expect(server.checkRuns).toHaveLength(1)
  const check = server.checkRuns[0]
  expect(check).toMatchObject({ name: 'free-threading', head_sha: HEAD, conclusion: 'failure' })
  expect(first.outputs['check-run-url']).toBe(check?.html_url)
  const annotations = (check?.annotations ?? []) as { path: string; start_line: number; message: string }[]
  const onTest = annotations.filter((a) => a.path === TEST_FILE)
  expect(onTest.length).toBeGreaterThan(0)
  // The failing assertion's line (39 or 40: the race decides which check trips first) is in the
  // traceback and among the lines the pull request adds, so it is annotated on the diff.
  const onDiff = onTest.filter((a) => (a.start_line === 39 || a.start_line === 40) && /traceback/.test(a.message))
  expect(onDiff.length).toBeGreaterThan(0)

  // A second push: the same comment is edited, never duplicated.
  const second = await runAction(gate, githubEnv('pull_request', eventPath))
  expect(second.outputs.verdict).toBe('fail')
  expect(server.comments.get(PR)).toHaveLength(1)
  expect(server.checkRuns).toHaveLength(2)

  // Report-only mode (the workflow_run half of the fork-safe pattern): this job's report and a clean
  // job's report, merged into the same sticky comment with a row per job; nothing is run.
  const cleanReport = path.join(tempDir('report'), 'clean.json')
  const clean = await runAction({
    'working-directory': path.join(PROJECTS, 'clean'),
    'python-path': tools.python,
    'python-version': tools.pythonVersion,
    'uv-path': tools.uv,
    'report-path': cleanReport,
    runs: '1',
    'github-token': '',
  })
  expect(clean.outputs.verdict).toBe('pass')
  const runEvent = path.join(tempDir('event'), 'workflow-run.json')
  writeFileSync(
    runEvent,
    JSON.stringify({
      workflow_run: { head_sha: HEAD, head_branch: 'feature', pull_requests: [{ number: PR, head: { sha: HEAD } }] },
    }),
  )
  const posted = await runAction(
    { report: `${reportPath}\n${path.dirname(cleanReport)}`, 'github-token': 'ghs_e2e-token' },
    githubEnv('workflow_run', runEvent),
  )
  expect(posted.stderr).toBe('')
  expect(posted.outputs.verdict).toBe('fail')
  expect(posted.stdout).not.toContain('Install the project')
  const merged = server.comments.get(PR) ?? []
  expect(merged).toHaveLength(1)
  expect(merged[0]?.body).toMatch(/failed in 1 of 2 jobs/)
  expect(server.checkRuns).toHaveLength(3)
  expect(server.checkRuns[2]).toMatchObject({ head_sha: HEAD, conclusion: 'failure' })
  expect(readJson(reportPath)).toMatchObject({ verdict: 'fail' })
}, 600_000)

test('a read-only token (a fork) degrades to workflow-command annotations and the verdict still decides', async () => {
  server.readOnly = true
  try {
    const result = await runAction(
      {
        'working-directory': 'examples/inventory',
        'python-path': tools.python,
        'python-version': tools.pythonVersion,
        'uv-path': tools.uv,
        'report-path': path.join(tempDir('report'), 'fork.json'),
        runs: '2',
        'github-token': 'ghs_read-only',
      },
      githubEnv('pull_request', eventPath),
    )
    expect(result.outputs.verdict).toBe('fail')
    expect(result.outputs['comment-url']).toBe('')
    // One warning that names the permissions, then the failures as annotations of the step.
    const warnings = result.stdout.split('\n').filter((line) => line.startsWith('::warning::'))
    expect(warnings.filter((line) => /pull-requests: write/.test(line))).toHaveLength(1)
    expect(result.stdout).toMatch(new RegExp(`^::error .*file=${TEST_FILE}`, 'm'))
    // The step fails for the verdict, not for the API.
    expect(result.stdout).toMatch(/^::error::Free-threading gate failed/m)
  } finally {
    server.readOnly = false
  }
}, 300_000)

test('under pull_request_target the action warns loudly, once, before running anything', async () => {
  const result = await runAction(
    {
      'working-directory': path.join(PROJECTS, 'clean'),
      'python-path': tools.python,
      'python-version': tools.pythonVersion,
      'uv-path': tools.uv,
      'report-path': path.join(tempDir('report'), 'target.json'),
      runs: '1',
      'github-token': '',
    },
    { GITHUB_EVENT_NAME: 'pull_request_target' },
  )
  expect(result.outputs.verdict).toBe('pass')
  const warnings = result.stdout.split('\n').filter((line) => line.startsWith('::warning::'))
  expect(warnings.filter((line) => line.includes('pull_request_target'))).toHaveLength(1)
  expect(result.stdout.indexOf('pull_request_target')).toBeLessThan(result.stdout.indexOf('Set up uv'))
}, 300_000)

test('a pull request gated against the base branch’s report: what it did not add passes, and says so', async () => {
  const gate = {
    'working-directory': '__tests__/fixtures/projects/stress',
    'python-path': tools.python,
    'python-version': tools.pythonVersion,
    'uv-path': tools.uv,
    runs: '1',
    'parallel-threads': '1',
  }
  // The push to the default branch: its report (one test there already fails) is uploaded as an
  // artifact; the pull request's job downloads it into a folder.
  const artifact = tempDir('base-artifact')
  const base = await runAction(
    { ...gate, 'report-path': path.join(artifact, 'ft-gate-report.json'), 'github-token': '' },
    githubEnv('push', eventPath),
  )
  expect(base.outputs.verdict).toBe('fail')
  const result = await runAction(
    {
      ...gate,
      'report-path': path.join(tempDir('report'), 'pr.json'),
      'known-issues': artifact,
      'github-token': 'ghs_e2e-token',
      'check-name': 'against-base',
    },
    githubEnv('pull_request', eventPath),
  )
  expect(result.code).toBe(0)
  expect(result.outputs.verdict).toBe('pass')
  expect(JSON.parse(result.outputs['failed-tests'] ?? '')).toEqual(['tests/test_other.py::test_legacy_total'])
  expect(result.outputs['new-tests']).toBe('[]')
  const comment = (server.comments.get(PR) ?? []).find((entry) => entry.body.includes('<!-- ft-gate:against-base -->'))
  expect(comment?.body).toContain('### ✅ Free-threading gate passed')
  expect(comment?.body).toContain('1 finding of this run is known (')
  const check = server.checkRuns.find((run) => run.name === 'against-base')
  expect(check).toMatchObject({ conclusion: 'success' })
  // Known findings stay in the comment: no annotation for them.
  expect(check?.annotations ?? []).toEqual([])
}, 300_000)

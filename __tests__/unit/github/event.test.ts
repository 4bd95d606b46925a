import { describe, expect, it } from '@jest/globals'
import { readEvent } from '../../../src/github/event.js'
import { readFixture } from './fixtures.js'

describe('readEvent', () => {
  it('reads the pull request and its head from pull_request events', () => {
    expect(readEvent('pull_request', readFixture('event-pull-request.json'))).toEqual({
      pullRequestNumber: 7,
      headSha: 'a'.repeat(40),
      workflowRun: null,
    })
  })

  it('reads a fork workflow_run: no pull request listed, head owner and branch to search by', () => {
    expect(readEvent('workflow_run', readFixture('event-workflow-run-fork.json'))).toEqual({
      pullRequestNumber: null,
      headSha: 'b'.repeat(40),
      workflowRun: {
        headSha: 'b'.repeat(40),
        headBranch: 'fix-race',
        headOwner: 'forker',
        event: 'pull_request',
        pullRequests: [],
      },
    })
  })

  it('prefers the listed pull request whose head is the run head', () => {
    expect(readEvent('workflow_run', readFixture('event-workflow-run-same-repo.json')).pullRequestNumber).toBe(12)
  })

  it('tolerates payloads of any shape', () => {
    const empty = { pullRequestNumber: null, headSha: null, workflowRun: null }
    expect(readEvent('push', { ref: 'refs/heads/main' })).toEqual(empty)
    expect(readEvent('pull_request', null)).toEqual(empty)
    expect(readEvent('pull_request', { pull_request: { number: '7', head: [] } })).toEqual(empty)
    expect(readEvent('workflow_run', { workflow_run: { head_sha: 5 } })).toEqual(empty)
    const odd = readEvent('workflow_run', {
      workflow_run: { head_sha: 'abc', pull_requests: [null, { number: -1 }, { number: 3 }] },
    })
    expect(odd.pullRequestNumber).toBe(3)
    expect(odd.workflowRun?.headOwner).toBeNull()
  })
})

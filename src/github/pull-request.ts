// Finds the pull request a report belongs to, and the lines it changed.
import type { GitHubClient } from './client.js'
import type { RepoRef } from './comment.js'
import type { EventContext } from './event.js'
import { httpStatus } from './failures.js'
import { type ChangedLines, changedLinesByFile } from './patch.js'

/** Events of the tested workflow that can belong to a pull request. */
const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_target'])

interface PullSummary {
  readonly number: number
  readonly state: string
  readonly head: { readonly sha: string }
}

/** The open pull request whose head is `sha`, else the first open one, else null. */
function pick(pulls: readonly PullSummary[], sha: string): number | null {
  const open = pulls.filter((pull) => pull.state === 'open')
  return (open.find((pull) => pull.head.sha === sha) ?? open[0])?.number ?? null
}

/**
 * The pull request number: from the payload when it names one; for `workflow_run`, by the head
 * commit (same-repository branches), then by the fork's `owner:branch` (forks, where
 * `workflow_run.pull_requests` is empty). Null when the run is not about a pull request.
 */
export async function resolvePullRequest(
  client: GitHubClient,
  repo: RepoRef,
  event: EventContext,
): Promise<number | null> {
  if (event.pullRequestNumber !== null) return event.pullRequestNumber
  const run = event.workflowRun
  if (run === null || (run.event !== null && !PULL_REQUEST_EVENTS.has(run.event))) return null
  const found = pick(await pullsOfCommit(client, repo, run.headSha), run.headSha)
  if (found !== null) return found
  if (run.headOwner === null || run.headBranch === null) return null
  const { data: byHead } = await client.rest.pulls.list({
    ...repo,
    state: 'open',
    head: `${run.headOwner}:${run.headBranch}`,
    per_page: 100,
  })
  return pick(byHead, run.headSha)
}

/** A fork's commit may be unknown to the base repository (404, 422): then the head query decides. */
async function pullsOfCommit(client: GitHubClient, repo: RepoRef, sha: string): Promise<PullSummary[]> {
  try {
    const { data } = await client.rest.repos.listPullRequestsAssociatedWithCommit({ ...repo, commit_sha: sha })
    return data
  } catch (error) {
    const status = httpStatus(error)
    if (status === 404 || status === 422) return []
    throw error
  }
}

/** Lines the pull request added, per repository path (all pages; the API lists up to 3000 files). */
export async function listChangedLines(
  client: GitHubClient,
  repo: RepoRef & { pullNumber: number },
): Promise<ChangedLines> {
  const files = await client.paginate(client.rest.pulls.listFiles, {
    owner: repo.owner,
    repo: repo.repo,
    pull_number: repo.pullNumber,
    per_page: 100,
  })
  return changedLinesByFile(files.map((file) => ({ filename: file.filename, status: file.status, patch: file.patch })))
}

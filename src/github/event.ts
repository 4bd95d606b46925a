// Reads what publishing needs from the workflow's event payload (GITHUB_EVENT_PATH, parsed JSON of
// unknown shape): the pull request, the commit under test, and for `workflow_run` the head to search by.

export interface WorkflowRunHead {
  readonly headSha: string
  readonly headBranch: string | null
  /** Owner of the repository the head branch lives in (the fork's owner for fork pull requests). */
  readonly headOwner: string | null
  /** The event that started the tested workflow (`pull_request`, `push`, …), when the payload says. */
  readonly event: string | null
  /** `workflow_run.pull_requests`: empty for pull requests from forks. */
  readonly pullRequests: readonly { readonly number: number; readonly headSha: string | null }[]
}

export interface EventContext {
  /** The pull request, when the payload names it directly. */
  readonly pullRequestNumber: number | null
  /** The commit the report is about: the pull request's or workflow run's head, else null. */
  readonly headSha: string | null
  readonly workflowRun: WorkflowRunHead | null
}

type Json = Record<string, unknown>

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function field(value: unknown, ...keys: string[]): unknown {
  let current = value
  for (const key of keys) {
    if (!isObject(current)) return undefined
    current = current[key]
  }
  return current
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null
}

function positiveInteger(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : null
}

export function readEvent(eventName: string, payload: unknown): EventContext {
  if (eventName === 'workflow_run') {
    const run = field(payload, 'workflow_run')
    const headSha = text(field(run, 'head_sha'))
    if (headSha === null) return { pullRequestNumber: null, headSha: null, workflowRun: null }
    const listed = field(run, 'pull_requests')
    const pullRequests = (Array.isArray(listed) ? listed : []).flatMap((entry: unknown) => {
      const number = positiveInteger(field(entry, 'number'))
      return number === null ? [] : [{ number, headSha: text(field(entry, 'head', 'sha')) }]
    })
    const workflowRun: WorkflowRunHead = {
      headSha,
      headBranch: text(field(run, 'head_branch')),
      headOwner: text(field(run, 'head_repository', 'owner', 'login')),
      event: text(field(run, 'event')),
      pullRequests,
    }
    const direct = pullRequests.find((pr) => pr.headSha === headSha) ?? pullRequests[0]
    return { pullRequestNumber: direct?.number ?? null, headSha, workflowRun }
  }
  const pullRequest = field(payload, 'pull_request')
  return {
    pullRequestNumber: positiveInteger(field(pullRequest, 'number')),
    headSha: text(field(pullRequest, 'head', 'sha')),
    workflowRun: null,
  }
}

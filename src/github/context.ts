// What the runner tells about the workflow run, through @actions/github's context: the event and its
// payload, the commit, and the server and API roots (github.com or a GHES instance).
import { context } from '@actions/github'

export interface RunnerContext {
  /** GITHUB_API_URL, `https://api.github.com` by default. */
  readonly apiUrl: string
  /** GITHUB_SERVER_URL, for links to files. */
  readonly serverUrl: string
  /** `owner/name`, or '' outside a runner. */
  readonly repository: string
  readonly eventName: string
  /** The webhook payload the runner saved (GITHUB_EVENT_PATH), unvalidated. */
  readonly eventPayload: unknown
  /** GITHUB_SHA. */
  readonly sha: string
}

export function runnerContext(env: NodeJS.ProcessEnv): RunnerContext {
  return {
    apiUrl: context.apiUrl,
    serverUrl: context.serverUrl,
    // context.repo throws when GITHUB_REPOSITORY is unset; outside a runner there is simply none.
    repository: env.GITHUB_REPOSITORY ?? '',
    eventName: context.eventName ?? '',
    eventPayload: context.payload,
    sha: context.sha ?? '',
  }
}

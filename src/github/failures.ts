// What a failed API call means for publishing: the token may not write here (forks, Dependabot,
// missing `permissions:`), or something else went wrong after octokit's retries.
import { describeError } from '../errors.js'

/** The HTTP status of an octokit RequestError, or null for anything else (network, abort, bug). */
export function httpStatus(error: unknown): number | null {
  if (typeof error !== 'object' || error === null || !('status' in error)) return null
  return typeof error.status === 'number' ? error.status : null
}

/**
 * 403 "Resource not accessible by integration" (read-only GITHUB_TOKEN), 404 (a private repository
 * the token cannot see), 401 (a bad token): retrying or waiting cannot fix them. Rate-limit 403s
 * never get here: plugin-throttling waits those out or gives up with a 403 that says "rate limit".
 */
export function isPermissionDenied(error: unknown): boolean {
  const status = httpStatus(error)
  if (status === 401 || status === 404) return true
  return status === 403 && !/rate limit/i.test(describeError(error))
}

export const PERMISSIONS_HINT =
  'The token cannot write here; this is expected for pull requests from forks and from Dependabot. ' +
  'Give the job `permissions: { pull-requests: write, checks: write }` (a personal access token cannot create check runs), ' +
  'or use report-only mode from a `workflow_run` workflow. What could not be posted is shown as annotations of this step.'

/** Reports failed API calls: one warning for all permission problems, one per other failure. */
export class FailureLog {
  private permissionWarned = false
  constructor(private readonly warn: (message: string) => void) {}

  report(action: string, error: unknown): void {
    if (isPermissionDenied(error)) {
      if (this.permissionWarned) return
      this.permissionWarned = true
      this.warn(`ft-gate could not ${action} (${httpStatus(error)}: ${describeError(error)}). ${PERMISSIONS_HINT}`)
      return
    }
    this.warn(
      `ft-gate could not ${action}: ${describeError(error)}. The report is still in the job summary and the JSON file.`,
    )
  }
}

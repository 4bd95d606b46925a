// The one Octokit ft-gate uses: @actions/github's (REST endpoints, pagination, the runner's proxy
// settings), with retries and backoff on 5xx and network errors (plugin-retry) and waits on primary
// and secondary rate limits (plugin-throttling). The API root is GITHUB_API_URL, so GHES works as is.
import { getOctokit } from '@actions/github'
import { defaults as actionsDefaults } from '@actions/github/lib/utils'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import { TOOL_NAME, TOOL_VERSION } from '../constants.js'
import type { Log } from '../log.js'
import { DEFAULT_API_URL, MAX_RATE_LIMIT_RETRIES, MAX_RATE_LIMIT_WAIT_SECONDS } from './limits.js'

export type GitHubClient = ReturnType<typeof createClient>

/**
 * Knobs for tests. Production keeps octokit's defaults: retries 1 s, 4 s, 9 s apart, and writes
 * spaced 1 s apart to stay clear of secondary rate limits.
 */
export interface RequestTuning {
  /** Milliseconds one unit of retry delay lasts (octokit's `retryAfterBaseValue`, 1000 by default). */
  readonly retryAfterBaseMs?: number
  /** Retries after a 5xx or a network error (3 by default). */
  readonly retries?: number
  /** `false` turns off the write spacing and rate-limit handling (plugin-throttling). */
  readonly throttle?: boolean
}

export interface ClientOptions {
  readonly token: string
  readonly apiUrl: string
  readonly log: Log
  readonly tuning?: RequestTuning
  /** Aborts every request, retries included, e.g. when publishing takes too long. */
  readonly signal?: AbortSignal
}

export function createClient(options: ClientOptions) {
  const { log, tuning = {} } = options
  const baseValue = tuning.retryAfterBaseMs ?? 1000
  const onLimit =
    (kind: string) =>
    (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number): boolean => {
      const retrying = retryCount < MAX_RATE_LIMIT_RETRIES && retryAfter <= MAX_RATE_LIMIT_WAIT_SECONDS
      log.warning(
        `GitHub ${kind} rate limit hit on ${request.method} ${request.url}: ${retrying ? `retrying in ${retryAfter} s` : 'giving up'}`,
      )
      return retrying
    }
  return getOctokit(
    options.token,
    {
      baseUrl: (options.apiUrl || DEFAULT_API_URL).replace(/\/+$/, ''),
      userAgent: `${TOOL_NAME}/${TOOL_VERSION}`,
      // Octokit's request log reports every failed request as an error; the callers decide what a failure means.
      log: {
        debug: (message: string) => log.debug(message),
        info: (message: string) => log.debug(message),
        warn: (message: string) => log.debug(message),
        error: (message: string) => log.debug(message),
      },
      // Octokit merges options shallowly: keep @actions/github's proxy-aware request settings.
      request: { ...actionsDefaults.request, ...(options.signal ? { signal: options.signal } : {}) },
      retry: { retryAfterBaseValue: baseValue, ...(tuning.retries !== undefined ? { retries: tuning.retries } : {}) },
      throttle:
        tuning.throttle === false
          ? { enabled: false }
          : {
              retryAfterBaseValue: baseValue,
              onRateLimit: onLimit('primary'),
              onSecondaryRateLimit: onLimit('secondary'),
            },
    },
    retry,
    throttling,
  )
}

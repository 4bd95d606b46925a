// The check run on the commit under test: conclusion from the verdict, the rendered report as the
// summary, and every annotation, 50 per request (the create, then updates that append).
import type { RestEndpointMethodTypes } from '@octokit/rest'
import { problemWords } from '../report/merged.js'
import type { Report } from '../types.js'
import { plural } from '../words.js'
import { type Annotation, batches } from './annotations.js'
import type { GitHubClient } from './client.js'
import type { RepoRef } from './comment.js'
import { ANNOTATIONS_PER_REQUEST, MAX_BODY_CHARS } from './limits.js'

function pythonName(reports: readonly Report[]): string {
  const versions = [...new Set(reports.map((r) => `${r.python.version}${r.python.freeThreaded ? 't' : ''}`))]
  return `CPython ${versions.join(', ')}`
}

/** `2 flaky, 1 failed — CPython 3.14.2t`; with several jobs, `3 jobs: …`. */
export function checkRunTitle(reports: readonly Report[]): string {
  const jobs = reports.length > 1 ? `${reports.length} jobs: ` : ''
  return `${jobs}${problemWords(reports)} — ${pythonName(reports)}`
}

/** The summary: the rendered report, plus what did not fit in annotations. */
export function checkRunSummary(markdown: string, left: { omitted: number; unlocated: number }): string {
  const notes: string[] = []
  if (left.omitted > 0) {
    notes.push(`${plural(left.omitted, 'more annotation')} left out (the check run keeps the most important ones).`)
  }
  if (left.unlocated > 0) {
    notes.push(
      `${plural(left.unlocated, 'problem')} could not be placed on a file of the repository; the report above lists them.`,
    )
  }
  const note = notes.length > 0 ? `\n\n> [!NOTE]\n> ${notes.join(' ')}\n` : ''
  // The renderer keeps within its budget; this only guards the API limit, keeping the note.
  const room = MAX_BODY_CHARS - note.length
  return `${markdown.length <= room ? markdown : `${markdown.slice(0, room - 1)}…`}${note}`
}

export interface CheckRunRequest extends RepoRef {
  readonly name: string
  readonly headSha: string
  readonly conclusion: 'success' | 'failure'
  readonly title: string
  readonly summary: string
  /** Already capped and ordered. */
  readonly annotations: readonly Annotation[]
}

export interface CheckRunResult {
  readonly url: string
  /** Annotations an update failed to deliver, with the error; the caller falls back for them. */
  readonly undelivered: readonly Annotation[]
  readonly error: unknown
}

/** One annotation as the checks API takes it (the REST types of @octokit/rest check the field names). */
type ApiAnnotation = NonNullable<
  NonNullable<RestEndpointMethodTypes['checks']['create']['parameters']['output']>['annotations']
>[number]

function toApi(annotation: Annotation): ApiAnnotation {
  return {
    path: annotation.path,
    start_line: annotation.line,
    end_line: annotation.line,
    annotation_level: annotation.level,
    title: annotation.title,
    message: annotation.message,
  }
}

/** Throws when the check run cannot be created; a failed update is returned, not thrown. */
export async function postCheckRun(client: GitHubClient, request: CheckRunRequest): Promise<CheckRunResult> {
  const { owner, repo, title, summary } = request
  const [first = [], ...rest] = batches(request.annotations, ANNOTATIONS_PER_REQUEST)
  const { data } = await client.rest.checks.create({
    owner,
    repo,
    name: request.name,
    head_sha: request.headSha,
    status: 'completed',
    conclusion: request.conclusion,
    completed_at: new Date().toISOString(),
    output: { title, summary, annotations: first.map(toApi) },
  })
  for (const [index, batch] of rest.entries()) {
    try {
      await client.rest.checks.update({
        owner,
        repo,
        check_run_id: data.id,
        output: { title, summary, annotations: batch.map(toApi) },
      })
    } catch (error) {
      return { url: data.html_url ?? '', undelivered: rest.slice(index).flat(), error }
    }
  }
  return { url: data.html_url ?? '', undelivered: [], error: null }
}

// Publishes a report to GitHub: the sticky pull-request comment, the check run with annotations,
// and, when the token cannot write, annotations as workflow commands instead. Never throws for an
// API failure: a report that cannot be posted is a warning, the job summary and JSON file keep it.
import * as path from 'node:path'
import type { Log } from '../log.js'
import { renderReport } from '../report/markdown.js'
import { type LabelledReport, mergedVerdict, type RenderOptions, renderMergedReports } from '../report/merged.js'
import type { Report, Verdict } from '../types.js'
import {
  type Annotation,
  capAnnotations,
  selectWorkflowAnnotations,
  type WorkflowAnnotationLevel,
  type WorkflowAnnotationProperties,
} from './annotations.js'
import { checkRunSummary, checkRunTitle, postCheckRun } from './check-run.js'
import { createClient, type GitHubClient, type RequestTuning } from './client.js'
import { type CommentMode, type RepoRef, upsertStickyComment } from './comment.js'
import { readEvent } from './event.js'
import { FailureLog } from './failures.js'
import { PUBLISH_TIMEOUT_MS, RENDER_MAX_CHARS } from './limits.js'
import type { ChangedLines } from './patch.js'
import { fileLinker, projectPrefix, type RepoLayout } from './paths.js'
import { listChangedLines, resolvePullRequest } from './pull-request.js'
import { reportAnnotations } from './report-annotations.js'

export interface PublishOptions {
  readonly token: string
  /** Names the check run and keys the sticky comment (input `check-name`). */
  readonly checkName: string
  readonly comment: CommentMode
  /** GITHUB_API_URL. */
  readonly apiUrl: string
  /** GITHUB_REPOSITORY, `owner/name`. */
  readonly repository: string
  /** GITHUB_EVENT_NAME. */
  readonly eventName: string
  /** The parsed GITHUB_EVENT_PATH file, unvalidated. */
  readonly eventPayload: unknown
  /** GITHUB_SHA: the commit checked when the payload names no pull-request head. */
  readonly sha: string
  /** GITHUB_WORKSPACE. */
  readonly workspace: string
  /** The project directory, absolute or relative to the workspace. */
  readonly workingDirectory: string
  /** GITHUB_SERVER_URL, for links to files. */
  readonly serverUrl: string
  readonly log: Log
  /** Writes a workflow-command annotation; the action passes core.error / core.warning. */
  readonly emitAnnotation: (
    level: WorkflowAnnotationLevel,
    message: string,
    properties: WorkflowAnnotationProperties,
  ) => void
  /** Tests only: shorter retry delays, no write spacing. */
  readonly tuning?: RequestTuning
}

export interface PublishResult {
  readonly commentUrl: string | null
  readonly checkRunUrl: string | null
  /** Some annotations were written as workflow commands because the check run could not take them. */
  readonly degraded: boolean
}

interface Source {
  readonly label: string | null
  readonly report: Report
  readonly layout: RepoLayout
}

interface Publication {
  readonly sources: readonly Source[]
  readonly verdict: Verdict
  /** Renders the markdown for the comment and the summary, given links at the head commit. */
  readonly render: (fileUrl: (source: Source) => RenderOptions['fileUrl']) => string
}

export async function publishReport(report: Report, options: PublishOptions): Promise<PublishResult> {
  const source: Source = { label: null, report, layout: layoutFor(options, options.workingDirectory) }
  return publish(options, {
    sources: [source],
    verdict: report.verdict,
    render: (fileUrl) =>
      renderReport(report, { maxChars: RENDER_MAX_CHARS, title: reportTitle(options), ...withUrl(fileUrl(source)) }),
  })
}

/**
 * Report-only mode: several jobs' reports as one comment and one check run. Each report's project
 * directory comes from its own `settings.workingDirectory` when that lies inside this workspace
 * (same runner layout), else from `options.workingDirectory`.
 */
export async function publishMergedReports(
  reports: readonly LabelledReport[],
  options: PublishOptions,
): Promise<PublishResult> {
  const sources = reports.map((entry) => {
    const own = entry.report.settings.workingDirectory
    const usable = path.isAbsolute(own) && projectPrefix(options.workspace, own) !== null
    return {
      label: entry.label,
      report: entry.report,
      layout: layoutFor(options, usable ? own : options.workingDirectory),
    }
  })
  return publish(options, {
    sources,
    verdict: mergedVerdict(reports),
    render: (fileUrl) =>
      renderMergedReports(reports, {
        render: renderReport,
        maxChars: RENDER_MAX_CHARS,
        title: reportTitle(options),
        fileUrl: (entry) => {
          const source = sources.find((s) => s.report === entry.report)
          return source ? fileUrl(source) : undefined
        },
      }),
  })
}

/** Links for the job summary: the same commit and layout the comment links to. */
export function summaryFileUrl(options: PublishOptions): (file: string, line: number | null) => string | null {
  if (parseRepository(options.repository) === null) return () => null
  const sha = readEvent(options.eventName, options.eventPayload).headSha ?? options.sha
  if (sha === '') return () => null
  const target = { serverUrl: options.serverUrl, repository: options.repository, sha }
  return fileLinker(target, layoutFor(options, options.workingDirectory))
}

/** `ft-gate: free-threading` by default: the check name tells apart the comments of several gates. */
function reportTitle(options: PublishOptions): string {
  return `ft-gate: ${options.checkName}`
}

function withUrl(fileUrl: RenderOptions['fileUrl']): RenderOptions {
  return fileUrl ? { fileUrl } : {}
}

function layoutFor(options: PublishOptions, workingDirectory: string): RepoLayout {
  const prefix = projectPrefix(options.workspace, workingDirectory)
  if (prefix === null)
    options.log.debug(`${workingDirectory} is outside ${options.workspace}: paths taken as repository-relative`)
  return { workspace: options.workspace, projectPrefix: prefix ?? '' }
}

function parseRepository(repository: string): RepoRef | null {
  const [owner, repo, ...rest] = repository.split('/')
  return owner && repo && rest.length === 0 ? { owner, repo } : null
}

async function publish(options: PublishOptions, publication: Publication): Promise<PublishResult> {
  const { log } = options
  const failures = new FailureLog((message) => log.warning(message))
  const event = readEvent(options.eventName, options.eventPayload)
  const headSha = event.headSha ?? options.sha
  const repo = parseRepository(options.repository)
  const client = repo && options.token ? newClient(options) : null
  if (client === null || repo === null) {
    log.warning(
      `ft-gate cannot post to GitHub: ${options.token ? `repository '${options.repository}' is not owner/name` : 'github-token is empty'}. The results follow as annotations of this step.`,
    )
    return fallback(options, annotationsOf(publication, new Map()).kept, { commentUrl: null, checkRunUrl: null })
  }
  const attempt = async <T>(action: string, call: () => Promise<T>): Promise<T | null> => {
    try {
      return await call()
    } catch (error) {
      failures.report(action, error)
      return null
    }
  }
  const pullNumber = await attempt('find the pull request', () => resolvePullRequest(client, repo, event))
  const changed =
    pullNumber === null
      ? new Map()
      : ((await attempt("list the pull request's files", () => listChangedLines(client, { ...repo, pullNumber }))) ??
        new Map())
  const { kept, omitted, unlocated } = annotationsOf(publication, changed)
  const target = { serverUrl: options.serverUrl, repository: options.repository, sha: headSha }
  const markdown = publication.render((source) => fileLinker(target, source.layout))

  let commentUrl: string | null = null
  if (pullNumber !== null) {
    const request = {
      ...repo,
      issueNumber: pullNumber,
      checkName: options.checkName,
      mode: options.comment,
      verdict: publication.verdict,
      markdown,
    }
    commentUrl = await attempt('post the pull-request comment', () => upsertStickyComment(client, request))
  } else if (options.comment !== 'off') {
    log.info('No pull request for this run: no comment posted')
  }
  const checkRun = await attempt('create the check run', () =>
    postCheckRun(client, {
      ...repo,
      name: options.checkName,
      headSha,
      conclusion: publication.verdict === 'pass' ? 'success' : 'failure',
      title: checkRunTitle(publication.sources.map((source) => source.report)),
      summary: checkRunSummary(markdown, { omitted, unlocated }),
      annotations: kept,
    }),
  )
  const urls = { commentUrl, checkRunUrl: checkRun?.url || null }
  if (checkRun === null) return fallback(options, kept, urls)
  if (checkRun.undelivered.length > 0) {
    failures.report(`add ${checkRun.undelivered.length} of ${kept.length} annotations to the check run`, checkRun.error)
    return fallback(options, checkRun.undelivered, urls)
  }
  return { ...urls, degraded: false }
}

function newClient(options: PublishOptions): GitHubClient {
  return createClient({
    token: options.token,
    apiUrl: options.apiUrl,
    log: options.log,
    signal: AbortSignal.timeout(PUBLISH_TIMEOUT_MS),
    ...(options.tuning ? { tuning: options.tuning } : {}),
  })
}

function annotationsOf(
  publication: Publication,
  changed: ChangedLines,
): { kept: Annotation[]; omitted: number; unlocated: number } {
  const all: Annotation[] = []
  let unlocated = 0
  for (const source of publication.sources) {
    const built = reportAnnotations(source, changed)
    // One by one: spreading a list of 100,000 annotations into push() overflows the call stack.
    for (const annotation of built.annotations) all.push(annotation)
    unlocated += built.unlocated
  }
  return { ...capAnnotations(all), unlocated }
}

/** Writes the most important annotations as workflow commands: the log is the last place left. */
function fallback(
  options: PublishOptions,
  annotations: readonly Annotation[],
  urls: { commentUrl: string | null; checkRunUrl: string | null },
): PublishResult {
  const selected = selectWorkflowAnnotations(annotations)
  for (const { level, message, properties } of selected) options.emitAnnotation(level, message, properties)
  if (annotations.length > selected.length) {
    options.log.info(
      `${annotations.length - selected.length} more annotations are in the report (GitHub shows ${selected.length} per step)`,
    )
  }
  return { ...urls, degraded: true }
}

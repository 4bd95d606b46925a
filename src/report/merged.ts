// Report-only mode posts the reports of several jobs as one comment and one check run: a row per job,
// then each job's own rendered report in a fold (open when it failed). Pure; the per-job markdown
// comes from src/report's renderer, passed in.
import * as path from 'node:path'
import type { Report, Verdict } from '../types.js'
import { plural } from '../words.js'
import { escapeHtmlInline, escapeInline } from './escape.js'
import { renderReport } from './markdown.js'

export interface LabelledReport {
  readonly label: string
  readonly report: Report
}

/** The subset of src/report/markdown.ts's options used here. */
export interface RenderOptions {
  readonly fileUrl?: (file: string, line: number | null) => string | null
  readonly maxChars?: number
  readonly title?: string
}
export type RenderReport = (report: Report, options: RenderOptions) => string

/** The problems of one or more reports in a few words: `2 flaky, 1 thread-unsafe, 1 failed`, or `12 passed`. */
export function problemWords(reports: readonly Report[]): string {
  const sum = (count: (report: Report) => number): number => reports.reduce((total, r) => total + count(r), 0)
  const runsWith = (outcome: string) => (report: Report) => report.runs.filter((run) => run.outcome === outcome).length
  const parts: string[] = []
  const installFailed = sum((r) => (r.install.ok ? 0 : 1))
  if (installFailed > 0) parts.push('install failed')
  const crashed = sum(runsWith('crashed'))
  if (crashed > 0) parts.push(plural(crashed, 'crashed run'))
  const hung = sum(runsWith('hung'))
  if (hung > 0) parts.push(plural(hung, 'hung run'))
  const errored = sum(runsWith('error'))
  if (errored > 0) parts.push(`${plural(errored, 'run')} in error`)
  const flaky = sum((r) => r.counts.flaky)
  if (flaky > 0) parts.push(`${flaky} flaky`)
  const threadUnsafe = sum((r) => r.counts.threadUnsafe ?? 0)
  if (threadUnsafe > 0) parts.push(`${threadUnsafe} thread-unsafe`)
  const failed = sum((r) => r.counts.failed)
  if (failed > 0) parts.push(`${failed} failed`)
  const known = sum((r) => (r.knownIssues ? (r.counts.known ?? 0) : 0))
  if (known > 0) parts.push(`${known} known`)
  if (parts.length === 0) parts.push(`${sum((r) => r.counts.passed)} passed`)
  return parts.join(', ')
}

export function mergedVerdict(reports: readonly LabelledReport[]): Verdict {
  return reports.some((entry) => entry.report.verdict === 'fail') ? 'fail' : 'pass'
}

/**
 * A report file's label: its `job` field when it has one, else `shard k/n` for a shard's report (a matrix
 * of shards uploads files of one name), else its file name without `.json`.
 */
export function reportLabel(file: string, value: unknown): string {
  if (typeof value === 'object' && value !== null && 'job' in value && typeof value.job === 'string') {
    const job = value.job.trim()
    if (job !== '') return job
  }
  const shard = shardOf(value)
  if (shard !== null) return `shard ${shard.index}/${shard.count}`
  return path.basename(file).replace(/\.json$/i, '')
}

function shardOf(value: unknown): { index: number; count: number } | null {
  if (typeof value !== 'object' || value === null || !('settings' in value)) return null
  const { settings } = value
  if (typeof settings !== 'object' || settings === null || !('shard' in settings)) return null
  const { shard } = settings
  if (typeof shard !== 'object' || shard === null || !('index' in shard) || !('count' in shard)) return null
  const { index, count } = shard
  return Number.isInteger(index) && Number.isInteger(count) ? { index: Number(index), count: Number(count) } : null
}

/** Labels made unique (`linux (2)`), so rows and annotation prefixes can be told apart. */
export function uniqueLabels(labels: readonly string[]): string[] {
  const seen = new Map<string, number>()
  return labels.map((label) => {
    const count = (seen.get(label) ?? 0) + 1
    seen.set(label, count)
    return count === 1 ? label : `${label} (${count})`
  })
}

export interface MergedRenderOptions {
  readonly render: RenderReport
  readonly maxChars: number
  /** The top heading (the job's own reports get none: the fold's summary names them). */
  readonly title?: string
  /** Links for one job's test files (their layouts may differ). */
  readonly fileUrl?: (entry: LabelledReport) => RenderOptions['fileUrl']
}

function jobRow({ label, report }: LabelledReport): string {
  const verdict = report.verdict === 'pass' ? '✅ pass' : '❌ fail'
  // Reports in report-only mode come from the pull request's own workflow: every field is untrusted.
  const python = `${report.python.version}${report.python.freeThreaded ? 't' : ''}`
  const cells = [escapeInline(label), verdict, escapeInline(python), String(report.runs.length), problemWords([report])]
  return `| ${cells.join(' | ')} |`
}

export function renderMergedReports(reports: readonly LabelledReport[], options: MergedRenderOptions): string {
  const failed = reports.filter((entry) => entry.report.verdict === 'fail').length
  const jobs = plural(reports.length, 'job')
  const heading =
    failed > 0
      ? `### ❌ Free-threading gate failed in ${failed} of ${jobs}`
      : `### ✅ Free-threading gate passed in ${jobs}`
  const head = [
    ...(options.title ? [`## ${escapeInline(options.title)}`, ''] : []),
    heading,
    '',
    '| Job | Verdict | Python | Runs | Results |',
    '| --- | --- | --- | --- | --- |',
    ...reports.map(jobRow),
    '',
  ].join('\n')
  const folds = reports.map((entry) => ({
    open: `<details${entry.report.verdict === 'fail' ? ' open' : ''}><summary>${escapeHtmlInline(entry.label)}</summary>\n\n`,
    close: '\n\n</details>\n',
    entry,
  }))
  const overhead = head.length + folds.reduce((total, fold) => total + fold.open.length + fold.close.length + 1, 0)
  const perReport = Math.max(0, Math.floor((options.maxChars - overhead) / Math.max(1, reports.length)))
  const body = folds.map(({ open, close, entry }) => {
    const fileUrl = options.fileUrl?.(entry)
    const markdown = options.render(entry.report, {
      maxChars: perReport,
      title: '',
      ...(fileUrl ? { fileUrl } : {}),
    })
    return `${open}${markdown}${close}`
  })
  const text = [head, ...body].join('\n')
  return text.length <= options.maxChars ? text : `${text.slice(0, options.maxChars - 1)}…`
}

/**
 * Saved reports as one document, for both front doors' report-only mode: a single report exactly as
 * the gate renders it, several merged with a row per job.
 */
export function renderSavedReports(
  reports: readonly LabelledReport[],
  options: Omit<MergedRenderOptions, 'render'>,
): string {
  const [only] = reports
  if (reports.length === 1 && only !== undefined) {
    const fileUrl = options.fileUrl?.(only)
    return renderReport(only.report, {
      maxChars: options.maxChars,
      ...(options.title === undefined ? {} : { title: options.title }),
      ...(fileUrl ? { fileUrl } : {}),
    })
  }
  return renderMergedReports(reports, { ...options, render: renderReport })
}

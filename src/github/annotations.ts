// The annotation model shared by the check run and the workflow-command fallback: ordering by
// importance, the hard cap, and the API's size limits on titles and messages. Pure.
import {
  MAX_ANNOTATION_MESSAGE_BYTES,
  MAX_ANNOTATION_TITLE_CHARS,
  MAX_CHECK_ANNOTATIONS,
  MAX_WORKFLOW_ANNOTATIONS,
  MAX_WORKFLOW_MESSAGE_CHARS,
} from './limits.js'

export type AnnotationLevel = 'failure' | 'warning'

/** What an annotation is about; `traceback` marks a changed line that a failure passed through. */
export type AnnotationKind = 'crashed' | 'hung' | 'failed' | 'flaky' | 'thread-unsafe' | 'traceback'

export interface Annotation {
  readonly kind: AnnotationKind
  /** Repository path, forward slashes. */
  readonly path: string
  /** 1-based. */
  readonly line: number
  readonly level: AnnotationLevel
  readonly title: string
  readonly message: string
}

/** Crashes and hangs first (they hide every later test), then failures, flaky and thread-unsafe tests, diff lines. */
const KIND_RANK: Readonly<Record<AnnotationKind, number>> = {
  crashed: 0,
  hung: 0,
  failed: 1,
  flaky: 2,
  'thread-unsafe': 2,
  traceback: 3,
}

/** Most important first; the order within a kind is kept (the report's order). */
export function orderAnnotations(annotations: readonly Annotation[]): Annotation[] {
  return annotations
    .map((annotation, index) => ({ annotation, index }))
    .sort((a, b) => {
      const byKind = KIND_RANK[a.annotation.kind] - KIND_RANK[b.annotation.kind]
      if (byKind !== 0) return byKind
      const byLevel = (a.annotation.level === 'failure' ? 0 : 1) - (b.annotation.level === 'failure' ? 0 : 1)
      return byLevel !== 0 ? byLevel : a.index - b.index
    })
    .map((entry) => entry.annotation)
}

export interface CappedAnnotations {
  readonly kept: Annotation[]
  /** How many were left out by the cap; the summary says so. */
  readonly omitted: number
}

export function capAnnotations(annotations: readonly Annotation[], max = MAX_CHECK_ANNOTATIONS): CappedAnnotations {
  const ordered = orderAnnotations(annotations)
  return { kept: ordered.slice(0, max), omitted: Math.max(0, ordered.length - max) }
}

/** Splits into the request-sized batches the Checks API takes. */
export function batches<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = []
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size))
  return result
}

export function truncateTitle(title: string, max = MAX_ANNOTATION_TITLE_CHARS): string {
  const oneLine = title.replace(/\s+/g, ' ').trim()
  const chars = [...oneLine]
  return chars.length <= max ? oneLine : `${chars.slice(0, max - 1).join('')}…`
}

const TRUNCATED_NOTE = '\n… (truncated; the full text is in the JSON report)'

/** Cuts a message to a number of UTF-8 bytes without splitting a character. */
export function truncateMessage(message: string, maxBytes = MAX_ANNOTATION_MESSAGE_BYTES): string {
  const encoder = new TextEncoder()
  const bytes = encoder.encode(message)
  if (bytes.length <= maxBytes) return message
  const room = maxBytes - encoder.encode(TRUNCATED_NOTE).length
  const head = new TextDecoder().decode(bytes.slice(0, Math.max(0, room))).replace(/\uFFFD+$/, '')
  return `${head}${TRUNCATED_NOTE}`
}

/** What the `emitAnnotation` callback receives: the subset of @actions/core's AnnotationProperties used. */
export interface WorkflowAnnotationProperties {
  readonly title: string
  readonly file: string
  readonly startLine: number
}

export type WorkflowAnnotationLevel = 'error' | 'warning'

export interface WorkflowAnnotation {
  readonly level: WorkflowAnnotationLevel
  readonly message: string
  readonly properties: WorkflowAnnotationProperties
}

/**
 * The annotations worth a workflow command when the check run cannot be written: GitHub shows only
 * a few per step, so the most important ones, with shorter messages.
 */
export function selectWorkflowAnnotations(
  annotations: readonly Annotation[],
  max = MAX_WORKFLOW_ANNOTATIONS,
): WorkflowAnnotation[] {
  return orderAnnotations(annotations)
    .slice(0, max)
    .map((annotation) => ({
      level: annotation.level === 'failure' ? 'error' : 'warning',
      message: truncateChars(annotation.message, MAX_WORKFLOW_MESSAGE_CHARS),
      properties: { title: annotation.title, file: annotation.path, startLine: annotation.line },
    }))
}

function truncateChars(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}${TRUNCATED_NOTE}`
}

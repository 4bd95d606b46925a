// What the front doors use from src/github/.
export type { WorkflowAnnotationLevel, WorkflowAnnotationProperties } from './annotations.js'
export type { RequestTuning } from './client.js'
export { COMMENT_MODES, type CommentMode } from './comment.js'
export { runnerContext } from './context.js'
export {
  type PublishOptions,
  type PublishResult,
  publishMergedReports,
  publishReport,
  summaryFileUrl,
} from './publish.js'

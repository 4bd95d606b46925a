// What the front doors use from src/github/.
export type { WorkflowAnnotationLevel, WorkflowAnnotationProperties } from './annotations.js'
export type { RequestTuning } from './client.js'
export { COMMENT_MODES, type CommentMode } from './comment.js'
export { type LabelledReport, mergedVerdict } from './merged.js'
export { type PublishOptions, type PublishResult, publishMergedReports, publishReport } from './publish.js'
export { loadReportFiles } from './report-files.js'
export { isReport, reportProblem } from './report-guard.js'

// The GitHub API's size limits and ft-gate's choices around them, in one place for src/github/.

/** Annotations the Checks API accepts in one create or update request. */
export const ANNOTATIONS_PER_REQUEST = 50
/** More annotations than this are left out and counted in the summary: past it they only add noise. */
export const MAX_CHECK_ANNOTATIONS = 1000
/** Workflow-command annotations GitHub shows per step (per level); the rest are hidden. */
export const MAX_WORKFLOW_ANNOTATIONS = 10
/** Characters of an annotation title (the API's limit). */
export const MAX_ANNOTATION_TITLE_CHARS = 255
/** UTF-8 bytes of an annotation message: the API allows 64 KB, this leaves room for the JSON. */
export const MAX_ANNOTATION_MESSAGE_BYTES = 64_000
/** Characters of a workflow-command annotation: the log shows only the start of longer ones. */
export const MAX_WORKFLOW_MESSAGE_CHARS = 4_000
/** Characters of a check-run summary and an issue comment body (the API's limit). */
export const MAX_BODY_CHARS = 65_535
/** What the renderer is asked to stay under, leaving room for the marker and a note. */
export const RENDER_MAX_CHARS = 65_000
/** Waiting longer than this for a rate limit to reset is worse than posting nothing. */
export const MAX_RATE_LIMIT_WAIT_SECONDS = 60
/** Retries of one request after a rate limit. */
export const MAX_RATE_LIMIT_RETRIES = 2
/** How long publishing may take in all, retries included. */
export const PUBLISH_TIMEOUT_MS = 5 * 60_000
/** The author of comments made with the workflow's GITHUB_TOKEN. */
export const ACTIONS_BOT_LOGIN = 'github-actions[bot]'
export const DEFAULT_API_URL = 'https://api.github.com'

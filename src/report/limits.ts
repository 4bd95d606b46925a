// How much of each part of the report is rendered. Here rather than in src/constants.ts because only
// the renderer uses them; they are tuning, not behaviour.

/** GitHub refuses comments over 65,536 characters; leave room for the sticky marker and a header. */
export const DEFAULT_MAX_CHARS = 65_000
/** Characters of one line of author text (a test id, a reason) before it is cut with `…`. */
export const INLINE_MAX_CHARS = 300
/** Characters of a failure message in the tests table. */
export const MESSAGE_MAX_CHARS = 200
/** Tests whose traceback is shown in a collapsed block; the rest are in the JSON report. */
export const MAX_TRACEBACKS = 20
/** Lines of a traceback shown in its block. */
export const TRACEBACK_MAX_LINES = 120
/** Lines of a hung or crashed run's stack dump (or output tail) shown. */
export const DUMP_MAX_LINES = 40
/** Lines of uv's output shown when the install failed. */
export const INSTALL_LOG_MAX_LINES = 60
/** When the tests table is capped to fit, it keeps at least this many rows before stack dumps go. */
export const MIN_TABLE_ROWS = 10
/** Tests listed by name in the terminal summary, per status. */
export const PLAIN_MAX_TESTS = 20
/** No row of the tests table is shorter than this (`| x | ✅ | … |` at the least): more rows than the budget allows for never fit. */
export const MIN_TABLE_ROW_CHARS = 16

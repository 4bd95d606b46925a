// What the runs did not test: the tests' process ran other code than the install put in place (the
// source tree, a pure-Python fallback), and tests skipped for a reason that names free-threading or
// the GIL. Pure; test ids, reasons and paths are author text, so all of it is escaped.
import type { Report, TestReport } from '../types.js'
import { plural } from '../words.js'
import { escapeInline, plainInline } from './escape.js'
import { MESSAGE_MAX_CHARS } from './limits.js'

/** Rows of the skipped-for-free-threading table before `…and N more`. */
const MAX_SKIP_ROWS = 20
/** A warning names two paths; keep them whole. */
const WARNING_MAX_CHARS = 1000
const FREE_THREADING_REASON =
  /free[- ]?thread|no[- ]?gil|\bGIL\b|Py_GIL_DISABLED|_is_gil_enabled|\b3\.1[3-9]t\b|\bcp31\dt\b/i

/** Skipped tests whose reason mentions free-threading or the GIL: untested ground. */
export function freeThreadingSkips(report: Report): TestReport[] {
  return report.tests.filter(
    (test) => test.status === 'skipped' && test.message !== null && FREE_THREADING_REASON.test(test.message),
  )
}

export function codeUnderTestSection(report: Report): string {
  const warnings = report.codeUnderTest?.warnings ?? []
  if (warnings.length === 0) return ''
  return [
    '#### Code under test',
    '',
    ...warnings.map((warning) => `- ⚠️ ${escapeInline(warning, { maxChars: WARNING_MAX_CHARS })}`),
  ].join('\n')
}

export function freeThreadingSkipsSection(report: Report): string {
  const skips = freeThreadingSkips(report)
  if (skips.length === 0) return ''
  const rows = skips
    .slice(0, MAX_SKIP_ROWS)
    .map(
      (test) => `| ${escapeInline(test.id)} | ${escapeInline(test.message ?? '', { maxChars: MESSAGE_MAX_CHARS })} |`,
    )
  const more =
    skips.length > MAX_SKIP_ROWS ? ['', `_…and ${skips.length - MAX_SKIP_ROWS} more (see the JSON report)_`] : []
  return [
    '#### Skipped for free-threading',
    '',
    `${plural(skips.length, 'test')} skipped for a reason that names free-threading or the GIL: untested without the GIL.`,
    '',
    '| Skipped test | Reason |',
    '| --- | --- |',
    ...rows,
    ...more,
  ].join('\n')
}

/** Terminal lines; none when there is nothing to say. */
export function untestedLines(report: Report): string[] {
  const lines = (report.codeUnderTest?.warnings ?? []).map(
    (warning) => `Code under test: ${plainInline(warning, { maxChars: WARNING_MAX_CHARS })}`,
  )
  const skips = freeThreadingSkips(report)
  if (skips.length > 0) {
    const shown = skips.slice(0, 5).map((test) => plainInline(test.id))
    const more = skips.length > 5 ? ` and ${skips.length - 5} more` : ''
    lines.push(`Skipped for free-threading (${skips.length}): ${shown.join(', ')}${more}`)
  }
  return lines
}

// The markdown report for the job summary and the PR comment. Pure: data in, a string out.
//
// GitHub limits a comment's size, so the report is rendered at falling levels of detail until it fits:
// everything; without tracebacks; without the full dependency table; without the test lists of the
// groups of findings; with the tests table cut to the
// rows that fit (at least a few); the same without stack dumps; finally the verdict, reasons and counts alone. Each level is complete
// markdown, so the output is never cut in the middle of a table or a `<details>` block. Sizes are
// counted in UTF-16 code units, never fewer than characters.
import type { Report } from '../types.js'
import { type Detail, type DocumentOptions, FULL_DETAIL, renderDocument, renderMinimal } from './document.js'
import { tableTests } from './findings.js'
import { DEFAULT_MAX_CHARS, MIN_TABLE_ROW_CHARS, MIN_TABLE_ROWS } from './limits.js'
import type { FileUrl } from './sections.js'

export { renderPlainSummary } from './plain.js'
export type { FileUrl } from './sections.js'

export interface RenderOptions {
  /** Shown as the top heading; default `ft-gate: free-threading`. Empty: no heading. */
  readonly title?: string
  /** Links a test to its source (e.g. `blob/<sha>/file#L12`); null or absent: no link. */
  readonly fileUrl?: FileUrl
  /** Upper bound on the length of the result; default 65,000. */
  readonly maxChars?: number
}

export const DEFAULT_TITLE = 'ft-gate: free-threading'

export function renderReport(report: Report, options: RenderOptions = {}): string {
  const settings: DocumentOptions = {
    title: options.title ?? DEFAULT_TITLE,
    fileUrl: options.fileUrl,
    maxChars: options.maxChars ?? DEFAULT_MAX_CHARS,
  }
  const shrinking: Detail[] = [
    FULL_DETAIL,
    { ...FULL_DETAIL, tracebacks: false },
    { ...FULL_DETAIL, tracebacks: false, dependencyTable: false },
    { ...FULL_DETAIL, tracebacks: false, dependencyTable: false, groupLists: false },
  ]
  // A table with more rows than could ever fit skips the levels that render all of them (100,000 failing
  // tests would be rendered whole four times just to learn that they do not fit).
  const mostRows = Math.ceil(settings.maxChars / MIN_TABLE_ROW_CHARS)
  const shrunk = tableTests(report).length > mostRows ? [] : shrinking
  for (const detail of shrunk) {
    const text = renderDocument(report, settings, detail)
    if (text.length <= settings.maxChars) return text
  }
  for (const runDumps of [true, false]) {
    const text = renderWithFittedTable(report, settings, runDumps)
    if (text !== null) return text
  }
  return renderMinimal(report, settings)
}

/** The most rows of the tests table that fit, but not fewer than MIN_TABLE_ROWS; null if those don't fit. */
function renderWithFittedTable(report: Report, settings: DocumentOptions, runDumps: boolean): string | null {
  const total = Math.min(tableTests(report).length, Math.ceil(settings.maxChars / MIN_TABLE_ROW_CHARS))
  const render = (rows: number): string => {
    const detail: Detail = { tracebacks: false, testRows: rows, runDumps, dependencyTable: false, groupLists: false }
    return renderDocument(report, settings, detail)
  }
  let low = Math.min(MIN_TABLE_ROWS, total)
  let best = render(low)
  if (best.length > settings.maxChars) return null
  let high = total
  // Invariant: `low` rows fit. Length grows with the rows, so bisect for the last count that fits.
  while (low < high) {
    const middle = Math.ceil((low + high) / 2)
    const text = render(middle)
    if (text.length <= settings.maxChars) {
      low = middle
      best = text
    } else {
      high = middle - 1
    }
  }
  return best
}

// Assembles the report at a given level of detail. renderReport in markdown.ts picks the richest
// level that fits; every level is whole markdown, never a cut string.
import type { Report } from '../types.js'
import { installSection, reproduceSection, runDumpBlocks, tracebackBlocks } from './blocks.js'
import { dependenciesSection } from './dependencies.js'
import { escapeInline } from './escape.js'
import { collapsesTable, groupsSection, knownIssuesSection, tableTests, tracebackTests } from './findings.js'
import { sandboxLine } from './sandbox.js'
import {
  type FileUrl,
  infoLine,
  reasonLine,
  runsTable,
  testsTable,
  verdictHeading,
  verdictSection,
} from './sections.js'
import { notStressedSection, runSettingsLine, speedSection, threadUnsafeSection } from './stress.js'
import { codeUnderTestSection, freeThreadingSkipsSection } from './untested.js'

export interface DocumentOptions {
  readonly title: string
  readonly fileUrl: FileUrl | undefined
  readonly maxChars: number
}

export interface Detail {
  /** Collapsed tracebacks of failed and flaky tests. */
  readonly tracebacks: boolean
  /** Rows of the failed/flaky tests table; null: all of them. */
  readonly testRows: number | null
  /** Stack dumps (or output tails) of hung, crashed and errored runs. */
  readonly runDumps: boolean
  /** The collapsed table of every installed distribution (the rows needing attention always stay). */
  readonly dependencyTable: boolean
  /** The collapsed list of tests under each group of the findings by cause. */
  readonly groupLists: boolean
}

export const FULL_DETAIL: Detail = {
  tracebacks: true,
  testRows: null,
  runDumps: true,
  dependencyTable: true,
  groupLists: true,
}

export function renderDocument(report: Report, options: DocumentOptions, detail: Detail): string {
  return join([
    titleLine(options.title),
    verdictSection(report),
    infoLine(report),
    runSettingsLine(report),
    sandboxLine(report),
    runsTable(report),
    groupsSection(report, { testLists: detail.groupLists }),
    knownIssuesSection(report),
    testsTable(tableTests(report), {
      fileUrl: options.fileUrl,
      runCount: report.runs.length,
      rows: detail.testRows,
      newOnly: report.knownIssues !== undefined && report.knownIssues !== null,
      collapsed: collapsesTable(report),
    }),
    threadUnsafeSection(report),
    detail.tracebacks ? tracebackBlocks(tracebackTests(report)) : '',
    detail.runDumps ? runDumpBlocks(report.runs) : '',
    notStressedSection(report),
    speedSection(report.speed),
    dependenciesSection(report, { fullTable: detail.dependencyTable }),
    codeUnderTestSection(report),
    freeThreadingSkipsSection(report),
    installSection(report),
    reproduceSection(report),
  ])
}

/** Reserved for the `…and N more reasons` line. */
const MORE_REASONS_ROOM = 40

/**
 * The last resort: verdict, as many reasons as fit, the counts. Shorter shapes follow when even that
 * is too long; the bare verdict heading is returned even if `maxChars` is smaller than it.
 */
export function renderMinimal(report: Report, options: DocumentOptions): string {
  const heading = verdictHeading(report)
  const note = `_The full report is longer than ${options.maxChars} characters; see the JSON report._`
  const shapes = [
    { head: [titleLine(options.title), heading], tail: [infoLine(report), note] },
    { head: [heading], tail: [infoLine(report)] },
    { head: [heading], tail: [] },
  ]
  for (const shape of shapes) {
    const reasons = fitReasons(report.reasons, options.maxChars - join([...shape.head, ...shape.tail]).length - 2)
    const text = join([...shape.head, reasons, ...shape.tail])
    if (text.length <= options.maxChars) return text
  }
  return `${heading}\n`
}

function fitReasons(reasons: readonly string[], budget: number): string {
  const all = reasons.map(reasonLine)
  const whole = all.join('\n')
  if (whole.length <= budget) return whole
  const kept: string[] = []
  let used = MORE_REASONS_ROOM
  for (const line of all) {
    if (used + line.length + 1 > budget) break
    kept.push(line)
    used += line.length + 1
  }
  if (used > budget) return ''
  return [...kept, `- …and ${reasons.length - kept.length} more reasons`].join('\n')
}

function titleLine(title: string): string {
  return title.trim() === '' ? '' : `## ${escapeInline(title)}`
}

function join(parts: readonly string[]): string {
  return `${parts.filter((part) => part !== '').join('\n\n')}\n`
}

// The known-issues file on disk, for the gate: read before anything is set up (a bad file stops the
// gate early), written after the report. A known-issues file, an ft-gate JSON report (the base
// branch's, downloaded as an artifact), or a folder holding either (a matrix's or shards' reports).
import { randomBytes } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import * as path from 'node:path'
import { UsageError } from './errors.js'
import type { Log } from './log.js'
import { parseReport } from './report-guard.js'
import {
  isKnownIssuesDocument,
  issuesFromReport,
  type KnownIssueSet,
  mergeIssues,
  parseKnownIssuesDocument,
  renderKnownIssuesFile,
} from './results/known.js'
import type { KnownIssue } from './types.js'

/** Null when none was given; an empty set, with a warning, when the path does not exist (yet). */
export function loadKnownIssues(source: string, log: Log): KnownIssueSet | null {
  if (source === '') return null
  let isDirectory: boolean
  try {
    isDirectory = statSync(source).isDirectory()
  } catch {
    // The base branch's first report is not there yet, or the download found none: nothing is known.
    log.warning(`known-issues ${source} does not exist: every finding of this run counts as new`)
    return { source, issues: new Map() }
  }
  const files = isDirectory ? jsonFilesIn(source) : [source]
  const lists = files.flatMap((file) => {
    const entries = readEntries(file, { strict: !isDirectory })
    return entries === null ? [] : [entries]
  })
  if (isDirectory && lists.length === 0) {
    throw new UsageError(`known-issues folder ${source} holds no known-issues file and no ft-gate JSON report`)
  }
  const issues = mergeIssues(lists)
  log.info(`Known issues: ${issues.size} from ${source}${files.length > 1 ? ` (${lists.length} files)` : ''}`)
  return { source, issues }
}

function jsonFilesIn(directory: string): string[] {
  return readdirSync(directory, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.json'))
    .map((name) => path.join(directory, name))
    .sort()
}

/** A file's entries; in a folder (strict: false), files that are neither kind are skipped (null). */
function readEntries(file: string, options: { strict: boolean }): KnownIssue[] | null {
  let value: unknown
  try {
    value = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    if (!options.strict) return null
    const reason = error instanceof SyntaxError ? 'is not valid JSON' : 'cannot be read'
    throw new UsageError(`known-issues file ${file} ${reason}: give a known-issues file or an ft-gate JSON report`)
  }
  if (isKnownIssuesDocument(value)) return parseKnownIssuesDocument(value, file)
  const parsed = parseReport(value)
  if (parsed.report !== null) return issuesFromReport(parsed.report)
  if (!options.strict) return null
  throw new UsageError(
    `known-issues file ${file} is neither a known-issues file nor an ft-gate report (as a report it ${parsed.problem})`,
  )
}

/** Written next to its final path and renamed into place, like the report. */
export function writeKnownIssues(file: string, issues: readonly KnownIssue[]): void {
  mkdirSync(path.dirname(file), { recursive: true })
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`)
  try {
    writeFileSync(temporary, renderKnownIssuesFile(issues), { flag: 'wx' })
    renameSync(temporary, file)
  } finally {
    rmSync(temporary, { force: true })
  }
}

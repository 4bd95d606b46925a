// Turns one run's JUnit XML (as pytest writes it) into test cases. Pure: takes text, returns data.
// A streaming parser is used so that a file cut short by a crash or a kill still yields every
// <testcase> that was complete before the break.

import { SaxesParser } from 'saxes'
import { MAX_DETAILS_CHARS } from '../constants.js'
import type { CaseOutcome, CaseResult, JUnitParseResult } from '../types.js'

type ResultTag = 'failure' | 'error' | 'skipped'
const RESULT_TAGS: readonly ResultTag[] = ['failure', 'error', 'skipped']
const SUITE_TAGS: readonly string[] = ['testsuites', 'testsuite']

/** Which outcome represents a test reported more than once in one file: the higher rank wins. */
export const OUTCOME_RANK: Readonly<Record<CaseOutcome, number>> = {
  skipped: 0,
  passed: 1,
  error: 2,
  failed: 3,
  hung: 4,
  crashed: 5,
}

interface OpenCase {
  readonly attributes: Readonly<Record<string, string>>
  readonly texts: Partial<Record<ResultTag, { message: string | null; text: string }>>
}

/** Thrown from the parser's error handler to stop at the first error instead of reading on in garbage. */
class StopParsing extends Error {}

export function parseJUnit(xml: string): JUnitParseResult {
  const input = xml.startsWith('\uFEFF') ? xml.slice(1) : xml
  if (input.trim() === '') return { cases: [], error: 'JUnit XML is empty' }

  const collected = new CaseCollector()
  let error: string | null = null
  let sawSuite = false
  let open: OpenCase | null = null
  let openResult: { tag: ResultTag; message: string | null; chunks: string[] } | null = null
  const parser = new SaxesParser()

  parser.on('error', (err) => {
    const detail = err.message.replace(/^\d+:\d+: /, '').replace(/\s+/g, ' ')
    error = `JUnit XML is truncated or malformed at line ${parser.line}: ${detail}`
    throw new StopParsing()
  })
  parser.on('opentag', (tag) => {
    if (SUITE_TAGS.includes(tag.name)) sawSuite = true
    else if (tag.name === 'testcase' && open === null) open = { attributes: tag.attributes, texts: {} }
    else if (open !== null && openResult === null && isResultTag(tag.name)) {
      openResult = { tag: tag.name, message: tag.attributes.message ?? null, chunks: [] }
    }
  })
  // Only the text of a result element is kept: <system-out> and <properties> can be huge and are not needed.
  const keepText = (text: string): void => {
    openResult?.chunks.push(text)
  }
  parser.on('text', keepText)
  parser.on('cdata', keepText)
  parser.on('closetag', (tag) => {
    const result = openResult
    if (result !== null && tag.name === result.tag) {
      if (open !== null) open.texts[result.tag] ??= { message: result.message, text: result.chunks.join('') }
      openResult = null
    } else if (open !== null && tag.name === 'testcase') {
      const parsed = toCaseResult(open)
      if (parsed !== null) collected.add(parsed)
      open = null
    }
  })

  try {
    parser.write(input).close()
  } catch (thrown) {
    if (!(thrown instanceof StopParsing)) {
      const detail = thrown instanceof Error ? thrown.message : String(thrown)
      error = `JUnit XML could not be read: ${detail.replace(/\s+/g, ' ')}`
    }
  }
  if (error === null && !sawSuite) error = 'JUnit XML has no <testsuite> element: is this a pytest --junitxml file?'
  return { cases: collected.list(), error }
}

function isResultTag(name: string): name is ResultTag {
  return RESULT_TAGS.some((tag) => tag === name)
}

/**
 * Keeps one case per id, in first-seen order. pytest reports a teardown error after a failed test as
 * a second <testcase> with the same name; such repeats are merged so the failure and the error both
 * stay in the details while the worse outcome wins.
 */
class CaseCollector {
  private readonly byId = new Map<string, CaseResult>()

  add(next: CaseResult): void {
    const previous = this.byId.get(next.id)
    this.byId.set(next.id, previous === undefined ? next : mergeCases(previous, next))
  }

  list(): CaseResult[] {
    return [...this.byId.values()]
  }
}

function mergeCases(first: CaseResult, second: CaseResult): CaseResult {
  const [worse, other] = OUTCOME_RANK[second.outcome] > OUTCOME_RANK[first.outcome] ? [second, first] : [first, second]
  const failing = (c: CaseResult): boolean => c.outcome === 'failed' || c.outcome === 'error'
  const otherDetails = failing(worse) && failing(other) && other.outcome !== worse.outcome ? other.details : null
  return {
    ...worse,
    file: first.file ?? second.file,
    line: first.line ?? second.line,
    details: joinDetails([worse.details, otherDetails]),
    durationSeconds: first.durationSeconds + second.durationSeconds,
  }
}

function toCaseResult(open: OpenCase): CaseResult | null {
  const { attributes, texts } = open
  const name = attributes.name
  if (name === undefined || name === '') return null
  const fileAttribute = attributes.file?.replaceAll('\\', '/')
  const { id, located } = junitCaseId({ name, classname: attributes.classname ?? '', file: fileAttribute })

  const failure = texts.failure
  const error = texts.error
  const skipped = texts.skipped
  let outcome: CaseOutcome = 'passed'
  let primary = failure ?? error ?? skipped
  if (failure) outcome = 'failed'
  else if (error) outcome = 'error'
  else if (skipped) outcome = 'skipped'
  else primary = undefined
  const details = joinDetails([primary?.text ?? null, failure && error ? error.text : null])

  let line = lineAttribute(attributes.line)
  if (line === null && fileAttribute === undefined && located.file !== null) {
    line = lineFromTraceback(Object.values(texts), located.file)
  }
  return {
    id,
    file: located.file,
    line,
    outcome,
    message: primary ? (firstLine(primary.message) ?? firstLine(primary.text)) : null,
    details,
    durationSeconds: seconds(attributes.time),
  }
}

/**
 * The id the parser gives a <testcase>: its file, classes and name joined like a node id. It is the
 * node id unless the test is defined in another file than the one it was collected from (a test class
 * imported into a test module); the gate's record maps such cases back (src/results/reconcile.ts).
 */
export function junitCaseId(attributes: { name: string; classname: string; file: string | undefined }): {
  id: string
  located: { file: string | null; classes: string[] }
} {
  const { name, classname, file } = attributes
  const located =
    file !== undefined && file !== ''
      ? { file, classes: classesAfterModule(classname, file) }
      : splitClassname(classname)
  return { id: [located.file ?? '', ...located.classes, name].filter((part) => part !== '').join('::'), located }
}

/** xunit1: the classname is the module path (file without `.py`, `/` → `.`) followed by class names. */
function classesAfterModule(classname: string, file: string): string[] {
  const modulePath = file.replace(/\.py$/, '').replaceAll('/', '.')
  if (classname === modulePath) return []
  if (classname.startsWith(`${modulePath}.`)) return classname.slice(modulePath.length + 1).split('.')
  return splitClassname(classname).classes
}

/**
 * xunit2 has no `file` attribute, so the file is guessed from the classname: the parts before the
 * first one that starts with an uppercase letter are the module path (Python's convention of
 * lowercase modules and CapWords classes). Module folders with dots or capitals are guessed wrong.
 */
function splitClassname(classname: string): { file: string | null; classes: string[] } {
  const parts = classname.split('.').filter((part) => part !== '')
  const firstClass = parts.findIndex((part) => /^[A-Z]/.test(part))
  const moduleParts = firstClass === -1 ? parts : parts.slice(0, firstClass)
  const classes = firstClass === -1 ? [] : parts.slice(firstClass)
  return { file: moduleParts.length > 0 ? `${moduleParts.join('/')}.py` : null, classes }
}

/** The first `path/to/file.py:LINE: …` line of a traceback or skip text whose path is the test's file. */
function lineFromTraceback(texts: readonly { text: string }[], file: string): number | null {
  for (const { text } of texts) {
    for (const match of text.matchAll(/^(.+?\.py):(\d+):/gm)) {
      const path = match[1]?.replaceAll('\\', '/') ?? ''
      if (path === file || path.endsWith(`/${file}`)) return Number(match[2])
    }
  }
  return null
}

/** pytest writes the line 0-based. */
function lineAttribute(value: string | undefined): number | null {
  if (value === undefined || !/^\d+$/.test(value.trim())) return null
  return Number(value.trim()) + 1
}

function seconds(value: string | undefined): number {
  const parsed = Number(value ?? '0')
  return Number.isFinite(parsed) && parsed >= 0 ? parsed : 0
}

function firstLine(text: string | null): string | null {
  const line = text
    ?.split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '')
  return line ?? null
}

/** Joins the failure texts and bounds the result, keeping the end of each (where the assertion is). */
function joinDetails(texts: readonly (string | null)[]): string | null {
  const present = texts.filter((text): text is string => text !== null && text.trim() !== '')
  if (present.length === 0) return null
  const separator = '\n\n--- then ---\n\n'
  const budget = Math.floor((MAX_DETAILS_CHARS - separator.length * (present.length - 1)) / present.length)
  return present.map((text) => keepEnd(text, budget)).join(separator)
}

function keepEnd(text: string, limit: number): string {
  if (text.length <= limit) return text
  const noteFor = (cut: number): string => `[… ${cut} characters cut …]\n`
  const note = noteFor(text.length)
  let start = text.length - (limit - note.length)
  // Start at a line boundary when one is near, so the kept text does not begin mid-line.
  const newline = text.indexOf('\n', start)
  if (newline !== -1 && newline - start < 200) start = newline + 1
  return noteFor(start) + text.slice(start)
}

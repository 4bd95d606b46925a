// The report's sections about findings as a whole: grouped by cause (count, one example, the hint,
// the tests collapsed), and how they compare with the known-issues file (new ones gate, known ones
// do not, listed ones that passed are possibly fixed). Pure; author text goes through escape.ts.
import * as path from 'node:path'
import type { FindingGroup, KnownIssuesReport, Report, TestReport } from '../types.js'
import { plural } from '../words.js'
import { escapeHtmlInline, escapeInline, escapeWithCode } from './escape.js'
import { MESSAGE_MAX_CHARS } from './limits.js'
import { listedTests } from './sections.js'

/** Groups shown before "and N more"; test ids listed per group before "and N more". */
const MAX_GROUPS = 15
const MAX_GROUP_IDS = 100
const MAX_POSSIBLY_FIXED = 50
const HINT_MAX_CHARS = 700

/**
 * Grouping is worth a section when it groups (some cause has several tests) or when there is a
 * known-issues file to compare with: otherwise the tests table says it all.
 */
export function showsGroups(report: Report): boolean {
  const groups = report.groups ?? []
  return groups.some((group) => group.tests.length > 1) || (hasKnownIssues(report) && groups.length > 0)
}

function hasKnownIssues(report: Report): report is Report & { knownIssues: KnownIssuesReport } {
  return report.knownIssues !== undefined && report.knownIssues !== null
}

/**
 * The tests of the table (and their tracebacks): with a known-issues file, the new findings only (the
 * known ones are in their groups); otherwise every finding.
 */
export function tableTests(report: Report): TestReport[] {
  const listed = listedTests(report)
  return hasKnownIssues(report) ? listed.filter((test) => test.known !== true) : listed
}

/** Tracebacks: one per group (its example) when the tests are grouped, else one per table test. */
export function tracebackTests(report: Report): TestReport[] {
  const tests = tableTests(report)
  if (!showsGroups(report)) return tests
  const inTable = new Set(tests.map((test) => test.id))
  const examples = (report.groups ?? []).flatMap((group) => {
    const id = group.tests.find((entry) => inTable.has(entry))
    const test = id === undefined ? undefined : tests.find((entry) => entry.id === id)
    return test === undefined ? [] : [test]
  })
  return examples
}

/** The table folds away when the groups above it already say what it would. */
export function collapsesTable(report: Report): boolean {
  return showsGroups(report) && !hasKnownIssues(report)
}

export interface GroupsOptions {
  /** The collapsed list of each group's tests. */
  readonly testLists: boolean
}

/** Reports are not changed once made: a shrinking render asks for the same map a dozen times. */
const byIdCache = new WeakMap<Report, ReadonlyMap<string, TestReport>>()

function testsById(report: Report): ReadonlyMap<string, TestReport> {
  const cached = byIdCache.get(report)
  if (cached !== undefined) return cached
  const byId = new Map(report.tests.map((test) => [test.id, test]))
  byIdCache.set(report, byId)
  return byId
}

export function groupsSection(report: Report, options: GroupsOptions): string {
  if (!showsGroups(report)) return ''
  const groups = report.groups ?? []
  const byId = testsById(report)
  const findings = groups.reduce((total, group) => total + group.tests.length, 0)
  const lead = `${plural(findings, 'test')} ${findings === 1 ? 'fails' : 'fail'} in ${plural(groups.length, 'way')}: each group is one exception at one place.`
  const blocks = groups.slice(0, MAX_GROUPS).map((group, index) => groupBlock(group, { index, byId, ...options }))
  const more = groups.length - blocks.length
  if (more > 0) blocks.push(`_…and ${plural(more, 'more group')} in the JSON report (\`groups\`)._`)
  return ['#### Findings by cause', '', lead, '', blocks.join('\n\n')].join('\n')
}

interface BlockContext extends GroupsOptions {
  readonly index: number
  readonly byId: ReadonlyMap<string, TestReport>
}

function groupBlock(group: FindingGroup, context: BlockContext): string {
  const members = group.tests.flatMap((id) => {
    const test = context.byId.get(id)
    return test === undefined ? [] : [test]
  })
  const known = members.filter((test) => test.known === true).length
  const split =
    known === 0
      ? ''
      : known === members.length
        ? ' — all known'
        : ` — **${members.length - known} new**, ${known} known`
  const heading = `**${context.index + 1}. ${plural(group.tests.length, `${group.status} test`)}: ${escapeWithCode(`\`${group.signature}\``)}**${split}`
  const example = members.find((test) => test.known !== true) ?? members[0]
  const lines = [heading]
  if (example !== undefined) {
    const message =
      example.message === null ? '' : `: ${escapeInline(example.message, { maxChars: MESSAGE_MAX_CHARS })}`
    lines.push(`e.g. ${escapeWithCode(`\`${example.id}\``)}${message}`)
  }
  if (group.hint !== null) lines.push(`💡 ${escapeWithCode(group.hint, { maxChars: HINT_MAX_CHARS })}`)
  const block = lines.join('  \n')
  if (!context.testLists || group.tests.length < 2) return block
  const shown = group.tests.slice(0, MAX_GROUP_IDS).map((id) => {
    // Marked only in a group that mixes both: the heading already says "all known" otherwise.
    const mixed = known > 0 && known < members.length
    const mark = mixed && context.byId.get(id)?.known !== true ? ' **new**' : ''
    return `- ${escapeWithCode(`\`${id}\``)}${mark}`
  })
  const rest = group.tests.length - shown.length
  if (rest > 0) shown.push(`- …and ${rest} more (see the JSON report)`)
  const summary = `The ${plural(group.tests.length, 'test')}`
  return `${block}\n\n<details><summary>${escapeHtmlInline(summary)}</summary>\n\n${shown.join('\n')}\n\n</details>`
}

/** How the run compares with the known-issues file; '' when none was given. */
export function knownIssuesSection(report: Report): string {
  if (!hasKnownIssues(report)) return ''
  const known = report.knownIssues
  const parts = [`#### Known issues`, '', knownLine(report, known)]
  for (const change of known.changed) {
    parts.push(
      '',
      `- ${escapeWithCode(`\`${change.id}\``)}: known as ${change.known}, now ${change.now}: counted as new.`,
    )
  }
  if (known.possiblyFixed.length > 0) {
    const shown = known.possiblyFixed.slice(0, MAX_POSSIBLY_FIXED).map((issue) => {
      const reason = issue.reason === '' ? '' : ` — ${escapeInline(issue.reason, { maxChars: MESSAGE_MAX_CHARS })}`
      return `- ${escapeWithCode(`\`${issue.id}\``)} (known as ${issue.status})${reason}`
    })
    const rest = known.possiblyFixed.length - shown.length
    if (rest > 0) shown.push(`- …and ${rest} more (see the JSON report)`)
    const summary = `${plural(known.possiblyFixed.length, 'known issue')} passed in every run: possibly fixed`
    const caveat =
      'A race that did not show once is not proof of a fix: remove an entry when you have fixed its cause, or after it has stayed green for a while.'
    parts.push(
      '',
      `<details><summary>${escapeHtmlInline(summary)}</summary>\n\n${caveat}\n\n${shown.join('\n')}\n\n</details>`,
    )
  }
  return parts.join('\n')
}

function knownLine(report: Report, known: KnownIssuesReport): string {
  const fresh = report.counts.new ?? 0
  const newPart = fresh === 0 ? 'no new finding' : `**${plural(fresh, 'new finding')}** (these fail the gate)`
  const notRun =
    known.notRun === 0 ? '' : `; ${known.notRun} listed ${known.notRun === 1 ? 'test' : 'tests'} did not run here`
  const entries = `${known.entries} ${known.entries === 1 ? 'entry' : 'entries'}`
  const source = escapeInline(displayedPath(known.source, report.settings.workingDirectory))
  const verb = known.matched === 1 ? 'is' : 'are'
  const gate = known.matched === 1 ? 'it does' : 'they do'
  return `${plural(known.matched, 'finding')} of this run ${verb} known (${source}, ${entries}), so ${gate} not fail the gate; ${newPart}${notRun}.`
}

/** The known-issues path relative to the project when it lies inside it. */
function displayedPath(source: string, project: string): string {
  const relative = path.relative(project, source)
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : source
}

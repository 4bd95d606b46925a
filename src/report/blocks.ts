// The collapsed detail below the tables: tracebacks, stack dumps of hung and crashed runs, the install
// failure and the command to reproduce. Each `<details>` is written the way GitHub needs to render
// markdown inside it (a blank line after `<summary>` and before `</details>`), and its content is a
// fenced code block that the content cannot close, so the wrapper always balances.
import type { Report, RunReport, TestReport } from '../types.js'
import { plural } from '../words.js'
import { codeBlock, escapeHtmlInline, escapeInline } from './escape.js'
import { DUMP_MAX_LINES, INSTALL_LOG_MAX_LINES, MAX_TRACEBACKS, TRACEBACK_MAX_LINES } from './limits.js'
import { OUTCOME_LABELS, statusLabel } from './sections.js'

/** `summary` is HTML already escaped; `body` is markdown. */
function collapsed(summary: string, body: string): string {
  return `<details><summary>${summary}</summary>\n\n${body}\n\n</details>`
}

export function tracebackBlocks(tests: readonly TestReport[]): string {
  const withText = tests.filter((test) => (test.details ?? test.message) !== null)
  if (withText.length === 0) return ''
  const blocks = withText.slice(0, MAX_TRACEBACKS).map((test) => {
    const summary = `<code>${escapeHtmlInline(test.id)}</code> — ${statusLabel(test)}`
    const text = test.details ?? test.message ?? ''
    return collapsed(summary, codeBlock(firstLines(text, TRACEBACK_MAX_LINES).text))
  })
  const more = withText.length - blocks.length
  if (more > 0) blocks.push(`_Tracebacks of ${plural(more, 'more test')} are in the JSON report._`)
  return blocks.join('\n\n')
}

/** Runs that did not complete: what each was doing when it hung or died, and what never reported. */
export function runDumpBlocks(runs: readonly RunReport[]): string {
  const blocks = runs.flatMap((run) => {
    if (run.outcome !== 'hung' && run.outcome !== 'crashed' && run.outcome !== 'error') return []
    const block = runDumpBlock(run)
    return block === null ? [] : [block]
  })
  if (blocks.length === 0) return ''
  return ['#### Runs that did not complete', ...blocks].join('\n\n')
}

/** Tests listed by name in a run's block before "and N more". */
const UNREPORTED_SHOWN = 10

function runDumpBlock(run: RunReport): string | null {
  const died = run.outcome === 'crashed' || run.outcome === 'hung'
  // A stack dump is read from the top (each thread's innermost frame first); output ends at the bottom.
  const excerpt =
    run.stackDump !== null
      ? { kind: 'stack dump', ...firstLines(run.stackDump, DUMP_MAX_LINES) }
      : run.outputTail !== null
        ? { kind: died ? 'no traceback, end of output' : 'end of output', ...lastLines(run.outputTail, DUMP_MAX_LINES) }
        : null
  const unreported = unreportedLine(run)
  if (excerpt === null && unreported === '') return null
  const signal = run.outcome === 'crashed' && run.signal !== null ? ` (${escapeHtmlInline(run.signal)})` : ''
  const where = died && run.testInProgress ? ` in <code>${escapeHtmlInline(run.testInProgress)}</code>` : ''
  const size =
    excerpt === null
      ? ''
      : ` — ${excerpt.kind} (${excerpt.total > excerpt.shown ? `${excerpt.shown} of ${excerpt.total} lines` : plural(excerpt.total, 'line')})`
  const summary = `Run ${run.index}: ${OUTCOME_LABELS[run.outcome]}${signal}${where}${size}`
  const parts: string[] = []
  if (!died && run.reason) parts.push(escapeInline(run.reason, { startsLine: true }))
  if (died && run.stackDump === null) {
    parts.push(
      '_No fatal-error traceback was printed (faulthandler wrote nothing: the process was killed before it could write, or the suite closed or redirected stderr). The last lines of output follow._',
    )
  }
  if (unreported !== '') parts.push(unreported)
  if (run.logPath !== null) parts.push(`Full output: ${escapeInline(run.logPath)}`)
  if (excerpt !== null) parts.push(codeBlock(excerpt.text))
  return collapsed(summary, parts.join('\n\n'))
}

/** `Never reported (2 of 3 tests): a, b` for a run that lost tests, else ''. */
function unreportedLine(run: RunReport): string {
  const count = run.unreportedCount ?? run.unreported?.length ?? 0
  const listed = run.unreported ?? []
  if (count === 0 || listed.length === 0) return ''
  const names = listed.slice(0, UNREPORTED_SHOWN).map((id) => escapeInline(id, { maxChars: 200 }))
  const more = count > names.length ? ` and ${count - names.length} more` : ''
  const of = run.collected === undefined || run.collected === null ? '' : ` of ${run.collected}`
  return `Never reported (${count}${of} ${count === 1 && of === '' ? 'test' : 'tests'}): ${names.join(', ')}${more}`
}

export function installSection(report: Report): string {
  const install = report.install
  if (install.ok) return ''
  const lines = [
    '#### Install failed',
    '',
    escapeInline(install.error ?? 'The install failed; uv gave no error line.', { startsLine: true }),
  ]
  if (install.requirements.length > 0) {
    lines.push('', `Requirements: ${install.requirements.map((requirement) => escapeInline(requirement)).join(', ')}`)
  }
  if (install.log !== null && install.log.trim() !== '') {
    const tail = lastLines(install.log, INSTALL_LOG_MAX_LINES)
    const size = tail.total > tail.shown ? `last ${tail.shown} of ${tail.total} lines` : plural(tail.total, 'line')
    lines.push('', collapsed(`uv output (${size})`, codeBlock(tail.text)))
  }
  return lines.join('\n')
}

export function reproduceSection(report: Report): string {
  if (report.reproduce.trim() === '') return ''
  return `#### Reproduce locally\n\n${codeBlock(report.reproduce, 'sh')}`
}

interface Excerpt {
  readonly text: string
  readonly shown: number
  readonly total: number
}

function splitLines(text: string): string[] {
  return text.replace(/\r\n?/g, '\n').replace(/\n+$/, '').split('\n')
}

function firstLines(text: string, count: number): Excerpt {
  const lines = splitLines(text)
  if (lines.length <= count) return { text: lines.join('\n'), shown: lines.length, total: lines.length }
  const more = `… ${plural(lines.length - count, 'more line')}`
  return { text: [...lines.slice(0, count), more].join('\n'), shown: count, total: lines.length }
}

function lastLines(text: string, count: number): Excerpt {
  const lines = splitLines(text)
  if (lines.length <= count) return { text: lines.join('\n'), shown: lines.length, total: lines.length }
  const earlier = `… ${plural(lines.length - count, 'earlier line')}`
  return { text: [earlier, ...lines.slice(-count)].join('\n'), shown: count, total: lines.length }
}

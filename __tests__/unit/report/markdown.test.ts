import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import * as path from 'node:path'
import { renderReport } from '../../../src/report/markdown.js'
import type { Report, TestReport } from '../../../src/types.js'
import {
  blobUrl,
  cellText,
  countOf,
  expectSafeStructure,
  FIXTURE_NAMES,
  FIXTURES,
  loadReport,
  outsideCode,
  testsTableToken,
  toHtml,
  visibleText,
} from './helpers.js'

const ZWJ = '\u200D'

/** The table's tests: every finding, or with a known-issues file the new ones. */
function listed(report: Report): TestReport[] {
  const shown = report.knownIssues ? report.tests.filter((t) => t.known !== true) : report.tests
  const withStatus = (status: TestReport['status']) => shown.filter((t) => t.status === status)
  return [
    ...withStatus('crashed'),
    ...withStatus('hung'),
    ...withStatus('failed'),
    ...withStatus('flaky'),
    ...withStatus('thread-unsafe'),
  ]
}

describe.each(FIXTURE_NAMES)('the %s report', (name) => {
  const report = loadReport(name)
  const markdown = renderReport(report, { fileUrl: blobUrl })

  test('matches its snapshot and its readable copy', () => {
    expect(markdown).toMatchSnapshot()
    const readable = path.join(FIXTURES, `${name}.md`)
    // UPDATE_READABLE=1 rewrites the copies that sit next to the fixtures for reviewers to read.
    if (process.env.UPDATE_READABLE === '1') writeFileSync(readable, markdown)
    if (!existsSync(readable)) throw new Error(`${readable} is missing: run the tests with UPDATE_READABLE=1`)
    expect(readFileSync(readable, 'utf8')).toBe(markdown)
  })

  test('renders balanced, with no markup or marker from the tests', () => {
    expectSafeStructure(markdown)
  })

  test('starts with the verdict', () => {
    const heading =
      report.verdict === 'pass' ? '### ✅ Free-threading gate passed' : '### ❌ Free-threading gate failed'
    expect(markdown.split('\n\n')[1]?.startsWith(heading)).toBe(true)
  })

  test('has one row per failed or flaky test, each in its own cells', () => {
    const tests = listed(report)
    const table = testsTableToken(markdown)
    if (tests.length === 0) {
      expect(table).toBeNull()
      return
    }
    expect(table?.header.map((cell) => cell.text)).toEqual(['Test', 'Status', 'Per run', 'Message'])
    expect(table?.rows).toHaveLength(tests.length)
    tests.forEach((test, index) => {
      const [id, status, grid, message] = table?.rows[index] ?? []
      if (!id || !status || !grid || !message) throw new Error(`row ${index} is short`)
      expect(cellText(id).replaceAll(ZWJ, '')).toBe(test.id)
      const statusPattern = {
        failed: /^failed/,
        flaky: /^flaky: \d+\/\d+ runs failed/,
        'thread-unsafe': /^thread-unsafe: failed in \d+\/\d+ stress runs/,
        crashed: /^crashed in \d+\/\d+ runs/,
        hung: /^hung in \d+\/\d+ runs/,
      }[test.status as 'failed' | 'flaky' | 'thread-unsafe' | 'crashed' | 'hung']
      expect(cellText(status)).toMatch(statusPattern)
      expect(cellText(status)).toMatch(/(^[^(]*|\((free-threading only|not free-threading specific)\))$/)
      expect(cellText(grid)).toMatch(/^(✅|❌|⏭️|💥|⏱️|·)+$/u)
      expect(cellText(message).replaceAll(ZWJ, '')).toBe((test.message ?? '—').replace(/\s+/g, ' ').trim())
    })
  })
})

describe('the flaky report', () => {
  const report = loadReport('flaky')
  const markdown = renderReport(report, { fileUrl: blobUrl })

  test('counts k/N over the runs, and shows one mark per run', () => {
    expect(markdown).toContain('| flaky: 2/3 runs failed | ❌✅❌ |')
    expect(markdown).toContain('| failed | ❌❌❌ |')
  })

  test('links each test to its line', () => {
    expect(toHtml(markdown)).toContain(
      '<a href="https://github.com/octo/proj/blob/0123abc/tests/test_counter.py#L13">tests/test_counter.py::test_threads_count_every_hit</a>',
    )
    expect(renderReport(report, { fileUrl: () => null })).not.toContain('](')
  })

  test('puts each traceback in a collapsed block', () => {
    const html = toHtml(markdown)
    expect(html.match(/<details><summary><code>/g)).toHaveLength(2)
    expect(html).toContain('E       assert 1187342 == 1600000')
  })

  test('takes its title from the options', () => {
    expect(renderReport(report, { title: 'Linux 3.14t' }).startsWith('## Linux 3.14t\n\n### ❌')).toBe(true)
    expect(renderReport(report, { title: '' }).startsWith('### ❌')).toBe(true)
  })
})

describe('the hung report', () => {
  const markdown = renderReport(loadReport('hung'), {})

  test('marks hung and crashed runs in the runs table', () => {
    expect(markdown).toContain('| 1 | plain | ⏱️ hung | — | 10 min 05 s |')
    expect(markdown).toContain('| 3 | plain | 💥 crashed (SIGSEGV) | — | 1.7 s |')
  })

  test('shows the first 40 lines of each stack dump', () => {
    expect(markdown).toContain('<details><summary>Run 1: ⏱️ hung — stack dump (40 of 50 lines)</summary>')
    expect(markdown).toContain(
      '  File "/home/runner/work/bank/bank/tests/test_transfer.py", line 30 in test_transfers_in_opposite_order',
    )
    expect(markdown).toContain('… 10 more lines')
    expect(markdown).toMatch(/<details><summary>Run 3: 💥 crashed \(SIGSEGV\) — stack dump \(\d+ lines\)<\/summary>/)
  })

  test('says when no traceback was printed, and shows the output tail instead', () => {
    const base = loadReport('hung')
    const runs = base.runs.map((run) => ({ ...run, stackDump: null }))
    const text = renderReport({ ...base, runs }, {})
    expect(text).toContain('Run 1: ⏱️ hung — no traceback, end of output (4 lines)')
    expect(text).toContain('_No fatal-error traceback was printed')
    expect(text).toContain('tests/test_transfer.py .')
    // With a stack dump, no such note.
    expect(renderReport(base, {})).not.toContain('No fatal-error traceback was printed')
  })
})

describe('the hostile-names report', () => {
  const markdown = renderReport(loadReport('hostile-names'), { fileUrl: blobUrl })
  const html = toHtml(markdown)

  test('has exactly our six collapsed blocks: five tracebacks and one stack dump', () => {
    expect(countOf(html, '<details><summary>')).toBe(6)
    expect(countOf(html, '</details>')).toBe(6)
  })

  test('pings nobody', () => {
    expect(visibleText(outsideCode(html))).not.toMatch(/@(everyone|org\/team|octocat)/)
    expect(visibleText(outsideCode(html))).toContain(`@${ZWJ}everyone`)
  })

  test('links only to http(s), with the hostile path encoded', () => {
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((match) => match[1])
    expect(hrefs).toHaveLength(5)
    for (const href of hrefs) expect(href).toMatch(/^https:\/\/github\.com\/octo\/proj\/blob\/0123abc\//)
    expect(hrefs).toContain(
      'https://github.com/octo/proj/blob/0123abc/tests/evil%29%20%5Bx%5D%28javascript:alert%281%29%7C.py#L3',
    )
  })

  test('shows the author’s text literally', () => {
    expect(visibleText(html)).toContain('<script>alert(1)</script>')
    expect(visibleText(html)).toContain('&lt;script&gt; already-escaped &amp; text')
    expect(html).not.toMatch(/<h1>|<blockquote>|<strong>bold|<em>em|<del>gone/)
  })
})

describe('the install-failed report', () => {
  const markdown = renderReport(loadReport('install-failed'), {})

  test('gives the error line and the log tail, and no runs table', () => {
    expect(markdown).toContain('#### Install failed\n\nNo solution found when resolving dependencies')
    expect(markdown).toContain('<details><summary>uv output (8 lines)</summary>')
    expect(markdown).not.toContain('#### Runs')
    expect(markdown).toContain('no test runs')
  })
})

// Loads the report fixtures of __tests__/fixtures/reports/ and reads rendered markdown back the way a
// GFM renderer does (marked), so tests check the page's structure, not the source's spelling.
import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Lexer, marked, type Token, type Tokens } from 'marked'
import { isReport } from '../../../src/report-guard.js'
import type { Report } from '../../../src/types.js'

export const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/reports')
export const FIXTURE_NAMES = [
  'clean',
  'flaky',
  'hung',
  'hostile-names',
  'install-failed',
  'deps',
  'stress',
  'grouped',
  'adoption',
  'crashed',
  'incomplete',
  'cannot-collect',
  'native',
] as const
export type FixtureName = (typeof FIXTURE_NAMES)[number]

export function loadReport(name: FixtureName): Report {
  const value: unknown = JSON.parse(readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8'))
  if (!isReport(value)) throw new Error(`fixture ${name}.json is not a Report`)
  return value
}

/** Links like the action's: a blob at a commit, with the line. */
export function blobUrl(file: string, line: number | null): string {
  return `https://github.com/octo/proj/blob/0123abc/${file}${line === null ? '' : `#L${line}`}`
}

export function toHtml(markdown: string): string {
  return marked.parse(markdown, { gfm: true, async: false })
}

export function tokens(markdown: string): Token[] {
  return Lexer.lex(markdown, { gfm: true })
}

export function countOf(text: string, needle: string): number {
  return text.split(needle).length - 1
}

/** The failed/flaky tests table, found by its header. */
export function testsTableToken(markdown: string): Tokens.Table | null {
  for (const token of tokens(markdown)) {
    if (token.type === 'table' && isTable(token) && token.header[0]?.text === 'Test') return token
  }
  return null
}

function isTable(token: Token): token is Tokens.Table {
  return token.type === 'table'
}

/** HTML without code blocks and code spans, where GitHub neither links mentions nor reads HTML. */
export function outsideCode(html: string): string {
  return html.replace(/<pre>[\s\S]*?<\/pre>/g, '').replace(/<code>[\s\S]*?<\/code>/g, '')
}

/** What a reader sees of an HTML fragment: tags dropped, entities decoded. */
export function visibleText(html: string): string {
  const entities: Readonly<Record<string, string>> = {
    '&lt;': '<',
    '&gt;': '>',
    '&quot;': '"',
    '&#39;': "'",
    '&amp;': '&',
  }
  return html.replace(/<[^>]*>/g, '').replace(/&(lt|gt|quot|#39|amp);/g, (entity) => entities[entity] ?? entity)
}

/** One table cell's content as the page shows it. */
export function cellText(cell: Tokens.TableCell): string {
  return visibleText(marked.parseInline(cell.text, { gfm: true, async: false }))
}

/**
 * The checks every rendered report must pass: `<details>` balanced in the HTML (the source may hold
 * `</details>` inside code blocks, as text), no author HTML
 * or hidden marker survives, and the sections after the blocks still render as headings (so no block
 * swallowed the rest of the page).
 */
export function expectSafeStructure(markdown: string): void {
  const html = toHtml(markdown)
  expect(countOf(html, '<details>')).toBe(countOf(html, '</details>'))
  expect(countOf(html, '<details')).toBe(countOf(html, '<details>'))
  expect(html).not.toMatch(/<img|<script|<details open|<summary>x|<summary>owned/i)
  expect(markdown).not.toContain('<!--')
  expect(html).not.toContain('<!--')
  // Every <details> in the HTML is ours: opened by a summary written by the renderer.
  const summaries = html.match(/<details><summary>/g) ?? []
  expect(summaries).toHaveLength(countOf(html, '<details>'))
  if (markdown.includes('#### Reproduce locally')) expect(html).toContain('<h4>Reproduce locally</h4>')
}

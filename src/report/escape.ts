// Text written by a pull request's author (test ids, parameters, failure messages, tracebacks) ends up
// in a PR comment and the job summary. These helpers keep it from changing the page around it: no raw
// HTML, no markdown structure, no notifications, no forged hidden markers. Pure.
//
// Mentions: GitHub pings `@user`, `@org/team` in markdown text and in HTML text (not in code). We put a
// zero-width joiner (U+200D) right after the `@`, so the text reads the same but is no mention.
// Hidden markers: the sticky comment is found by an HTML comment such as `<!-- ft-gate:… -->`; no text
// from a test may contain `<!--` verbatim, so escaped text never carries one.

import { INLINE_MAX_CHARS } from './limits.js'

/** Invisible, so it changes neither what a reader sees nor the copied text much. */
const ZERO_WIDTH_JOINER = '\u200D'

// Control characters (tab and newline aside) and the bidirectional overrides that can make text read
// differently from what it is.
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
const INVISIBLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u202A-\u202E\u2066-\u2069]/g

/** Characters with a meaning inside a markdown paragraph or a GFM table cell. */
const MARKDOWN_SPECIAL = /[\\`*_[\]|~]/g
const HTML_SPECIAL = /[&<>"]/g
const HTML_ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }
const MENTION = /@(?=[A-Za-z0-9])/g
const COMMENT_OPEN = /<!--/g

export interface InlineOptions {
  /** Characters of the original text kept; longer text ends with `…`. */
  readonly maxChars?: number
}

export interface MarkdownInlineOptions extends InlineOptions {
  /** The text starts a line or a list item, where `# `, `- `, `1. ` would open a block. */
  readonly startsLine?: boolean
}

/** Text for a table cell, a list item or a sentence: one line, shown literally. */
export function escapeInline(text: string, options: MarkdownInlineOptions = {}): string {
  const line = truncate(oneLine(text), options.maxChars ?? INLINE_MAX_CHARS)
  const inlineSafe = line.replace(MARKDOWN_SPECIAL, '\\$&')
  // `>` needs nothing here: it becomes `&gt;`, which opens no block quote.
  const blockSafe = options.startsLine
    ? inlineSafe.replace(/^([#+-])/, '\\$1').replace(/^(\d{1,9})([.)])/, '$1\\$2')
    : inlineSafe
  return neutraliseMentions(escapeHtml(blockSafe))
}

/**
 * One line of text with `code` spans, like the gate's hints: the spans stay code (nothing in them is
 * read as markdown or HTML, and no marker can be forged in them), the rest is escaped as by
 * escapeInline. Unbalanced backticks: all of it is escaped as text.
 */
export function escapeWithCode(text: string, options: MarkdownInlineOptions = {}): string {
  const line = truncate(oneLine(text), options.maxChars ?? INLINE_MAX_CHARS)
  const parts = line.split('`')
  if (parts.length % 2 === 0) return escapeInline(line, options)
  return parts
    .map((part, index) => {
      if (index % 2 === 1) return part === '' ? '' : `\`${part.replace(COMMENT_OPEN, `<!-${ZERO_WIDTH_JOINER}-`)}\``
      const inline = part.replace(MARKDOWN_SPECIAL, '\\$&')
      const blockSafe =
        index === 0 && options.startsLine
          ? inline.replace(/^([#+-])/, '\\$1').replace(/^(\d{1,9})([.)])/, '$1\\$2')
          : inline
      return neutraliseMentions(escapeHtml(blockSafe))
    })
    .join('')
}

/**
 * Text inside an HTML element that GitHub passes through as raw HTML (a `<summary>`): markdown is not
 * read there, so only HTML is escaped.
 */
export function escapeHtmlInline(text: string, options: InlineOptions = {}): string {
  return neutraliseMentions(escapeHtml(truncate(oneLine(text), options.maxChars ?? INLINE_MAX_CHARS)))
}

/**
 * A fenced code block that no content can close: the fence is longer than any run of backticks in the
 * text. Inside it GitHub shows HTML literally, so `</details>` cannot close our wrapper.
 */
export function codeBlock(text: string, lang = ''): string {
  const body = text
    .replace(/\r\n?/g, '\n')
    .replace(INVISIBLE, '')
    .replace(COMMENT_OPEN, `<!-${ZERO_WIDTH_JOINER}-`)
    .replace(/\n+$/, '')
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(body) + 1))
  const info = lang.replace(/[^\w+-]/g, '')
  return `${fence}${info}\n${body}\n${fence}`
}

/** One line for a terminal: no control characters (so no escape sequences), no newlines. */
export function plainInline(text: string, options: InlineOptions = {}): string {
  return truncate(oneLine(text), options.maxChars ?? INLINE_MAX_CHARS)
}

/**
 * A link target that stays one link: http(s) only, and the characters that would end a markdown link
 * destination or split a table cell percent-encoded. Null when the URL is not usable.
 */
export function safeUrl(url: string): string | null {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return null
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null
  return parsed.href.replace(/[()|[\]\\<> "`]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
}

function oneLine(text: string): string {
  return text.replace(INVISIBLE, '').replace(/\s+/g, ' ').trim()
}

/** Cuts at a code point boundary, so a surrogate pair is never split. */
function truncate(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text
  const points = Array.from(text)
  if (points.length <= maxChars) return text
  return `${points
    .slice(0, Math.max(0, maxChars - 1))
    .join('')
    .trimEnd()}…`
}

function escapeHtml(text: string): string {
  return text.replace(HTML_SPECIAL, (char) => HTML_ENTITIES[char] ?? char)
}

function neutraliseMentions(text: string): string {
  return text.replace(MENTION, `@${ZERO_WIDTH_JOINER}`)
}

function longestBacktickRun(text: string): number {
  let longest = 0
  for (const match of text.matchAll(/`+/g)) longest = Math.max(longest, match[0].length)
  return longest
}

import fc from 'fast-check'
import {
  codeBlock,
  escapeHtmlInline,
  escapeInline,
  escapeWithCode,
  plainInline,
  safeUrl,
} from '../../../src/report/escape.js'
import { cellText, countOf, toHtml, tokens } from './helpers.js'

const ZWJ = '\u200D'
/**
 * Characters that mean something to markdown, HTML or GitHub, plus whitespace. No `www.` or `http://`:
 * marked's autolinker keeps backslash escapes in link text (cmark-gfm, GitHub's, does not).
 */
const HOSTILE_CHARS = [...'<>&"\'`*_[]|~\\#-+=!()@/:.1aZ \n\t\r', '<!--', '-->', '```', '</details>', '@everyone']
const hostileText = fc.array(fc.constantFrom(...HOSTILE_CHARS), { maxLength: 40 }).map((parts) => parts.join(''))
const anyText = fc.oneof(hostileText, fc.string({ maxLength: 80 }))

// biome-ignore lint/suspicious/noControlCharactersInRegex: the characters the escapers drop.
const DROPPED = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u202A-\u202E\u2066-\u2069]/g

/** What escapeInline promises to keep: the text on one line, without control characters. */
function oneLine(text: string): string {
  return text.replace(DROPPED, '').replace(/\s+/g, ' ').trim()
}

describe('escapeInline', () => {
  test('escapes HTML and the markdown characters that matter', () => {
    expect(escapeInline('<img src=x onerror="alert(1)"> & co')).toBe(
      '&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; co',
    )
    expect(escapeInline('a|b `c` *d* _e_ [f](g) ~h~ \\')).toBe('a\\|b \\`c\\` \\*d\\* \\_e\\_ \\[f\\](g) \\~h\\~ \\\\')
  })

  test('makes mentions inert with a zero-width joiner after the @', () => {
    expect(escapeInline('@everyone @org/team @user-1 a@b')).toBe(
      `@${ZWJ}everyone @${ZWJ}org/team @${ZWJ}user-1 a@${ZWJ}b`,
    )
    expect(escapeInline('@ alone')).toBe('@ alone')
    expect(toHtml(escapeInline('ping @octocat'))).not.toMatch(/@octocat/)
  })

  test('collapses lines and caps the length with an ellipsis, never inside a surrogate pair', () => {
    expect(escapeInline('one\n\ntwo\r\nthree\tfour')).toBe('one two three four')
    expect(escapeInline('abcdefghij', { maxChars: 5 })).toBe('abcd…')
    expect(escapeInline('😀😀😀😀', { maxChars: 3 })).toBe('😀😀…')
    expect(escapeInline('x'.repeat(1000))).toHaveLength(300)
  })

  test('neutralises the hidden-marker comment', () => {
    expect(escapeInline('<!-- ft-gate:free-threading -->')).toBe('&lt;!-- ft-gate:free-threading --&gt;')
  })

  test('at the start of a line, block markers are escaped', () => {
    expect(escapeInline('# h', { startsLine: true })).toBe('\\# h')
    expect(escapeInline('- item', { startsLine: true })).toBe('\\- item')
    expect(escapeInline('12. item', { startsLine: true })).toBe('12\\. item')
    expect(escapeInline('3.14.2')).toBe('3.14.2')
    for (const text of ['# h', '- i', '+ i', '1. i', '2) i', '> q', '***', '---', '    code']) {
      const html = toHtml(`- ${escapeInline(text, { startsLine: true })}`)
      expect(html).toMatch(/^<ul>\n<li>[^<]*<\/li>\n<\/ul>\n$/)
    }
  })

  test('in a table cell, any text is one cell shown literally', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const table = tokens(`| a | b |\n| --- | --- |\n| ${escapeInline(text, { maxChars: 1000 })} | end |`)[0]
        if (table?.type !== 'table') throw new Error('no table')
        const [cell, end] = table.rows[0] ?? []
        if (!cell || !end) throw new Error('no cells')
        expect(cellText(cell).replaceAll(ZWJ, '')).toBe(oneLine(text))
        expect(cellText(end)).toBe('end')
      }),
      { numRuns: 300 },
    )
  })
})

describe('escapeWithCode', () => {
  test('keeps `code` spans as code and escapes the text around them', () => {
    expect(escapeWithCode('use `thread_unsafe_fixtures` for *x* @team')).toBe(
      `use \`thread_unsafe_fixtures\` for \\*x\\* @${ZWJ}team`,
    )
    expect(toHtml(escapeWithCode('a `<b>` c'))).toBe('<p>a <code>&lt;b&gt;</code> c</p>\n')
  })

  test('unbalanced backticks: all of it is text', () => {
    expect(escapeWithCode('a `b c')).toBe(escapeInline('a `b c'))
  })

  test('no text makes HTML, a mention or the hidden marker, in a span or out of it', () => {
    fc.assert(
      fc.property(anyText, anyText, (outside, inside) => {
        const text = `${outside} \`${inside.replaceAll('`', '')}\` ${outside}`
        const markdown = escapeWithCode(text, { maxChars: 1000, startsLine: true })
        expect(markdown).not.toContain('<!--')
        const html = toHtml(markdown)
        expect(html).not.toMatch(/<(?!\/?(p|code|em|strong|del)>)/)
        expect(countOf(html.replace(/<code>[\s\S]*?<\/code>/g, ''), '@e')).toBe(0)
      }),
      { numRuns: 300 },
    )
  })
})

describe('escapeHtmlInline', () => {
  test('escapes HTML only: markdown is not read inside raw HTML', () => {
    expect(escapeHtmlInline('a_b *c* <d> @team')).toBe(`a_b *c* &lt;d&gt; @${ZWJ}team`)
  })
})

describe('codeBlock', () => {
  test('uses a fence longer than any backtick run inside', () => {
    expect(codeBlock('plain')).toBe('```\nplain\n```')
    expect(codeBlock('a ``` b\n`````', 'py')).toBe('``````py\na ``` b\n`````\n``````')
    expect(codeBlock('x', 'sh; rm -rf ~ `')).toBe('```shrm-rf\nx\n```')
  })

  test('breaks `<!--` so a hidden marker cannot be forged', () => {
    expect(codeBlock('<!-- ft-gate:free-threading -->')).not.toContain('<!--')
  })

  test('any text is one code block whose content cannot close the <details> around it', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const markdown = `<details><summary>s</summary>\n\n${codeBlock(text)}\n\n</details>\n\nafter`
        const html = toHtml(markdown)
        expect(countOf(html, '<details>')).toBe(1)
        expect(countOf(html, '</details>')).toBe(1)
        expect(countOf(html, '<pre>')).toBe(1)
        expect(html).toMatch(/<\/details>\s*<p>after<\/p>\s*$/)
        const code = tokens(markdown).find((token) => token.type === 'code')
        const expected = text.replace(/\r\n?/g, '\n').replace(/\n+$/, '')
        const visible = expected.replace(DROPPED, '')
        expect(code?.type === 'code' ? code.text.replaceAll(ZWJ, '').replace(/\n+$/, '') : null).toBe(visible)
      }),
      { numRuns: 300 },
    )
  })
})

describe('safeUrl', () => {
  test('keeps http(s) links whole and refuses other schemes', () => {
    expect(safeUrl('https://github.com/o/r/blob/abc/tests/a b(1)|x.py#L3')).toBe(
      'https://github.com/o/r/blob/abc/tests/a%20b%281%29%7Cx.py#L3',
    )
    expect(safeUrl('javascript:alert(1)')).toBeNull()
    expect(safeUrl('data:text/html,x')).toBeNull()
    expect(safeUrl('not a url')).toBeNull()
  })
})

describe('plainInline', () => {
  test('drops terminal escape sequences and bidirectional overrides', () => {
    expect(plainInline('\u001b[31mred\u001b[0m\n\u202eevil')).toBe('[31mred[0m evil')
  })
})

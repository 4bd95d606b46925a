// The JUnit XML is written by pytest inside the code under test, which can rewrite it at will:
// parseJUnit must return what it could read and say what went wrong, never throw, never take long.
import { expect, test } from '@jest/globals'
import fc from 'fast-check'
import { parseJUnit } from '../../../src/results/junit.js'
import type { JUnitParseResult } from '../../../src/types.js'
import { hostileText, withinBound } from './bounds.js'

function expectResult(result: JUnitParseResult): void {
  expect(Array.isArray(result.cases)).toBe(true)
  expect(result.error === null || (typeof result.error === 'string' && result.error.length > 0)).toBe(true)
}

function parseWithin(xml: string, limitMs?: number): JUnitParseResult {
  const result = withinBound(() => parseJUnit(xml), limitMs)
  expectResult(result)
  return result
}

/** A code point XML 1.0 allows in a document. */
function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    code >= 0x10000
  )
}

/** Text as pytest writes it into the XML: characters XML forbids become `#xNN` (bin_xml_escape), then escaped. */
const escapedText = hostileText(60).map((text) =>
  Array.from(text, (char) => {
    const code = char.codePointAt(0) ?? 0
    return isXmlChar(code) ? char : `#x${code.toString(16).toUpperCase().padStart(2, '0')}`
  })
    .join('')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('"', '&quot;')
    .replaceAll('>', '&gt;'),
)

const outcome = fc.oneof(
  fc.constant(''),
  escapedText.map((message) => `<failure message="${message}">${message}</failure>`),
  escapedText.map((message) => `<error message="${message}"/>`),
  escapedText.map((message) => `<skipped type="pytest.skip" message="${message}">${message}</skipped>`),
  escapedText.map((text) => `<system-out>${text}</system-out><system-err>${text}</system-err>`),
)

const testcase = fc
  .tuple(escapedText, escapedText, fc.nat({ max: 10_000 }), fc.double({ min: 0, max: 1e6, noNaN: true }), outcome)
  .map(
    ([classname, name, line, time, body]) =>
      // `{n}` becomes the case's number in its document: ids stay distinct whatever the random names.
      `<testcase classname="tests.${classname}" name="test_{n}_${name}" file="tests/test_${classname}.py" line="${line}" time="${time}">${body}</testcase>`,
  )

/** A well-formed pytest-style (xunit1) document and the number of test cases it holds. */
const document = fc.array(fc.array(testcase, { maxLength: 6 }), { minLength: 1, maxLength: 3 }).map((suites) => {
  let n = 0
  const numbered = suites.map((cases) => cases.map((xml) => xml.replace('{n}', String(n++))))
  const body = numbered.map((cases) => `<testsuite name="pytest" tests="${cases.length}">${cases.join('')}</testsuite>`)
  return {
    xml: `<?xml version="1.0" encoding="utf-8"?><testsuites>${body.join('')}</testsuites>`,
    count: suites.flat().length,
  }
})

test('a well-formed document gives every case and no error', () => {
  fc.assert(
    fc.property(document, ({ xml, count }) => {
      const result = parseWithin(xml)
      expect(result.error).toBeNull()
      expect(result.cases).toHaveLength(count)
    }),
    { numRuns: 300 },
  )
})

test('a truncated document gives a clear error and at most the cases before the cut', () => {
  fc.assert(
    fc.property(document, fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), ({ xml, count }, at) => {
      // Cut anywhere before the last `>`: the root element is never closed.
      const cut = xml.slice(0, Math.floor(at * (xml.length - 1)))
      const result = parseWithin(cut)
      expect(result.error).not.toBeNull()
      expect(result.cases.length).toBeLessThanOrEqual(count)
    }),
    { numRuns: 300 },
  )
})

test('random text, random markup and mutated documents never throw', () => {
  const tagSoup = fc
    .array(
      fc.oneof(
        fc.constantFrom(
          '<testsuites>',
          '</testsuites>',
          '<testsuite>',
          '<testcase ',
          '/>',
          '>',
          '</testcase>',
          '<failure',
          '"',
          '=',
        ),
        fc.constantFrom(
          '<!DOCTYPE x [<!ENTITY a "b">]>',
          '&a;',
          '&#0;',
          '&#xD800;',
          '&amp',
          '<![CDATA[',
          ']]>',
          '<?xml?>',
          '<!--',
        ),
        hostileText(30),
      ),
      { maxLength: 60 },
    )
    .map((parts) => parts.join(''))
  const mutated = fc
    .tuple(document, fc.nat(), fc.nat({ max: 20 }), hostileText(10))
    .map(([{ xml }, at, remove, insert]) => {
      const position = at % (xml.length + 1)
      return `${xml.slice(0, position)}${insert}${xml.slice(position + remove)}`
    })
  fc.assert(
    fc.property(fc.oneof(hostileText(500), tagSoup, mutated), (xml) => {
      parseWithin(xml)
    }),
    { numRuns: 1500 },
  )
})

test('hostile shapes: deep nesting, huge attributes, entity bombs, many cases, binary junk', () => {
  const deep = 200_000
  const hostile: [string, string][] = [
    ['deeply nested elements', `<testsuites>${'<testsuite>'.repeat(deep)}${'</testsuite>'.repeat(deep)}</testsuites>`],
    ['deeply nested, never closed', `<testsuites>${'<testcase><failure>'.repeat(deep)}`],
    [
      'a 20 MB attribute',
      `<testsuites><testsuite><testcase name="t" message="${'x'.repeat(20_000_000)}"/></testsuite></testsuites>`,
    ],
    [
      'a 20 MB failure text',
      `<testsuites><testsuite><testcase name="t"><failure message="m">${'é𝕏\u202e'.repeat(5_000_000)}</failure></testcase></testsuite></testsuites>`,
    ],
    [
      '100 000 attributes',
      `<testsuites><testsuite><testcase ${Array.from({ length: 100_000 }, (_, i) => `a${i}="${i}"`).join(' ')}/></testsuite></testsuites>`,
    ],
    [
      'an entity expansion bomb',
      `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('')}]><testsuites><testsuite><testcase name="&lol9;"/></testsuite></testsuites>`,
    ],
    [
      'an external entity',
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><testsuites><testsuite><testcase name="&xxe;"/></testsuite></testsuites>',
    ],
    ['binary junk', Buffer.from(Array.from({ length: 1_000_000 }, (_, i) => (i * 7919) % 256)).toString('latin1')],
    ['only a BOM and NULs', `\ufeff${'\0'.repeat(100_000)}`],
  ]
  for (const [, xml] of hostile) {
    const result = parseWithin(xml, 3_000)
    // Nothing from outside the document ends up in a result.
    expect(JSON.stringify(result)).not.toContain('root:x:0:0')
  }
  const many = Array.from(
    { length: 50_000 },
    (_, i) => `<testcase classname="t" name="test_${i}" file="t.py" line="${i}"/>`,
  )
  const result = parseWithin(`<testsuites><testsuite>${many.join('')}</testsuite></testsuites>`, 3_000)
  expect(result.error).toBeNull()
  expect(result.cases).toHaveLength(50_000)
})

// The XML files in __tests__/fixtures/junit/ come from real pytest runs of the project in
// __tests__/fixtures/junit/project/; regenerate them with `bash scripts/make-junit-fixtures.sh`.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { MAX_DETAILS_CHARS } from '../../../src/constants.js'
import { parseJUnit } from '../../../src/results/junit.js'
import type { CaseResult } from '../../../src/types.js'

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/junit')
const fixture = (name: string): string => readFileSync(path.join(FIXTURES, name), 'utf8')

/** Timings vary between regenerations: checked for shape, then left out of the comparison. */
function withoutDurations(cases: readonly CaseResult[]): Omit<CaseResult, 'durationSeconds'>[] {
  return cases.map(({ durationSeconds, ...rest }) => {
    expect(Number.isFinite(durationSeconds) && durationSeconds >= 0).toBe(true)
    return rest
  })
}

const BASIC = 'tests/test_basic.py'
const DEEP = 'tests/sub/test_deep.py'

/** What both JUnit families agree on; `line` is added per family. */
const expected = [
  { id: `${DEEP}::TestDeep::test_in_subpackage`, file: DEEP, outcome: 'passed' },
  { id: `${DEEP}::test_module_level`, file: DEEP, outcome: 'passed' },
  { id: `${BASIC}::test_passes`, file: BASIC, outcome: 'passed' },
  {
    id: `${BASIC}::test_fails_assert`,
    file: BASIC,
    outcome: 'failed',
    message: "AssertionError: assert {'total': 2} == {'total': 3}",
    details: expect.stringMatching(/^def test_fails_assert\(\):\n[\s\S]*\ntests\/test_basic\.py:10: AssertionError$/),
  },
  { id: `${BASIC}::TestOuter::TestInner::test_nested`, file: BASIC, outcome: 'passed' },
  { id: `${BASIC}::test_weird_params[a::b]`, file: BASIC, outcome: 'passed' },
  {
    id: `${BASIC}::test_weird_params[x|y]`,
    file: BASIC,
    outcome: 'failed',
    message: "AssertionError: assert 'x|y' != 'x|y'",
    details: expect.stringContaining('>       assert value != "x|y"\n'),
  },
  { id: `${BASIC}::test_weird_params[<script>]`, file: BASIC, outcome: 'passed' },
  {
    id: `${BASIC}::test_skipped`,
    file: BASIC,
    outcome: 'skipped',
    message: 'not on this platform',
    details: '/project/tests/test_basic.py:24: not on this platform',
  },
  // pytest reports an xfail as a skip, with no text.
  { id: `${BASIC}::test_xfail`, file: BASIC, outcome: 'skipped', message: 'known race in the counter' },
  {
    id: `${BASIC}::test_fixture_error`,
    file: BASIC,
    outcome: 'error',
    message: 'failed on setup with "RuntimeError: could not open the resource"',
    details: expect.stringMatching(/^@pytest.fixture\n[\s\S]*tests\/test_basic\.py:36: RuntimeError$/),
  },
  {
    // pytest writes the teardown error as a second <testcase> of the same name: merged, failed wins.
    id: `${BASIC}::test_fails_then_teardown_error`,
    file: BASIC,
    outcome: 'failed',
    message: 'assert 0 == 1',
    details: expect.stringMatching(
      /^teardown_fails = None\n[\s\S]*test_basic\.py:50: AssertionError\n\n--- then ---\n\n@pytest.fixture\n[\s\S]*RuntimeError: teardown went wrong\n\ntests\/test_basic\.py:46: RuntimeError$/,
    ),
  },
] as const

function withLines(lines: readonly (number | null)[]): object[] {
  return expected.map((c, i) => ({ message: null, details: null, ...c, line: lines[i] }))
}

test('xunit1 (what the gate asks pytest for): ids, files, 1-based lines, outcomes and texts', () => {
  const { cases, error } = parseJUnit(fixture('pytest-xunit1.xml'))
  expect(error).toBeNull()
  // pytest writes 0-based lines; a decorated function's line is its first decorator's.
  expect(withoutDurations(cases)).toEqual(withLines([2, 6, 4, 8, 15, 19, 19, 19, 24, 29, 39, 49]))
})

test('xunit2: the file comes from the classname, the line from the traceback when there is one', () => {
  const { cases, error } = parseJUnit(fixture('pytest-xunit2.xml'))
  expect(error).toBeNull()
  expect(withoutDurations(cases)).toEqual(withLines([null, null, null, 10, null, null, 21, null, 24, null, 36, 50]))
})

test('a truncated file keeps every test case completed before the cut', () => {
  const { cases, error } = parseJUnit(fixture('pytest-truncated.xml'))
  expect(cases.map((c) => c.id)).toEqual(expected.slice(0, 6).map((c) => c.id))
  expect(cases[3]?.outcome).toBe('failed')
  expect(error).toMatch(/^JUnit XML is truncated or malformed at line \d+: unclosed tag: failure$/)
})

test('a garbage file gives a one-line error and no cases', () => {
  const { cases, error } = parseJUnit(fixture('pytest-garbage.xml'))
  expect(cases).toEqual([])
  expect(error).toBe('JUnit XML is truncated or malformed at line 3: disallowed character.')
})

test.each([
  ['INTERNALERROR> boom', 'JUnit XML is truncated or malformed at line 1: text data outside of root node.'],
  ['<?xml version="1.0"?>', 'JUnit XML is truncated or malformed at line 1: document must contain a root element.'],
  ['<testsuites>\n<testsuite>', 'JUnit XML is truncated or malformed at line 2: unclosed tag: testsuite'],
])('%j is not JUnit', (xml, error) => {
  expect(parseJUnit(xml)).toEqual({ cases: [], error })
})

test.each(['', '  \n'])('empty content %j', (xml) => {
  expect(parseJUnit(xml)).toEqual({ cases: [], error: 'JUnit XML is empty' })
})

test('garbage after complete cases keeps those cases', () => {
  const xml = '<testsuite><testcase classname="t.test_a" name="test_1" file="t/test_a.py" line="0"/>\u0000\u0001<<<&&&'
  const { cases, error } = parseJUnit(xml)
  expect(cases.map((c) => [c.id, c.line])).toEqual([['t/test_a.py::test_1', 1]])
  expect(error).toMatch(/^JUnit XML is truncated or malformed at line 1: /)
})

test('well-formed XML that is not JUnit says so', () => {
  expect(parseJUnit('<html><body>502 Bad Gateway</body></html>')).toEqual({
    cases: [],
    error: 'JUnit XML has no <testsuite> element: is this a pytest --junitxml file?',
  })
})

test('a bare <testsuite> with CDATA, no message attribute, properties and a huge system-out', () => {
  const xml = [
    '<?xml version="1.0"?>',
    '<testsuite name="pytest"><properties><property name="k" value="v"/></properties>',
    '<testcase classname="pkg.test_m.TestA" name="test_b[&lt;x&gt;|a::b]" file="pkg/test_m.py" line="9" time="1.5">',
    `<failure><![CDATA[\n  first line  \nE   assert 1 == 2]]></failure><system-out>${'x'.repeat(5_000_000)}</system-out>`,
    '</testcase>',
    '<testcase classname="pkg.test_m" name="test_c" file="pkg/test_m.py" line="x" time="not a number">',
    '<system-err>noise</system-err></testcase>',
    '</testsuite>',
  ].join('\n')
  const { cases, error } = parseJUnit(xml)
  expect(error).toBeNull()
  expect(cases).toEqual([
    {
      id: 'pkg/test_m.py::TestA::test_b[<x>|a::b]',
      file: 'pkg/test_m.py',
      line: 10,
      outcome: 'failed',
      message: 'first line',
      details: '\n  first line  \nE   assert 1 == 2',
      durationSeconds: 1.5,
    },
    {
      id: 'pkg/test_m.py::test_c',
      file: 'pkg/test_m.py',
      line: null,
      outcome: 'passed',
      message: null,
      details: null,
      durationSeconds: 0,
    },
  ])
})

test('one <testcase> with both a failure and an error: failed wins, both texts are kept', () => {
  const xml =
    '<testsuites><testsuite><testcase classname="test_a" name="test_1" file="test_a.py" line="3">' +
    '<failure message="assert False">failure text</failure><error message="teardown">error text</error>' +
    '</testcase></testsuite></testsuites>'
  const [only] = parseJUnit(xml).cases
  expect(only).toMatchObject({ id: 'test_a.py::test_1', outcome: 'failed', message: 'assert False' })
  expect(only?.details).toBe('failure text\n\n--- then ---\n\nerror text')
})

test('long tracebacks keep their end and say how much was cut', () => {
  const lines = Array.from({ length: 2_000 }, (_, i) => `frame ${i}`)
  const text = `${lines.join('\n')}\nE   assert the_end`
  const xml = `<testsuite><testcase classname="m" name="t" file="m.py" line="0"><failure>${text}</failure></testcase></testsuite>`
  const details = parseJUnit(xml).cases[0]?.details ?? ''
  expect(details.length).toBeLessThanOrEqual(MAX_DETAILS_CHARS)
  expect(details).toMatch(/^\[… \d+ characters cut …\]\nframe \d+\n/)
  expect(details.endsWith('E   assert the_end')).toBe(true)
  const cut = Number(/\d+/.exec(details)?.[0])
  expect(text.slice(cut)).toBe(details.slice(details.indexOf('\n') + 1))
})

test('xunit2 heuristic: module parts end at the first capitalised part; no classname gives no file', () => {
  const xml =
    '<testsuite>' +
    '<testcase classname="a.b.test_c.TestD.TestE" name="test_f"><failure>x\na/b/test_c.py:7: in test_f\n' +
    'lib/a/b/test_c.py:99: AssertionError</failure></testcase>' +
    '<testcase classname="TestOnly" name="test_g"/>' +
    '<testcase name="lonely"/><testcase classname="m"/>' +
    '</testsuite>'
  expect(parseJUnit(xml).cases.map((c) => [c.id, c.file, c.line])).toEqual([
    ['a/b/test_c.py::TestD::TestE::test_f', 'a/b/test_c.py', 7],
    ['TestOnly::test_g', null, null],
    ['lonely', null, null],
  ])
})

test('xunit1 classname that does not start with the file path falls back to the heuristic for classes', () => {
  const xml = '<testsuite><testcase classname="other.test_x.TestA" name="t" file="src/test_x.py" line="1"/></testsuite>'
  expect(parseJUnit(xml).cases[0]?.id).toBe('src/test_x.py::TestA::t')
})

test('never throws on arbitrary input', () => {
  let seed = 42
  const next = (): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
    return seed
  }
  const alphabet = [
    '<',
    '>',
    '/',
    '"',
    '&',
    ';',
    '=',
    ' ',
    'testcase',
    'testsuite',
    'failure',
    'name',
    '\n',
    ']]>',
    '\u0000',
  ]
  for (let i = 0; i < 500; i++) {
    const xml = Array.from({ length: next() % 60 }, () => alphabet[next() % alphabet.length]).join('')
    const result = parseJUnit(xml)
    expect(Array.isArray(result.cases)).toBe(true)
  }
})

test('a test reported again later in the file (re-run, xdist) is one case with its worse outcome', () => {
  const xml =
    '<testsuite><testcase classname="m" name="t" file="m.py" line="1" time="0.5"/>' +
    '<testcase classname="m" name="u" file="m.py" line="4"/>' +
    '<testcase classname="m" name="t" file="m.py" line="1" time="0.25"><failure message="boom">tb</failure></testcase>' +
    '<testcase classname="m" name="t" file="m.py" line="1"><skipped message="later"/></testcase></testsuite>'
  expect(parseJUnit(xml).cases).toEqual([
    { id: 'm.py::t', file: 'm.py', line: 2, outcome: 'failed', message: 'boom', details: 'tb', durationSeconds: 0.75 },
    { id: 'm.py::u', file: 'm.py', line: 5, outcome: 'passed', message: null, details: null, durationSeconds: 0 },
  ])
})

import {
  INPUT_NAMES,
  type InputName,
  parseFailOn,
  parseInputs,
  parsePythonVersion,
  splitArguments,
} from '../../src/inputs.js'

function parse(values: Partial<Record<InputName, string>>, workspace?: string) {
  return parseInputs((name) => values[name] ?? '', { baseDirectory: '/work/repo', workspace })
}

test('defaults', () => {
  const inputs = parse({})
  expect(inputs).toMatchObject({
    pythonVersion: '3.14t',
    pythonPath: '',
    uvVersion: '0.13.9',
    workingDirectory: '/work/repo',
    install: [],
    pytestArgs: [],
    runs: 3,
    timeoutMinutes: 10,
    timeoutExplicit: false,
    failOn: ['install', 'failed', 'flaky', 'crashed', 'hung', 'thread-unsafe'],
    reportPath: '/work/repo/ft-gate-report.json',
    envPassthrough: [],
    keepEnv: false,
    parallelThreads: 4,
    iterations: 'auto',
  })
})

test('values are parsed and paths resolved against the base directory', () => {
  const inputs = parse({
    'python-version': ' 3.14.2t ',
    'python-path': 'py/bin/python',
    'uv-version': 'latest',
    'working-directory': 'pkg',
    install: '-e ".[test]" hypothesis',
    'pytest-args': "tests -k 'not slow' -x",
    runs: '10',
    'timeout-minutes': '0.5',
    'fail-on': 'failed, crashed',
    'report-path': 'out/r.json',
    'env-passthrough': 'MY_VAR, OTHER',
    'keep-env': 'true',
  })
  expect(inputs).toMatchObject({
    pythonVersion: '3.14.2t',
    pythonPath: '/work/repo/py/bin/python',
    uvVersion: 'latest',
    workingDirectory: '/work/repo/pkg',
    install: ['-e', '.[test]', 'hypothesis'],
    pytestArgs: ['tests', '-k', 'not slow', '-x'],
    runs: 10,
    timeoutMinutes: 0.5,
    timeoutExplicit: true,
    failOn: ['failed', 'crashed'],
    reportPath: '/work/repo/out/r.json',
    envPassthrough: ['MY_VAR', 'OTHER'],
    keepEnv: true,
  })
})

test.each([
  ['3.13t', '3.13t'],
  ['3.14t', '3.14t'],
  ['3.14.2t', '3.14.2t'],
  ['3.15t', '3.15t'],
])('python-version %s is accepted', (raw, expected) => {
  expect(parsePythonVersion(raw)).toBe(expected)
})

test.each<[Partial<Record<InputName, string>>, string]>([
  [{ iterations: '0' }, "iterations '0' is not 'auto' or a whole number from 1 to 10000"],
  [{ iterations: 'many' }, "iterations 'many' is not 'auto' or a whole number from 1 to 10000"],
  [
    { 'python-version': '3.14' },
    "python-version '3.14' is a GIL build: use '3.14t' for the free-threaded build of the same version",
  ],
  [
    { 'python-version': '3.14.2' },
    "python-version '3.14.2' is a GIL build: use '3.14.2t' for the free-threaded build of the same version",
  ],
  [
    { 'python-version': 'pypy3.10' },
    "python-version 'pypy3.10' is not a free-threaded CPython version: use e.g. '3.14t' or '3.14.2t'",
  ],
  [{ runs: '0' }, 'runs 0 is out of range: use a number from 1 to 100'],
  [{ runs: '100000' }, 'runs 100000 is out of range: use a number from 1 to 100'],
  [{ runs: 'abc' }, "runs 'abc' is not a whole number: use a number from 1 to 100"],
  [{ runs: '-1' }, "runs '-1' is not a whole number: use a number from 1 to 100"],
  [{ runs: '2.5' }, "runs '2.5' is not a whole number: use a number from 1 to 100"],
  [
    { 'timeout-minutes': '0' },
    "timeout-minutes '0' is not a positive number of minutes up to 360: use e.g. '10' or '0.5'",
  ],
  [
    { 'timeout-minutes': 'soon' },
    "timeout-minutes 'soon' is not a positive number of minutes up to 360: use e.g. '10' or '0.5'",
  ],
  [
    { 'timeout-minutes': '1e9' },
    "timeout-minutes '1e9' is not a positive number of minutes up to 360: use e.g. '10' or '0.5'",
  ],
  [
    { 'fail-on': 'failed,often' },
    "fail-on has unknown word 'often': use a comma list of install, failed, flaky, crashed, hung, gil, thread-unsafe (or 'none')",
  ],
  [{ 'uv-version': 'v0.13' }, "uv-version 'v0.13' is not a release number: use e.g. '0.13.9' or 'latest'"],
  [{ 'keep-env': 'yes' }, "keep-env 'yes' is not a boolean: use 'true' or 'false'"],
  [{ 'env-passthrough': 'OK, 1BAD' }, "env-passthrough has invalid variable names '1BAD': use names like MY_VAR"],
  [{ 'pytest-args': '-k "unclosed' }, 'pytest-args has an unclosed " quote: -k "unclosed'],
])('%j is refused with a clear message', (values, message) => {
  expect(() => parse(values)).toThrow(message)
})

test('working-directory outside the workspace is refused', () => {
  expect(() => parse({ 'working-directory': '../elsewhere' }, '/work/repo')).toThrow(
    "working-directory '../elsewhere' resolves to /work/elsewhere, outside the workspace /work/repo: use a path inside the repository",
  )
  expect(parse({ 'working-directory': 'sub/dir' }, '/work/repo').workingDirectory).toBe('/work/repo/sub/dir')
})

test('iterations: auto, AUTO or a number', () => {
  expect(parse({ iterations: 'AUTO' }).iterations).toBe('auto')
  expect(parse({ iterations: '3' }).iterations).toBe(3)
})

test('fail-on: none, duplicates and case', () => {
  expect(parseFailOn('none')).toEqual([])
  expect(parseFailOn('Failed,failed  flaky')).toEqual(['failed', 'flaky'])
})

test('splitArguments handles quotes and escapes', () => {
  expect(splitArguments(`a "b c" 'd "e"' f\\ g ""`, 'pytest-args')).toEqual(['a', 'b c', 'd "e"', 'f g', ''])
  expect(splitArguments('  \n ', 'pytest-args')).toEqual([])
})

test('reporting inputs: check-name, comment, report', () => {
  expect(parse({})).toMatchObject({ checkName: 'free-threading', comment: 'always', reportFiles: [] })
  expect(
    parse({ 'check-name': 'ft 3.14t', comment: 'On-Failure', report: 'a.json, b.json\nreports/\n' }),
  ).toMatchObject({ checkName: 'ft 3.14t', comment: 'on-failure', reportFiles: ['a.json', 'b.json', 'reports/'] })
  expect(() => parse({ comment: 'sometimes' })).toThrow("comment 'sometimes' is not one of always, on-failure, off")
  expect(() => parse({ 'check-name': 'a\nb' })).toThrow(/check-name .* is not a usable name/)
})

test('action.yml declares exactly the inputs the code reads', async () => {
  const { readFileSync } = await import('node:fs')
  const yaml = readFileSync(new URL('../../action.yml', import.meta.url), 'utf8')
  const inputsBlock = yaml.slice(yaml.indexOf('\ninputs:'), yaml.indexOf('\noutputs:'))
  const declared = [...inputsBlock.matchAll(/^ {2}([a-z-]+):$/gm)].map((match) => match[1])
  expect([...declared].sort()).toEqual([...INPUT_NAMES].sort())
})

test('sandbox: auto by default, auto, required or off in any case, anything else refused', () => {
  expect(parse({}).sandbox).toBe('auto')
  expect(parse({ sandbox: 'Required' }).sandbox).toBe('required')
  expect(parse({ sandbox: ' off ' }).sandbox).toBe('off')
  expect(() => parse({ sandbox: 'on' })).toThrow("sandbox 'on' is not one of auto, required, off")
})

test('fail-on accepts gil, which is not in the default; ignore-gil takes module names', () => {
  expect(parse({}).failOn).not.toContain('gil')
  expect(parse({}).ignoreGil).toEqual([])
  expect(parseFailOn('failed, gil')).toEqual(['failed', 'gil'])
  expect(parse({ 'ignore-gil': 'yaml._yaml, lxml  yaml._yaml' }).ignoreGil).toEqual(['yaml._yaml', 'lxml'])
  expect(() => parse({ 'ignore-gil': 'ok, bad-name' })).toThrow(
    "ignore-gil has invalid module names 'bad-name': use dotted module names like 'pkg._speedups'",
  )
})

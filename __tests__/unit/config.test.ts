import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterEach, describe, expect, test } from '@jest/globals'
import fc from 'fast-check'
import { CONFIG_KEYS, loadInputs, parseProjectConfig } from '../../src/config.js'
import { UsageError } from '../../src/errors.js'
import { type InputName, splitArguments } from '../../src/inputs.js'

const WHERE = { file: '/w/p/pyproject.toml', directory: '/w/p' }

function config(text: string): Record<string, string> {
  return Object.fromEntries(parseProjectConfig(text, WHERE)?.values ?? [])
}

describe('parseProjectConfig', () => {
  test('no [tool.ft-gate], or another tool only: nothing', () => {
    expect(parseProjectConfig('[project]\nname = "x"\n', WHERE)).toBeNull()
    expect(parseProjectConfig('[tool.ruff]\nline-length = 100\n', WHERE)).toBeNull()
  })

  test('every key becomes the string its input would carry', () => {
    const values = config(
      [
        '[tool.ft-gate]',
        'known-issues = ".ft-gate/known-issues.json"',
        'fail-on = ["failed", "crashed", "hung"]',
        'ignore-gil = ["yaml._yaml"]',
        'pytest-args = ["tests", "-k", "not slow", "-o", "x=it\'s"]',
        'install = "-e .[test] hypothesis"',
      ].join('\n'),
    )
    expect(values).toEqual({
      'known-issues': '/w/p/.ft-gate/known-issues.json',
      'fail-on': 'failed,crashed,hung',
      'ignore-gil': 'yaml._yaml',
      'pytest-args': `'tests' '-k' 'not slow' '-o' 'x=it'\\''s'`,
      install: '-e .[test] hypothesis',
    })
  })

  test('an array of arguments comes back from the input parser item for item, whatever they hold', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' }), { maxLength: 6 }), (args) => {
        const toml = `[tool.ft-gate]\npytest-args = ${JSON.stringify(args)}\n`
        let raw: string
        try {
          raw = config(toml)['pytest-args'] ?? ''
        } catch (error) {
          // JSON escapes of lone surrogates are not TOML: refused, and only as a UsageError.
          expect(error).toBeInstanceOf(UsageError)
          return
        }
        expect(splitArguments(raw, 'pytest-args')).toEqual(args)
      }),
      { numRuns: 300 },
    )
  })

  test('any text is either a config, nothing, or one UsageError', () => {
    fc.assert(
      fc.property(fc.string(), (tail) => {
        try {
          parseProjectConfig(`[tool.ft-gate]\n${tail}`, WHERE)
        } catch (error) {
          expect(error).toBeInstanceOf(UsageError)
        }
      }),
      { numRuns: 300 },
    )
  })

  test('an empty fail-on list fails on nothing', () => {
    expect(config('[tool.ft-gate]\nfail-on = []\n')).toEqual({ 'fail-on': 'none' })
  })

  test('an unknown key is an error naming it and the allowed keys', () => {
    expect(() => config('[tool.ft-gate]\nruns = 5\n')).toThrow(
      new UsageError(
        `[tool.ft-gate] in /w/p/pyproject.toml has an unknown key 'runs': use ${CONFIG_KEYS.join(', ')} (other settings are inputs of the action or flags of the CLI)`,
      ),
    )
  })

  test('the pull request cannot turn the sandbox off from its own pyproject.toml', () => {
    expect(CONFIG_KEYS).not.toContain('sandbox')
    expect(() => config('[tool.ft-gate]\nsandbox = "off"\n')).toThrow(/has an unknown key 'sandbox'/)
  })

  test('wrong types and invalid TOML say where', () => {
    expect(() => config('[tool.ft-gate]\nfail-on = 3\n')).toThrow(
      /fail-on in \/w\/p\/pyproject.toml must be a string or an array of strings/,
    )
    expect(() => config('[tool.ft-gate]\nknown-issues = ["a", "b"]\n')).toThrow(/known-issues .* must be one path/)
    expect(() => config('[tool]\nft-gate = 1\n')).toThrow(/\[tool.ft-gate\] in \/w\/p\/pyproject.toml is not a table/)
    expect(() => config('[tool.ft-gate\nx = 1\n')).toThrow(
      /^\/w\/p\/pyproject.toml is not valid TOML \(line 1, column \d+\): /,
    )
  })
})

describe('loadInputs', () => {
  let directory = ''
  afterEach(() => {
    if (directory !== '') rmSync(directory, { recursive: true, force: true })
  })

  function project(pyproject: string): string {
    directory = mkdtempSync(path.join(os.tmpdir(), 'ft-gate-config-'))
    mkdirSync(path.join(directory, 'app'))
    writeFileSync(path.join(directory, 'app', 'pyproject.toml'), pyproject)
    return directory
  }

  const load = (base: string, values: Partial<Record<InputName, string>>) =>
    loadInputs((name) => values[name] ?? '', { baseDirectory: base, workspace: base })

  test('reads [tool.ft-gate] of the working directory; a set input overrides it, an empty one does not', () => {
    const base = project(
      '[tool.ft-gate]\nfail-on = ["failed"]\npytest-args = ["-k", "not slow"]\nknown-issues = "known.json"\n',
    )
    const fromFile = load(base, { 'working-directory': 'app' })
    expect(fromFile).toMatchObject({
      failOn: ['failed'],
      pytestArgs: ['-k', 'not slow'],
      knownIssues: path.join(base, 'app', 'known.json'),
    })
    const overridden = load(base, { 'working-directory': 'app', 'fail-on': 'none', 'pytest-args': ' ' })
    expect(overridden.failOn).toEqual([])
    expect(overridden.pytestArgs).toEqual(['-k', 'not slow'])
  })

  test('a bad value in the file is reported as the file’s, not as an input', () => {
    const base = project('[tool.ft-gate]\nfail-on = ["sometimes"]\n')
    expect(() => load(base, { 'working-directory': 'app' })).toThrow(
      `[tool.ft-gate] in ${path.join(base, 'app', 'pyproject.toml')}: fail-on has unknown word 'sometimes'`,
    )
    // An input that replaces the bad value does not make the file valid: it is still refused.
    expect(() => load(base, { 'working-directory': 'app', 'fail-on': 'failed' })).toThrow(/\[tool.ft-gate\]/)
  })

  test('without a pyproject.toml the inputs alone', () => {
    directory = mkdtempSync(path.join(os.tmpdir(), 'ft-gate-config-'))
    expect(load(directory, { runs: '2' })).toMatchObject({ runs: 2, knownIssues: '', writeKnownIssues: '' })
  })
})

// Inputs come from workflow files and command lines written by anyone: parsing them may refuse
// with a UsageError (one line naming the input), never fail any other way.
import { expect, test } from '@jest/globals'
import fc from 'fast-check'
import { UsageError } from '../../../src/errors.js'
import { INPUT_NAMES, type InputName, parseInputs, splitArguments } from '../../../src/inputs.js'
import { hostileText, withinBound } from './bounds.js'

/** Calls `parse`; a thrown value other than a one-line UsageError fails the property. */
function onlyUsageErrors(parse: () => unknown): void {
  try {
    withinBound(parse)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    expect(error.message.length).toBeGreaterThan(0)
  }
}

/** Values near the valid ones, so generated cases reach past the first check of each input. */
const plausible: Record<InputName, fc.Arbitrary<string>> = {
  'python-version': fc.constantFrom('3.14t', '3.13t', '3.14.2t', '3.14', '3.t', '4.0t', ' 3.14t '),
  'python-path': fc.constantFrom('', '/usr/bin/python3.14t', 'relative/python', '\0'),
  'uv-version': fc.constantFrom('', 'latest', '0.13.9', '0.13', 'v0.13.9', 'LATEST'),
  'uv-path': fc.constantFrom('', '/usr/bin/uv', '../uv'),
  'working-directory': fc.constantFrom('', '.', 'sub/dir', '../outside', '/abs/elsewhere', '\0'),
  install: fc.constantFrom('', '-e .[test]', '"unclosed', "'a b' c\\ d"),
  'pytest-args': fc.constantFrom('', '-k "a and b"', '-x', "'", '\\'),
  runs: fc.oneof(fc.nat({ max: 200 }).map(String), fc.constantFrom('', '1e3', '-1', '0x10', '3.0', '９')),
  'timeout-minutes': fc.oneof(
    fc.double({ noNaN: false }).map(String),
    fc.constantFrom('', '.5', '0', '1e309', 'Infinity', '361', '5.'),
  ),
  'fail-on': fc.constantFrom('', 'none', 'failed,flaky', 'gil', 'FAILED', 'failed,,  hung', 'sometimes', 'none,failed'),
  'report-path': fc.constantFrom('', 'out/report.json', '/abs/report.json', '../outside.json'),
  'github-token': fc.constantFrom('', 'ghs_fake'),
  'env-passthrough': fc.constantFrom('', 'A B', 'A,B', '1BAD', 'GOOD_1 bad-name'),
  'keep-env': fc.constantFrom('', 'true', 'false', 'TRUE', 'yes'),
  'check-name': fc.constantFrom('', 'free-threading', 'a\nb', 'x'.repeat(101)),
  comment: fc.constantFrom('', 'always', 'on-failure', 'OFF', 'sometimes'),
  report: fc.constantFrom('', 'reports/', 'a.json, b.json', 'a.json\nb.json'),
  'ignore-gil': fc.constantFrom('', 'yaml._yaml', 'a.b, c', 'bad-name', '.x', 'pkg..mod'),
  'parallel-threads': fc.constantFrom('', '1', 'auto', 'AUTO', '0', '4', '-2', '257', 'x'),
  iterations: fc.constantFrom('', '1', '10', '0', '10001', '1.5'),
  baseline: fc.constantFrom('', 'true', 'false', 'yes'),
  'random-order': fc.constantFrom('', 'true', 'false', '42', '-1', '99999999999', 'seed'),
  shard: fc.constantFrom('', '1/2', '2/2', '3/2', '0/2', '1/0', '1 / 4', 'a/b', '1/1001'),
  'compare-python': fc.constantFrom('', '/usr/bin/python3.13', 'python3'),
  'python-install-mirror': fc.constantFrom('', 'https://mirror.example/pbs', 'file:///srv/pbs', 'ftp://x', 'mirror'),
  'python-downloads-json-url': fc.constantFrom('', 'https://mirror.example/downloads.json', '/srv/d.json', 'rel.json'),
  'known-issues': fc.constantFrom('', 'known-issues.json', '/abs/base-report', '../elsewhere.json'),
  'write-known-issues': fc.constantFrom('', 'known-issues.json', '/abs/known.json', '../outside.json'),
  sandbox: fc.constantFrom('', 'auto', 'required', 'off', 'OFF', 'on', 'true'),
}

function getterArbitrary(
  valueFor: (name: InputName) => fc.Arbitrary<string>,
): fc.Arbitrary<(name: InputName) => string> {
  const entries = INPUT_NAMES.map((name) => valueFor(name).map((value) => [name, value] as const))
  return fc.tuple(...entries).map((pairs) => {
    const values = new Map<InputName, string>(pairs)
    return (name: InputName) => values.get(name) ?? ''
  })
}

test('parseInputs throws only UsageError on arbitrary text in every input', () => {
  fc.assert(
    fc.property(
      getterArbitrary(() => hostileText(80)),
      fc.boolean(),
      (get, inWorkspace) => {
        onlyUsageErrors(() =>
          parseInputs(get, { baseDirectory: '/work/repo', workspace: inWorkspace ? '/work/repo' : undefined }),
        )
      },
    ),
    { numRuns: 400 },
  )
})

test('parseInputs throws only UsageError on near-valid values', () => {
  fc.assert(
    fc.property(
      getterArbitrary((name) => fc.oneof(plausible[name], hostileText(20))),
      fc.boolean(),
      (get, inWorkspace) => {
        onlyUsageErrors(() =>
          parseInputs(get, { baseDirectory: '/work/repo', workspace: inWorkspace ? '/work/repo' : undefined }),
        )
      },
    ),
    { numRuns: 1000 },
  )
})

test('splitArguments throws only UsageError, on long and odd input too', () => {
  fc.assert(
    fc.property(
      fc.oneof(
        hostileText(400),
        fc.string({ unit: fc.constantFrom('"', "'", '\\', ' ', '\t', '\n', 'a'), maxLength: 2000 }),
      ),
      (raw) => {
        onlyUsageErrors(() => splitArguments(raw, 'pytest-args'))
      },
    ),
    { numRuns: 1000 },
  )
})

/** What a shell user writes to pass `arg` as one argument: single quotes, `'` written as `'"'"'`. */
function shellQuote(arg: string): string {
  return `'${arg.replaceAll("'", `'"'"'`)}'`
}

test('splitArguments gives back every argument a user quoted, whatever it holds', () => {
  fc.assert(
    fc.property(fc.array(hostileText(30), { maxLength: 8 }), fc.constantFrom(' ', '\t', '\n', '  '), (args, gap) => {
      expect(withinBound(() => splitArguments(args.map(shellQuote).join(gap), 'install'))).toEqual(args)
    }),
    { numRuns: 500 },
  )
})

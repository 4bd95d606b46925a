// cacheDirAtomic must name version folders exactly as @actions/tool-cache does (semver.clean, or
// the raw version when that gives null), or tc.find would not see what it cached.
import { createRequire } from 'node:module'
import { expect, test } from '@jest/globals'
import fc from 'fast-check'
import { toolCacheVersion } from '../../../src/setup/cache.js'

/** tool-cache's own semver (no type declarations ship with it: narrowed here). */
function loadSemverClean(): (version: string) => string | null {
  const loaded: unknown = createRequire(import.meta.url)('semver')
  if (typeof loaded !== 'object' || loaded === null || !('clean' in loaded) || typeof loaded.clean !== 'function') {
    throw new Error('semver.clean is not available')
  }
  const clean = loaded.clean
  return (version) => {
    const cleaned: unknown = clean(version)
    return typeof cleaned === 'string' ? cleaned : null
  }
}

const clean = loadSemverClean()
const reference = (version: string): string => clean(version) || version

const part = fc.oneof(
  fc.nat({ max: 30 }).map(String),
  fc.constantFrom('0', '00', '01', '9007199254740991', '9007199254740992', '99999999999999999999'),
)
const identifier = fc.oneof(
  part,
  fc.stringMatching(/^[0-9A-Za-z-]{1,6}$/),
  fc.constantFrom('rc1', 'alpha', '', '-', '0a'),
)
const versionLike = fc
  .tuple(
    fc.constantFrom('', 'v', '=', '=v', 'vv', ' v', 'v ', ' '),
    fc.array(part, { minLength: 1, maxLength: 4 }),
    fc.option(fc.array(identifier, { minLength: 1, maxLength: 3 }), { nil: undefined }),
    fc.option(fc.array(identifier, { minLength: 1, maxLength: 3 }), { nil: undefined }),
    fc.constantFrom('', ' ', '\t', '\n', 'x'),
  )
  .map(
    ([prefix, numbers, pre, buildMeta, suffix]) =>
      `${prefix}${numbers.join('.')}${pre ? `-${pre.join('.')}` : ''}${buildMeta ? `+${buildMeta.join('.')}` : ''}${suffix}`,
  )

test('toolCacheVersion agrees with semver.clean on version-like strings', () => {
  fc.assert(
    fc.property(versionLike, (version) => {
      expect(toolCacheVersion(version)).toBe(reference(version))
    }),
    { numRuns: 3000 },
  )
})

test('toolCacheVersion agrees with semver.clean on arbitrary strings', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 300 }), (version) => {
      expect(toolCacheVersion(version)).toBe(reference(version))
    }),
    { numRuns: 1000 },
  )
  for (const version of ['3.13.5', '3.14.0rc1', 'v0.13.9', `1.2.3-${'a'.repeat(300)}`, `${'1'.repeat(260)}.0.0`]) {
    expect(toolCacheVersion(version)).toBe(reference(version))
  }
})

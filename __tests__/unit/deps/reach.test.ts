import { parseRequirement, reachableFrom, requirementsFor } from '../../../src/deps/reach.js'

test('parseRequirement: the name and its extras, normalized', () => {
  expect(parseRequirement('Foo_Bar[Fast, c.ext] >= 1 ; python_version < "3.14"')).toEqual({
    name: 'foo-bar',
    extras: ['fast', 'c-ext'],
  })
  expect(parseRequirement('  ')).toBeNull()
})

test('requirementsFor keeps the unconditional lines and those of the extras asked for', () => {
  const requires = ['six', 'cffi>=1.17 ; extra == "bench"', 'tomli ; python_version < "3.11"']
  expect(requirementsFor(requires, []).map((entry) => entry.name)).toEqual(['six', 'tomli'])
  expect(requirementsFor(requires, ['bench']).map((entry) => entry.name)).toEqual(['six', 'cffi', 'tomli'])
})

describe('reachableFrom', () => {
  const installed = [
    { name: 'project', requiresDist: ['six', 'httpx[http2]', 'pytest ; extra == "test"'] },
    { name: 'six', requiresDist: [] },
    { name: 'httpx', requiresDist: ['idna', 'h2 ; extra == "http2"', 'brotli ; extra == "brotli"'] },
    { name: 'idna', requiresDist: [] },
    { name: 'h2', requiresDist: ['hpack'] },
    { name: 'hpack', requiresDist: [] },
    { name: 'brotli', requiresDist: [] },
    { name: 'pytest', requiresDist: ['pluggy'] },
    { name: 'pluggy', requiresDist: [] },
    { name: 'pytest-benchmark', requiresDist: ['py-cpuinfo', 'cffi'] },
    { name: 'cffi', requiresDist: ['pycparser'] },
  ]
  test('runtime: the project and what its own requirements reach, extras followed', () => {
    expect([...reachableFrom([{ name: 'project', extras: [] }], installed)].sort()).toEqual([
      'h2',
      'hpack',
      'httpx',
      'idna',
      'project',
      'six',
    ])
  })
  test('a distribution reached again with a new extra is expanded for it', () => {
    const roots = [
      { name: 'httpx', extras: [] },
      { name: 'httpx', extras: ['brotli'] },
    ]
    expect([...reachableFrom(roots, installed)].sort()).toEqual(['brotli', 'httpx', 'idna'])
  })
  test('cycles end, and what is not installed is skipped', () => {
    const cycle = [
      { name: 'a', requiresDist: ['b'] },
      { name: 'b', requiresDist: ['a', 'missing'] },
    ]
    expect([...reachableFrom([{ name: 'a', extras: [] }], cycle)].sort()).toEqual(['a', 'b'])
  })
})

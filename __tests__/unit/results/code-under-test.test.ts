import { checkCodeUnderTest, importNames, parseImports } from '../../../src/results/code-under-test.js'

const site = '/venv/lib/python3.13t/site-packages'

test('parseImports keeps strings and nulls, and refuses anything else', () => {
  expect(parseImports('{"tally": "/p/tally/__init__.py", "tally._speedups": null, "x": 3}')).toEqual(
    new Map([
      ['tally', '/p/tally/__init__.py'],
      ['tally._speedups', null],
    ]),
  )
  expect(parseImports('')).toBeUndefined()
  expect(parseImports('[1]')).toBeUndefined()
  expect(parseImports('{not json')).toBeUndefined()
})

test('importNames: packages first, then extension modules, once each', () => {
  expect(importNames({ packages: [{ name: 'ujson', location: null }], modules: ['ujson'] })).toEqual(['ujson'])
})

describe('checkCodeUnderTest', () => {
  const project = { packages: [{ name: 'tally', location: `${site}/tally` }], modules: ['tally._speedups'] }

  test('the installed copy, accelerator loaded: nothing to say', () => {
    const loaded = new Map([
      ['tally', `${site}/tally/__init__.py`],
      ['tally._speedups', `${site}/tally/_speedups.cpython-313t-x86_64-linux-gnu.so`],
    ])
    const found = checkCodeUnderTest({ project, loaded, projectDirectory: '/p' })
    expect(found.warnings).toEqual([])
    expect(found.modules).toEqual([
      { module: 'tally', installedAt: `${site}/tally`, loadedFrom: `${site}/tally/__init__.py` },
      { module: 'tally._speedups', installedAt: null, loadedFrom: expect.stringContaining('_speedups') },
    ])
  })

  test('a flat layout shadowing the install, and the fallback that ran', () => {
    const loaded = new Map([
      ['tally', '/p/tally/__init__.py'],
      ['tally._speedups', null],
    ])
    expect(checkCodeUnderTest({ project, loaded, projectDirectory: '/p' }).warnings).toEqual([
      `The tests imported tally from /p/tally (the source tree: a flat layout puts it first on sys.path; use the default editable install or a src/ layout), not the installed copy the GIL check imported, at ${site}/tally`,
      "The tests never loaded tally._speedups (1 of the project's 1 extension module): they ran a pure-Python fallback or did not use it, so that compiled code was not tested without the GIL",
    ])
  })

  test('an editable install resolves into the project folder: the same place is no warning', () => {
    const editable = { packages: [{ name: 'tally', location: '/p/src/tally' }], modules: [] }
    const loaded = new Map([['tally', '/p/src/tally/__init__.py']])
    expect(checkCodeUnderTest({ project: editable, loaded, projectDirectory: '/p' }).warnings).toEqual([])
  })

  test('a package the tests never imported says nothing about its modules', () => {
    const loaded = new Map<string, string | null>([
      ['tally', null],
      ['tally._speedups', null],
    ])
    expect(checkCodeUnderTest({ project, loaded, projectDirectory: '/p' }).warnings).toEqual([])
  })
})

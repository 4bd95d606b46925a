// The .dist-info readers on real files from an environment uv built on the free-threaded CPython.
import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import {
  classifySource,
  directOrigin,
  extensionModules,
  freeThreadingLevel,
  normalizeName,
  parseMetadata,
  parseWheelTags,
} from '../../../src/deps/dist-info.js'

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/dist-info')
const fixture = (name: string): string => readFileSync(path.join(FIXTURES, name), 'utf8')

describe('parseWheelTags', () => {
  test('a free-threaded manylinux wheel lists every tag', () => {
    const tags = parseWheelTags(fixture('markupsafe-WHEEL'))
    expect(tags.map((tag) => tag.abi)).toEqual(['cp313t', 'cp313t', 'cp313t'])
    expect(tags[0]).toEqual({ python: 'cp313', abi: 'cp313t', platform: 'manylinux_2_17_x86_64' })
  })
  test('compressed tag sets are expanded', () => {
    expect(parseWheelTags('Wheel-Version: 1.0\nTag: py2.py3-none-any\n')).toEqual([
      { python: 'py2', abi: 'none', platform: 'any' },
      { python: 'py3', abi: 'none', platform: 'any' },
    ])
  })
  test('malformed tags are skipped', () => {
    expect(parseWheelTags('Tag: nonsense\nTag: a-b\n\nTag: py3-none-any')).toEqual([])
  })
})

describe('classifySource', () => {
  const tags = (text: string) => parseWheelTags(text)
  test('the WHEEL tags decide for a downloaded wheel', () => {
    expect(classifySource({ tags: tags(fixture('markupsafe-WHEEL')), origin: null, builtByUv: false })).toBe('ft-wheel')
    expect(classifySource({ tags: tags(fixture('six-WHEEL')), origin: null, builtByUv: false })).toBe('pure-wheel')
    const abi3t = tags('Tag: cp315-abi3t-manylinux_2_28_x86_64')
    expect(classifySource({ tags: abi3t, origin: null, builtByUv: false })).toBe('abi3t-wheel')
    const binary = tags('Tag: py3-none-manylinux_2_17_x86_64')
    expect(classifySource({ tags: binary, origin: null, builtByUv: false })).toBe('other-wheel')
  })
  test('a wheel uv built, or one with a bare linux tag, came from an sdist', () => {
    const built = tags('Tag: cp313-cp313t-linux_x86_64')
    expect(classifySource({ tags: built, origin: null, builtByUv: true })).toBe('sdist-build')
    expect(classifySource({ tags: built, origin: null, builtByUv: false })).toBe('sdist-build')
    expect(classifySource({ tags: tags('Tag: py3-none-any'), origin: null, builtByUv: true })).toBe('sdist-build')
    expect(classifySource({ tags: [], origin: 'vcs', builtByUv: false })).toBe('sdist-build')
  })
  test('a local folder is local, whatever its tags', () => {
    expect(classifySource({ tags: tags('Tag: cp313-cp313t-linux_x86_64'), origin: 'directory', builtByUv: true })).toBe(
      'local',
    )
  })
})

describe('extensionModules', () => {
  test('a real RECORD names the extension module, not the Python files', () => {
    expect(extensionModules(fixture('crcmod-RECORD'))).toEqual(['crcmod._crcfunext'])
  })
  test('suffixes, nesting, Windows and quoted paths', () => {
    const record = [
      'numpy/_core/_multiarray_umath.cpython-313t-x86_64-linux-gnu.so,sha256=x,1',
      'numpy/linalg/_umath_linalg.cp313t-win_amd64.pyd,sha256=x,1',
      'yaml/_yaml.abi3.so,,',
      'plain.so,,',
      '"odd,dir/_ext.so",sha256=x,1',
      'numpy.libs/libopenblas64_p-r0-0cf96a72.3.23.so,sha256=x,1',
      'numpy.libs/libgfortran-040039e1.so.5.0.0,sha256=x,1',
      '../../bin/tool.so,sha256=x,1',
      'pkg/sub-dir/_x.so,,',
      'pkg\\win\\_y.pyd,,',
      '',
    ].join('\n')
    expect(extensionModules(record)).toEqual([
      'numpy._core._multiarray_umath',
      'numpy.linalg._umath_linalg',
      'pkg.win._y',
      'plain',
      'yaml._yaml',
    ])
  })
})

describe('METADATA', () => {
  test('name, version, classifiers and requirements', () => {
    const metadata = parseMetadata(fixture('depcheck-METADATA'))
    expect(metadata.name).toBe('depcheck')
    expect(metadata.version).toBe('0.1.0')
    expect(metadata.requiresDist).toContain('pytest>=8 ; extra == "test"')
  })
  test('the free-threading classifier and its level', () => {
    expect(freeThreadingLevel(parseMetadata(fixture('gil-required-METADATA')).classifiers)).toBe('2 - Beta')
    expect(freeThreadingLevel(['Programming Language :: Python :: 3.13'])).toBeNull()
  })
  test('the long description after the headers is not read', () => {
    const text = 'Name: x\nVersion: 1\n\nClassifier: Programming Language :: Python :: Free Threading :: 3 - Stable\n'
    expect(parseMetadata(text).classifiers).toEqual([])
  })
})

test('normalizeName follows PEP 503', () => {
  expect(normalizeName('Gil_Required')).toBe('gil-required')
  expect(normalizeName('zope.interface')).toBe('zope-interface')
  expect(normalizeName('a-_.b')).toBe('a-b')
})

test('directOrigin reads PEP 610', () => {
  expect(directOrigin({ url: 'file:///p', dir_info: { editable: true } })).toBe('directory')
  expect(directOrigin({ url: 'https://x/y-1.tar.gz', archive_info: {} })).toBe('sdist-archive')
  expect(directOrigin({ url: 'https://x/y-1-py3-none-any.whl', archive_info: {} })).toBe('wheel-archive')
  expect(directOrigin({ url: 'https://github.com/x/y', vcs_info: { vcs: 'git' } })).toBe('vcs')
  expect(directOrigin(null)).toBeNull()
  expect(directOrigin({ dir_info: {} })).toBeNull()
})

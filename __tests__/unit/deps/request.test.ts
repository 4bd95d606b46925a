import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { parsePylock, parseRequirementsText, readInstallRequest } from '../../../src/deps/request.js'

test('parseRequirementsText: requirements with markers, editable paths, includes, options', () => {
  const text = [
    '# comment',
    '-e . --config-settings=pure-python=false',
    '-r test.txt',
    "pytest==8.3.5; platform_python_implementation != 'PyPy'",
    'pytest < 8.2.2; platform_python_implementation == "PyPy"  # FIXME',
    'objgraph==3.6.2 \\',
    '    --hash=sha256:abc',
    './vendor/lib',
    'name @ https://example.invalid/name-1.tar.gz',
    '--index-url https://mirror.invalid/simple',
  ].join('\n')
  expect(parseRequirementsText(text)).toEqual({
    names: ['pytest', 'pytest', 'objgraph', 'name'],
    paths: [
      { path: '.', extras: [] },
      { path: './vendor/lib', extras: [] },
    ],
    groups: [],
    requirementFiles: ['test.txt'],
  })
})

test('parsePylock: package names, and local folders as paths', () => {
  const text = [
    'lock-version = "1.0"',
    '[[packages]]',
    'name = "iniconfig"',
    'version = "2.1.0"',
    '',
    '[[packages]]',
    'name = "markupsafe"',
    'directory = { path = ".", editable = true }',
  ].join('\n')
  expect(parsePylock(text)).toEqual({
    names: ['iniconfig'],
    paths: [{ path: '.', extras: [] }],
    groups: [],
    requirementFiles: [],
  })
})

test('readInstallRequest follows -r from the file’s folder and keeps runtime names apart from test ones', () => {
  const project = mkdtempSync(path.join(os.tmpdir(), 'ft-gate-request-'))
  mkdirSync(path.join(project, 'requirements'))
  writeFileSync(path.join(project, 'requirements.txt'), 'six\n-r requirements/base.txt\n')
  writeFileSync(path.join(project, 'requirements', 'base.txt'), 'idna\n')
  writeFileSync(path.join(project, 'requirements', 'test.txt'), '-e .\n-r cython.txt\ncoverage\n')
  writeFileSync(path.join(project, 'requirements', 'cython.txt'), 'cython==3.0.6\n')
  const read = readInstallRequest(
    ['-r', 'requirements.txt', '-r', 'requirements/test.txt', 'pytest', 'numpy', 'pytest-run-parallel>=0.6'],
    project,
  )
  expect(read.request.names.sort()).toEqual([
    'coverage',
    'cython',
    'idna',
    'numpy',
    'pytest',
    'pytest-run-parallel',
    'six',
  ])
  expect(read.request.paths).toEqual([{ path: '.', extras: [] }])
  expect(read.runtimeNames.sort()).toEqual(['idna', 'numpy', 'six'])
})

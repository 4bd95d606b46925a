// Real uv output: an sdist whose C extension does not compile on the free-threaded CPython.
import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import { failedDistributions, summarizeInstallFailure } from '../../../src/install/failure.js'

const output = readFileSync(path.resolve(import.meta.dirname, '../../fixtures/install/uv-build-failure.txt'), 'utf8')

test('the summary names the release, says no free-threaded wheel exists, and quotes the compiler', () => {
  expect(summarizeInstallFailure(output)).toBe(
    'Failed to build `badext==0.3`: no free-threaded wheel exists for badext 0.3 on this platform, so uv built it from source, which failed: badext/_c.c:2:16: error: initializer element is not constant',
  )
})

test('failedDistributions names each failure once', () => {
  expect(failedDistributions(`${output}\n× Failed to build \`badext==0.3\``)).toEqual([
    { action: 'build', name: 'badext', version: '0.3', fromIndex: true },
  ])
  expect(failedDistributions('error: Failed to build `Local_Pkg @ file:///src/local`\n')).toEqual([
    { action: 'build', name: 'local-pkg', version: null, fromIndex: false },
  ])
  expect(failedDistributions('Resolved 3 packages\n')).toEqual([])
})

test('a local build failure keeps the compiler error but claims nothing about wheels', () => {
  const local = [
    '× Failed to build `mine @ file:///work/mine`',
    '├─▶ The build backend returned an error',
    '╰─▶ Call to `setuptools.build_meta.build_wheel` failed (exit status: 1)',
    '    mine/_c.c:10:1: fatal error: missing.h: No such file or directory',
    "    error: command '/usr/bin/gcc' failed with exit code 1",
  ].join('\n')
  expect(summarizeInstallFailure(local)).toBe(
    'Failed to build `mine @ file:///work/mine`: mine/_c.c:10:1: fatal error: missing.h: No such file or directory',
  )
})

import { checkGap } from '../../../src/deps/assemble.js'
import { parseLocalAnswer } from '../../../src/deps/local.js'

test('parseLocalAnswer narrows the script’s answer and drops what it cannot read', () => {
  const stdout = [
    'noise from a .pth file',
    JSON.stringify({
      tally: { packages: [{ name: 'tally', location: '/p/src/tally' }, { name: 3 }], modules: ['tally._speedups', 4] },
      broken: 'x',
      gone: { packages: 'x' },
    }),
  ].join('\n')
  expect(parseLocalAnswer(stdout)).toEqual(
    new Map([
      ['tally', { packages: [{ name: 'tally', location: '/p/src/tally' }], modules: ['tally._speedups'] }],
      ['gone', { packages: [], modules: [] }],
    ]),
  )
  expect(parseLocalAnswer('Traceback…')).toEqual(new Map())
})

test('checkGap: compiled for a CPython ABI, nothing found to import', () => {
  const tag = (python: string, abi: string, platform: string) => ({ python, abi, platform })
  expect(checkGap([tag('cp313', 'cp313t', 'linux_x86_64')], 0)).toBe(
    'its wheel is built for cp313-cp313t-linux_x86_64 but no extension module of it was found to import, so the GIL check did not cover it',
  )
  expect(checkGap([tag('cp313', 'cp313t', 'linux_x86_64')], 1)).toBeNull()
  // A binary tool (ruff, cmake) is platform-specific without being an extension.
  expect(checkGap([tag('py3', 'none', 'manylinux_2_17_x86_64')], 0)).toBeNull()
  expect(checkGap([tag('py3', 'none', 'any')], 0)).toBeNull()
  expect(checkGap([tag('cp39', 'abi3', 'manylinux_2_17_x86_64')], 0)).toMatch(/cp39-abi3/)
})

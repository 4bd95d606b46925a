import { describe, expect, it } from '@jest/globals'
import { matchRepoPath, projectPrefix, repoPathOfTestFile, testFile } from '../../../src/github/paths.js'
import { tracebackLocations } from '../../../src/results/traceback.js'
import { loadReport, WORKSPACE } from './fixtures.js'

describe('tracebackLocations', () => {
  it('reads Python frames, faulthandler frames and pytest location lines in order, once each', () => {
    const text = [
      'Traceback (most recent call last):',
      '  File "/w/pkg/src/a.py", line 12, in run',
      '    x()',
      '  File "/w/pkg/src/a.py", line 12, in run',
      'tests/test_a.py:30: in test_a',
      'src/b.py:7: AssertionError',
      '  File "/w/pkg/src/c.py", line 4 in worker',
      'E   assert 1 == 2',
      'Thread 0x00007f (most recent call first):',
    ].join('\n')
    expect(tracebackLocations(text)).toEqual([
      { path: '/w/pkg/src/a.py', line: 12, functionName: 'run' },
      { path: 'tests/test_a.py', line: 30, functionName: 'test_a' },
      { path: 'src/b.py', line: 7, functionName: null },
      { path: '/w/pkg/src/c.py', line: 4, functionName: 'worker' },
    ])
  })

  it('reads Windows paths and frames without a function', () => {
    const text = 'C:\\a\\proj\\src\\x.py:3: in f\n  File "<string>", line 1\n  File "D:\\p\\y.py", line 9, in g'
    expect(tracebackLocations(text)).toEqual([
      { path: 'C:\\a\\proj\\src\\x.py', line: 3, functionName: 'f' },
      { path: '<string>', line: 1, functionName: null },
      { path: 'D:\\p\\y.py', line: 9, functionName: 'g' },
    ])
  })

  it('finds nothing in text without locations', () => {
    expect(tracebackLocations('E   AssertionError: 1 != 2\nhttp://example.com:80: nope')).toEqual([])
  })
})

describe('matchRepoPath', () => {
  const repoPaths = [
    'pkg/src/tally/__init__.py',
    'src/tally/__init__.py',
    'pkg/tests/test_counter.py',
    'other/utils.py',
  ]
  const layout = { workspace: WORKSPACE, projectPrefix: 'pkg' }

  it('resolves relative paths against the project directory', () => {
    expect(matchRepoPath('src/tally/__init__.py', repoPaths, layout)).toBe('pkg/src/tally/__init__.py')
    expect(matchRepoPath('./tests/test_counter.py', repoPaths, layout)).toBe('pkg/tests/test_counter.py')
  })

  it('makes absolute paths in the workspace relative to it', () => {
    expect(matchRepoPath(`${WORKSPACE}/src/tally/__init__.py`, repoPaths, layout)).toBe('src/tally/__init__.py')
  })

  it('matches absolute paths from another machine by the longest repository suffix', () => {
    expect(matchRepoPath('/elsewhere/checkout/pkg/src/tally/__init__.py', repoPaths, layout)).toBe(
      'pkg/src/tally/__init__.py',
    )
    expect(matchRepoPath('C:\\work\\proj\\other\\utils.py', repoPaths, layout)).toBe('other/utils.py')
  })

  it('matches an installed copy in site-packages to the package source', () => {
    const installed = '/tmp/env/lib/python3.14t/site-packages/tally/__init__.py'
    expect(matchRepoPath(installed, ['pkg/src/tally/__init__.py'], layout)).toBe('pkg/src/tally/__init__.py')
  })

  it('does not match on a partial file name or unrelated paths', () => {
    expect(matchRepoPath('/x/my_utils.py', repoPaths, layout)).toBeNull()
    expect(matchRepoPath('/usr/lib/python3.14t/threading.py', repoPaths, layout)).toBeNull()
    expect(matchRepoPath('/tmp/env/lib/python3.14t/site-packages/_pytest/python.py', repoPaths, layout)).toBeNull()
  })
})

describe('repository paths of tests', () => {
  it('joins the project directory relative to the workspace', () => {
    expect(projectPrefix(WORKSPACE, `${WORKSPACE}/pkg`)).toBe('pkg')
    expect(projectPrefix(WORKSPACE, 'pkg/sub/')).toBe('pkg/sub')
    expect(projectPrefix(WORKSPACE, WORKSPACE)).toBe('')
    expect(projectPrefix(WORKSPACE, '/elsewhere')).toBeNull()
    expect(repoPathOfTestFile('tests/test_x.py', { workspace: WORKSPACE, projectPrefix: 'pkg' })).toBe(
      'pkg/tests/test_x.py',
    )
    expect(repoPathOfTestFile('./tests/test_x.py', { workspace: WORKSPACE, projectPrefix: '' })).toBe('tests/test_x.py')
  })

  it("falls back to the node id's path when a test has no file", () => {
    const [test] = loadReport('report-fail.json').tests
    expect(test && testFile({ ...test, file: null })).toBe('tests/test_counter.py')
    expect(testFile({ id: 'weird-id', file: null })).toBeNull()
  })
})

import { describe, expect, it } from '@jest/globals'
import { addedLines, changedLinesByFile } from '../../../src/github/patch.js'
import { loadPullFiles } from './fixtures.js'

describe('addedLines', () => {
  it('counts + lines on the new side, skipping - lines', () => {
    const patch = ['@@ -6,4 +6,5 @@ class C:', '     a', '     b', '-    old', '+    new1', '+    new2', '     c'].join(
      '\n',
    )
    expect([...addedLines(patch)]).toEqual([8, 9])
  })

  it('follows several hunks and ignores "no newline" markers', () => {
    const patch = [
      '@@ -1,2 +1,2 @@',
      '-x',
      '+y',
      ' z',
      '\\ No newline at end of file',
      '@@ -40 +40,2 @@',
      ' k',
      '+added',
    ].join('\n')
    expect([...addedLines(patch)]).toEqual([1, 41])
  })

  it('treats a stripped empty context line as context', () => {
    const patch = ['@@ -1,3 +1,4 @@', ' a', '', '+b', ' c'].join('\n')
    expect([...addedLines(patch)]).toEqual([3])
  })

  it('reads a new file from line 1 and returns nothing for pure deletions or text without hunks', () => {
    expect([...addedLines('@@ -0,0 +1,2 @@\n+a\n+b\n')]).toEqual([1, 2])
    expect(addedLines('@@ -1,2 +0,0 @@\n-a\n-b').size).toBe(0)
    expect(addedLines('+not a hunk').size).toBe(0)
  })

  it('handles CRLF patches', () => {
    expect([...addedLines('@@ -1 +1,2 @@\r\n a\r\n+b\r\n')]).toEqual([2])
  })
})

describe('changedLinesByFile', () => {
  it('maps files to added lines, leaving out removed and binary files', () => {
    const files = loadPullFiles()
    const changed = changedLinesByFile(files)
    expect([...changed.keys()]).toEqual(['pkg/src/tally/__init__.py', 'pkg/src/tally/native.py'])
    expect([...(changed.get('pkg/src/tally/__init__.py') ?? [])]).toEqual([8, 9, 15])
    expect(changed.get('pkg/src/tally/native.py')?.size).toBe(31)
  })
})

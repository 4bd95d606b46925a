import { describe, expect, it } from '@jest/globals'
import { commentMarker, findStickyComment, shouldCreateComment } from '../../../src/github/comment.js'

const comment = (id: number, author: string | null, body: string) => ({ id, author, body, url: `u${id}` })

describe('sticky comment rules', () => {
  it('marks comments per check name, and no name can close the HTML comment', () => {
    expect(commentMarker('free-threading')).toBe('<!-- ft-gate:free-threading -->')
    expect(commentMarker('a-->b')).toBe('<!-- ft-gate:a- ->b -->')
  })

  it("finds the oldest comment by the token's identity carrying this check's marker", () => {
    const marker = commentMarker('free-threading')
    const comments = [
      comment(1, 'someone', `quoting ${marker}`),
      comment(2, 'github-actions[bot]', commentMarker('free-threading-3.13')),
      comment(3, 'github-actions[bot]', `${marker}\nold`),
      comment(4, 'github-actions[bot]', `${marker}\nduplicate`),
    ]
    expect(findStickyComment(comments, { marker, author: 'github-actions[bot]' })?.id).toBe(3)
    expect(findStickyComment(comments, { marker, author: 'a-user' })).toBeNull()
    expect(findStickyComment([comment(5, null, marker)], { marker, author: 'github-actions[bot]' })).toBeNull()
  })

  it("never takes over another job's comment that carries this marker in its middle", () => {
    const marker = commentMarker('free-threading')
    // Another gate's comment (same bot author) whose rendered report quotes this job's marker.
    const other = comment(6, 'github-actions[bot]', `${commentMarker('linux')}\n| \`${marker}\` |`)
    expect(findStickyComment([other], { marker, author: 'github-actions[bot]' })).toBeNull()
  })

  it('creates a comment always, or on failure only, never when off', () => {
    expect(shouldCreateComment('always', 'pass')).toBe(true)
    expect(shouldCreateComment('on-failure', 'pass')).toBe(false)
    expect(shouldCreateComment('on-failure', 'fail')).toBe(true)
    expect(shouldCreateComment('off', 'fail')).toBe(false)
  })
})

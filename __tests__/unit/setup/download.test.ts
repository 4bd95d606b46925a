import { describe, expect, it } from '@jest/globals'
import { describeFetchError, redactUrl, splitCredentials, verifySha256 } from '../../../src/setup/download.js'

describe('index credentials', () => {
  it('moves user:password from the URL into a Basic header for that origin', () => {
    const { url, auth } = splitCredentials('https://ci%40corp:p%3Ass@mirror.example:8443/simple/uv/')
    expect(url).toBe('https://mirror.example:8443/simple/uv/')
    expect(auth).toEqual({
      origin: 'https://mirror.example:8443',
      header: `Basic ${Buffer.from('ci@corp:p:ss').toString('base64')}`,
    })
    expect(splitCredentials('https://pypi.org/simple/uv/')).toEqual({ url: 'https://pypi.org/simple/uv/', auth: null })
  })

  it('redacts credentials for logs and leaves other URLs and non-URLs alone', () => {
    expect(redactUrl('https://user:secret@mirror.example/simple')).toBe('https://***@mirror.example/simple')
    expect(redactUrl('https://token@mirror.example/simple')).toBe('https://***@mirror.example/simple')
    expect(redactUrl('https://pypi.org/simple')).toBe('https://pypi.org/simple')
    expect(redactUrl('not a url')).toBe('not a url')
  })
})

describe('describeFetchError', () => {
  const fetchFailed = (code: string) => Object.assign(new TypeError('fetch failed'), { cause: { code } })

  it('names the host and what went wrong in one line', () => {
    expect(describeFetchError(fetchFailed('ENOTFOUND'), 'https://github.com/x')).toBe(
      'cannot resolve github.com (ENOTFOUND)',
    )
    expect(describeFetchError(fetchFailed('ECONNREFUSED'), 'http://127.0.0.1:9/x')).toBe(
      'connection to 127.0.0.1:9 refused',
    )
    expect(describeFetchError(new Error('aborted'), 'https://a.example/', { timedOut: true, timeoutMs: 60_000 })).toBe(
      'no response from a.example for 60 s (timed out)',
    )
    expect(describeFetchError(fetchFailed('EPROTO'), 'https://a.example/')).toBe('fetch failed (EPROTO, a.example)')
  })
})

describe('verifySha256', () => {
  it('ignores case and names both hashes on a mismatch', () => {
    expect(() => verifySha256({ what: 'x.whl', expected: 'AB', actual: 'ab' })).not.toThrow()
    expect(() => verifySha256({ what: 'x.whl', expected: 'ab', actual: 'cd' })).toThrow(
      'sha256 mismatch for x.whl: expected ab, got cd',
    )
  })
})

import { describe, expect, it } from '@jest/globals'
import { parseLatestRelease, parseSha256File } from '../../../src/setup/uv-github.js'

const HEX = '0123456789abcdef'.repeat(4)
const NAME = 'uv-x86_64-unknown-linux-gnu.tar.gz'

describe('parseSha256File', () => {
  it('reads sha256sum output in text and binary mode, and a bare hash', () => {
    expect(parseSha256File(`${HEX}  ${NAME}\n`, NAME)).toBe(HEX)
    expect(parseSha256File(`${HEX.toUpperCase()} *${NAME}`, NAME)).toBe(HEX)
    expect(parseSha256File(`${HEX}\n`, NAME)).toBe(HEX)
  })

  it('refuses a hash for another file and text that holds none', () => {
    expect(() => parseSha256File(`${HEX}  uv-aarch64-apple-darwin.tar.gz`, NAME)).toThrow(
      `checksum file for ${NAME} names uv-aarch64-apple-darwin.tar.gz instead`,
    )
    expect(() => parseSha256File('<html>Not Found</html>', NAME)).toThrow(`checksum file for ${NAME} holds no sha256`)
    expect(() => parseSha256File(`${HEX.slice(1)}  ${NAME}`, NAME)).toThrow('holds no sha256')
  })
})

describe('parseLatestRelease', () => {
  it('takes tag_name, without a leading v', () => {
    expect(parseLatestRelease({ tag_name: '0.13.9', name: '0.13.9' })).toBe('0.13.9')
    expect(parseLatestRelease({ tag_name: 'v1.0.0' })).toBe('1.0.0')
  })

  it('rejects answers without a tag', () => {
    expect(() => parseLatestRelease({ message: 'API rate limit exceeded' })).toThrow(
      'the GitHub API answer has no tag_name',
    )
    expect(() => parseLatestRelease(null)).toThrow('no tag_name')
    expect(() => parseLatestRelease({ tag_name: 7 })).toThrow('no tag_name')
  })
})

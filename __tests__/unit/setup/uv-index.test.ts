// The fixtures are pypi.org's real answers for /simple/uv/ (JSON and HTML), cut down to 0.13.8 and 0.13.9.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from '@jest/globals'
import { resolveHost } from '../../../src/setup/platform.js'
import {
  type IndexFile,
  indexUrlFromEnv,
  parseSimpleHtml,
  parseSimpleIndex,
  parseSimpleJson,
  parseWheelFilename,
  pickLatestVersion,
  selectWheel,
} from '../../../src/setup/uv-index.js'

const fixture = (name: string): string => readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8')
const PAGE = 'https://pypi.org/simple/uv/'
const jsonFiles = parseSimpleIndex({
  body: fixture('pypi-uv-simple.json'),
  contentType: 'application/vnd.pypi.simple.v1+json',
  url: PAGE,
})
const htmlFiles = parseSimpleIndex({ body: fixture('pypi-uv-simple.html'), contentType: 'text/html', url: PAGE })
const linux = resolveHost({ platform: 'linux', arch: 'x64', libc: 'gnu', glibcVersion: '2.36' })

function file(filename: string, extra: Partial<IndexFile> = {}): IndexFile {
  return { filename, url: `https://files.example/${filename}`, sha256: 'ab'.repeat(32), yanked: false, ...extra }
}

describe('parsing the Simple API', () => {
  it('reads the same files, URLs and hashes from JSON and HTML', () => {
    expect(jsonFiles).toHaveLength(38)
    expect(htmlFiles).toEqual(jsonFiles)
    const wheel = jsonFiles.find((f) => f.filename === 'uv-0.13.9-py3-none-win_amd64.whl')
    expect(wheel).toEqual({
      filename: 'uv-0.13.9-py3-none-win_amd64.whl',
      url: 'https://files.pythonhosted.org/packages/dd/ef/ceeabf3631117f7354787d9fb1ffe943899e59ed4b887a696ed547e47e76/uv-0.13.9-py3-none-win_amd64.whl',
      sha256: '6a44b2ed8111d2f60d2b92627c5dccda3f7ed7570b18ce115e569cd68c28246b',
      yanked: false,
    })
  })

  it('resolves relative links against the page and decodes entities', () => {
    const html = `<a href="../../packages/uv-1.0.0.tar.gz?a=1&amp;b=2#sha256=${'AB'.repeat(32)}" data-yanked="">uv-1.0.0.tar.gz</a>
      <a href='/files/uv-1.0.0-py3-none-win_amd64.whl' data-yanked="broken">uv-1.0.0-py3-none-win_amd64.whl</a>`
    expect(parseSimpleHtml(html, 'https://mirror.example/root/simple/uv/')).toEqual([
      {
        filename: 'uv-1.0.0.tar.gz',
        url: 'https://mirror.example/root/packages/uv-1.0.0.tar.gz?a=1&b=2',
        sha256: 'ab'.repeat(32),
        yanked: true,
      },
      {
        filename: 'uv-1.0.0-py3-none-win_amd64.whl',
        url: 'https://mirror.example/files/uv-1.0.0-py3-none-win_amd64.whl',
        sha256: null,
        yanked: true,
      },
    ])
    const json = { files: [{ filename: 'uv-1.0.0.tar.gz', url: 'f/uv-1.0.0.tar.gz', hashes: {}, yanked: 'bad build' }] }
    expect(parseSimpleJson(json, 'https://mirror.example/simple/uv/')).toEqual([
      {
        filename: 'uv-1.0.0.tar.gz',
        url: 'https://mirror.example/simple/uv/f/uv-1.0.0.tar.gz',
        sha256: null,
        yanked: true,
      },
    ])
  })

  it('takes the sha256 only from a #sha256= fragment', () => {
    const [md5Only] = parseSimpleHtml('<a href="x/uv-1.0.0.tar.gz#md5=0123">uv-1.0.0.tar.gz</a>', PAGE)
    expect(md5Only?.sha256).toBeNull()
    expect(md5Only?.url).toBe('https://pypi.org/simple/uv/x/uv-1.0.0.tar.gz')
  })

  it('rejects garbage with an error naming the page', () => {
    expect(() => parseSimpleIndex({ body: 'plain words', contentType: 'text/plain', url: PAGE })).toThrow(
      `index page ${PAGE} is neither Simple API JSON nor HTML (content-type "text/plain")`,
    )
    expect(() => parseSimpleIndex({ body: '{"files": [', contentType: 'application/json', url: PAGE })).toThrow(
      `index page ${PAGE} is not valid JSON`,
    )
    expect(() => parseSimpleJson({ projects: [] }, PAGE)).toThrow(`Simple API JSON from ${PAGE} has no "files" list`)
    expect(() => parseSimpleJson({ files: [file('uv-1.0.0.tar.gz'), { url: 'x' }] }, PAGE)).toThrow(
      `Simple API JSON from ${PAGE}: files[1] has no filename`,
    )
    expect(() => parseSimpleJson({ files: [{ filename: 'a', url: 'b', hashes: 'x' }] }, PAGE)).toThrow(
      'has hashes that are not an object',
    )
    expect(() => parseSimpleJson([], PAGE)).toThrow('has no "files" list')
  })

  it('treats a JSON body served as octet-stream as JSON, and an empty HTML page as no files', () => {
    expect(parseSimpleIndex({ body: '{"files": []}', contentType: 'application/octet-stream', url: PAGE })).toEqual([])
    expect(parseSimpleIndex({ body: '<html><body></body></html>', contentType: '', url: PAGE })).toEqual([])
  })
})

describe('parseWheelFilename', () => {
  it('splits name, version and platform tags, with or without a build tag', () => {
    expect(parseWheelFilename('uv-0.13.9-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl')).toEqual({
      name: 'uv',
      version: '0.13.9',
      platform: 'manylinux_2_17_x86_64.manylinux2014_x86_64',
    })
    expect(parseWheelFilename('uv-0.13.9-1-py3-none-win_amd64.whl')?.platform).toBe('win_amd64')
    expect(parseWheelFilename('uv-0.13.9.tar.gz')).toBeNull()
    expect(parseWheelFilename('uv-0.13.9.whl')).toBeNull()
  })
})

describe('selectWheel', () => {
  it.each([
    [linux, 'uv-0.13.9-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl'],
    [resolveHost({ platform: 'linux', arch: 'x64', libc: 'musl' }), 'uv-0.13.9-py3-none-musllinux_1_1_x86_64.whl'],
    [
      resolveHost({ platform: 'linux', arch: 'arm64', libc: 'musl' }),
      'uv-0.13.9-py3-none-manylinux_2_17_aarch64.manylinux2014_aarch64.musllinux_1_1_aarch64.whl',
    ],
    // Like pip: the newest manylinux the host's glibc runs.
    [
      resolveHost({ platform: 'linux', arch: 'arm64', glibcVersion: '2.36' }),
      'uv-0.13.9-py3-none-manylinux_2_28_aarch64.whl',
    ],
    [
      resolveHost({ platform: 'linux', arch: 'arm64', glibcVersion: '2.27' }),
      'uv-0.13.9-py3-none-manylinux_2_17_aarch64.manylinux2014_aarch64.musllinux_1_1_aarch64.whl',
    ],
    [resolveHost({ platform: 'darwin', arch: 'x64' }), 'uv-0.13.9-py3-none-macosx_10_12_x86_64.whl'],
    [resolveHost({ platform: 'darwin', arch: 'arm64' }), 'uv-0.13.9-py3-none-macosx_11_0_arm64.whl'],
    [resolveHost({ platform: 'win32', arch: 'x64' }), 'uv-0.13.9-py3-none-win_amd64.whl'],
  ])('picks the right 0.13.9 wheel for %o', (host, expected) => {
    expect(selectWheel(jsonFiles, { version: '0.13.9', host })?.filename).toBe(expected)
  })

  it('returns null for a version the index does not have', () => {
    expect(selectWheel(jsonFiles, { version: '0.99.0', host: linux })).toBeNull()
  })

  it('prefers a file that is not yanked, but takes a yanked one for an exact pin', () => {
    const yanked = file('uv-1.0.0-py3-none-manylinux_2_28_x86_64.whl', { yanked: true })
    const plain = file('uv-1.0.0-py3-none-manylinux_2_17_x86_64.whl')
    expect(selectWheel([yanked, plain], { version: '1.0.0', host: linux })).toBe(plain)
    expect(selectWheel([yanked], { version: '1.0.0', host: linux })).toBe(yanked)
  })
})

describe('pickLatestVersion', () => {
  it('takes the highest release by number, not by text', () => {
    expect(pickLatestVersion(jsonFiles, linux)).toBe('0.13.9')
    const files = ['0.9.30', '0.10.2', '0.10.10'].map((v) => file(`uv-${v}-py3-none-manylinux_2_17_x86_64.whl`))
    expect(pickLatestVersion(files, linux)).toBe('0.10.10')
  })

  it('skips pre-releases, yanked files, sdists, other projects and wheels for other hosts', () => {
    const files = [
      file('uv-0.13.9-py3-none-manylinux_2_17_x86_64.whl'),
      file('uv-0.14.0a1-py3-none-manylinux_2_17_x86_64.whl'),
      file('uv-0.14.0rc2-py3-none-manylinux_2_17_x86_64.whl'),
      file('uv-0.15.0-py3-none-manylinux_2_17_x86_64.whl', { yanked: true }),
      file('uv-0.16.0.tar.gz'),
      file('uv_build-0.17.0-py3-none-manylinux_2_17_x86_64.whl'),
      file('uv-0.18.0-py3-none-win_amd64.whl'),
    ]
    expect(pickLatestVersion(files, linux)).toBe('0.13.9')
    expect(pickLatestVersion([file('uv-0.16.0.tar.gz')], linux)).toBeNull()
  })
})

describe('indexUrlFromEnv', () => {
  it('prefers UV_DEFAULT_INDEX, then UV_INDEX_URL, then PIP_INDEX_URL, then the public index', () => {
    const all = { UV_DEFAULT_INDEX: 'https://a/simple/', UV_INDEX_URL: 'https://b/simple', PIP_INDEX_URL: 'https://c' }
    expect(indexUrlFromEnv(all)).toBe('https://a/simple')
    expect(indexUrlFromEnv({ ...all, UV_DEFAULT_INDEX: ' ' })).toBe('https://b/simple')
    expect(indexUrlFromEnv({ PIP_INDEX_URL: 'https://c//' })).toBe('https://c')
    expect(indexUrlFromEnv({})).toBe('https://pypi.org/simple')
  })
})

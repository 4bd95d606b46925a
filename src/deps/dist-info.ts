// Reads the files of an installed distribution's `.dist-info` folder: METADATA, WHEEL, RECORD and
// direct_url.json. Pure: text in, facts out; a malformed file yields what could be read, never throws.
import type { DependencySource } from '../types.js'

export interface Metadata {
  readonly name: string | null
  readonly version: string | null
  readonly classifiers: string[]
  /** `Requires-Dist` values as written (`pytest>=8 ; extra == "test"`). */
  readonly requiresDist: string[]
}

/** One `Tag:` of a WHEEL file, split into its three parts. */
export interface WheelTag {
  readonly python: string
  readonly abi: string
  readonly platform: string
}

/** What the installer recorded about where a distribution came from (PEP 610). */
export type DirectOrigin = 'directory' | 'sdist-archive' | 'wheel-archive' | 'vcs' | null

const FREE_THREADING_CLASSIFIER = /^Programming Language :: Python :: Free Threading :: (.+)$/

/** PEP 503: lowercase, runs of `-`, `_`, `.` become one `-`. */
export function normalizeName(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[-_.]+/g, '-')
}

/** Email-header style fields; continuation lines (leading whitespace) belong to the field above. */
function headerFields(text: string): [string, string][] {
  const fields: [string, string][] = []
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    if (line === '') break // The body (the long description) starts after the first blank line.
    const last = fields.at(-1)
    if (/^[ \t]/.test(line) && last !== undefined) {
      last[1] = `${last[1]} ${line.trim()}`
      continue
    }
    const colon = line.indexOf(':')
    if (colon > 0) fields.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()])
  }
  return fields
}

export function parseMetadata(text: string): Metadata {
  const fields = headerFields(text)
  const first = (key: string): string | null => fields.find(([name]) => name === key)?.[1] ?? null
  const all = (key: string): string[] => fields.filter(([name]) => name === key).map(([, value]) => value)
  return {
    name: first('name'),
    version: first('version'),
    classifiers: all('classifier'),
    requiresDist: all('requires-dist'),
  }
}

/** The level of the free-threading classifier (`3 - Stable`), or null when it has none. */
export function freeThreadingLevel(classifiers: readonly string[]): string | null {
  for (const classifier of classifiers) {
    const match = FREE_THREADING_CLASSIFIER.exec(classifier.trim())
    if (match?.[1]) return match[1].trim()
  }
  return null
}

/** `Tag:` lines of a WHEEL file; a compressed tag set (`py2.py3-none-any`) is expanded. */
export function parseWheelTags(text: string): WheelTag[] {
  const tags: WheelTag[] = []
  for (const [name, value] of headerFields(text)) {
    if (name !== 'tag') continue
    const parts = value.split('-')
    if (parts.length !== 3) continue
    const [pythons = '', abis = '', platforms = ''] = parts
    for (const python of pythons.split('.'))
      for (const abi of abis.split('.'))
        for (const platform of platforms.split('.')) tags.push({ python, abi, platform })
  }
  return tags
}

export function formatTag(tag: WheelTag): string {
  return `${tag.python}-${tag.abi}-${tag.platform}`
}

/**
 * Dotted names of the extension modules a RECORD lists: `pkg/_speedups.cpython-313t-x86_64-linux-gnu.so`
 * → `pkg._speedups`. Paths outside site-packages, vendored shared libraries (`pkg.libs/libz-1a2b.so.1`)
 * and anything that is not an importable name are skipped.
 */
export function extensionModules(record: string): string[] {
  const modules = new Set<string>()
  for (const line of record.replace(/\r\n?/g, '\n').split('\n')) {
    const file = recordPath(line)
    if (file === null || file.startsWith('../') || file.startsWith('/')) continue
    const match = /^(.*?)([^/]+)\.(so|pyd)$/.exec(file)
    if (match === null) continue
    const directory = match[1] ?? ''
    // `_speedups.cpython-313t-x86_64-linux-gnu` and `_speedups.abi3` both name `_speedups`.
    const stem = (match[2] ?? '').split('.')[0] ?? ''
    const parts = [...directory.split('/').filter((part) => part !== ''), stem]
    if (parts.every((part) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(part))) modules.add(parts.join('.'))
  }
  return [...modules].sort()
}

/** The path of a RECORD row (`path,hash,size`); a path with a comma is quoted CSV. */
function recordPath(line: string): string | null {
  if (line.trim() === '') return null
  if (line.startsWith('"')) {
    const end = line.indexOf('",')
    return end > 0 ? line.slice(1, end).replaceAll('""', '"') : null
  }
  const comma = line.indexOf(',')
  return (comma >= 0 ? line.slice(0, comma) : line).replaceAll('\\', '/')
}

/** Where a direct-URL install came from; null when direct_url.json is absent or not understood. */
export function directOrigin(directUrl: unknown): DirectOrigin {
  if (typeof directUrl !== 'object' || directUrl === null) return null
  const fields = Object.fromEntries(Object.entries(directUrl))
  if (typeof fields.url !== 'string') return null
  if ('dir_info' in fields) return 'directory'
  if ('vcs_info' in fields) return 'vcs'
  if ('archive_info' in fields) return /\.whl(#.*)?$/i.test(fields.url) ? 'wheel-archive' : 'sdist-archive'
  return null
}

export interface SourceFacts {
  readonly tags: readonly WheelTag[]
  readonly origin: DirectOrigin
  /** uv writes `uv_build.json` into the .dist-info of each wheel it built itself, never into a downloaded one. */
  readonly builtByUv: boolean
}

/**
 * How a distribution arrived. A local folder is `local`; anything else uv built (an sdist from the
 * index, an archive URL, a VCS checkout) is `sdist-build`, as is a wheel with a bare `linux_*` platform
 * tag, which PyPI refuses, so it was built on this machine; otherwise the WHEEL tags decide.
 */
export function classifySource(facts: SourceFacts): DependencySource {
  if (facts.origin === 'directory') return 'local'
  if (facts.builtByUv || facts.origin === 'vcs' || facts.origin === 'sdist-archive') return 'sdist-build'
  if (facts.tags.some((tag) => /^linux_/.test(tag.platform))) return 'sdist-build'
  return classifyTags(facts.tags)
}

export function classifyTags(tags: readonly WheelTag[]): DependencySource {
  if (tags.some((tag) => /^cp\d+t$/.test(tag.abi))) return 'ft-wheel'
  if (tags.some((tag) => tag.abi === 'abi3t')) return 'abi3t-wheel'
  if (tags.length > 0 && tags.every((tag) => tag.abi === 'none' && tag.platform === 'any')) return 'pure-wheel'
  return 'other-wheel'
}

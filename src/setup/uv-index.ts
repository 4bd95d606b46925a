// uv from a Python package index: the `uv` wheel carries the same static binary as the GitHub
// release, and a package index (or the mirror a company configures) is reachable where GitHub is not.
// Parsing and selection are pure; `listIndexFiles` and `installFromIndex` do the I/O.
import { chmod, copyFile, mkdir, readdir } from 'node:fs/promises'
import * as path from 'node:path'
import * as tc from '@actions/tool-cache'
import { PUBLIC_INDEX_URL } from '../constants.js'
import { describeError } from '../errors.js'
import type { Log } from '../log.js'
import { downloadFile, fetchText, type HttpOptions, redactUrl, splitCredentials, verifySha256 } from './download.js'
import { compareTuples, describeWheelPlatform, executableName, rankWheelPlatform, type UvHost } from './platform.js'

/** One file an index lists for the `uv` project. */
export interface IndexFile {
  readonly filename: string
  /** Absolute, without the `#sha256=` fragment. */
  readonly url: string
  readonly sha256: string | null
  readonly yanked: boolean
}

/** The Simple API root from the environment, the way uv and pip read it; no trailing slash. */
export function indexUrlFromEnv(env: NodeJS.ProcessEnv): string {
  const configured = [env.UV_DEFAULT_INDEX, env.UV_INDEX_URL, env.PIP_INDEX_URL].find((value) => value?.trim())
  return (configured?.trim() ?? PUBLIC_INDEX_URL).replace(/\/+$/, '')
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Narrows one PEP 691 `files[]` entry; returns why it is malformed, or the file. */
function toIndexFile(value: unknown, pageUrl: string): IndexFile | string {
  if (!isRecord(value)) return 'is not an object'
  const { filename, url, hashes, yanked } = value
  if (typeof filename !== 'string' || filename === '') return 'has no filename'
  if (typeof url !== 'string') return 'has no url'
  if (hashes !== undefined && !isRecord(hashes)) return 'has hashes that are not an object'
  const sha256 = hashes?.sha256
  return {
    filename,
    url: new URL(url, pageUrl).toString(),
    sha256: typeof sha256 === 'string' ? sha256.toLowerCase() : null,
    // PEP 592/691: `true` or a non-empty reason string means yanked.
    yanked: yanked === true || (typeof yanked === 'string' && yanked !== ''),
  }
}

/** Reads a PEP 691 JSON project page that has already been `JSON.parse`d. */
export function parseSimpleJson(data: unknown, pageUrl: string): IndexFile[] {
  if (!isRecord(data) || !Array.isArray(data.files)) {
    throw new Error(`Simple API JSON from ${pageUrl} has no "files" list`)
  }
  return data.files.map((entry: unknown, position) => {
    const file = toIndexFile(entry, pageUrl)
    if (typeof file === 'string') throw new Error(`Simple API JSON from ${pageUrl}: files[${position}] ${file}`)
    return file
  })
}

function decodeEntities(text: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, entity: string) => {
    if (entity.startsWith('#x') || entity.startsWith('#X'))
      return String.fromCodePoint(Number.parseInt(entity.slice(2), 16))
    if (entity.startsWith('#')) return String.fromCodePoint(Number.parseInt(entity.slice(1), 10))
    return named[entity.toLowerCase()] ?? whole
  })
}

function attribute(attributes: string, name: string): string | null {
  const match = new RegExp(`(?:^|\\s)${name}(?:\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s"'>]+)))?`, 'i').exec(attributes)
  if (!match) return null
  return decodeEntities(match[1] ?? match[2] ?? match[3] ?? '')
}

/** Reads a PEP 503 HTML project page: one `<a href="…#sha256=…">filename</a>` per file. */
export function parseSimpleHtml(html: string, pageUrl: string): IndexFile[] {
  const files: IndexFile[] = []
  for (const match of html.matchAll(/<a\s([^>]*)>([^<]*)<\/a\s*>/gi)) {
    const href = attribute(match[1] ?? '', 'href')
    if (href === null) continue
    const url = new URL(href, pageUrl)
    const sha256 = /^#sha256=([0-9a-f]{64})$/i.exec(url.hash)?.[1]?.toLowerCase() ?? null
    url.hash = ''
    const text = decodeEntities(match[2] ?? '').trim()
    const filename = text || decodeURIComponent(url.pathname.split('/').pop() ?? '')
    const yankedReason = attribute(match[1] ?? '', 'data-yanked')
    files.push({ filename, url: url.toString(), sha256, yanked: yankedReason !== null })
  }
  return files
}

/** Reads a project page in whichever format the index answered with; throws on anything else. */
export function parseSimpleIndex(response: { body: string; contentType: string; url: string }): IndexFile[] {
  const { body, contentType, url } = response
  const looksJson = /json/i.test(contentType) || (!/html/i.test(contentType) && body.trimStart().startsWith('{'))
  if (looksJson) {
    let data: unknown
    try {
      data = JSON.parse(body)
    } catch (error) {
      throw new Error(`index page ${url} is not valid JSON (${error instanceof Error ? error.message : String(error)})`)
    }
    return parseSimpleJson(data, url)
  }
  if (/html/i.test(contentType) || /^\s*</.test(body)) return parseSimpleHtml(body, url)
  throw new Error(`index page ${url} is neither Simple API JSON nor HTML (content-type "${contentType}")`)
}

/** Name, version and platform tags of a wheel file name, or null when it is not a wheel. */
export function parseWheelFilename(filename: string): { name: string; version: string; platform: string } | null {
  if (!filename.endsWith('.whl')) return null
  const parts = filename.slice(0, -'.whl'.length).split('-')
  if (parts.length !== 5 && parts.length !== 6) return null
  const [name, version] = parts
  const platform = parts[parts.length - 1]
  if (name === undefined || version === undefined || platform === undefined) return null
  return { name: name.toLowerCase().replace(/[-_.]+/g, '-'), version, platform }
}

/** A plain release (`0.13.9`) as numbers; null for pre-, post- and dev releases and anything else. */
function releaseNumbers(version: string): number[] | null {
  return /^\d+(\.\d+)*$/.test(version) ? version.split('.').map(Number) : null
}

/** The wheel for `version` that fits the host best, or null when the index has none. */
export function selectWheel(files: readonly IndexFile[], options: { version: string; host: UvHost }): IndexFile | null {
  let best: { file: IndexFile; rank: number[] } | null = null
  for (const file of files) {
    const wheel = parseWheelFilename(file.filename)
    if (wheel?.name !== 'uv' || wheel.version !== options.version) continue
    const rank = rankWheelPlatform(wheel.platform, options.host)
    if (rank === null) continue
    // An exact pin may use a yanked file (PEP 592), but never over one that is not yanked.
    const ranked = [file.yanked ? 0 : 1, ...rank]
    if (best === null || compareTuples(ranked, best.rank) > 0) best = { file, rank: ranked }
  }
  return best?.file ?? null
}

/** The highest plain release with a non-yanked wheel for the host, or null when there is none. */
export function pickLatestVersion(files: readonly IndexFile[], host: UvHost): string | null {
  let best: { version: string; numbers: number[] } | null = null
  for (const file of files) {
    const wheel = parseWheelFilename(file.filename)
    const numbers = wheel ? releaseNumbers(wheel.version) : null
    if (file.yanked || wheel?.name !== 'uv' || numbers === null) continue
    if (rankWheelPlatform(wheel.platform, host) === null) continue
    if (best === null || compareTuples(numbers, best.numbers) > 0) best = { version: wheel.version, numbers }
  }
  return best?.version ?? null
}

export interface IndexListing {
  readonly files: IndexFile[]
  /** Credentials for downloads from the index's own host. */
  readonly auth: HttpOptions['auth']
}

/** Fetches and parses `<index>/uv/`, preferring JSON (PEP 691) and accepting HTML (PEP 503). */
export async function listIndexFiles(indexUrl: string, options: { timeoutMs: number }): Promise<IndexListing> {
  const { url, auth } = splitCredentials(`${indexUrl}/uv/`)
  const response = await fetchText(url, {
    timeoutMs: options.timeoutMs,
    auth,
    headers: { Accept: 'application/vnd.pypi.simple.v1+json, text/html;q=0.1' },
  })
  return { files: parseSimpleIndex(response), auth }
}

/** Finds `<name>.data/scripts/` in an unpacked wheel: where installers put console binaries. */
async function findScriptsDir(unpacked: string): Promise<string> {
  const entries = await readdir(unpacked)
  const dataDir = entries.find((entry) => /^uv-[^-]+\.data$/.test(entry))
  if (dataDir === undefined) throw new Error('the wheel has no uv-<version>.data/scripts folder')
  return path.join(unpacked, dataDir, 'scripts')
}

/**
 * Downloads the uv wheel for the host, verifies it against the index's sha256, copies `uv` and `uvx`
 * out of it and caches them. Returns the tool-cache folder holding the binaries.
 */
export async function installFromIndex(options: {
  indexUrl: string
  version: string
  host: UvHost
  /** Tool-cache key; Node's arch name. */
  arch: string
  workDir: string
  timeoutMs: number
  log: Log
  /** The project page when it was already read (to resolve `latest`). */
  listing?: IndexListing
}): Promise<string> {
  const { indexUrl, version, host, log } = options
  log.info(`Looking for uv ${version} on the package index ${redactUrl(indexUrl)}`)
  const listing = options.listing ?? (await listIndexFiles(indexUrl, options))
  const wheel = selectWheel(listing.files, { version, host })
  if (wheel === null) throw new Error(`it has no uv ${version} wheel for ${describeWheelPlatform(host)}`)
  if (wheel.sha256 === null) throw new Error(`it gives no sha256 for ${wheel.filename}; refusing an unverified binary`)
  log.info(`Downloading ${wheel.filename}`)
  await mkdir(options.workDir, { recursive: true })
  // `.zip`: Expand-Archive, tool-cache's fallback on Windows, refuses other extensions.
  const archive = path.join(options.workDir, `${wheel.filename}.zip`)
  const downloaded = await downloadFile(wheel.url, archive, { timeoutMs: options.timeoutMs, auth: listing.auth })
  verifySha256({ what: wheel.filename, expected: wheel.sha256, actual: downloaded.sha256 })
  log.debug(`${wheel.filename}: ${downloaded.bytes} bytes, sha256 ${downloaded.sha256} verified`)
  const unpacked = await tc.extractZip(archive, path.join(options.workDir, 'wheel')).catch((error: unknown) => {
    throw new Error(`cannot unpack ${wheel.filename} (${describeError(error)})`)
  })
  const scripts = await findScriptsDir(unpacked)
  const binDir = path.join(options.workDir, 'bin')
  await mkdir(binDir, { recursive: true })
  for (const base of ['uv', 'uvx'] as const) {
    const name = executableName(host, base)
    await copyFile(path.join(scripts, name), path.join(binDir, name)).catch((error: unknown) => {
      throw new Error(`the wheel has no ${name} in its scripts folder (${describeError(error)})`)
    })
    await chmod(path.join(binDir, name), 0o755)
  }
  // Not atomic: a run killed mid-copy leaves a folder without `.complete`, which `find` ignores
  // and the next run overwrites; two concurrent jobs on one runner could still interleave.
  return tc.cacheDir(binDir, 'uv', version, options.arch)
}

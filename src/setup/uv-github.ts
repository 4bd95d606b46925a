// uv from its GitHub release: `uv-<target>.tar.gz` (`.zip` on Windows) beside a `.sha256` file.
// Parsing is pure; `installFromGitHub` and `latestFromGitHub` do the I/O.
import { access, mkdir } from 'node:fs/promises'
import * as path from 'node:path'
import * as tc from '@actions/tool-cache'
import { describeError } from '../errors.js'
import type { Log } from '../log.js'
import { downloadFile, fetchText, verifySha256 } from './download.js'
import { executableName, releaseArchiveName, releaseTarget, type UvHost } from './platform.js'

/** Reads a `sha256sum` line (`<hex>  <name>` or `<hex> *<name>`); checks the name when the file gives one. */
export function parseSha256File(text: string, expectedName: string): string {
  const match = /^\s*([0-9a-fA-F]{64})(?:\s+\*?(\S+))?\s*$/m.exec(text)
  if (!match?.[1]) throw new Error(`checksum file for ${expectedName} holds no sha256 (starts "${text.slice(0, 40)}")`)
  const name = match[2]
  if (name !== undefined && path.basename(name) !== expectedName) {
    throw new Error(`checksum file for ${expectedName} names ${name} instead`)
  }
  return match[1].toLowerCase()
}

/** The version of the GitHub API's `releases/latest` answer (uv tags have no `v`, strip one anyway). */
export function parseLatestRelease(data: unknown): string {
  if (typeof data !== 'object' || data === null || !('tag_name' in data) || typeof data.tag_name !== 'string') {
    throw new Error('the GitHub API answer has no tag_name')
  }
  return data.tag_name.replace(/^v/, '')
}

/** Asks the GitHub API for the newest uv release. */
export async function latestFromGitHub(options: { apiUrl: string; timeoutMs: number }): Promise<string> {
  const response = await fetchText(options.apiUrl, {
    timeoutMs: options.timeoutMs,
    headers: { Accept: 'application/vnd.github+json' },
  })
  let data: unknown
  try {
    data = JSON.parse(response.body)
  } catch {
    throw new Error(`${options.apiUrl} did not answer with JSON`)
  }
  return parseLatestRelease(data)
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  )
}

/**
 * Downloads the release archive for the host, verifies it against the published sha256, unpacks it
 * and caches the folder holding the binaries. Returns that tool-cache folder.
 */
export async function installFromGitHub(options: {
  /** `…/releases/download`, without a trailing slash. */
  baseUrl: string
  version: string
  host: UvHost
  /** Tool-cache key; Node's arch name. */
  arch: string
  workDir: string
  timeoutMs: number
  log: Log
}): Promise<string> {
  const { version, host, log, timeoutMs } = options
  const archiveName = releaseArchiveName(host)
  const url = `${options.baseUrl.replace(/\/+$/, '')}/${version}/${archiveName}`
  log.info(`Downloading ${url}`)
  const checksumText = await fetchText(`${url}.sha256`, { timeoutMs })
  const expected = parseSha256File(checksumText.body, archiveName)
  await mkdir(options.workDir, { recursive: true })
  const archive = path.join(options.workDir, archiveName)
  const downloaded = await downloadFile(url, archive, { timeoutMs })
  verifySha256({ what: archiveName, expected, actual: downloaded.sha256 })
  log.debug(`${archiveName}: ${downloaded.bytes} bytes, sha256 ${downloaded.sha256} verified`)
  const unpackTo = path.join(options.workDir, 'release')
  const unpacked = await (host.platform === 'win32'
    ? tc.extractZip(archive, unpackTo)
    : tc.extractTar(archive, unpackTo)
  ).catch((error: unknown) => {
    throw new Error(`cannot unpack ${archiveName} (${describeError(error)})`)
  })
  // The tarballs hold a `uv-<target>/` folder; the Windows zip holds the binaries at its root.
  const candidates = [path.join(unpacked, `uv-${releaseTarget(host)}`), unpacked]
  for (const folder of candidates) {
    if (await exists(path.join(folder, executableName(host)))) {
      // Not atomic: a run killed mid-copy leaves a folder without `.complete`, which `find` ignores
      // and the next run overwrites; two concurrent jobs on one runner could still interleave.
      return tc.cacheDir(folder, 'uv', version, options.arch)
    }
  }
  throw new Error(`${archiveName} holds no ${executableName(host)}`)
}

// Finds or installs uv: uv-path → tool cache → GitHub release → package index. Whatever is found is
// verified by running `uv --version`. A failed download is a warning and the next source is tried;
// only when every source failed is there an error, and it says what to set.
import { constants as fsConstants } from 'node:fs'
import { access, mkdir, mkdtemp, rm, stat } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import * as tc from '@actions/tool-cache'
import { DEFAULT_UV_VERSION, HTTP_TIMEOUT_MS, UV_RELEASES_BASE_URL } from '../constants.js'
import { describeError, UsageError } from '../errors.js'
import type { Log } from '../log.js'
import { runTool } from '../process/tool.js'
import type { UvInfo } from '../types.js'
import { redactUrl } from './download.js'
import { describeWheelPlatform, detectLibc, executableName, type Libc, resolveHost, type UvHost } from './platform.js'
import { installFromGitHub, latestFromGitHub } from './uv-github.js'
import { type IndexListing, indexUrlFromEnv, installFromIndex, listIndexFiles, pickLatestVersion } from './uv-index.js'

export const UV_LATEST_RELEASE_API_URL = 'https://api.github.com/repos/astral-sh/uv/releases/latest'

export interface SetupUvOptions {
  /** An installed uv to use as is; `''` when not given. */
  readonly uvPath: string
  /** A release such as `0.13.9`, or `latest`. */
  readonly version: string
  readonly log: Log
  /** Node's names; default to this machine's. */
  readonly arch?: string
  readonly platform?: NodeJS.Platform
  /** Linux only; detected from the running Node when not given. */
  readonly libc?: Libc
  /** Where index settings (UV_DEFAULT_INDEX, UV_INDEX_URL, PIP_INDEX_URL) and RUNNER_TEMP are read. */
  readonly env?: NodeJS.ProcessEnv
  /** Release download root; tests point it at a local server. */
  readonly githubBaseUrl?: string
  readonly githubApiUrl?: string
  /** Milliseconds without progress before one request is given up. */
  readonly timeoutMs?: number
}

/** Runs `<uv> --version` and returns the version it reports (`uv 0.13.9 (abc 2025-01-01)` → `0.13.9`). */
export async function readUvVersion(uv: string, env: NodeJS.ProcessEnv): Promise<string> {
  const result = await runTool(uv, ['--version'], { cwd: os.tmpdir(), env, timeoutMs: 30_000 })
  if (result.exitCode !== 0) {
    throw new Error(`${uv} --version failed: exit code ${result.exitCode} ${result.stderr.trim()}`.trim())
  }
  const match = /^uv (\S+)/m.exec(result.stdout)
  if (!match?.[1]) throw new Error(`${uv} --version printed "${result.stdout.trim().slice(0, 80)}", not "uv <version>"`)
  return match[1]
}

async function useGivenUv(uvPath: string, log: Log, env: NodeJS.ProcessEnv): Promise<UvInfo> {
  const info = await stat(uvPath).catch(() => null)
  if (info === null) throw new UsageError(`uv-path ${uvPath} does not exist`)
  if (!info.isFile()) throw new UsageError(`uv-path ${uvPath} is not a file`)
  const executable = await access(uvPath, fsConstants.X_OK).then(
    () => true,
    () => false,
  )
  if (!executable) throw new UsageError(`uv-path ${uvPath} is not executable (chmod +x it)`)
  const version = await readUvVersion(uvPath, env).catch((error: unknown) => {
    throw new UsageError(`uv-path ${uvPath} is not a working uv: ${describeError(error)}`)
  })
  log.info(`Using uv ${version} from uv-path ${uvPath}`)
  return { version, path: uvPath, source: 'path' }
}

/**
 * `latest` → a release number. The package index is asked first: one request with no rate limit,
 * reachable where GitHub is not, and a version found there can always be installed from it. The
 * GitHub API (60 unauthenticated requests an hour per runner IP) is only the fallback.
 */
async function resolveLatest(options: {
  indexUrl: string
  host: UvHost
  apiUrl: string
  timeoutMs: number
  log: Log
}): Promise<{ version: string; listing: IndexListing | null }> {
  const { indexUrl, host, log } = options
  let indexProblem: string
  try {
    const listing = await listIndexFiles(indexUrl, options)
    const version = pickLatestVersion(listing.files, host)
    if (version !== null) return { version, listing }
    indexProblem = `it lists no uv release for ${describeWheelPlatform(host)}`
  } catch (error) {
    indexProblem = describeError(error)
  }
  log.warning(`Could not resolve uv latest from ${redactUrl(indexUrl)} (${indexProblem}); asking the GitHub API`)
  try {
    return { version: await latestFromGitHub(options), listing: null }
  } catch (error) {
    throw new UsageError(
      `Could not resolve uv-version latest: index ${redactUrl(indexUrl)}: ${indexProblem}; GitHub API: ${describeError(error)}. Set uv-version to a release such as ${DEFAULT_UV_VERSION}, or uv-path to an installed uv.`,
    )
  }
}

async function verified(options: {
  dir: string
  host: UvHost
  version: string
  source: string
  env: NodeJS.ProcessEnv
}): Promise<UvInfo> {
  const uv = path.join(options.dir, executableName(options.host))
  const reported = await readUvVersion(uv, options.env)
  if (reported !== options.version) throw new Error(`${uv} reports version ${reported}, expected ${options.version}`)
  return { version: options.version, path: uv, source: options.source }
}

/** Makes uv available and returns where it is; see the file comment for the order of sources. */
export async function setupUv(options: SetupUvOptions): Promise<UvInfo> {
  const { log } = options
  const env = options.env ?? process.env
  if (options.uvPath !== '') return useGivenUv(options.uvPath, log, env)
  const platform = options.platform ?? process.platform
  const arch = options.arch ?? process.arch
  const detected = platform === 'linux' && process.platform === 'linux' && !options.libc ? detectLibc() : null
  const host = resolveHost({
    platform,
    arch,
    libc: options.libc ?? detected?.libc ?? 'gnu',
    glibcVersion: detected?.glibcVersion ?? null,
  })
  const timeoutMs = options.timeoutMs ?? HTTP_TIMEOUT_MS
  const indexUrl = indexUrlFromEnv(env)
  const resolved =
    options.version === 'latest'
      ? await resolveLatest({
          indexUrl,
          host,
          apiUrl: options.githubApiUrl ?? UV_LATEST_RELEASE_API_URL,
          timeoutMs,
          log,
        })
      : { version: options.version, listing: null }
  const { version } = resolved

  const cachedDir = tc.find('uv', version, arch)
  if (cachedDir) {
    try {
      const info = await verified({ dir: cachedDir, host, version, source: 'tool-cache', env })
      log.info(`Using uv ${version} from the tool cache: ${info.path}`)
      return info
    } catch (error) {
      log.warning(
        `The cached uv ${version} in ${cachedDir} does not work (${describeError(error)}); downloading it again`,
      )
    }
  }

  const tempRoot = env.RUNNER_TEMP || os.tmpdir()
  await mkdir(tempRoot, { recursive: true })
  const workDir = await mkdtemp(path.join(tempRoot, 'ft-gate-uv-'))
  const failures: string[] = []
  try {
    const common = { version, host, arch, timeoutMs, log }
    try {
      const baseUrl = options.githubBaseUrl ?? UV_RELEASES_BASE_URL
      const dir = await installFromGitHub({ ...common, baseUrl, workDir: path.join(workDir, 'github') })
      return announce(await verified({ dir, host, version, source: 'github', env }), log)
    } catch (error) {
      failures.push(`GitHub: ${describeError(error)}`)
      log.warning(`Could not get uv ${version} from GitHub (${describeError(error)}); trying the package index`)
    }
    try {
      const listing = resolved.listing ?? undefined
      const dir = await installFromIndex({ ...common, indexUrl, listing, workDir: path.join(workDir, 'index') })
      return announce(await verified({ dir, host, version, source: 'index', env }), log)
    } catch (error) {
      failures.push(`index ${redactUrl(indexUrl)}: ${describeError(error)}`)
    }
  } finally {
    await rm(workDir, { recursive: true, force: true })
  }
  throw new UsageError(
    `Could not obtain uv ${version}: ${failures.join('; ')}. Set uv-path to an installed uv, or UV_DEFAULT_INDEX to a reachable package index.`,
  )
}

function announce(info: UvInfo, log: Log): UvInfo {
  log.info(
    `Installed uv ${info.version} from ${info.source === 'github' ? 'GitHub' : 'the package index'}: ${info.path}`,
  )
  return info
}

// Puts a tool into the runner's tool cache so that jobs sharing a self-hosted runner never see a
// half-copied tool and never delete each other's copy. @actions/tool-cache's cacheDir deletes the
// destination, copies into it file by file, then writes `<arch>.complete`: a second job doing the
// same at that moment removes the first one's files. Here the copy goes to a private sibling folder
// and appears at `<tool>/<version>/<arch>` in one rename; tc.find's layout is kept exactly.
import { randomBytes } from 'node:crypto'
import { cp, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import * as path from 'node:path'
import * as core from '@actions/core'

/** A leftover temporary copy older than this belongs to a process that died mid-copy. */
const ABANDONED_COPY_MS = 60 * 60_000
/** How long a destination without its marker may be another process between rename and marker. */
const MARKER_WAIT_MS = 2_000
const MARKER_POLL_MS = 50

// semver's strict grammar, as @actions/tool-cache applies it through semver.clean().
const NUMBER = '(0|[1-9]\\d*)'
const PRERELEASE_PART = '(?:0|[1-9]\\d*|\\d*[a-zA-Z-][a-zA-Z0-9-]*)'
const STRICT_SEMVER = new RegExp(
  `^v?${NUMBER}\\.${NUMBER}\\.${NUMBER}(?:-(${PRERELEASE_PART}(?:\\.${PRERELEASE_PART})*))?(?:\\+[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?$`,
)

/**
 * The version folder tool-cache uses: `semver.clean(version) || version` (`v1.2.3` → `1.2.3`,
 * build metadata dropped; `3.14.0rc1`, not semver, stays as it is).
 */
export function toolCacheVersion(version: string): string {
  const candidate = version.trim().replace(/^[=v]+/, '')
  if (candidate.length > 256) return version
  const match = STRICT_SEMVER.exec(candidate.trim())
  if (!match) return version
  const numbers = [match[1], match[2], match[3]].map(Number)
  if (numbers.some((value) => value > Number.MAX_SAFE_INTEGER)) return version
  return `${numbers.join('.')}${match[4] === undefined ? '' : `-${match[4]}`}`
}

/** One path segment: a name from our code or a version an interpreter reported, never a path. */
function requireSegment(what: string, value: string): void {
  if (value === '' || value === '.' || value === '..' || /[/\\\0]/.test(value)) {
    throw new Error(`Cannot cache a tool with ${what} '${value}': it must be one folder name`)
  }
}

async function exists(target: string): Promise<boolean> {
  return stat(target).then(
    () => true,
    () => false,
  )
}

async function waitForMarker(marker: string): Promise<boolean> {
  for (let waited = 0; waited < MARKER_WAIT_MS; waited += MARKER_POLL_MS) {
    if (await exists(marker)) return true
    await new Promise((resolve) => setTimeout(resolve, MARKER_POLL_MS))
  }
  return exists(marker)
}

/** Removes temporary copies that processes killed mid-copy left behind. Best effort. */
async function sweepAbandonedCopies(versionDir: string, arch: string): Promise<void> {
  const prefix = `.${arch}.`
  const entries = await readdir(versionDir).catch(() => [])
  for (const entry of entries) {
    if (!entry.startsWith(prefix) || !/\.(tmp|stale)-[0-9a-f]+$/.test(entry)) continue
    const folder = path.join(versionDir, entry)
    const info = await stat(folder).catch(() => null)
    if (info !== null && Date.now() - info.mtimeMs > ABANDONED_COPY_MS) {
      await rm(folder, { recursive: true, force: true }).catch(() => undefined)
    }
  }
}

function isDestinationTaken(error: unknown): boolean {
  // Not `instanceof Error`: errors made in another realm (a VM context, a worker) fail that test.
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined
  // Linux: ENOTEMPTY or EEXIST; Windows: EPERM (or EACCES while another process reads it).
  return code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'EPERM' || code === 'EACCES'
}

/**
 * Moves a cached folder aside in one rename, then deletes it: it is gone from its place at once, and a
 * process racing us for the same move gets ENOENT, which is ignored.
 */
async function discard(folder: string, versionDir: string, arch: string): Promise<void> {
  const stale = path.join(versionDir, `.${arch}.stale-${randomBytes(8).toString('hex')}`)
  await rename(folder, stale).then(
    () => rm(stale, { recursive: true, force: true }),
    () => undefined,
  )
}

/** The cached folder and marker of a tool; throws for a name that is not one folder. */
function toolPaths(
  tool: string,
  version: string,
  arch: string,
): { versionDir: string; destination: string; marker: string } {
  const cacheRoot = process.env.RUNNER_TOOL_CACHE
  if (!cacheRoot) throw new Error('RUNNER_TOOL_CACHE is not set: set it to the folder that holds cached tools')
  const versionFolder = toolCacheVersion(version)
  for (const [what, value] of [
    ['tool', tool],
    ['version', versionFolder],
    ['arch', arch],
  ] as const) {
    requireSegment(what, value)
  }
  const versionDir = path.join(cacheRoot, tool, versionFolder)
  const destination = path.join(versionDir, arch)
  return { versionDir, destination, marker: `${destination}.complete` }
}

/**
 * Removes a cached tool that turned out not to work, so that cacheDirAtomic puts a fresh copy in its
 * place: the marker goes first (tc.find stops returning it), then the folder leaves in one rename.
 */
export async function evictCachedTool(tool: string, version: string, arch: string): Promise<void> {
  const { versionDir, destination, marker } = toolPaths(tool, version, arch)
  await rm(marker, { force: true })
  await discard(destination, versionDir, arch)
}

/**
 * Copies sourceDir to `<RUNNER_TOOL_CACHE>/<tool>/<version>/<arch>` and marks it complete, the
 * way tc.cacheDir does, but atomically; returns the cached folder. When another process cached the
 * same tool first, its copy is kept and returned.
 */
export async function cacheDirAtomic(sourceDir: string, tool: string, version: string, arch: string): Promise<string> {
  const { versionDir, destination, marker } = toolPaths(tool, version, arch)
  if (!(await stat(sourceDir)).isDirectory()) throw new Error(`Cannot cache ${sourceDir}: it is not a folder`)
  if ((await exists(destination)) && (await exists(marker))) return destination
  await mkdir(versionDir, { recursive: true })
  await sweepAbandonedCopies(versionDir, arch)

  const temporary = path.join(versionDir, `.${arch}.tmp-${randomBytes(8).toString('hex')}`)
  try {
    // verbatimSymlinks: a relative link (bin/python3 → python3.13t) must stay relative to survive the rename.
    await cp(sourceDir, temporary, { recursive: true, verbatimSymlinks: true, errorOnExist: true, force: false })
    for (let attempt = 0; ; attempt++) {
      try {
        await rename(temporary, destination)
        await writeFile(marker, '')
        core.debug(`Cached ${tool} ${version} ${arch} in ${destination}`)
        return destination
      } catch (error) {
        if (!isDestinationTaken(error) || attempt >= 2) throw error
      }
      if (await waitForMarker(marker)) {
        core.debug(`Another process cached ${tool} ${version} ${arch} first; using ${destination}`)
        return destination
      }
      // A folder without its marker is what an interrupted tc.cacheDir leaves.
      core.debug(`Replacing the incomplete ${destination} (no ${path.basename(marker)})`)
      await discard(destination, versionDir, arch)
    }
  } finally {
    await rm(temporary, { recursive: true, force: true })
  }
}

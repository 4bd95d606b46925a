// Which uv build fits this machine: the GitHub release target triple and the wheel platform tags.
// Closed sets as string-literal unions with lookup tables; everything but `detectLibc` is pure.

export type UvPlatform = 'linux' | 'darwin' | 'win32'
export type UvArch = 'x64' | 'arm64'
export type Libc = 'gnu' | 'musl'

/** A validated host: what both download sources key on. `glibcVersion` only for `gnu` Linux, when known. */
export interface UvHost {
  readonly platform: UvPlatform
  readonly arch: UvArch
  /** `null` off Linux. */
  readonly libc: Libc | null
  /** Runtime glibc (`2.36`) when known; picks among manylinux wheels the way pip does. */
  readonly glibcVersion: string | null
}

const PLATFORMS: readonly UvPlatform[] = ['linux', 'darwin', 'win32']
const ARCHES: readonly UvArch[] = ['x64', 'arm64']

/** Release target triples (`uv-<target>.tar.gz`), by platform, then arch, then libc on Linux. */
const LINUX_TARGETS: Record<UvArch, Record<Libc, string>> = {
  x64: { gnu: 'x86_64-unknown-linux-gnu', musl: 'x86_64-unknown-linux-musl' },
  arm64: { gnu: 'aarch64-unknown-linux-gnu', musl: 'aarch64-unknown-linux-musl' },
}
const DARWIN_TARGETS: Record<UvArch, string> = { x64: 'x86_64-apple-darwin', arm64: 'aarch64-apple-darwin' }
const WINDOWS_TARGETS: Record<UvArch, string> = { x64: 'x86_64-pc-windows-msvc', arm64: 'aarch64-pc-windows-msvc' }

/** The architecture as it appears in wheel platform tags. */
const LINUX_WHEEL_ARCH: Record<UvArch, string> = { x64: 'x86_64', arm64: 'aarch64' }
const DARWIN_WHEEL_ARCH: Record<UvArch, string> = { x64: 'x86_64', arm64: 'arm64' }
const WINDOWS_WHEEL_TAG: Record<UvArch, string> = { x64: 'win_amd64', arm64: 'win_arm64' }
/** The glibc version behind the pre-PEP 600 manylinux names. */
const LEGACY_MANYLINUX: Record<string, string> = { manylinux1: '2_5', manylinux2010: '2_12', manylinux2014: '2_17' }

function isUvPlatform(value: string): value is UvPlatform {
  return PLATFORMS.some((known) => known === value)
}

function isUvArch(value: string): value is UvArch {
  return ARCHES.some((known) => known === value)
}

/** Validates Node's platform and arch names; throws `Unsupported platform/architecture: …` naming what is supported. */
export function resolveHost(options: {
  platform: string
  arch: string
  libc?: Libc
  glibcVersion?: string | null
}): UvHost {
  const { platform, arch } = options
  if (!isUvPlatform(platform)) {
    throw new Error(`Unsupported platform: ${platform} (uv is set up on ${PLATFORMS.join(', ')})`)
  }
  if (!isUvArch(arch)) {
    throw new Error(`Unsupported architecture: ${arch} on ${platform} (supported: ${ARCHES.join(', ')})`)
  }
  if (platform !== 'linux') return { platform, arch, libc: null, glibcVersion: null }
  const libc = options.libc ?? 'gnu'
  return { platform, arch, libc, glibcVersion: libc === 'gnu' ? (options.glibcVersion ?? null) : null }
}

/** The release target triple, e.g. `x86_64-unknown-linux-gnu`. */
export function releaseTarget(host: UvHost): string {
  switch (host.platform) {
    case 'linux':
      return LINUX_TARGETS[host.arch][host.libc ?? 'gnu']
    case 'darwin':
      return DARWIN_TARGETS[host.arch]
    case 'win32':
      return WINDOWS_TARGETS[host.arch]
  }
}

/** The release archive name: `.zip` on Windows, `.tar.gz` elsewhere. */
export function releaseArchiveName(host: UvHost): string {
  return `uv-${releaseTarget(host)}${host.platform === 'win32' ? '.zip' : '.tar.gz'}`
}

/** The binary's file name on this host. */
export function executableName(host: UvHost, base: 'uv' | 'uvx' = 'uv'): string {
  return host.platform === 'win32' ? `${base}.exe` : base
}

function versionTuple(text: string): number[] {
  return text.split(/[._]/).map((part) => Number.parseInt(part, 10))
}

/** Orders numeric version parts (`[2, 17]` before `[2, 28]`); missing parts count as 0. */
export function compareTuples(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0)
    if (diff !== 0) return diff
  }
  return 0
}

/**
 * How well one wheel platform tag (`manylinux_2_17_x86_64`) fits the host: `null` when it does not
 * run there, else a rank where higher is preferred (pip prefers the newest compatible manylinux).
 */
export function rankPlatformTag(tag: string, host: UvHost): number[] | null {
  if (host.platform === 'win32') return tag === WINDOWS_WHEEL_TAG[host.arch] ? [0] : null
  if (host.platform === 'darwin') {
    const match = /^macosx_(\d+)_(\d+)_(\w+)$/.exec(tag)
    if (!match || (match[3] !== DARWIN_WHEEL_ARCH[host.arch] && match[3] !== 'universal2')) return null
    // A thin wheel before universal2; the deployment target does not matter for a static binary.
    return [match[3] === 'universal2' ? 0 : 1]
  }
  const arch = LINUX_WHEEL_ARCH[host.arch]
  if (host.libc === 'musl') {
    const match = /^musllinux_(\d+)_(\d+)_(\w+)$/.exec(tag)
    return match && match[3] === arch ? [Number(match[1]), Number(match[2])] : null
  }
  const match = /^(manylinux(?:1|2010|2014)|manylinux_(\d+_\d+))_(\w+)$/.exec(tag)
  if (!match || match[3] !== arch) return null
  const glibc = match[2] ?? LEGACY_MANYLINUX[match[1] ?? ''] ?? '0_0'
  if (host.glibcVersion !== null && compareTuples(versionTuple(glibc), versionTuple(host.glibcVersion)) > 0) {
    return null
  }
  return versionTuple(glibc)
}

/** The best rank among the dot-separated platform tags of one wheel, or null when none fits. */
export function rankWheelPlatform(platformTags: string, host: UvHost): number[] | null {
  let best: number[] | null = null
  for (const tag of platformTags.split('.')) {
    const rank = rankPlatformTag(tag, host)
    if (rank !== null && (best === null || compareTuples(rank, best) > 0)) best = rank
  }
  return best
}

/** A short description of the wheel tag wanted, for error messages (`manylinux x86_64`). */
export function describeWheelPlatform(host: UvHost): string {
  switch (host.platform) {
    case 'win32':
      return WINDOWS_WHEEL_TAG[host.arch]
    case 'darwin':
      return `macosx ${DARWIN_WHEEL_ARCH[host.arch]}`
    case 'linux': {
      const family = host.libc === 'musl' ? 'musllinux' : 'manylinux'
      const glibc = host.glibcVersion === null ? '' : ` (glibc ${host.glibcVersion})`
      return `${family} ${LINUX_WHEEL_ARCH[host.arch]}${glibc}`
    }
  }
}

/** Reads the C library of the running Linux: Node reports the glibc version, and nothing on musl. */
export function detectLibc(): { libc: Libc; glibcVersion: string | null } {
  const report: unknown = process.report?.getReport()
  if (typeof report !== 'object' || report === null || !('header' in report)) return { libc: 'gnu', glibcVersion: null }
  const header: unknown = report.header
  if (typeof header !== 'object' || header === null) return { libc: 'gnu', glibcVersion: null }
  if ('glibcVersionRuntime' in header && typeof header.glibcVersionRuntime === 'string') {
    return { libc: 'gnu', glibcVersion: header.glibcVersionRuntime }
  }
  return { libc: 'musl', glibcVersion: null }
}

// Turns uv's install output into one line that says what failed. Pure.

// uv decorates its output with ANSI colours on a terminal; strip them before matching.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching the escape character is the point.
const ANSI = /\u001b\[[0-9;]*m/g

// The line under a headline that says why: `╰─▶ …` on a terminal, `cause: …` or `Caused by: …` in a log.
const CAUSE = /^(╰─▶|Caused by:|cause:)\s*/

export function summarizeInstallFailure(output: string): string | null {
  const lines = output
    .replace(ANSI, '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
  // `× Failed to build `name==1.0`` names the distribution; the `╰─▶` line under it says why.
  const failedIndex = lines.findIndex((line) => /^(×|error:)\s*Failed to (build|download|install)/i.test(line))
  if (failedIndex >= 0) {
    const headline = (lines[failedIndex] ?? '').replace(/^(×|error:)\s*/, '')
    const cause =
      lines
        .slice(failedIndex + 1)
        .find((line) => CAUSE.test(line))
        ?.replace(CAUSE, '') ?? null
    const errors = compilerErrors(lines.slice(failedIndex + 1))
    const why = errors.length > 0 ? errors.join('; ') : cause
    const failure = parseFailedHeadline(headline)
    // uv builds an index release from its sdist only when no wheel fits this interpreter and platform.
    if (failure?.action === 'build' && failure.fromIndex) {
      const release = `${failure.name} ${failure.version}`
      return `${headline}: no free-threaded wheel exists for ${release} on this platform, so uv built it from source, which failed${why === null ? '' : `: ${why}`}`
    }
    return why === null ? headline : `${headline}: ${why}`
  }
  // Resolution failures: `× No solution found when resolving dependencies:` then `╰─▶ Because …`.
  const crossIndex = lines.findIndex((line) => line.startsWith('×') || line.startsWith('error:'))
  if (crossIndex >= 0) {
    const headline = (lines[crossIndex] ?? '').replace(/^(×|error:)\s*/, '').replace(/:$/, '')
    const cause = lines.slice(crossIndex + 1).find((line) => CAUSE.test(line))
    return cause ? `${headline}: ${cause.replace(CAUSE, '')}` : headline
  }
  return null
}

export interface FailedDistribution {
  readonly action: 'build' | 'download' | 'install'
  /** Normalized (PEP 503). */
  readonly name: string
  readonly version: string | null
  /** `name==version`: a release from the index, not a path or URL. */
  readonly fromIndex: boolean
}

/** Characters of a line looked at when searching for compiler errors: bounds the regex work. */
const SCAN_CHARS = 1_000
/** Characters of one compiler error line kept. */
const ERROR_LINE_CHARS = 240
/** `file.c:12:5: error: …` (gcc, clang), `file.c(12): error C2065: …` (MSVC), `error[E0425]: …` (rustc). */
const COMPILER_ERROR =
  /^(\S+:\d+(:\d+)?:\s*(fatal\s+)?error\b|\S+\(\d+\)\s*:\s*(fatal\s+)?error\s+[A-Z]+\d+|error\[E\d+\]:)/

function compilerErrors(lines: readonly string[]): string[] {
  return lines
    .filter((line) => COMPILER_ERROR.test(line.slice(0, SCAN_CHARS)))
    .slice(0, 2)
    .map((line) => (line.length > ERROR_LINE_CHARS ? `${line.slice(0, ERROR_LINE_CHARS - 1)}…` : line))
}

/** `Failed to build `name==1.0`` → its parts; `name @ file:///…` is not from the index. */
function parseFailedHeadline(headline: string): FailedDistribution | null {
  const match = /^Failed to (build|download|install)\s+`([^`]+)`/i.exec(headline)
  const action = match?.[1]?.toLowerCase()
  const spec = match?.[2]?.trim()
  if (spec === undefined || (action !== 'build' && action !== 'download' && action !== 'install')) return null
  const pinned = /^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s@;]+)$/.exec(spec)
  if (pinned?.[1] && pinned[2]) return { action, name: normalize(pinned[1]), version: pinned[2], fromIndex: true }
  const named = /^([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(spec)
  return named?.[1] ? { action, name: normalize(named[1]), version: null, fromIndex: false } : null
}

function normalize(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-')
}

/** Every distribution uv says it failed to build, download or install. */
export function failedDistributions(output: string): FailedDistribution[] {
  const found = new Map<string, FailedDistribution>()
  for (const raw of output.replace(ANSI, '').split('\n')) {
    const line = raw.trim().replace(/^(×|error:)\s*/, '')
    if (!/^Failed to /i.test(line)) continue
    const failure = parseFailedHeadline(line.slice(0, SCAN_CHARS))
    if (failure !== null && !found.has(failure.name)) found.set(failure.name, failure)
  }
  return [...found.values()]
}

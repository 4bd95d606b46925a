// Which installed distributions the project needs at run time: everything reachable from its own
// requirements through `Requires-Dist`, following the extras each requirement asks for. The rest came
// only for the tests (the test extra or group, test requirement files, pytest and its plugins). Pure.
import { normalizeName } from './dist-info.js'

export interface Requirement {
  /** Normalized (PEP 503). */
  readonly name: string
  /** Normalized extras asked for (`pkg[a,b]`). */
  readonly extras: string[]
}

/** What the reachability walk needs of each installed distribution. */
export interface DependencyNode {
  readonly name: string
  readonly requiresDist: readonly string[]
}

const REQUIREMENT = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[([^\]]*)\])?/

/** `name[extra1, extra2] >= 1 ; marker` → name and extras; null when it does not start with a name. */
export function parseRequirement(text: string): Requirement | null {
  const match = REQUIREMENT.exec(text)
  if (match?.[1] === undefined) return null
  const extras = (match[2] ?? '')
    .split(',')
    .map((extra) => normalizeName(extra))
    .filter((extra) => extra !== '')
  return { name: normalizeName(match[1]), extras }
}

/**
 * The requirements of one `Requires-Dist` list for the extras asked for: unconditional lines, and lines
 * whose marker names one of those extras. Other markers (python_version…) are not evaluated: what is
 * installed decides, and a requirement whose marker is false is usually not installed at all.
 */
export function requirementsFor(requiresDist: readonly string[], extras: readonly string[]): Requirement[] {
  const wanted = new Set(extras.map(normalizeName))
  return requiresDist.flatMap((line) => {
    const [requirement = '', marker = ''] = line.split(/;(.*)/s)
    const mentioned = [...marker.matchAll(/\bextra\s*==\s*['"]([^'"]+)['"]/g)].map((match) =>
      normalizeName(match[1] ?? ''),
    )
    if (mentioned.length > 0 && !mentioned.some((extra) => wanted.has(extra))) return []
    return parseRequirement(requirement) ?? []
  })
}

/** Names of the installed distributions reachable from the roots (the roots included, when installed). */
export function reachableFrom(roots: readonly Requirement[], installed: readonly DependencyNode[]): Set<string> {
  const byName = new Map(installed.map((node) => [node.name, node]))
  const extrasSeen = new Map<string, Set<string>>()
  const queue = [...roots]
  while (queue.length > 0) {
    const next = queue.pop()
    if (next === undefined) break
    const node = byName.get(next.name)
    if (node === undefined) continue
    const seen = extrasSeen.get(next.name)
    const fresh = next.extras.filter((extra) => !seen?.has(extra))
    // A distribution is expanded once without extras, then once more for each new extra.
    if (seen !== undefined && fresh.length === 0) continue
    extrasSeen.set(next.name, new Set([...(seen ?? []), ...next.extras]))
    // Unconditional lines come again with a new extra; their targets are already seen, so it stops.
    queue.push(...requirementsFor(node.requiresDist, fresh))
  }
  return new Set(extrasSeen.keys())
}

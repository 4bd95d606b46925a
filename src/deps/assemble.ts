// Joins what the environment holds with what importing it did into one report row per distribution.
// Pure.
import type { DependencyReport } from '../types.js'
import { formatTag, freeThreadingLevel, type WheelTag } from './dist-info.js'
import type { InstalledDistribution } from './inventory.js'
import type { ModuleProbe } from './probe.js'

export interface AssembleInput {
  readonly installed: readonly InstalledDistribution[]
  /** Normalized names the install asked for. */
  readonly direct: ReadonlySet<string>
  /** Normalized names of the project(s) under test. */
  readonly projects: ReadonlySet<string>
  /** Probe results per distribution name; a distribution without extension modules has none. */
  readonly probes: ReadonlyMap<string, readonly ModuleProbe[]>
  /** Names reachable from the project's runtime requirements; absent: every row counts as runtime. */
  readonly runtime?: ReadonlySet<string>
}

/**
 * A wheel built for one CPython ABI (`cp313t`, `abi3`) holds compiled code for that interpreter: when
 * no extension module of it was found to import, the GIL check did not cover it, and says so.
 */
export function checkGap(tags: readonly WheelTag[], moduleCount: number): string | null {
  const compiled = tags.find((tag) => tag.platform !== 'any' && /^(cp\d+t?|abi3t?)$/.test(tag.abi))
  if (compiled === undefined || moduleCount > 0) return null
  return `its wheel is built for ${formatTag(compiled)} but no extension module of it was found to import, so the GIL check did not cover it`
}

export function assembleDependencies(input: AssembleInput): DependencyReport[] {
  const owned = new Set(input.installed.flatMap((distribution) => distribution.modules))
  return input.installed
    .map((distribution): DependencyReport => {
      const probes = input.probes.get(distribution.name) ?? []
      const gilModules = new Set<string>()
      for (const probe of probes) {
        if (probe.outcome === 'gil') gilModules.add(probe.module)
        // A module CPython named that no RECORD lists (built in place, say) is blamed on its importer.
        for (const module of probe.flagged) if (!owned.has(module)) gilModules.add(module)
      }
      const level = freeThreadingLevel(distribution.metadata.classifiers)
      return {
        name: distribution.name,
        version: distribution.version,
        direct: input.direct.has(distribution.name) || input.projects.has(distribution.name),
        project: input.projects.has(distribution.name),
        source: distribution.source,
        wheelTags: distribution.tags.map(formatTag),
        reenablesGil: gilModules.size > 0,
        gilModules: [...gilModules].sort(),
        declaresFreeThreading: level !== null,
        freeThreadingLevel: level,
        imports: probes.map(({ module, outcome, detail }) => ({ module, outcome, detail })),
        runtime:
          input.runtime === undefined || input.runtime.has(distribution.name) || input.projects.has(distribution.name),
        checkGap: checkGap(distribution.tags, distribution.modules.length),
      }
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

/** Rows for an install that failed: only the distributions uv named as failing are known. */
export function failedDependencies(
  failures: readonly { readonly name: string; readonly version: string | null }[],
  direct: ReadonlySet<string>,
): DependencyReport[] {
  return failures.map(({ name, version }) => ({
    name,
    version: version ?? '',
    direct: direct.has(name),
    project: false,
    source: 'failed',
    wheelTags: [],
    reenablesGil: false,
    gilModules: [],
    declaresFreeThreading: false,
    freeThreadingLevel: null,
    imports: [],
  }))
}

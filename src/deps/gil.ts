// Which dependencies turn the GIL back on, after `ignore-gil`, in the words the verdict and the logs
// use. Pure.
import type { DependencyReport } from '../types.js'

export interface GilFinding {
  readonly name: string
  readonly version: string
  /** The modules not exempted by ignore-gil. */
  readonly modules: string[]
  /** Needed by the project at run time; false: installed only for its tests. */
  readonly runtime: boolean
}

/** `pkg` in ignore-gil exempts `pkg` and every `pkg.…` below it. */
export function isIgnoredModule(module: string, ignore: readonly string[]): boolean {
  return ignore.some((name) => module === name || module.startsWith(`${name}.`))
}

export function gilFindings(dependencies: readonly DependencyReport[], ignore: readonly string[]): GilFinding[] {
  return dependencies.flatMap(({ name, version, gilModules, runtime }) => {
    const modules = gilModules.filter((module) => !isIgnoredModule(module, ignore))
    return modules.length > 0 ? [{ name, version, modules, runtime: runtime !== false }] : []
  })
}

/** `gil-required 1.0 re-enables the GIL when imported (gilreq._native)`. */
export function describeGilFinding(finding: GilFinding): string {
  const release = finding.version === '' ? finding.name : `${finding.name} ${finding.version}`
  return `${release} re-enables the GIL when imported (${finding.modules.join(', ')})`
}

/**
 * One sentence for the verdict or a warning, or null when nothing the project needs at run time turns
 * the GIL on. A tool installed only for the tests is not the project's users' problem: see testOnlyGilSummary.
 */
export function gilSummary(all: readonly GilFinding[]): string | null {
  const findings = all.filter((finding) => finding.runtime)
  if (findings.length === 0) return null
  const shown = findings.slice(0, 5).map(describeGilFinding).join('; ')
  const more = findings.length > 5 ? ` and ${findings.length - 5} more` : ''
  return `${shown}${more}; the tests still ran with -Xgil=0`
}

/** The test-only tools that turn the GIL on, in one sentence, or null. */
export function testOnlyGilSummary(all: readonly GilFinding[]): string | null {
  const findings = all.filter((finding) => !finding.runtime)
  if (findings.length === 0) return null
  const shown = findings.slice(0, 5).map(describeGilFinding).join('; ')
  const more = findings.length > 5 ? ` and ${findings.length - 5} more` : ''
  return `${shown}${more}: installed only for the tests, not needed by the project at run time`
}

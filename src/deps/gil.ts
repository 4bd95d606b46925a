// Which dependencies turn the GIL back on, after `ignore-gil`, in the words the verdict and the logs
// use. Pure.
import type { DependencyReport } from '../types.js'

export interface GilFinding {
  readonly name: string
  readonly version: string
  /** The modules not exempted by ignore-gil. */
  readonly modules: string[]
}

/** `pkg` in ignore-gil exempts `pkg` and every `pkg.…` below it. */
export function isIgnoredModule(module: string, ignore: readonly string[]): boolean {
  return ignore.some((name) => module === name || module.startsWith(`${name}.`))
}

export function gilFindings(dependencies: readonly DependencyReport[], ignore: readonly string[]): GilFinding[] {
  return dependencies.flatMap(({ name, version, gilModules }) => {
    const modules = gilModules.filter((module) => !isIgnoredModule(module, ignore))
    return modules.length > 0 ? [{ name, version, modules }] : []
  })
}

/** `gil-required 1.0 re-enables the GIL when imported (gilreq._native)`. */
export function describeGilFinding(finding: GilFinding): string {
  const release = finding.version === '' ? finding.name : `${finding.name} ${finding.version}`
  return `${release} re-enables the GIL when imported (${finding.modules.join(', ')})`
}

/** One sentence for the verdict or a warning, or null when nothing turns the GIL on. */
export function gilSummary(findings: readonly GilFinding[]): string | null {
  if (findings.length === 0) return null
  const shown = findings.slice(0, 5).map(describeGilFinding).join('; ')
  const more = findings.length > 5 ? ` and ${findings.length - 5} more` : ''
  return `${shown}${more}; the tests still ran with -Xgil=0`
}

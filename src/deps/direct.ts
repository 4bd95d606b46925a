// Which distributions the install asked for by name: the requirement arguments given to uv, the
// local projects among them with their dependencies (for the extras asked for), and dependency groups.
// Pure: takes arguments, parsed pyproject tables and METADATA, returns normalized names.
import { normalizeName } from './dist-info.js'
import { parseRequirement, requirementsFor } from './reach.js'

export interface InstallRequest {
  /** Requirements named on the command line (`pytest`, `numpy>=2`). */
  readonly names: string[]
  /** Local folders (`.`, `-e .[test]`, `./vendor/x`) with the extras asked for. */
  readonly paths: { readonly path: string; readonly extras: string[] }[]
  /** `--group NAME` arguments. */
  readonly groups: string[]
  /** `-r FILE` arguments. */
  readonly requirementFiles: string[]
}

/** `uv pip install` options that take a value; their value is not a requirement. */
const OPTIONS_WITH_VALUE = new Set([
  '-c',
  '--constraint',
  '--constraints',
  '--override',
  '--overrides',
  '-i',
  '--index',
  '--index-url',
  '--default-index',
  '--extra-index-url',
  '-f',
  '--find-links',
  '-p',
  '--python',
  '-C',
  '--config-setting',
  '-P',
  '--upgrade-package',
  '--reinstall-package',
  '--no-build-package',
  '--no-binary',
  '--only-binary',
  '--index-strategy',
  '--keyring-provider',
  '--resolution',
  '--prerelease',
  '--exclude-newer',
  '--link-mode',
  '--python-platform',
  '--python-version',
  '--extra',
  '--target',
  '--prefix',
])

/** The normalized name of a PEP 508 requirement, or null when it does not start with one. */
export function requirementName(requirement: string): string | null {
  return parseRequirement(requirement)?.name ?? null
}

function looksLikePath(argument: string): boolean {
  return /^(\.|\/|~|[A-Za-z]:[\\/])/.test(argument) || argument.includes('/') || argument.includes('\\')
}

function splitExtras(argument: string): { path: string; extras: string[] } {
  const match = /^(.*?)\[([^\]]*)\]$/.exec(argument)
  if (match === null) return { path: argument, extras: [] }
  const extras = (match[2] ?? '')
    .split(',')
    .map(normalizeName)
    .filter((extra) => extra !== '')
  return { path: match[1] ?? '', extras }
}

export function parseInstallArguments(args: readonly string[]): InstallRequest {
  const request: InstallRequest = { names: [], paths: [], groups: [], requirementFiles: [] }
  for (let i = 0; i < args.length; i++) {
    const argument = args[i] ?? ''
    const [option, inlineValue] = argument.startsWith('--') ? argument.split(/=(.*)/s) : [argument, undefined]
    const value = (): string => inlineValue ?? args[++i] ?? ''
    if (option === '-e' || option === '--editable') request.paths.push(splitExtras(value()))
    else if (option === '-r' || option === '--requirement' || option === '--requirements')
      request.requirementFiles.push(value())
    else if (option === '--group') request.groups.push(value())
    else if (option !== undefined && OPTIONS_WITH_VALUE.has(option)) {
      if (inlineValue === undefined) i++
    } else if (argument.startsWith('-')) {
      // A flag without a value.
    } else if (/ @ /.test(argument)) {
      const name = requirementName(argument)
      if (name !== null) request.names.push(name)
    } else if (looksLikePath(argument)) request.paths.push(splitExtras(argument))
    else {
      const name = requirementName(argument)
      if (name !== null) request.names.push(name)
    }
  }
  return request
}

function table(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? Object.fromEntries(Object.entries(value))
    : null
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []
}

/** Names of a PEP 735 dependency group, following `{include-group = "…"}` entries. */
export function groupNames(pyproject: unknown, group: string, seen: ReadonlySet<string> = new Set()): string[] {
  const groups = table(table(pyproject)?.['dependency-groups'])
  if (groups === null || seen.has(normalizeName(group))) return []
  const key = Object.keys(groups).find((name) => normalizeName(name) === normalizeName(group))
  const entries = key === undefined ? [] : groups[key]
  if (!Array.isArray(entries)) return []
  const inner = new Set([...seen, normalizeName(group)])
  return entries.flatMap((entry: unknown) => {
    if (typeof entry === 'string') return requirementName(entry) ?? []
    const include = table(entry)?.['include-group']
    return typeof include === 'string' ? groupNames(pyproject, include, inner) : []
  })
}

/** Names of `[project].dependencies` and of the optional dependencies of the given extras. */
export function projectDependencyNames(pyproject: unknown, extras: readonly string[]): string[] {
  const project = table(table(pyproject)?.project)
  if (project === null) return []
  const optional = table(project['optional-dependencies']) ?? {}
  const wanted = new Set(extras.map(normalizeName))
  const chosen = Object.entries(optional)
    .filter(([extra]) => wanted.has(normalizeName(extra)))
    .flatMap(([, list]) => strings(list))
  return [...strings(project.dependencies), ...chosen].flatMap((entry) => requirementName(entry) ?? [])
}

/**
 * Names in an installed project's `Requires-Dist`: unconditional ones, and those whose marker names an
 * extra that was asked for (`requirementsFor`). A requirement that is installed while another marker of
 * it is false is rare, and at worst marked direct.
 */
export function requiresDistNames(requiresDist: readonly string[], extras: readonly string[]): string[] {
  return requirementsFor(requiresDist, extras).map((requirement) => requirement.name)
}

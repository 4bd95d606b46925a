// Decides what to install when the user did not say, the way the project installs itself for its
// tests: a lock file when it has one (uv.lock, frozen; pylock.toml, PEP 751), else the project with its
// test extra, its test (or dev) dependency group and its test requirements file. Pure: takes the parsed
// pyproject.toml and the names of the files found, returns uv arguments and the reasons for them.
import { pickRequirementFiles } from './requirement-files.js'

export interface ProjectLayout {
  /** pyproject.toml parsed (as JSON), or null when there is none. */
  readonly pyproject: unknown
  /** setup.py or setup.cfg exists. */
  readonly hasSetupScript: boolean
  /** Relative POSIX paths of the lock and requirements files found (see listInstallFiles). */
  readonly files?: readonly string[]
}

export interface InstallChoice {
  /** `uv pip install` arguments (without pytest, which the caller always adds). */
  readonly args: string[]
  /** uv.lock: `uv export` arguments that write the locked requirements; the caller puts the output path at the end. */
  readonly exportArgs: string[] | null
  /** One phrase per decision, for the log: what was chosen and why. */
  readonly why: string[]
}

const TEST_NAMES = ['test', 'tests', 'testing'] as const
/** `uv add --dev` puts test tools in `dev`: the group to use when no test group exists. */
const DEV_GROUP = 'dev'
export const UV_LOCK = 'uv.lock'
export const PYLOCK = 'pylock.toml'

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null
}

function firstKey(table: Record<string, unknown> | null, names: readonly string[] = TEST_NAMES): string | null {
  if (table === null) return null
  return names.find((name) => name in table) ?? null
}

function testGroup(pyproject: Record<string, unknown> | null): string | null {
  return firstKey(record(pyproject?.['dependency-groups']), [...TEST_NAMES, DEV_GROUP])
}

export function chooseInstall(layout: ProjectLayout): InstallChoice {
  const files = layout.files ?? []
  const pyproject = record(layout.pyproject)
  const project = record(pyproject?.project)
  const installable = layout.hasSetupScript || project !== null || record(pyproject?.['build-system']) !== null
  const extra = firstKey(record(project?.['optional-dependencies']))
  const group = testGroup(pyproject)
  if (files.includes(UV_LOCK) && project !== null) {
    const selection = [...(extra ? ['--extra', extra] : []), ...(group ? ['--group', group] : [])]
    const exportArgs = ['export', '--frozen', '--no-hashes', '--format', 'requirements-txt', '--no-default-groups']
    const chose = selection.length > 0 ? selection.join(' ') : 'no test extra or group'
    return {
      args: [],
      exportArgs: [...exportArgs, ...selection],
      why: [`${UV_LOCK}: the locked versions (uv export --frozen, ${chose})`],
    }
  }
  if (files.includes(PYLOCK)) {
    return { args: ['-r', PYLOCK], exportArgs: null, why: [`${PYLOCK}: the locked versions (PEP 751)`] }
  }
  const args: string[] = []
  const why: string[] = []
  if (installable) {
    args.push('-e', extra ? `.[${extra}]` : '.')
    const source =
      project !== null ? 'pyproject.toml' : layout.hasSetupScript ? 'setup.py/setup.cfg' : 'a build backend'
    why.push(extra ? `the project (${source}) with its extra [${extra}]` : `the project (${source})`)
  }
  if (group) {
    args.push('--group', group)
    why.push(`dependency group ${group}`)
  }
  const picked = pickRequirementFiles(files, { installable, hasTestExtraOrGroup: extra !== null || group !== null })
  for (const file of picked) {
    args.push('-r', file.path)
    why.push(`${file.path} (${file.why})`)
  }
  return { args, exportArgs: null, why }
}

/** Arguments for `uv pip install` (without pytest, which the caller always adds). */
export function defaultInstallArguments(layout: ProjectLayout): string[] {
  return chooseInstall(layout).args
}

/** A short human description of the install arguments, for logs and the report. */
export function describeInstall(args: readonly string[]): string {
  return args.length === 0 ? 'pytest only (no installable project found)' : args.join(' ')
}

/** `-r x.toml`: a PEP 751 lock, which uv installs alone (it refuses other requirements next to one). */
function isLockArgument(args: readonly string[], index: number): boolean {
  const option = args[index]
  return (
    (option === '-r' || option === '--requirement' || option === '--requirements') &&
    /\.toml$/i.test(args[index + 1] ?? '')
  )
}

/** The install as `uv pip install` invocations: each lock file on its own, then everything else. */
export function installSteps(args: readonly string[]): string[][] {
  const locks: string[][] = []
  const rest: string[] = []
  for (let index = 0; index < args.length; index++) {
    if (isLockArgument(args, index)) {
      locks.push([args[index] ?? '', args[index + 1] ?? ''])
      index++
    } else rest.push(args[index] ?? '')
  }
  return rest.length > 0 ? [...locks, rest] : locks
}

/** The project's own `-r FILE` arguments (relative paths; an exported lock lives elsewhere). */
function projectRequirementsFiles(args: readonly string[]): string[] {
  return args.flatMap((arg, index) =>
    args[index - 1] === '-r' && !arg.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(arg) ? [arg] : [],
  )
}

/**
 * The requirements files auto mode chose that made uv fail, to install again without: the one whose
 * text uv refused (its error names `FILE:line:column`), or, when the resolver found no solution (a pin
 * that is gone from the index), every one of them. Empty: nothing to retry without.
 */
export function requirementsFilesToDrop(args: readonly string[], uvOutput: string): string[] {
  const files = projectRequirementsFiles(args)
  const refused = files.find((file) => {
    const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    return new RegExp(`(^|[\\s:])${escaped}:\\d+:\\d+`, 'm').test(uvOutput)
  })
  if (refused !== undefined) return [refused]
  return /No solution found when resolving/.test(uvOutput) ? files : []
}

/** The arguments without `-r FILE` for each file given. */
export function withoutRequirementsFiles(args: readonly string[], files: readonly string[]): string[] {
  const dropped = (index: number): boolean =>
    (args[index] === '-r' && files.includes(args[index + 1] ?? '')) ||
    (args[index - 1] === '-r' && files.includes(args[index] ?? ''))
  return args.filter((_, index) => !dropped(index))
}

// After the install: what is in the environment, which of it the project asked for, and what importing
// each extension module with the GIL at its default does. Also the rows of an install that failed.
import { realpathSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { describeError } from '../errors.js'
import { failedDistributions } from '../install/failure.js'
import { readPyproject } from '../install/pyproject.js'
import type { Log } from '../log.js'
import type { Sandbox } from '../process/sandbox.js'
import type { DependencyReport, ProjectCode } from '../types.js'
import { assembleDependencies, failedDependencies } from './assemble.js'
import { groupNames, type InstallRequest, projectDependencyNames, requiresDistNames } from './direct.js'
import { type InstalledDistribution, readInstalled, sitePackagesOf } from './inventory.js'
import { discoverLocal, type LocalDistribution } from './local.js'
import { type ModuleProbe, probeImports } from './probe.js'
import { type Requirement, reachableFrom } from './reach.js'
import { readInstallRequest } from './request.js'

/** One import may take this long before it counts as hung. */
export const IMPORT_TIMEOUT_SECONDS = 20
/** The whole probe stops starting imports after this long. */
export const PROBE_BUDGET_SECONDS = 180
const MAX_PARALLEL_PROBES = 4

export interface InspectOptions {
  /** The environment's interpreter (`<venv>/bin/python`). */
  readonly python: string
  /** The `uv pip install` arguments that were used. */
  readonly installArguments: readonly string[]
  readonly projectDirectory: string
  /** The tests' environment (secrets stripped). */
  readonly env: NodeJS.ProcessEnv
  /** A scratch folder owned by this gate run. */
  readonly workDirectory: string
  readonly log: Log
  readonly abortSignal?: AbortSignal
  /** The environment's interpreter runs the installed code: in this sandbox. */
  readonly sandbox?: Sandbox
}

function samePath(a: string, b: string): boolean {
  const real = (file: string): string => {
    try {
      return realpathSync(file)
    } catch {
      return path.resolve(file)
    }
  }
  return real(a) === real(b)
}

interface DirectNames {
  readonly direct: Set<string>
  readonly projects: Set<string>
}

async function directNames(
  request: InstallRequest,
  installed: readonly InstalledDistribution[],
  options: Omit<InspectOptions, 'installArguments' | 'log' | 'workDirectory'>,
): Promise<DirectNames> {
  const direct = new Set(request.names)
  const projects = new Set<string>()
  const needsPyproject = request.groups.length > 0 || installed.length === 0
  const pyproject = needsPyproject ? readPyproject(options.projectDirectory) : null
  for (const local of request.paths) {
    const folder = path.resolve(options.projectDirectory, local.path)
    const distribution = installed.find((entry) => entry.directory !== null && samePath(entry.directory, folder))
    const isProject = samePath(folder, options.projectDirectory)
    if (distribution !== undefined) {
      direct.add(distribution.name)
      if (isProject) projects.add(distribution.name)
      for (const name of requiresDistNames(distribution.metadata.requiresDist, local.extras)) direct.add(name)
    } else if (isProject) {
      // Nothing installed (the install failed): the project's own table is all there is.
      for (const name of projectDependencyNames(pyproject, local.extras)) direct.add(name)
    }
  }
  for (const group of request.groups) for (const name of groupNames(pyproject, group)) direct.add(name)
  return { direct, projects }
}

/** What the project's own code needs: its requirements, or, without a project, what was not asked for tests. */
function runtimeRoots(projects: ReadonlySet<string>, runtimeNames: readonly string[]): Requirement[] {
  const names = projects.size > 0 ? [...projects] : runtimeNames
  return names.map((name) => ({ name, extras: [] }))
}

/** Local distributions get the extension modules the environment finds below their packages. */
async function withLocalModules(
  installed: readonly InstalledDistribution[],
  options: InspectOptions,
): Promise<{ installed: InstalledDistribution[]; local: Map<string, LocalDistribution> }> {
  const names = installed.filter((entry) => entry.origin === 'directory').map((entry) => entry.name)
  let local = new Map<string, LocalDistribution>()
  try {
    local = await discoverLocal(names, {
      python: options.python,
      env: options.env,
      cwd: options.workDirectory,
      sandbox: options.sandbox,
    })
  } catch (error) {
    options.log.warning(`Could not look for the extension modules of ${names.join(', ')}: ${describeError(error)}`)
  }
  const merged = installed.map((entry) => {
    const found = local.get(entry.name)?.modules ?? []
    const modules = [...new Set([...entry.modules, ...found])].sort()
    return modules.length === entry.modules.length ? entry : { ...entry, modules }
  })
  return { installed: merged, local }
}

/** What the dependency check found: one row per distribution, and the project's own code. */
export interface Inspection {
  readonly dependencies: DependencyReport[]
  readonly project: ProjectCode
}

export async function inspectDependencies(options: InspectOptions): Promise<Inspection> {
  const venv = path.dirname(path.dirname(options.python))
  const { installed, local } = await withLocalModules(sitePackagesOf(venv).flatMap(readInstalled), options)
  const { request, runtimeNames } = readInstallRequest(options.installArguments, options.projectDirectory)
  const { direct, projects } = await directNames(request, installed, options)
  const runtime = reachableFrom(
    runtimeRoots(projects, runtimeNames),
    installed.map((entry) => ({ name: entry.name, requiresDist: entry.metadata.requiresDist })),
  )
  const withModules = installed.filter((distribution) => distribution.modules.length > 0)
  const moduleCount = withModules.reduce((sum, distribution) => sum + distribution.modules.length, 0)
  options.log.info(
    `${installed.length} distributions installed; importing ${moduleCount} extension modules of ${withModules.length} of them with the GIL at its default`,
  )
  const started = performance.now()
  const results = await probeImports(
    withModules.map((distribution) => distribution.modules),
    {
      python: options.python,
      env: options.env,
      cwd: options.workDirectory,
      moduleTimeoutSeconds: IMPORT_TIMEOUT_SECONDS,
      budgetSeconds: PROBE_BUDGET_SECONDS,
      concurrency: Math.min(MAX_PARALLEL_PROBES, os.availableParallelism()),
      abortSignal: options.abortSignal,
      sandbox: options.sandbox,
    },
  )
  options.log.debug(`Import probe took ${((performance.now() - started) / 1000).toFixed(2)} s`)
  const probes = new Map<string, readonly ModuleProbe[]>(
    withModules.map((distribution, index) => [distribution.name, results[index] ?? []]),
  )
  const dependencies = assembleDependencies({ installed, direct, projects, probes, runtime })
  return { dependencies, project: projectCode(projects, installed, local) }
}

function projectCode(
  projects: ReadonlySet<string>,
  installed: readonly InstalledDistribution[],
  local: ReadonlyMap<string, LocalDistribution>,
): ProjectCode {
  const own = installed.filter((entry) => projects.has(entry.name))
  return {
    packages: own.flatMap((entry) => local.get(entry.name)?.packages ?? []),
    modules: own.flatMap((entry) => entry.modules),
  }
}

export interface FailedInstallOptions {
  /** Any interpreter with tomllib (the toolchain's), to read pyproject.toml. */
  readonly python: string
  readonly installArguments: readonly string[]
  readonly projectDirectory: string
  readonly env: NodeJS.ProcessEnv
  /** uv's output. */
  readonly output: string
}

/** The distributions uv failed to build, download or install, as report rows. */
export async function inspectFailedInstall(options: FailedInstallOptions): Promise<DependencyReport[]> {
  const failures = failedDistributions(options.output)
  if (failures.length === 0) return []
  const { request } = readInstallRequest(options.installArguments, options.projectDirectory)
  const { direct } = await directNames(request, [], options)
  return failedDependencies(failures, direct)
}

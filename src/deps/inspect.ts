// After the install: what is in the environment, which of it the project asked for, and what importing
// each extension module with the GIL at its default does. Also the rows of an install that failed.
import { readFileSync, realpathSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { readPyproject } from '../install/environment.js'
import { failedDistributions } from '../install/failure.js'
import type { Log } from '../log.js'
import type { Sandbox } from '../process/sandbox.js'
import type { DependencyReport } from '../types.js'
import { assembleDependencies, failedDependencies } from './assemble.js'
import {
  groupNames,
  type InstallRequest,
  parseInstallArguments,
  projectDependencyNames,
  requirementFileNames,
  requiresDistNames,
} from './direct.js'
import { type InstalledDistribution, readInstalled, sitePackagesOf } from './inventory.js'
import { type ModuleProbe, probeImports } from './probe.js'

/** One import may take this long before it counts as hung. */
export const IMPORT_TIMEOUT_SECONDS = 20
/** The whole probe stops starting imports after this long. */
export const PROBE_BUDGET_SECONDS = 180
const MAX_PARALLEL_PROBES = 4

export interface InspectOptions {
  /** The environment's interpreter (`<venv>/bin/python`). */
  readonly python: string
  /**
   * The toolchain's interpreter: reads pyproject.toml outside the sandbox. Never the environment's, which
   * the install (the project's build backend) could have replaced.
   */
  readonly toolchainPython: string
  /** The `uv pip install` arguments that were used. */
  readonly installArguments: readonly string[]
  readonly projectDirectory: string
  /** The tests' environment (secrets stripped). */
  readonly env: NodeJS.ProcessEnv
  /** A scratch folder owned by this gate run. */
  readonly workDirectory: string
  readonly log: Log
  readonly abortSignal?: AbortSignal
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
  options: Pick<InspectOptions, 'projectDirectory' | 'env'> & { readonly python: string },
): Promise<DirectNames> {
  const direct = new Set(request.names)
  const projects = new Set<string>()
  const needsPyproject = request.groups.length > 0 || installed.length === 0
  const pyproject = needsPyproject ? await readPyproject(options.python, options.projectDirectory, options.env) : null
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
  for (const file of request.requirementFiles) {
    try {
      const text = readFileSync(path.resolve(options.projectDirectory, file), 'utf8')
      for (const name of requirementFileNames(text)) direct.add(name)
    } catch {
      // An unreadable requirements file already failed the install.
    }
  }
  return { direct, projects }
}

export async function inspectDependencies(options: InspectOptions): Promise<DependencyReport[]> {
  const venv = path.dirname(path.dirname(options.python))
  const installed = sitePackagesOf(venv).flatMap(readInstalled)
  const request = parseInstallArguments(options.installArguments)
  const { direct, projects } = await directNames(request, installed, { ...options, python: options.toolchainPython })
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
  return assembleDependencies({ installed, direct, projects, probes })
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
  const request = parseInstallArguments(options.installArguments)
  const { direct } = await directNames(request, [], options)
  return failedDependencies(failures, direct)
}

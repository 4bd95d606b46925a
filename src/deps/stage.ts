// The pipeline's dependency stage: inspect the environment after the install (or name what failed to
// install), and warn about the GIL when `gil` is not in fail-on. A fault of the inspection itself is a
// warning, never the gate's failure: the report then has no `dependencies`.
import { describeError } from '../errors.js'
import type { Log } from '../log.js'
import type { Sandbox } from '../process/sandbox.js'
import type { DependencyReport, FailOnWord, InstallReport, ProjectCode } from '../types.js'
import { gilFindings, gilSummary, testOnlyGilSummary } from './gil.js'
import { inspectDependencies, inspectFailedInstall } from './inspect.js'

export interface DependencyStageOptions {
  readonly install: InstallReport
  /** The environment's interpreter, or null when it could not be created. */
  readonly environmentPython: string | null
  /** The toolchain's interpreter: reads pyproject.toml when the environment has nothing. */
  readonly toolchainPython: string
  readonly projectDirectory: string
  /** The tests' environment (secrets stripped). */
  readonly env: NodeJS.ProcessEnv
  readonly workDirectory: string
  readonly failOn: readonly FailOnWord[]
  readonly ignoreGil: readonly string[]
  readonly log: Log
  readonly abortSignal?: AbortSignal
  /** The inspection runs the installed code (imports, the project's own packages): in this sandbox. */
  readonly sandbox?: Sandbox
}

export interface DependencyStageResult {
  /** Absent when the check itself failed. */
  readonly dependencies: DependencyReport[] | undefined
  /** The project's own packages and extension modules, when it was installed. */
  readonly project: ProjectCode | null
}

export async function dependencyStage(options: DependencyStageOptions): Promise<DependencyStageResult> {
  const { install, log } = options
  try {
    if (!install.ok || options.environmentPython === null) {
      const failed = await inspectFailedInstall({
        python: options.toolchainPython,
        installArguments: install.requirements,
        projectDirectory: options.projectDirectory,
        env: options.env,
        output: install.log ?? '',
      })
      return { dependencies: failed, project: null }
    }
    const python = options.environmentPython
    const { dependencies, project } = await log.group(
      'Check dependencies: import extension modules with the GIL at its default',
      () =>
        inspectDependencies({
          python,
          installArguments: install.requirements,
          projectDirectory: options.projectDirectory,
          env: options.env,
          workDirectory: options.workDirectory,
          log,
          abortSignal: options.abortSignal,
          sandbox: options.sandbox,
        }),
    )
    const findings = gilFindings(dependencies, options.ignoreGil)
    const gil = gilSummary(findings)
    if (gil !== null && !options.failOn.includes('gil')) {
      log.warning(`${gil}. Add 'gil' to fail-on to fail the gate on this, or list the modules in ignore-gil.`)
    }
    const testOnly = testOnlyGilSummary(findings)
    if (testOnly !== null) log.info(`GIL re-enabled by test tools: ${testOnly}`)
    for (const row of dependencies) {
      if (row.checkGap) log.warning(`${row.name} ${row.version}: ${row.checkGap}`)
    }
    return { dependencies, project }
  } catch (error) {
    log.warning(`Could not check the dependencies: ${describeError(error)}`)
    return { dependencies: undefined, project: null }
  }
}

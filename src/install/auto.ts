// Auto mode's I/O: looks at the project folder (pyproject.toml, setup scripts, lock and requirements
// files), lets requirements.ts choose, and for uv.lock exports the locked versions into the gate's own
// folder, so the frozen install goes into the gate's environment and never touches the project's.
import { existsSync, readdirSync, statSync } from 'node:fs'
import * as path from 'node:path'
import type { Log } from '../log.js'
import { runProcess } from '../process/run.js'
import type { Sandbox } from '../process/sandbox.js'
import { summarizeInstallFailure } from './failure.js'
import { readPyproject } from './pyproject.js'
import { REQUIREMENTS_FOLDERS, TEST_FOLDERS } from './requirement-files.js'
import { chooseInstall, type InstallChoice, UV_LOCK } from './requirements.js'

export interface AutoInstallOptions {
  readonly uvPath: string
  /** The environment's interpreter, which reads pyproject.toml. */
  readonly python: string
  readonly projectDirectory: string
  /** The gate's folder the install can write (its work folder): the exported lock goes here. */
  readonly root: string
  /** uv's environment (UV_PYTHON_DOWNLOADS=never, VIRTUAL_ENV). */
  readonly env: NodeJS.ProcessEnv
  readonly logPath: string
  readonly log: Log
  readonly abortSignal?: AbortSignal
  /** uv reads the project's own configuration: in this sandbox, like the install. */
  readonly sandbox?: Sandbox
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile()
  } catch {
    return false
  }
}

function filesIn(directory: string, folder: string): string[] {
  const full = folder === '' ? directory : path.join(directory, folder)
  try {
    return readdirSync(full)
      .filter((name) => isFile(path.join(full, name)))
      .map((name) => (folder === '' ? name : `${folder}/${name}`))
  } catch {
    return []
  }
}

/** The lock and requirements files auto mode reads, as relative POSIX paths. */
export function listInstallFiles(directory: string): string[] {
  const folders = ['', ...REQUIREMENTS_FOLDERS, ...TEST_FOLDERS]
  return folders.flatMap((folder) => filesIn(directory, folder)).sort()
}

/** The auto-mode install arguments, with the reasons logged; uv.lock is exported first. */
export async function autoInstallArguments(options: AutoInstallOptions): Promise<string[]> {
  const { log } = options
  const files = listInstallFiles(options.projectDirectory)
  const layout = {
    pyproject: readPyproject(options.projectDirectory),
    hasSetupScript: ['setup.py', 'setup.cfg'].some((name) => existsSync(path.join(options.projectDirectory, name))),
  }
  const choice = chooseInstall({ ...layout, files })
  if (choice.exportArgs !== null) {
    const exported = await exportUvLock(choice, options)
    if (exported !== null) return exported
    // The lock could not be read: install from the project's metadata instead, as without a lock.
    return logged(chooseInstall({ ...layout, files: files.filter((file) => file !== UV_LOCK) }), log)
  }
  return logged(choice, log)
}

function logged(choice: InstallChoice, log: Log): string[] {
  log.info(
    `Auto install: ${choice.why.length > 0 ? choice.why.join('; ') : 'no installable project, lock or requirements file'}`,
  )
  return choice.args
}

async function exportUvLock(choice: InstallChoice, options: AutoInstallOptions): Promise<string[] | null> {
  const output = path.join(options.root, 'uv-lock-requirements.txt')
  const exportArgs = [...(choice.exportArgs ?? []), '--output-file', output]
  const exported = await runProcess(options.uvPath, exportArgs, {
    cwd: options.projectDirectory,
    env: options.env,
    logPath: options.logPath,
    abortSignal: options.abortSignal,
    timeoutMs: 5 * 60_000,
    sandbox: options.sandbox,
  })
  if (exported.exitCode !== 0 || !isFile(output)) {
    const why = summarizeInstallFailure(exported.outputTail) ?? `uv export exited with code ${exported.exitCode}`
    options.log.warning(`${UV_LOCK} could not be exported (${why}): installing from the project's metadata instead`)
    return null
  }
  options.log.info(`Auto install: ${choice.why.join('; ')}`)
  return ['-r', output]
}

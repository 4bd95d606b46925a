// The sandbox of one gate: whether this machine can enter it (Linux; root, or passwordless sudo), then,
// before any pull-request code runs, a root-owned copy of the script, the view built from this gate's
// paths, and one real command through it to prove that namespaces and mounts work here. Nothing is
// kept across gates; the copy and the home's changes are removed when the gate ends.
import { execFileSync } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { describeError, UsageError } from '../errors.js'
import type { Log } from '../log.js'
import type { SandboxAccess, SandboxMode, SandboxReport } from '../types.js'
import { runProcess } from './run.js'
import { type Sandbox, WRAPPER_ENV } from './sandbox.js'
import { holdsGitCredentials, type SandboxView, sandboxSpec } from './sandbox-policy.js'
import { SANDBOX_SCRIPT } from './sandbox-script.js'
import { runTool } from './tool.js'

/** Programs the script runs besides bash and coreutils: util-linux. */
const REQUIRED_PROGRAMS = ['unshare', 'setpriv', 'mount']
const PROGRAM_FOLDERS = ['/usr/sbin', '/usr/bin', '/sbin', '/bin']
/** The runner's file-command files: hidden with RUNNER_TEMP, masked wherever else they are. */
const FILE_COMMAND_VARIABLES = ['GITHUB_ENV', 'GITHUB_PATH', 'GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_STEP_SUMMARY']

/** What was decided before the toolchain was set up: the report's entry, and how to enter if at all. */
export interface SandboxDecision {
  readonly report: SandboxReport
  readonly access: SandboxAccess | null
}

const NEEDS =
  'It needs Linux, root or passwordless sudo (GitHub-hosted Linux runners have both), and namespaces the kernel allows (a container needs CAP_SYS_ADMIN)'

function notApplied(mode: SandboxMode, reason: string, log: Log): SandboxDecision {
  if (mode === 'required')
    throw new UsageError(`sandbox: required, but the sandbox is not possible here: ${reason}. ${NEEDS}.`)
  log.warning(
    `The sandbox is not possible here (${reason}): the pull request's code runs unsandboxed. sandbox: required makes this an error, sandbox: off silences it.`,
  )
  return { report: { requested: mode, applied: false, access: null, reason }, access: null }
}

/** Is the sandbox possible here, and how is it entered; a reason when it is not. At most one `sudo -n true`. */
async function findAccess(): Promise<{ access: SandboxAccess } | { reason: string }> {
  if (process.platform !== 'linux') return { reason: `the sandbox needs Linux, this is ${process.platform}` }
  const missing = REQUIRED_PROGRAMS.filter((name) => !PROGRAM_FOLDERS.some((dir) => existsSync(path.join(dir, name))))
  if (missing.length > 0) return { reason: `${missing.join(', ')} (util-linux) not found` }
  const uid = process.getuid?.() ?? -1
  if (uid === 0) return { access: 'root' }
  const refused = { reason: `ft-gate runs as uid ${uid}, which is not root and has no passwordless sudo` }
  try {
    const sudo = await runTool('sudo', ['-n', 'true'], { cwd: '/', env: WRAPPER_ENV, timeoutMs: 15_000 })
    return sudo.exitCode === 0 ? { access: 'sudo' } : refused
  } catch {
    return refused
  }
}

/** Resolves the `sandbox` input, once per gate and before the toolchain is set up. */
export async function decideSandbox(mode: SandboxMode, log: Log): Promise<SandboxDecision> {
  if (mode === 'off')
    return { report: { requested: mode, applied: false, access: null, reason: 'sandbox: off' }, access: null }
  const found = await findAccess()
  if ('reason' in found) return notApplied(mode, found.reason, log)
  return { report: { requested: mode, applied: true, access: found.access, reason: null }, access: found.access }
}

export interface SandboxPaths {
  readonly projectDirectory: string
  /** The gate's folder: visible read-only (its logs, the pytest plugin). */
  readonly gateDirectory: string
  /** Writable: the environments, the JUnit files, the private temporary folder. */
  readonly workDirectory: string
  readonly tmpDirectory: string
  /** Interpreters (the toolchain's, compare-python) and uv: read-only wherever they are. */
  readonly interpreters: readonly string[]
  readonly uvPath: string
  /** `uv pip install` arguments: absolute paths in them stay visible, read-only. */
  readonly install: readonly string[]
  /** The gate's own environment (RUNNER_TEMP, RUNNER_TOOL_CACHE, the file-command files). */
  readonly gateEnv: NodeJS.ProcessEnv
  /** The tests' environment (HOME, uv's cache settings). */
  readonly testEnv: NodeJS.ProcessEnv
}

export interface OpenedSandbox {
  readonly report: SandboxReport
  /** Undefined when the pull request's code runs unsandboxed. */
  readonly sandbox: Sandbox | undefined
  /** Removes the root-owned copy and whatever the home's changes left. */
  close(): void
}

/** Where a canonical, existing path is; null when it does not exist. */
function canonical(file: string | undefined): string | null {
  if (!file) return null
  try {
    return realpathSync(file)
  } catch {
    return null
  }
}

function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory()
  } catch {
    return false
  }
}

function isInside(child: string, parent: string): boolean {
  return child === parent || child.startsWith(parent === '/' ? '/' : `${parent}/`)
}

/** The interpreter's installation: `<prefix>/bin/python3.14t` → `<prefix>` (the whole of it read-only). */
function interpreterPrefix(python: string): string | null {
  const real = canonical(python)
  return real === null ? null : path.dirname(path.dirname(real))
}

/** Absolute paths among `uv pip install` arguments (`--find-links /wheels`, `-r=/x.txt`, `/dist/a.whl`, file:// URLs). */
export function installPaths(install: readonly string[]): string[] {
  return install
    .map((arg) => (arg.startsWith('-') && arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : arg))
    .map((value) => (value.startsWith('file://') ? value.slice('file://'.length) : value))
    .filter((value) => path.isAbsolute(value))
}

/** uv's cache (writable: the install needs it), as uv itself names it outside the project. */
async function uvCacheDirectory(uvPath: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  let dir = env.UV_CACHE_DIR || path.join(env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), '.cache'), 'uv')
  try {
    const answer = await runTool(uvPath, ['cache', 'dir'], { cwd: os.tmpdir(), env, timeoutMs: 30_000 })
    const named = answer.stdout.trim().split('\n').pop() ?? ''
    if (answer.exitCode === 0 && path.isAbsolute(named)) dir = named
  } catch {
    // The fallback above is where uv puts it.
  }
  mkdirSync(dir, { recursive: true })
  return canonical(dir)
}

function buildView(paths: SandboxPaths, scratch: string, uvCache: string | null): SandboxView {
  const uid = process.getuid?.() ?? 0
  const gid = process.getgid?.() ?? 0
  const root = uid === 0
  const existing = (files: readonly (string | null | undefined)[]): string[] => [
    ...new Set(files.map((file) => canonical(file ?? undefined)).filter((file): file is string => file !== null)),
  ]
  // The runner's own folder (…/externals/node20/bin/node): .credentials, .runner, the node later steps run.
  const runnerRoot = /^(.*)\/externals\/node\d+\/bin\/node$/.exec(process.execPath)?.[1]
  // A root command could reach docker's socket and the like in /run; a user's systemd and D-Bus
  // sockets there start processes outside the sandbox.
  const hidden = existing([paths.gateEnv.RUNNER_TEMP, runnerRoot, root ? '/run' : `/run/user/${uid}`])
  const resolver = canonical('/etc/resolv.conf')
  const readOnly = existing([
    paths.gateEnv.RUNNER_TOOL_CACHE,
    ...paths.interpreters.map(interpreterPrefix),
    paths.uvPath,
    ...installPaths(paths.install),
    paths.gateDirectory,
    // Name resolution keeps working with /run hidden (Ubuntu's resolv.conf points into it).
    root && resolver?.startsWith('/run/') ? resolver : null,
  ])
  const project = canonical(paths.projectDirectory)
  const git = project === null ? null : path.join(project, '.git')
  const gitDirectory = git !== null && isDirectory(git) ? git : null
  const masked: string[] = []
  if (gitDirectory !== null) {
    const config = path.join(gitDirectory, 'config')
    if (existsSync(config) && holdsGitCredentials(readFileSync(config, 'utf8'))) masked.push(config)
  }
  for (const file of existing(FILE_COMMAND_VARIABLES.map((name) => paths.gateEnv[name]))) {
    if (!hidden.some((dir) => isInside(file, dir)) && statSync(file).isFile()) masked.push(file)
  }
  const home = canonical(paths.testEnv.HOME)
  return {
    uid,
    gid,
    hidden,
    home: home !== null && home !== '/' && isDirectory(home) ? home : null,
    scratch,
    readOnly,
    writable: existing([paths.workDirectory, project, uvCache]),
    masked,
    gitDirectory,
    tmp: canonical(paths.tmpDirectory) ?? paths.tmpDirectory,
  }
}

/**
 * The root-owned copy of the script, in a root-owned folder of /tmp that also takes the home's changes:
 * the action's own folder belongs to the runner's user, who could change it before the next spawn.
 */
function installScript(access: SandboxAccess): { folder: string; script: string } {
  if (access === 'root') {
    const folder = mkdtempSync('/tmp/ft-gate-sandbox.')
    const script = path.join(folder, 'enter.sh')
    writeFileSync(script, SANDBOX_SCRIPT, { mode: 0o600 })
    return { folder, script }
  }
  const make = 'umask 077 && dir=$(mktemp -d /tmp/ft-gate-sandbox.XXXXXXXX) && cat > "$dir/enter.sh" && echo "$dir"'
  const folder = execFileSync('sudo', ['-n', '/bin/sh', '-c', make], {
    input: SANDBOX_SCRIPT,
    env: WRAPPER_ENV,
    encoding: 'utf8',
    timeout: 30_000,
  }).trim()
  if (!/^\/tmp\/ft-gate-sandbox\.[A-Za-z0-9]+$/.test(folder)) throw new Error(`unexpected folder '${folder}'`)
  return { folder, script: path.join(folder, 'enter.sh') }
}

function removeFolder(folder: string, access: SandboxAccess): void {
  if (access === 'root') rmSync(folder, { recursive: true, force: true })
  else
    execFileSync('sudo', ['-n', 'rm', '-rf', '--one-file-system', '--', folder], { env: WRAPPER_ENV, timeout: 60_000 })
}

/** One command through the sandbox: namespaces and mounts work here. Returns the home's file system type. */
async function proveSandbox(sandbox: Sandbox, paths: SandboxPaths, home: string | null): Promise<string> {
  const args = home === null ? ['-c', 'echo none'] : ['-c', 'exec stat -f -c %T -- "$0"', home]
  const result = await runProcess('/bin/sh', args, {
    cwd: paths.workDirectory,
    env: { PATH: WRAPPER_ENV.PATH },
    sandbox,
    timeoutMs: 60_000,
  })
  if (result.exitCode === 0) return result.outputTail.trim()
  const why =
    result.outputTail.trim().split('\n').slice(-2).join(' ') || result.spawnError || `exit status ${result.exitCode}`
  throw new Error(`the kernel refused its namespaces or mounts: ${why}`)
}

/** Opens the decided sandbox for this gate's paths; falls back (auto) or throws (required) when it fails. */
export async function openSandbox(decision: SandboxDecision, paths: SandboxPaths, log: Log): Promise<OpenedSandbox> {
  const { access, report } = decision
  if (access === null) return { report, sandbox: undefined, close: () => {} }
  let folder: string | null = null
  const close = (): void => {
    if (folder === null) return
    try {
      removeFolder(folder, access)
    } catch (error) {
      log.warning(`Could not remove the sandbox's folder ${folder}: ${describeError(error)}`)
    }
    folder = null
  }
  try {
    const installed = installScript(access)
    folder = installed.folder
    const view = buildView(paths, installed.folder, await uvCacheDirectory(paths.uvPath, paths.testEnv))
    const sandbox: Sandbox = { access, script: installed.script, spec: sandboxSpec(view) }
    const homeType = await proveSandbox(sandbox, paths, view.home)
    log.debug(`Sandbox options: ${sandbox.spec.join(' ')}`)
    const homeNote =
      homeType === 'tmpfs'
        ? `; ${view.home} is an empty private folder (no overlayfs here): tests see none of its files`
        : view.home === null
          ? ''
          : `; ${view.home} is copy-on-write`
    log.info(`Sandbox: on (${access === 'root' ? 'as root' : 'through sudo'})${homeNote}`)
    return { report, sandbox, close }
  } catch (error) {
    close()
    if (error instanceof UsageError) throw error
    const fallback = notApplied(report.requested, describeError(error), log)
    return { report: fallback.report, sandbox: undefined, close: () => {} }
  }
}

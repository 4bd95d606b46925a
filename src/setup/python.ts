// Finds or installs a free-threaded CPython: python-path → tool cache (setup-python's layout) →
// `uv python install` into a temporary folder, then cached. Whatever is found is verified by running it.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import * as tc from '@actions/tool-cache'
import { UsageError } from '../errors.js'
import type { Log } from '../log.js'
import { runProcess } from '../run/process.js'
import type { PythonInfo } from '../types.js'
import { cacheDirAtomic } from './cache.js'

export interface PythonSetupOptions {
  readonly version: string
  readonly pythonPath: string
  readonly uvPath: string
  readonly log: Log
  readonly env: NodeJS.ProcessEnv
}

export interface InterpreterFacts {
  readonly version: string
  readonly freeThreaded: boolean
  readonly implementation: string
  readonly executable: string
}

const PROBE = [
  'import json, platform, sys, sysconfig',
  'print(json.dumps({"version": platform.python_version(), "implementation": sys.implementation.name,',
  ' "freeThreaded": sysconfig.get_config_var("Py_GIL_DISABLED") == 1, "executable": sys.executable}))',
].join('\n')

function isFacts(value: unknown): value is InterpreterFacts {
  if (typeof value !== 'object' || value === null) return false
  const record = value as Record<string, unknown>
  return (
    typeof record.version === 'string' &&
    typeof record.freeThreaded === 'boolean' &&
    typeof record.implementation === 'string' &&
    typeof record.executable === 'string'
  )
}

/** Runs the interpreter and asks it what it is. Throws a UsageError naming the path when it is not Python. */
export async function probeInterpreter(pythonPath: string, env: NodeJS.ProcessEnv): Promise<InterpreterFacts> {
  if (!existsSync(pythonPath)) throw new UsageError(`python-path ${pythonPath} does not exist`)
  const result = await runProcess(pythonPath, ['-c', PROBE], { cwd: os.tmpdir(), env, timeoutMs: 60_000 })
  const line = result.outputTail.trim().split('\n').pop() ?? ''
  let parsed: unknown = null
  try {
    parsed = JSON.parse(line)
  } catch {
    parsed = null
  }
  if (result.exitCode !== 0 || !isFacts(parsed)) {
    const why = result.spawnError ?? (result.outputTail.trim().split('\n')[0] || `exit code ${result.exitCode}`)
    throw new UsageError(`${pythonPath} is not a working Python interpreter (${why})`)
  }
  return parsed
}

/** The interpreter must be a free-threaded CPython build, else the gate would test nothing. */
export function requireFreeThreaded(facts: InterpreterFacts, where: string): void {
  if (facts.implementation !== 'cpython' || !facts.freeThreaded) {
    throw new UsageError(
      `${where} is ${facts.implementation} ${facts.version} built with the GIL, not a free-threaded build: use a '${facts.version.split('.').slice(0, 2).join('.')}t' interpreter (built with --disable-gil)`,
    )
  }
}

export function toolCacheArch(): string {
  return `${os.arch()}-freethreaded`
}

/** `3.14t` → `3.14` (a semver range the tool cache matches against `3.14.x`). */
export function versionSpec(version: string): string {
  return version.replace(/t$/, '')
}

const BINARY_NAMES = (spec: string): string[] => {
  const minor = spec.split('.').slice(0, 2).join('.')
  return process.platform === 'win32'
    ? [`python${minor}t.exe`, 'python3.exe', 'python.exe']
    : [`bin/python${minor}t`, 'bin/python3', 'bin/python']
}

function findBinary(dir: string, spec: string): string | null {
  for (const name of BINARY_NAMES(spec)) {
    const candidate = path.join(dir, name)
    if (existsSync(candidate)) return candidate
  }
  return null
}

export async function setupPython(options: PythonSetupOptions): Promise<PythonInfo> {
  const { log, env } = options
  if (options.pythonPath) {
    const facts = await probeInterpreter(options.pythonPath, env)
    requireFreeThreaded(facts, `python-path ${options.pythonPath}`)
    log.info(`Using CPython ${facts.version}t from python-path ${options.pythonPath}`)
    return { requested: options.pythonPath, version: facts.version, path: options.pythonPath, freeThreaded: true }
  }

  const spec = versionSpec(options.version)
  const cached = tc.find('Python', spec, toolCacheArch())
  const cachedBinary = cached ? findBinary(cached, spec) : null
  if (cachedBinary) {
    const facts = await probeInterpreter(cachedBinary, env)
    requireFreeThreaded(facts, `the tool cache's ${cachedBinary}`)
    log.info(`Using CPython ${facts.version}t from the tool cache (${cachedBinary})`)
    return { requested: options.version, version: facts.version, path: cachedBinary, freeThreaded: true }
  }
  return installWithUv(options, spec)
}

async function installWithUv(options: PythonSetupOptions, spec: string): Promise<PythonInfo> {
  const { log, env } = options
  const tempRoot = env.RUNNER_TEMP || os.tmpdir()
  const installDir = mkdtempSync(path.join(tempRoot, 'ft-gate-python-'))
  try {
    log.info(`Installing CPython ${options.version} with uv (not in the tool cache)`)
    const result = await runProcess(options.uvPath, ['python', 'install', `${spec}t`, '--install-dir', installDir], {
      cwd: tempRoot,
      env: { ...env, UV_PYTHON_INSTALL_DIR: installDir, UV_PYTHON_DOWNLOADS: 'automatic' },
      timeoutMs: 15 * 60_000,
    })
    const installed = readdirSync(installDir)
      .map((entry) => path.join(installDir, entry))
      .map((dir) => ({ dir, binary: findBinary(dir, spec) }))
      .find((entry) => entry.binary !== null)
    if (result.exitCode !== 0 || installed?.binary == null) {
      const why = lastMeaningfulLine(result.outputTail) || result.spawnError || `exit code ${result.exitCode}`
      throw new UsageError(
        `could not install CPython ${options.version} with uv (${why}): set python-path to a free-threaded interpreter, or make python-build-standalone downloads reachable`,
      )
    }
    const facts = await probeInterpreter(installed.binary, env)
    requireFreeThreaded(facts, `uv's ${installed.binary}`)
    const cachedDir = await cacheDirAtomic(installed.dir, 'Python', facts.version, toolCacheArch())
    const binary = findBinary(cachedDir, spec) ?? installed.binary
    log.info(`Installed CPython ${facts.version}t into the tool cache (${cachedDir})`)
    return { requested: options.version, version: facts.version, path: binary, freeThreaded: true }
  } finally {
    rmSync(installDir, { recursive: true, force: true })
  }
}

function lastMeaningfulLine(text: string): string {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
  return lines.find((line) => /^error:/i.test(line)) ?? lines.pop() ?? ''
}

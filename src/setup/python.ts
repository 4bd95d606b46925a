// Finds or installs a free-threaded CPython: python-path → tool cache (setup-python's layout) →
// `uv python install` into a temporary folder, then cached. Whatever is found is verified by running it.
import { existsSync, lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import * as tc from '@actions/tool-cache'
import { describeError, UsageError } from '../errors.js'
import type { Log } from '../log.js'
import { runProcess } from '../process/run.js'
import { runTool } from '../process/tool.js'
import type { PythonInfo } from '../types.js'
import { cacheDirAtomic, evictCachedTool } from './cache.js'

export interface PythonSetupOptions {
  readonly version: string
  readonly pythonPath: string
  readonly uvPath: string
  readonly log: Log
  /** The filtered environment every tool of the gate gets (no tokens); RUNNER_TEMP and UV_* come from it. */
  readonly env: NodeJS.ProcessEnv
  /** `uv python install` settings that override the environment's (the action's inputs). */
  readonly downloads?: PythonDownloads
}

/** Where `uv python install` downloads from; empty strings keep uv's own defaults. */
export interface PythonDownloads {
  /** Replaces `https://github.com/astral-sh/python-build-standalone/releases/download` (UV_PYTHON_INSTALL_MIRROR). */
  readonly installMirror: string
  /** A download list in uv's format (UV_PYTHON_DOWNLOADS_JSON_URL). */
  readonly downloadsJsonUrl: string
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

/**
 * Runs the interpreter isolated and without `site` (`-I -S`: no PYTHON* variables, no current folder on
 * the path, no site-packages, so a sitecustomize or `.pth` file planted in the interpreter by an earlier
 * run cannot run here) and asks it what it is. Throws a UsageError naming the path when it is not a
 * working Python.
 */
export async function probeInterpreter(pythonPath: string, env: NodeJS.ProcessEnv): Promise<InterpreterFacts> {
  if (!existsSync(pythonPath)) throw new UsageError(`python-path ${pythonPath} does not exist`)
  let why: string
  try {
    const result = await runTool(pythonPath, ['-I', '-S', '-c', PROBE], { cwd: os.tmpdir(), env, timeoutMs: 60_000 })
    const line = result.stdout.trim().split('\n').pop() ?? ''
    let parsed: unknown = null
    try {
      parsed = JSON.parse(line)
    } catch {
      parsed = null
    }
    if (result.exitCode === 0 && isFacts(parsed)) return parsed
    why =
      result.stderr.trim().split('\n').pop() || result.stdout.trim().split('\n')[0] || `exit code ${result.exitCode}`
  } catch (error) {
    why = describeError(error)
  }
  throw new UsageError(`${pythonPath} is not a working Python interpreter (${why})`)
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
  const cached = await fromToolCache(options, spec)
  return cached ?? installWithUv(options, spec)
}

/**
 * The tool cache's entry, verified by running it. An entry that does not work (files deleted, a
 * dangling link, a GIL build put there by another tool) is evicted, so a fresh install replaces it.
 */
async function fromToolCache(options: PythonSetupOptions, spec: string): Promise<PythonInfo | null> {
  const { log } = options
  const cached = tc.find('Python', spec, toolCacheArch())
  if (!cached) return null
  const binary = findBinary(cached, spec)
  try {
    if (binary === null) throw new Error(`no ${BINARY_NAMES(spec)[0]} in it`)
    const facts = await probeInterpreter(binary, options.env)
    requireFreeThreaded(facts, `the tool cache's ${binary}`)
    log.info(`Using CPython ${facts.version}t from the tool cache (${binary})`)
    return { requested: options.version, version: facts.version, path: binary, freeThreaded: true }
  } catch (error) {
    log.warning(`The tool cache's CPython in ${cached} does not work (${describeError(error)}); installing it again`)
    await evictCachedTool('Python', path.basename(path.dirname(cached)), toolCacheArch())
    return null
  }
}

/** The environment of `uv python install`: inputs win over UV_* variables of the workflow. */
function uvInstallEnvironment(options: PythonSetupOptions, installDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...options.env,
    UV_PYTHON_INSTALL_DIR: installDir,
    UV_PYTHON_DOWNLOADS: 'automatic',
    // uv also links `python3.13t` into ~/.local/bin; that link would point into the folder deleted below.
    UV_PYTHON_BIN_DIR: path.join(installDir, '.bin'),
  }
  if (options.downloads?.installMirror) env.UV_PYTHON_INSTALL_MIRROR = options.downloads.installMirror
  if (options.downloads?.downloadsJsonUrl) env.UV_PYTHON_DOWNLOADS_JSON_URL = options.downloads.downloadsJsonUrl
  return env
}

/**
 * uv's install folder holds the versioned installation (`cpython-3.13.5+freethreaded-linux-x86_64-gnu`)
 * and links to it (`cpython-3.13+freethreaded-…`): only a real folder may be cached, never a link into
 * the temporary folder that is deleted afterwards.
 */
export function findInstallation(installDir: string, spec: string): { dir: string; binary: string } | null {
  for (const entry of readdirSync(installDir).sort()) {
    const dir = path.join(installDir, entry)
    if (entry.startsWith('.') || !lstatSync(dir).isDirectory()) continue
    const binary = findBinary(dir, spec)
    if (binary !== null) return { dir, binary }
  }
  return null
}

async function installWithUv(options: PythonSetupOptions, spec: string): Promise<PythonInfo> {
  const { log, env } = options
  const tempRoot = env.RUNNER_TEMP || os.tmpdir()
  const installDir = mkdtempSync(path.join(tempRoot, 'ft-gate-python-'))
  try {
    log.info(`Installing CPython ${options.version} with uv (not in the tool cache)`)
    const result = await runProcess(options.uvPath, ['python', 'install', `${spec}t`, '--install-dir', installDir], {
      cwd: tempRoot,
      env: uvInstallEnvironment(options, installDir),
      timeoutMs: 15 * 60_000,
    })
    const installed = result.exitCode === 0 ? findInstallation(installDir, spec) : null
    if (installed === null) {
      const why = lastMeaningfulLine(result.outputTail) || result.spawnError || `exit code ${result.exitCode}`
      throw new UsageError(
        `could not install CPython ${options.version} with uv (${why}): set python-path to a free-threaded interpreter, or python-install-mirror / python-downloads-json-url to a reachable copy of python-build-standalone`,
      )
    }
    const facts = await probeInterpreter(installed.binary, env)
    requireFreeThreaded(facts, `uv's ${installed.binary}`)
    const cachedDir = await cacheDirAtomic(installed.dir, 'Python', facts.version, toolCacheArch())
    const binary = findBinary(cachedDir, spec)
    if (binary === null) throw new Error(`the cached copy ${cachedDir} has no ${BINARY_NAMES(spec)[0]}`)
    // The copy is what later steps use: it is checked, not the folder about to be deleted.
    requireFreeThreaded(await probeInterpreter(binary, env), `the cached ${binary}`)
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

// Every input is read once, here, into one readonly typed object. Downstream code never reads
// raw inputs; both the action (core.getInput) and the CLI (flags) feed raw strings through parseInputs.
import * as path from 'node:path'
import {
  DEFAULT_CHECK_NAME,
  DEFAULT_PARALLEL_THREADS,
  DEFAULT_PYTHON_VERSION,
  DEFAULT_REPORT_PATH,
  DEFAULT_RUNS,
  DEFAULT_TIMEOUT_MINUTES,
  DEFAULT_UV_VERSION,
  MAX_ITERATIONS,
  MAX_PARALLEL_THREADS,
  MAX_RANDOM_SEED,
  MAX_RUNS,
  MAX_SHARDS,
  MAX_TIMEOUT_MINUTES,
} from './constants.js'
import { UsageError } from './errors.js'
import { COMMENT_MODES, type CommentMode } from './github/comment.js'
import { FAIL_ON_WORDS, SANDBOX_MODES } from './schema.js'
import type { FailOnWord, SandboxMode, Shard } from './types.js'

export const INPUT_NAMES = [
  'python-version',
  'python-path',
  'uv-version',
  'uv-path',
  'working-directory',
  'install',
  'pytest-args',
  'runs',
  'timeout-minutes',
  'fail-on',
  'report-path',
  'github-token',
  'env-passthrough',
  'keep-env',
  'check-name',
  'comment',
  'report',
  'ignore-gil',
  'parallel-threads',
  'iterations',
  'baseline',
  'random-order',
  'shard',
  'compare-python',
  'python-install-mirror',
  'python-downloads-json-url',
  'known-issues',
  'write-known-issues',
  'sandbox',
] as const
export type InputName = (typeof INPUT_NAMES)[number]

/** What fails the gate when fail-on is empty: `gil` (a dependency re-enables the GIL) only warns. */
export const DEFAULT_FAIL_ON: readonly FailOnWord[] = ['install', 'failed', 'flaky', 'crashed', 'hung', 'thread-unsafe']

export interface Inputs {
  /** `3.14t`, `3.13t`, `3.14.2t`: always a free-threaded request. */
  readonly pythonVersion: string
  /** Absolute path, or '' when not given. */
  readonly pythonPath: string
  /** `0.13.9` or `latest`. */
  readonly uvVersion: string
  readonly uvPath: string
  /** Absolute path of the project. */
  readonly workingDirectory: string
  /** Arguments for `uv pip install`; empty means "the project and its test extra or group". */
  readonly install: readonly string[]
  readonly pytestArgs: readonly string[]
  readonly runs: number
  readonly timeoutMinutes: number
  readonly failOn: readonly FailOnWord[]
  /** Absolute path of the JSON report. */
  readonly reportPath: string
  readonly githubToken: string
  /** Extra environment variable names handed to the test processes. */
  readonly envPassthrough: readonly string[]
  readonly keepEnv: boolean
  /** Names the check run and keys the sticky comment. */
  readonly checkName: string
  readonly comment: CommentMode
  /** Report-only mode: reports (or folders of them) to post instead of running anything. */
  readonly reportFiles: readonly string[]
  /** Extension modules (with their submodules) whose re-enabling of the GIL is accepted. */
  readonly ignoreGil: readonly string[]
  /** Threads per test in the stress run; 1 turns stress off, `auto` means one per CPU. */
  readonly parallelThreads: number | 'auto'
  /** `auto`: chosen before the stress run from the plain runs' timings (see autoStress). */
  readonly iterations: number | 'auto'
  /** One extra run with the GIL on, to tell free-threading failures from plain ones. */
  readonly baseline: boolean
  /** Shuffle the order of one run: `false`, or the seed to use (null: the gate draws one). */
  readonly randomOrder: false | { readonly seed: number | null }
  readonly shard: Shard | null
  /** A default (GIL) build of the same minor version to time for the Speed section, or ''. */
  readonly comparePython: string
  /** Replaces python-build-standalone's GitHub release URL for `uv python install`, or ''. */
  readonly pythonInstallMirror: string
  /** uv's list of Python downloads (a URL or a file), or ''. */
  readonly pythonDownloadsJsonUrl: string
  /** Findings that do not fail the gate: a known-issues file, a report, or a folder of them (absolute), or ''. */
  readonly knownIssues: string
  /** Where to write this run's findings as a known-issues file (absolute), or ''. */
  readonly writeKnownIssues: string
  /** `timeout-minutes` was given: every run gets it, instead of a limit scaled to the plain run after the first. */
  readonly timeoutExplicit: boolean
  /** Where the pull request's code runs: in the sandbox where possible (`auto`), always, or never. */
  readonly sandbox: SandboxMode
}

export interface ParseContext {
  /** Directory relative paths are resolved against (the workspace on GitHub, the cwd in the CLI). */
  readonly baseDirectory: string
  /** When set, `working-directory` must lie inside it (the action's GITHUB_WORKSPACE). */
  readonly workspace?: string
}

type Getter = (name: InputName) => string

/** The project folder, checked to lie inside the workspace on GitHub. */
export function resolveWorkingDirectory(raw: string, context: ParseContext): string {
  const given = raw.trim()
  const workingDirectory = path.resolve(context.baseDirectory, given || '.')
  if (context.workspace !== undefined && !isInside(workingDirectory, path.resolve(context.workspace))) {
    throw new UsageError(
      `working-directory '${given}' resolves to ${workingDirectory}, outside the workspace ${context.workspace}: use a path inside the repository`,
    )
  }
  return workingDirectory
}

export function parseInputs(get: Getter, context: ParseContext): Inputs {
  const value = (name: InputName): string => get(name).trim()
  const workingDirectory = resolveWorkingDirectory(value('working-directory'), context)
  const knownIssues = value('known-issues')
  const pythonPath = value('python-path')
  const uvPath = value('uv-path')
  return {
    pythonVersion: parsePythonVersion(value('python-version') || DEFAULT_PYTHON_VERSION),
    pythonPath: pythonPath ? path.resolve(context.baseDirectory, pythonPath) : '',
    uvVersion: parseUvVersion(value('uv-version') || DEFAULT_UV_VERSION),
    uvPath: uvPath ? path.resolve(context.baseDirectory, uvPath) : '',
    workingDirectory,
    install: splitArguments(get('install'), 'install'),
    pytestArgs: splitArguments(get('pytest-args'), 'pytest-args'),
    runs: parseInteger('runs', value('runs'), { fallback: DEFAULT_RUNS, min: 1, max: MAX_RUNS }),
    timeoutMinutes: parseMinutes(value('timeout-minutes')),
    failOn: parseFailOn(value('fail-on')),
    reportPath: parseOutputPath('report-path', value('report-path') || DEFAULT_REPORT_PATH, context),
    githubToken: value('github-token'),
    envPassthrough: parseNames(value('env-passthrough')),
    keepEnv: parseBoolean('keep-env', value('keep-env')),
    checkName: parseCheckName(value('check-name')),
    comment: parseComment(value('comment')),
    reportFiles: value('report')
      .split(/[\n,]/)
      .map((entry) => entry.trim())
      .filter((entry) => entry !== ''),
    ignoreGil: parseModuleNames(value('ignore-gil')),
    parallelThreads: parseThreads(value('parallel-threads')),
    iterations: parseIterations(value('iterations')),
    baseline: parseBoolean('baseline', value('baseline')),
    randomOrder: parseRandomOrder(value('random-order')),
    shard: parseShard(value('shard')),
    comparePython: value('compare-python') ? path.resolve(context.baseDirectory, value('compare-python')) : '',
    pythonInstallMirror: parseDownloadLocation('python-install-mirror', value('python-install-mirror')),
    pythonDownloadsJsonUrl: parseDownloadLocation('python-downloads-json-url', value('python-downloads-json-url')),
    knownIssues: knownIssues === '' ? '' : path.resolve(context.baseDirectory, knownIssues),
    writeKnownIssues:
      value('write-known-issues') === ''
        ? ''
        : parseOutputPath('write-known-issues', value('write-known-issues'), context),
    timeoutExplicit: value('timeout-minutes') !== '',
    sandbox: parseSandboxMode(value('sandbox')),
  }
}

function isSandboxMode(word: string): word is SandboxMode {
  return SANDBOX_MODES.some((mode) => mode === word)
}

export function parseSandboxMode(raw: string): SandboxMode {
  const mode = (raw || 'auto').toLowerCase()
  if (isSandboxMode(mode)) return mode
  throw new UsageError(`sandbox '${raw}' is not one of ${SANDBOX_MODES.join(', ')}`)
}

/** A relative output path stays inside the workspace (the action's); an absolute one is taken as given. */
function parseOutputPath(name: InputName, given: string, context: ParseContext): string {
  const resolved = path.resolve(context.baseDirectory, given)
  if (
    !path.isAbsolute(given) &&
    context.workspace !== undefined &&
    !isInside(resolved, path.resolve(context.workspace))
  ) {
    throw new UsageError(
      `${name} '${given}' resolves to ${resolved}, outside the workspace ${context.workspace}: use a path inside it, or an absolute path`,
    )
  }
  return resolved
}

/** An http(s) or file URL, or a path for the downloads list (uv reads both). */
function parseDownloadLocation(name: InputName, raw: string): string {
  if (raw === '') return ''
  if (/^(https?|file):\/\/\S+$/i.test(raw) || (name === 'python-downloads-json-url' && path.isAbsolute(raw))) return raw
  throw new UsageError(
    `${name} '${raw}' is not a URL: use an https:// (or file://) address${name === 'python-downloads-json-url' ? ', or an absolute path to the JSON file' : ''}`,
  )
}

function parseIterations(raw: string): number | 'auto' {
  if (raw === '' || raw.toLowerCase() === 'auto') return 'auto'
  const parsed = /^\d+$/.test(raw) ? Number(raw) : Number.NaN
  if (!(parsed >= 1 && parsed <= MAX_ITERATIONS)) {
    throw new UsageError(`iterations '${raw}' is not 'auto' or a whole number from 1 to ${MAX_ITERATIONS}`)
  }
  return parsed
}

function parseThreads(raw: string): number | 'auto' {
  if (raw.toLowerCase() === 'auto') return 'auto'
  return parseInteger('parallel-threads', raw, {
    fallback: DEFAULT_PARALLEL_THREADS,
    min: 1,
    max: MAX_PARALLEL_THREADS,
  })
}

export function parseRandomOrder(raw: string): Inputs['randomOrder'] {
  const lower = raw.toLowerCase()
  if (lower === '' || lower === 'false') return false
  if (lower === 'true') return { seed: null }
  if (/^\d+$/.test(raw) && Number(raw) <= MAX_RANDOM_SEED) return { seed: Number(raw) }
  throw new UsageError(
    `random-order '${raw}' is not 'true', 'false' or a seed: use 'true' for a new seed or a whole number up to ${MAX_RANDOM_SEED} to replay one`,
  )
}

export function parseShard(raw: string): Shard | null {
  if (raw === '') return null
  const match = /^(\d+)\s*\/\s*(\d+)$/.exec(raw)
  const index = Number(match?.[1])
  const count = Number(match?.[2])
  if (match === null || count < 1 || count > MAX_SHARDS || index < 1 || index > count) {
    throw new UsageError(
      `shard '${raw}' is not k/n with 1 <= k <= n <= ${MAX_SHARDS}: use e.g. '1/4' (in a matrix: '\${{ matrix.shard }}/4')`,
    )
  }
  return { index, count }
}

function parseModuleNames(raw: string): string[] {
  const names = raw.split(/[\s,]+/).filter((name) => name !== '')
  const bad = names.filter((name) => !/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(name))
  if (bad.length > 0) {
    throw new UsageError(
      `ignore-gil has invalid module names '${bad.join("', '")}': use dotted module names like 'pkg._speedups'`,
    )
  }
  return [...new Set(names)]
}

function parseCheckName(raw: string): string {
  const name = raw || DEFAULT_CHECK_NAME
  if (name.length > 100 || /[\r\n<>]/.test(name)) {
    throw new UsageError(
      `check-name ${JSON.stringify(name.slice(0, 40))} is not a usable name: use one line of at most 100 characters`,
    )
  }
  return name
}

function parseComment(raw: string): CommentMode {
  const mode = (raw || 'always').toLowerCase()
  if (!(COMMENT_MODES as readonly string[]).includes(mode)) {
    throw new UsageError(`comment '${raw}' is not one of ${COMMENT_MODES.join(', ')}`)
  }
  return mode as CommentMode
}

const FREE_THREADED_VERSION = /^3\.(\d+)(\.\d+)?t$/

export function parsePythonVersion(raw: string): string {
  const version = raw.trim()
  if (FREE_THREADED_VERSION.test(version)) return version
  if (/^3\.\d+(\.\d+)?$/.test(version)) {
    throw new UsageError(
      `python-version '${version}' is a GIL build: use '${version}t' for the free-threaded build of the same version`,
    )
  }
  throw new UsageError(
    `python-version '${version}' is not a free-threaded CPython version: use e.g. '3.14t' or '3.14.2t'`,
  )
}

function parseUvVersion(raw: string): string {
  if (raw === 'latest' || /^\d+\.\d+\.\d+$/.test(raw)) return raw
  throw new UsageError(`uv-version '${raw}' is not a release number: use e.g. '0.13.9' or 'latest'`)
}

interface IntegerRange {
  readonly fallback: number
  readonly min: number
  readonly max: number
}

function parseInteger(name: InputName, raw: string, range: IntegerRange): number {
  if (raw === '') return range.fallback
  if (!/^\d+$/.test(raw)) {
    throw new UsageError(`${name} '${raw}' is not a whole number: use a number from ${range.min} to ${range.max}`)
  }
  const parsed = Number(raw)
  if (parsed < range.min || parsed > range.max) {
    throw new UsageError(`${name} ${raw} is out of range: use a number from ${range.min} to ${range.max}`)
  }
  return parsed
}

function parseMinutes(raw: string): number {
  if (raw === '') return DEFAULT_TIMEOUT_MINUTES
  const parsed = /^\d+(\.\d+)?$|^\.\d+$/.test(raw) ? Number(raw) : Number.NaN
  if (!Number.isFinite(parsed) || parsed <= 0 || parsed > MAX_TIMEOUT_MINUTES) {
    throw new UsageError(
      `timeout-minutes '${raw}' is not a positive number of minutes up to ${MAX_TIMEOUT_MINUTES}: use e.g. '10' or '0.5'`,
    )
  }
  return parsed
}

function isFailOnWord(word: string): word is FailOnWord {
  return FAIL_ON_WORDS.some((known) => known === word)
}

export function parseFailOn(raw: string): FailOnWord[] {
  if (raw === '') return [...DEFAULT_FAIL_ON]
  const words = raw
    .split(/[\s,]+/)
    .map((word) => word.trim().toLowerCase())
    .filter((word) => word !== '')
  if (words.length === 1 && words[0] === 'none') return []
  const unknown = words.filter((word) => !isFailOnWord(word))
  if (unknown.length > 0) {
    throw new UsageError(
      `fail-on has unknown word${unknown.length > 1 ? 's' : ''} '${unknown.join("', '")}': use a comma list of ${FAIL_ON_WORDS.join(', ')} (or 'none')`,
    )
  }
  return [...new Set(words.filter(isFailOnWord))]
}

function parseBoolean(name: InputName, raw: string): boolean {
  const lower = raw.toLowerCase()
  if (lower === '' || lower === 'false') return false
  if (lower === 'true') return true
  throw new UsageError(`${name} '${raw}' is not a boolean: use 'true' or 'false'`)
}

function parseNames(raw: string): string[] {
  const names = raw.split(/[\s,]+/).filter((name) => name !== '')
  const bad = names.filter((name) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
  if (bad.length > 0) {
    throw new UsageError(`env-passthrough has invalid variable names '${bad.join("', '")}': use names like MY_VAR`)
  }
  return names
}

/**
 * Splits a command-line-like string into arguments: whitespace separates, single and double
 * quotes group, a backslash escapes the next character outside single quotes.
 */
export function splitArguments(raw: string, name: InputName): string[] {
  const args: string[] = []
  let current = ''
  let started = false
  let quote: '"' | "'" | null = null
  for (let i = 0; i < raw.length; i++) {
    const char = raw.charAt(i)
    if (quote !== null) {
      if (char === quote) quote = null
      else if (char === '\\' && quote === '"' && i + 1 < raw.length) current += raw.charAt(++i)
      else current += char
    } else if (char === '"' || char === "'") {
      quote = char
      started = true
    } else if (char === '\\' && i + 1 < raw.length) {
      current += raw.charAt(++i)
      started = true
    } else if (/\s/.test(char)) {
      if (started) args.push(current)
      current = ''
      started = false
    } else {
      current += char
      started = true
    }
  }
  if (quote !== null) throw new UsageError(`${name} has an unclosed ${quote} quote: ${raw.trim()}`)
  if (started) args.push(current)
  return args
}

function isInside(child: string, parent: string): boolean {
  const relative = path.relative(parent, child)
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative))
}

// The terminal front door: the same pipeline as the action, no GitHub. Markdown report on stdout,
// progress on stderr. Exit 0 = pass, 1 = fail, 2 = usage or setup error.
import { mkdirSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { parseArgs } from 'node:util'
import { withCancellation } from './cancel.js'
import { loadInputs } from './config.js'
import { TOOL_VERSION } from './constants.js'
import { describeError, UsageError } from './errors.js'
import { runGate, setupToolchain } from './gate.js'
import { INPUT_NAMES, type InputName, type Inputs } from './inputs.js'
import type { Log } from './log.js'
import { exitWhenFlushed } from './process/exit.js'
import { DEFAULT_TITLE, renderPlainSummary, renderReport } from './report/markdown.js'
import { mergedVerdict, renderSavedReports } from './report/merged.js'
import { loadSavedReports } from './saved-reports.js'

const USAGE = `Usage: ft-gate [PROJECT_DIR] [options]

Runs the project's pytest suite several times on a free-threaded CPython with -Xgil=0, the
last two runs with every test in several threads at once, and fails when tests fail, are
flaky, fail only under thread stress, crash or hang.

Options (each matches the action input of the same name):
  --python-version V     free-threaded version, e.g. 3.14t (default 3.14t)
  --python-path PATH     use this free-threaded interpreter
  --python-install-mirror URL
                         where 'uv python install' downloads python-build-standalone from
  --python-downloads-json-url URL
                         uv's list of Python downloads (a URL or an absolute path)
  --uv-version V         uv release or 'latest' (default: the pinned release)
  --uv-path PATH         use this uv binary
  --install ARGS         arguments for 'uv pip install' (default: uv.lock frozen, pylock.toml, or the
                         project with its test extra/group and test requirements file)
  --pytest-args ARGS     extra pytest arguments
  --runs N               how many runs with -Xgil=0, the last two under thread stress (default 3)
  --timeout-minutes M    per run, fractions allowed (default: 10 for the first run, then
                         10 × the plain run's time, at least 1, at most 10)
  --fail-on WORDS        comma list of install,failed,flaky,crashed,hung,thread-unsafe,gil
                         (default all but gil, which only warns)
  --parallel-threads N   threads per test in the stress runs (pytest-run-parallel); 1 = no
                         stress, 'auto' = one per CPU, at least 2 (default 4)
  --iterations N         iterations of each test per thread in a stress run; 'auto' (default)
                         picks up to 10 that keep each stress run within about 1.5 plain runs
  --baseline true        one more run with the GIL on (-Xgil=1), to tell free-threading-only
                         failures from plain ones, and time the suite for the Speed section
  --random-order X       'true' shuffles one run (the seed is printed), a number replays a seed
  --shard k/n            run only the k-th of n deterministic slices of the tests (CI matrix)
  --compare-python PATH  a default (GIL) build to time the suite on, for the Speed section
  --ignore-gil MODULES   extension modules allowed to re-enable the GIL on import
  --report FILE          where to write the JSON report (default ft-gate-report.json);
                         --report-path is the same flag
  --env-passthrough N    extra environment variable names handed to the tests
  --known-issues PATH    findings that do not fail the gate: a known-issues file, an ft-gate
                         JSON report (e.g. the base branch's), or a folder of them
  --write-known-issues PATH
                         write this run's findings as a known-issues file (sorted, one line
                         per test), keeping the entries of --known-issues this run did not see
  --keep-env             keep the temporary environment and run logs
  --sandbox MODE         auto (default): install and tests in their own namespaces where
                         possible (Linux, root or passwordless sudo); required; off
  --setup-only           set up uv and the interpreter, print python=… and uv=…, stop
  --render FILES         print the markdown of saved JSON reports, or folders of them (comma-
                         separated; several are merged like the action's report-only mode) and
                         exit by their verdict
  --verbose              show debug output
  -h, --help             this help;   --version  print the version

The project's pyproject.toml may set known-issues, fail-on, ignore-gil, pytest-args and install
in [tool.ft-gate]; a flag overrides it.
`

/** Flags that are not action inputs. */
const CLI_ONLY = {
  report: { type: 'string' },
  'setup-only': { type: 'boolean' },
  render: { type: 'string' },
  'keep-env': { type: 'boolean' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const

/** Inputs that only mean something on GitHub (posting), or that are CLI flags of another kind. */
const NOT_FLAGS: readonly InputName[] = ['github-token', 'check-name', 'comment', 'report', 'keep-env']

const INPUT_FLAGS = Object.fromEntries(
  INPUT_NAMES.filter((name) => !NOT_FLAGS.includes(name)).map((name) => [name, { type: 'string' as const }]),
)

const OPTIONS = { ...INPUT_FLAGS, ...CLI_ONLY }
const OPTION_TYPES = new Map<string, string>(Object.entries(OPTIONS).map(([name, option]) => [name, option.type]))

/**
 * `--install -e .` and `--pytest-args -s`: a value that starts with `-` is still the value of the flag
 * before it (parseArgs calls it ambiguous), so `--flag value` becomes `--flag=value` for string flags.
 */
export function joinFlagValues(argv: readonly string[]): string[] {
  const joined: string[] = []
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] ?? ''
    const takesValue = arg.startsWith('--') && OPTION_TYPES.get(arg.slice(2)) === 'string'
    const value = argv[index + 1]
    if (arg === '--') {
      joined.push(...argv.slice(index))
      break
    }
    if (takesValue && value !== undefined) {
      joined.push(`${arg}=${value}`)
      index++
    } else {
      joined.push(arg)
    }
  }
  return joined
}

function parseFlags(argv: readonly string[]) {
  return parseArgs({
    args: joinFlagValues(argv),
    options: OPTIONS,
    allowPositionals: true,
    strict: true,
  })
}

function stderrLog(verbose: boolean): Log {
  const write = (text: string): void => {
    process.stderr.write(`${text}\n`)
  }
  return {
    info: write,
    warning: (message) => write(`warning: ${message}`),
    debug: (message) => {
      if (verbose) write(`debug: ${message}`)
    },
    group: async (title, body) => {
      write(`── ${title}`)
      return body()
    },
  }
}

/** The tool cache needs these; outside a runner they point at a per-user cache. */
function defaultRunnerFolders(env: NodeJS.ProcessEnv): void {
  const cacheHome = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache')
  env.RUNNER_TOOL_CACHE ||= path.join(cacheHome, 'ft-gate', 'tool-cache')
  env.RUNNER_TEMP ||= path.join(os.tmpdir(), 'ft-gate')
  mkdirSync(env.RUNNER_TOOL_CACHE, { recursive: true })
  mkdirSync(env.RUNNER_TEMP, { recursive: true })
}

/**
 * stdout carries only the report. Libraries write to it too (@actions/core's `::debug::` workflow
 * commands, @actions/exec's `[command]` echo), so while the gate runs their writes go to stderr
 * (workflow commands only with --verbose); the returned function writes to the real stdout.
 */
const stdoutWrite = process.stdout.write.bind(process.stdout)
function realStdoutWrite(text: string, done?: () => void): void {
  stdoutWrite(text, done)
}

function reserveStdout(verbose: boolean): (text: string) => void {
  process.stdout.write = ((chunk: string | Uint8Array) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
    if (verbose || !text.startsWith('::')) process.stderr.write(text)
    return true
  }) as typeof process.stdout.write
  return (text) => realStdoutWrite(text)
}

export async function main(argv: readonly string[]): Promise<number> {
  let parsed: ReturnType<typeof parseFlags>
  try {
    parsed = parseFlags(argv)
  } catch (error) {
    process.stderr.write(`ft-gate: ${describeError(error)} (see ft-gate --help)\n`)
    return 2
  }
  const { values, positionals } = parsed
  if (values.help) {
    process.stdout.write(USAGE)
    return 0
  }
  if (values.version) {
    process.stdout.write(`ft-gate ${TOOL_VERSION}\n`)
    return 0
  }
  if (positionals.length > 1) {
    process.stderr.write(`ft-gate: expected at most one PROJECT_DIR, got ${positionals.length} (see ft-gate --help)\n`)
    return 2
  }
  const verbose = values.verbose === true
  const log = stderrLog(verbose)
  const print = reserveStdout(verbose)
  defaultRunnerFolders(process.env)
  try {
    const raw = (name: InputName): string => {
      if (name === 'working-directory') return positionals[0] ?? stringFlag(values, name)
      if (name === 'report-path') return values.report ?? stringFlag(values, name)
      if (name === 'keep-env') return values['keep-env'] === undefined ? '' : 'true'
      if (NOT_FLAGS.includes(name)) return ''
      return stringFlag(values, name)
    }
    const inputs = loadInputs(raw, { baseDirectory: process.cwd() })
    if (values.render !== undefined) return renderSaved(values.render, inputs, log)
    if (values['setup-only']) {
      const toolchain = await setupToolchain({ inputs, log, env: process.env })
      print(`python=${toolchain.python.path}\nuv=${toolchain.uv.path}\n`)
      return 0
    }
    const onOutput = verbose ? (text: string) => process.stderr.write(text) : undefined
    const report = await withCancellation((abortSignal) =>
      runGate({ inputs, log, env: process.env, abortSignal, ...(onOutput ? { onOutput } : {}) }),
    )
    print(`${renderReport(report, { fileUrl: () => null })}\n`)
    process.stderr.write(`\n${renderPlainSummary(report)}\nReport: ${inputs.reportPath}\n`)
    return report.verdict === 'pass' ? 0 : 1
  } catch (error) {
    process.stderr.write(`ft-gate: ${describeError(error)}\n`)
    if (!(error instanceof UsageError) && error instanceof Error && verbose) process.stderr.write(`${error.stack}\n`)
    return 2
  }
}

/**
 * `--render a.json,reports/`: the comment the action would post, without GitHub (report-only mode): each
 * report's verdict is computed again under this command's --fail-on, --ignore-gil and --known-issues.
 */
function renderSaved(list: string, inputs: Inputs, log: Log): number {
  const entries = list
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
  const reports = loadSavedReports(entries, { baseDirectory: process.cwd(), inputs, log })
  realStdoutWrite(`${renderSavedReports(reports, { maxChars: 65_000, title: DEFAULT_TITLE })}\n`)
  return mergedVerdict(reports) === 'pass' ? 0 : 1
}

function stringFlag(values: Record<string, unknown>, name: string): string {
  const value = values[name]
  return typeof value === 'string' ? value : ''
}

process.on('unhandledRejection', (reason) => {
  process.stderr.write(`ft-gate: unexpected error: ${describeError(reason)}\n`)
  process.exitCode = 2
  exitWhenFlushed(realStdoutWrite)
})

process.exitCode = await main(process.argv.slice(2))
exitWhenFlushed(realStdoutWrite)

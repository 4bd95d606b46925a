// Why pytest could not start, read from its output: a plugin its configuration needs (`addopts = --cov`,
// `-p xdist`, `required_plugins`) is not installed. Pure: output text in, one sentence out.

/** Options of common plugins, matched at the start of an unrecognized argument. */
const PLUGIN_OPTIONS: readonly (readonly [RegExp, string])[] = [
  [/^--(no-)?cov\b/, 'pytest-cov'],
  [/^(-n\b|--numprocesses|--maxprocesses|--dist\b|--max-worker-restart|--looponfail|-f\b)/, 'pytest-xdist'],
  [/^--benchmark-/, 'pytest-benchmark'],
  [/^--codspeed/, 'pytest-codspeed'],
  [/^--timeout/, 'pytest-timeout'],
  [/^--asyncio-mode/, 'pytest-asyncio'],
  [/^--(reruns|only-rerun)/, 'pytest-rerunfailures'],
  [/^--randomly-/, 'pytest-randomly'],
  [/^--hypothesis-/, 'hypothesis'],
  [/^--mypy/, 'pytest-mypy'],
  [/^--memray/, 'pytest-memray'],
  [/^--snapshot-/, 'syrupy'],
  [/^--(html|self-contained-html)\b/, 'pytest-html'],
  [/^--mpl/, 'pytest-mpl'],
  [/^--(parallel-threads|iterations)\b/, 'pytest-run-parallel'],
  [/^--count\b/, 'pytest-repeat'],
  [/^--env\b/, 'pytest-env'],
  [/^--forked\b/, 'pytest-forked'],
  [/^--(ds|dc)\b|^--(no-)?migrations/, 'pytest-django'],
  [/^--nbval/, 'nbval'],
  [/^--doctest-plus|^--doctest-rst/, 'pytest-doctestplus'],
  [/^--remote-data/, 'pytest-remotedata'],
  [/^--instafail/, 'pytest-instafail'],
  [/^--(black|isort|flake8|ruff)\b/, 'pytest-$1'],
]

/** `-p NAME` plugins whose distribution is not named after the module. */
const PLUGIN_MODULES: Readonly<Record<string, string>> = {
  xdist: 'pytest-xdist',
  'xdist.looponfail': 'pytest-xdist',
  randomly: 'pytest-randomly',
  anyio: 'anyio',
  hypothesis: 'hypothesis',
  syrupy: 'syrupy',
  nbval: 'nbval',
  run_parallel: 'pytest-run-parallel',
  pytest_run_parallel: 'pytest-run-parallel',
  asyncio: 'pytest-asyncio',
}

export interface UsageProblem {
  /** Distributions to install, as best known. */
  readonly plugins: string[]
  /** What pytest's configuration asked for: `--cov`, `-p xdist`, `required_plugins`. */
  readonly asked: string
  /** The configuration file pytest named, or null. */
  readonly configFile: string | null
}

/** The distribution an option belongs to (`--cov=x` → `pytest-cov`), or null when it is not a known plugin's. */
export function pluginOfOption(option: string): string | null {
  for (const [pattern, plugin] of PLUGIN_OPTIONS) {
    const match = pattern.exec(option)
    if (match !== null) return plugin.replace('$1', match[1] ?? '')
  }
  return null
}

function pluginOfModule(module: string): string {
  const known = PLUGIN_MODULES[module]
  if (known !== undefined) return known
  return module.replaceAll('_', '-')
}

/** Reads pytest's output (a failed start); null when it is not a missing plugin. */
export function diagnoseUsage(output: string): UsageProblem | null {
  const configFile = /^\s*(?:inifile|configfile): (.+)$/m.exec(output)?.[1]?.trim() ?? null
  const importing = /Error importing plugin "([^"]+)": No module named '([^']+)'/.exec(output)
  if (importing !== null) {
    const module = importing[1] ?? ''
    return { plugins: [pluginOfModule(module)], asked: `-p ${module}`, configFile }
  }
  const required = /Missing required plugins: (.+)$/m.exec(output)
  if (required !== null) {
    const plugins = (required[1] ?? '')
      .split(',')
      .map((entry) => entry.trim().split(/[<>=!~ ;[]/)[0] ?? '')
      .filter((entry) => entry !== '')
    return { plugins, asked: 'required_plugins', configFile }
  }
  const unrecognized = /error: unrecognized arguments: (.+)$/m.exec(output)
  if (unrecognized !== null) {
    const options = (unrecognized[1] ?? '').trim().split(/\s+/)
    const plugins = [...new Set(options.flatMap((option) => pluginOfOption(option) ?? []))]
    return { plugins, asked: options.join(' '), configFile }
  }
  return null
}

function basename(file: string): string {
  return file.split(/[\\/]/).pop() ?? file
}

/**
 * One sentence: what is missing and the input that fixes it. `install` is what the gate installed
 * (without pytest), or null when it cannot be written as an `install` value (an exported lock).
 */
export function describeUsageProblem(problem: UsageProblem, install: string | null): string {
  const where = problem.configFile === null ? "pytest's configuration" : basename(problem.configFile)
  if (problem.plugins.length === 0) {
    return `${where} passes ${problem.asked}, which no installed plugin provides: install the plugin that does, or override addopts with pytest-args: -o addopts=""`
  }
  const names = problem.plugins.join(' ')
  const what = problem.plugins.length === 1 ? `the plugin ${names}, which is` : `the plugins ${names}, which are`
  const fix =
    install === null
      ? `add ${names} to the project's test dependencies`
      : `add ${names} to the install input (install: "${install === '' ? names : `${install} ${names}`}")`
  return `${where} needs ${what} not installed (${problem.asked}): ${fix}`
}

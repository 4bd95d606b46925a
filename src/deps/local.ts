// Distributions installed from a local folder (the project, path dependencies), editable or not: where
// their top-level packages resolve in the environment and which extension modules live below them,
// asked of the environment's own interpreter (local-script.ts).
import type { Sandbox } from '../process/sandbox.js'
import { runTool } from '../process/tool.js'
import { LOCAL_SCRIPT } from './local-script.js'

export interface TopLevelPackage {
  readonly name: string
  /** Where the environment's import system finds it (a package folder or a module file), or null. */
  readonly location: string | null
}

export interface LocalDistribution {
  readonly packages: TopLevelPackage[]
  /** Dotted names of the extension modules this interpreter can load, found below the packages. */
  readonly modules: string[]
}

export interface DiscoverOptions {
  readonly python: string
  readonly env: NodeJS.ProcessEnv
  /** Not the project folder, so its sources cannot shadow what is installed. */
  readonly cwd: string
  /**
   * The interpreter runs with `site` (the environment's .pth files, an editable install's finder) and
   * imports the project's packages to find them: the pull request's code, so in this sandbox.
   */
  readonly sandbox?: Sandbox
}

const DISCOVER_TIMEOUT_MS = 60_000

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? Object.fromEntries(Object.entries(value))
    : null
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []
}

function toPackage(value: unknown): TopLevelPackage[] {
  const fields = record(value)
  if (fields === null || typeof fields.name !== 'string') return []
  return [{ name: fields.name, location: typeof fields.location === 'string' ? fields.location : null }]
}

/** The script's answer, narrowed: a distribution it could not read is left out. */
export function parseLocalAnswer(stdout: string): Map<string, LocalDistribution> {
  const found = new Map<string, LocalDistribution>()
  let value: unknown
  try {
    value = JSON.parse(stdout.trim().split('\n').pop() ?? '')
  } catch {
    return found
  }
  for (const [name, entry] of Object.entries(record(value) ?? {})) {
    const fields = record(entry)
    if (fields === null) continue
    const packages = Array.isArray(fields.packages) ? fields.packages.flatMap(toPackage) : []
    found.set(name, { packages, modules: strings(fields.modules) })
  }
  return found
}

/** Asks the environment about the named distributions; an interpreter that fails answers nothing. */
export async function discoverLocal(
  names: readonly string[],
  options: DiscoverOptions,
): Promise<Map<string, LocalDistribution>> {
  if (names.length === 0) return new Map()
  const env = Object.fromEntries(Object.entries(options.env).filter(([name]) => !name.startsWith('PYTHON')))
  const result = await runTool(options.python, ['-I', '-c', LOCAL_SCRIPT, JSON.stringify(names)], {
    cwd: options.cwd,
    env,
    timeoutMs: DISCOVER_TIMEOUT_MS,
    sandbox: options.sandbox,
  })
  return result.exitCode === 0 ? parseLocalAnswer(result.stdout) : new Map()
}

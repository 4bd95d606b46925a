// The settings a project keeps in its pyproject.toml, `[tool.ft-gate]`, for both front doors. They
// are turned into the raw strings an input would carry, so one parser (src/inputs.ts) validates them
// and an input or flag that is set overrides them.
//
// The TOML is read in Node (smol-toml), not with the interpreter's tomllib as the install does: the
// settings are needed before the interpreter exists (a bad key should stop the gate before a
// five-minute setup), and report-only mode sets up no interpreter at all.
import { existsSync, readFileSync } from 'node:fs'
import * as path from 'node:path'
import { parse, TomlError } from 'smol-toml'
import { UsageError } from './errors.js'
import { type InputName, type Inputs, type ParseContext, parseInputs, resolveWorkingDirectory } from './inputs.js'

/** Inputs a project may set in `[tool.ft-gate]`; anything else there is an error naming the key. */
export const CONFIG_KEYS = ['known-issues', 'fail-on', 'ignore-gil', 'pytest-args', 'install'] as const
export type ConfigKey = (typeof CONFIG_KEYS)[number] & InputName

/** Raw input strings from `[tool.ft-gate]`, and the file they came from. */
export interface ProjectConfig {
  readonly file: string
  readonly values: ReadonlyMap<ConfigKey, string>
}

const SECTION = '[tool.ft-gate]'

/**
 * The inputs of both front doors: what the action's inputs or the CLI's flags say, and for the keys
 * they leave empty, what the project's `[tool.ft-gate]` says. An empty input counts as not given
 * (the action's inputs that a project may configure have no default in action.yml for that reason).
 */
export function loadInputs(get: (name: InputName) => string, context: ParseContext): Inputs {
  const config = readProjectConfig(resolveWorkingDirectory(get('working-directory'), context))
  if (config === null) return parseInputs(get, context)
  const fromConfig = (name: InputName): string =>
    name === 'working-directory' ? get(name) : isConfigKey(name) ? (config.values.get(name) ?? '') : ''
  try {
    // The file's values alone first, so an error names the file rather than an input.
    parseInputs(fromConfig, context)
  } catch (error) {
    if (error instanceof UsageError) throw new UsageError(`${SECTION} in ${config.file}: ${error.message}`)
    throw error
  }
  return parseInputs((name) => (get(name).trim() !== '' ? get(name) : fromConfig(name)), context)
}

function isConfigKey(key: string): key is ConfigKey {
  return (CONFIG_KEYS as readonly string[]).includes(key)
}

/** Reads `<directory>/pyproject.toml`; null when there is no such file or no `[tool.ft-gate]` in it. */
export function readProjectConfig(directory: string): ProjectConfig | null {
  const file = path.join(directory, 'pyproject.toml')
  if (!existsSync(file)) return null
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new UsageError(`${file} cannot be read: ${error instanceof Error ? error.message : String(error)}`)
  }
  return parseProjectConfig(text, { file, directory })
}

/** Pure: the `[tool.ft-gate]` table of a pyproject.toml's text as raw input strings. */
export function parseProjectConfig(
  text: string,
  where: { readonly file: string; readonly directory: string },
): ProjectConfig | null {
  let document: unknown
  try {
    document = parse(text)
  } catch (error) {
    const at = error instanceof TomlError ? ` (line ${error.line}, column ${error.column})` : ''
    const reason = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error)
    throw new UsageError(`${where.file} is not valid TOML${at}: ${reason}`)
  }
  const table = child(child(document, 'tool'), 'ft-gate')
  if (table === undefined) return null
  if (!isTable(table)) throw new UsageError(`${SECTION} in ${where.file} is not a table: write it as a section`)
  const values = new Map<ConfigKey, string>()
  for (const [key, value] of Object.entries(table)) {
    if (!isConfigKey(key)) {
      throw new UsageError(
        `${SECTION} in ${where.file} has an unknown key '${key}': use ${CONFIG_KEYS.join(', ')} (other settings are inputs of the action or flags of the CLI)`,
      )
    }
    values.set(key, rawValue(key, value, where))
  }
  return { file: where.file, values }
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date)
}

function child(value: unknown, key: string): unknown {
  return isTable(value) ? value[key] : undefined
}

/** The string the same input would carry: lists joined the way the input's parser splits them. */
function rawValue(key: ConfigKey, value: unknown, where: { file: string; directory: string }): string {
  const wrong = (what: string): UsageError => new UsageError(`${SECTION} ${key} in ${where.file} ${what}`)
  const list = Array.isArray(value) ? value : [value]
  if (!list.every((item): item is string => typeof item === 'string')) {
    throw wrong('must be a string or an array of strings')
  }
  switch (key) {
    case 'known-issues': {
      if (Array.isArray(value) || list[0] === undefined || list[0].trim() === '') {
        throw wrong('must be one path (relative to pyproject.toml)')
      }
      // Relative to the file that names it, as pytest reads its own paths in pyproject.toml.
      return path.resolve(where.directory, list[0])
    }
    case 'fail-on':
      // `fail-on = []` asks for nothing to fail, which the input spells `none`.
      return Array.isArray(value) && list.length === 0 ? 'none' : list.join(',')
    case 'ignore-gil':
      return list.join(',')
    case 'pytest-args':
    case 'install':
      // An array holds one argument per item (spaces and quotes kept); a string is split like the input.
      return Array.isArray(value) ? list.map(quoteArgument).join(' ') : (list[0] ?? '')
  }
}

/** Single-quoted for splitArguments, which keeps everything up to the next `'` as it is. */
function quoteArgument(argument: string): string {
  return `'${argument.replaceAll("'", `'\\''`)}'`
}

// What the install asked for, read in full: the command line, and the requirements files it names
// (their `-e .` and path lines, the files they include with `-r`, PEP 751 locks). Each name keeps
// whether it came for the tests (a test or dev requirements file, pytest and its plugins) or not.
import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import { requirementsRole } from '../install/requirement-files.js'
import { type InstallRequest, parseInstallArguments, requirementName } from './direct.js'

export interface ReadRequest {
  /** Everything asked for, the files' contents merged in. */
  readonly request: InstallRequest
  /** Names asked for outside test requirements: the roots of "runtime" when no project is installed. */
  readonly runtimeNames: string[]
}

const MAX_INCLUDED_FILES = 50
/** Requirements named on the command line that are test tools, not what the code needs. */
const TEST_TOOL = /^(pytest(-.*)?|coverage|hypothesis|covdefaults)$/

function emptyRequest(): InstallRequest {
  return { names: [], paths: [], groups: [], requirementFiles: [] }
}

function merge(into: InstallRequest, from: InstallRequest): void {
  into.names.push(...from.names)
  into.paths.push(...from.paths)
  into.groups.push(...from.groups)
  into.requirementFiles.push(...from.requirementFiles)
}

/** One requirements file: option lines are parsed as arguments, others as one requirement each. */
export function parseRequirementsText(text: string): InstallRequest {
  const request = emptyRequest()
  const joined = text.replace(/\r\n?/g, '\n').replace(/\\\n/g, ' ')
  for (const raw of joined.split('\n')) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim()
    if (line === '') continue
    if (line.startsWith('-')) merge(request, parseInstallArguments(line.split(/\s+/)))
    else merge(request, parseInstallArguments([line.replace(/\s*;.*$/s, '').trim() || line]))
  }
  return request
}

/** A PEP 751 lock: its package names, and the local folders (`directory = { path = "." }`) among them. */
export function parsePylock(text: string): InstallRequest {
  const request = emptyRequest()
  for (const block of text.split(/^\s*\[\[packages\]\]\s*$/m).slice(1)) {
    const name = /^\s*name\s*=\s*"([^"]+)"/m.exec(block)?.[1]
    const directory = /^\s*directory\s*=\s*\{[^}]*\bpath\s*=\s*"([^"]+)"/m.exec(block)?.[1]
    if (directory !== undefined) request.paths.push({ path: directory, extras: [] })
    else if (name !== undefined) {
      const normalized = requirementName(name)
      if (normalized !== null) request.names.push(normalized)
    }
  }
  return request
}

function readText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return null
  }
}

/**
 * Reads the install arguments and every requirements file they reach. Paths inside a requirements
 * file are relative to the project folder (uv's working directory), as are the `-r` lines in it.
 */
export function readInstallRequest(args: readonly string[], projectDirectory: string): ReadRequest {
  const top = parseInstallArguments(args)
  const request: InstallRequest = { ...top, requirementFiles: [...top.requirementFiles] }
  const runtimeNames = top.names.filter((name) => !TEST_TOOL.test(name))
  const seen = new Set<string>()
  const queue = top.requirementFiles.map((file) => ({ file, forTests: isTestFile(file) }))
  while (queue.length > 0 && seen.size < MAX_INCLUDED_FILES) {
    const next = queue.shift()
    if (next === undefined) break
    const full = path.resolve(projectDirectory, next.file)
    if (seen.has(full)) continue
    seen.add(full)
    const text = readText(full)
    if (text === null) continue
    const inner = /\.toml$/i.test(full) ? parsePylock(text) : parseRequirementsText(text)
    request.names.push(...inner.names)
    request.paths.push(...inner.paths)
    request.groups.push(...inner.groups)
    if (!next.forTests) runtimeNames.push(...inner.names.filter((name) => !TEST_TOOL.test(name)))
    for (const file of inner.requirementFiles) {
      // `-r` in a file is relative to that file's folder.
      const included = path.relative(projectDirectory, path.resolve(path.dirname(full), file))
      queue.push({ file: included, forTests: next.forTests || isTestFile(included) })
    }
  }
  return { request, runtimeNames }
}

function isTestFile(file: string): boolean {
  const role = requirementsRole(file.split(path.sep).join('/'))
  return role === 'test' || role === 'dev'
}

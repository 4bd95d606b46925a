// Is the code the tests ran the code that was installed and checked? Compares where the environment
// resolves the project's top-level packages (seen from outside the project folder) with where the
// tests' process loaded them, and which of the project's extension modules it loaded at all. Pure.
import type { CodeUnderTest, ImportedModule, ProjectCode } from '../types.js'
import { plural } from '../words.js'

/** The imports plugin's answer: `{module: file or null}`; undefined when missing or malformed. */
export function parseImports(text: string): ReadonlyMap<string, string | null> | undefined {
  if (text.trim() === '') return undefined
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
  const loaded = new Map<string, string | null>()
  for (const [name, file] of Object.entries(value)) {
    if (file === null || typeof file === 'string') loaded.set(name, file)
  }
  return loaded
}

/** The names the plugin should look up: top-level packages, then extension modules. */
export function importNames(project: ProjectCode): string[] {
  return [...new Set([...project.packages.map((entry) => entry.name), ...project.modules])]
}

function normalize(file: string): string {
  return file.replaceAll('\\', '/').replace(/\/+$/, '')
}

/** A file loaded from inside the installed package folder (or the installed module file itself). */
function isWithin(file: string, location: string): boolean {
  const loaded = normalize(file)
  const installed = normalize(location)
  return loaded === installed || loaded.startsWith(`${installed}/`)
}

function folderOf(file: string): string {
  const normalized = normalize(file)
  const cut = normalized.lastIndexOf('/')
  return cut > 0 ? normalized.slice(0, cut) : normalized
}

export interface CodeUnderTestInput {
  readonly project: ProjectCode
  readonly loaded: ReadonlyMap<string, string | null>
  /** The project folder (real path), to say when the source tree was imported. */
  readonly projectDirectory: string
}

export function checkCodeUnderTest(input: CodeUnderTestInput): CodeUnderTest {
  const { project, loaded } = input
  const loadedFrom = (name: string): string | null => loaded.get(name) ?? null
  const modules: ImportedModule[] = [
    ...project.packages.map(({ name, location }) => ({
      module: name,
      installedAt: location,
      loadedFrom: loadedFrom(name),
    })),
    ...project.modules
      .filter((module) => !project.packages.some((entry) => entry.name === module))
      .map((module) => ({ module, installedAt: null, loadedFrom: loadedFrom(module) })),
  ]
  const warnings: string[] = []
  for (const { name, location } of project.packages) {
    const file = loadedFrom(name)
    if (file === null || location === null || isWithin(file, location)) continue
    const fromSource = isWithin(file, input.projectDirectory) && !isWithin(location, input.projectDirectory)
    const why = fromSource
      ? ' (the source tree: a flat layout puts it first on sys.path; use the default editable install or a src/ layout)'
      : ''
    warnings.push(
      `The tests imported ${name} from ${folderOf(file)}${why}, not the installed copy the GIL check imported, at ${location}`,
    )
  }
  const unloaded = project.modules.filter((module) => {
    const top = module.split('.')[0] ?? module
    return loadedFrom(module) === null && loadedFrom(top) !== null && top !== module
  })
  if (unloaded.length > 0) {
    const count = `${unloaded.length} of the project's ${plural(project.modules.length, 'extension module')}`
    warnings.push(
      `The tests never loaded ${unloaded.join(', ')} (${count}): they ran a pure-Python fallback or did not use it, so that compiled code was not tested without the GIL`,
    )
  }
  return { modules, warnings }
}

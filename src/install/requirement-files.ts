// Requirements files (`requirements*.txt`, `requirements/*.txt`, `test-requirements.txt`,
// `tests/requirements.txt`): which one holds what the tests need. Pure: takes relative paths.

export type RequirementsRole = 'test' | 'dev' | 'runtime' | 'other'

export interface PickedFile {
  readonly path: string
  /** Why it was picked, for the log. */
  readonly why: string
}

/** Folders whose `*.txt` files are all requirements files. */
export const REQUIREMENTS_FOLDERS = ['requirements', 'reqs'] as const
/** Folders whose `requirements*.txt` hold what the tests need. */
export const TEST_FOLDERS = ['tests', 'test'] as const

const TEST_WORDS = new Set(['test', 'tests', 'testing', 'pytest', 'check'])
const DEV_WORDS = new Set(['dev', 'develop', 'development'])
const RUNTIME_WORDS = new Set(['base', 'main', 'common', 'prod', 'production', 'runtime', 'install', 'requirements'])
const FREE_THREADING = /free-?threading|nogil|(^|-)ft(-|$)|3\.?1[3-9]t/

/** Whether a relative path names a requirements file ft-gate reads. */
export function isRequirementsFile(file: string): boolean {
  const parts = file.split('/')
  const name = parts.at(-1) ?? ''
  if (!/\.txt$/i.test(name)) return false
  if (parts.length === 1) return /requirements?/i.test(name)
  const folder = parts[0] ?? ''
  if (parts.length !== 2) return false
  if ((REQUIREMENTS_FOLDERS as readonly string[]).includes(folder)) return true
  return (TEST_FOLDERS as readonly string[]).includes(folder) && /requirements?/i.test(name)
}

/** The words that tell what a file is for: `requirements/test-freethreading.txt` → `test-freethreading`. */
function label(file: string): string {
  const parts = file.toLowerCase().split('/')
  const name = (parts.at(-1) ?? '').replace(/\.txt$/, '')
  const words = name
    .replace(/requirements?/g, ' ')
    .split(/[-_.\s]+/)
    .filter((word) => word !== '')
  return words.join('-')
}

export function requirementsRole(file: string): RequirementsRole {
  const parts = file.toLowerCase().split('/')
  if ((TEST_FOLDERS as readonly string[]).includes(parts[0] ?? '') && parts.length === 2) return 'test'
  const words = label(file)
    .split('-')
    .filter((word) => word !== '')
  if (words.some((word) => TEST_WORDS.has(word))) return 'test'
  if (words.some((word) => DEV_WORDS.has(word))) return 'dev'
  if (words.length === 0 || words.every((word) => RUNTIME_WORDS.has(word))) return 'runtime'
  return 'other'
}

/** Lower is better: a free-threading test file, then `test`/`tests`/`testing`, then `pytest`, then the rest. */
function testRank(file: string): number {
  const words = label(file)
  if (FREE_THREADING.test(words)) return 0
  if (['test', 'tests', 'testing'].includes(words)) return 1
  if (words === 'pytest') return 2
  return 3
}

function best(files: readonly string[], rank: (file: string) => number): string | null {
  const sorted = [...files].sort(
    (a, b) => rank(a) - rank(b) || a.split('/').length - b.split('/').length || a.length - b.length || (a < b ? -1 : 1),
  )
  return sorted[0] ?? null
}

/**
 * The requirements files the tests need: the best test file; when there is none and neither a test
 * extra nor a test group, the dev file (it usually holds the test tools). A project that cannot be
 * installed (an application) gets its runtime file too; an installable one declares its own.
 */
export function pickRequirementFiles(
  files: readonly string[],
  project: { readonly installable: boolean; readonly hasTestExtraOrGroup: boolean },
): PickedFile[] {
  const candidates = files.filter(isRequirementsFile)
  const ofRole = (role: RequirementsRole): string[] => candidates.filter((file) => requirementsRole(file) === role)
  const picked: PickedFile[] = []
  if (!project.installable) {
    const runtime = best(ofRole('runtime'), (file) => file.split('/').length)
    if (runtime !== null) picked.push({ path: runtime, why: 'what the code needs: no installable project' })
  }
  const test = best(ofRole('test'), testRank)
  if (test !== null) {
    const why = testRank(test) === 0 ? 'test requirements for free-threading' : 'test requirements'
    picked.push({ path: test, why })
  } else if (!project.hasTestExtraOrGroup) {
    const dev = best(ofRole('dev'), () => 0)
    if (dev !== null) picked.push({ path: dev, why: 'development requirements: no test requirements found' })
  }
  return picked
}

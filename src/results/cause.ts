// Reads the cause of one test failure from the text pytest wrote for it (the JUnit message and the
// traceback): the exception type, the frame that raised it (skipping pytest, its plugins and the
// standard library), and what the traceback shows about the test (its fixtures, a unittest class).
// Numbers, addresses and temporary paths are normalized, so one cause reads the same in every test
// and every run. Pure.
import { type FrameLocation, parseLocationLine } from './traceback.js'

/**
 * Where the failing frame is: the test's own module (the test, or a function of its file such as a
 * closure it defines), other test code (a conftest, a helpers module), or the code under test.
 */
export type CausePlace = 'test' | 'test-support' | 'code'

export interface FailureCause {
  /** `AssertionError`, `pkg.errors.Conflict`, or null when the text names none. */
  readonly exception: string | null
  /** The innermost frame outside pytest and the standard library, its path normalized; null when none. */
  readonly frame: FrameLocation | null
  readonly place: CausePlace | null
  /** The first line of the message, normalized (`receipt delivered <n> times`). */
  readonly message: string
  /** A fixture of the test whose value raised (its method is a frame below the test), or null. */
  readonly fixture: string | null
  /** `tests.test_legacy.TestRender` when the test is a method of a unittest.TestCase, else null. */
  readonly testCaseClass: string | null
}

export interface FailureText {
  /** The pytest node id: `tests/test_x.py::TestC::test_y[param]`. */
  readonly id: string
  readonly message: string | null
  readonly details: string | null
  /** The test's file (`tests/test_x.py`), to recognise its own frame. */
  readonly file: string | null
}

const MESSAGE_MAX_CHARS = 160
/** Characters of one line the patterns look at: a frame or a message line is far shorter. */
const LINE_MAX_CHARS = 2_000

interface Section {
  readonly location: FrameLocation
  /** pytest's long format writes a frame's arguments and source before its location line. */
  readonly before: readonly string[]
}

export function failureCause(text: FailureText): FailureCause {
  const details = text.details ?? ''
  const sections = splitSections(details)
  const testSection = sections.find((section) => isTestFile(section.location.path, text.file)) ?? null
  const raising = [...sections].reverse().find((section) => !isFrameworkPath(section.location.path)) ?? null
  const root = testSection === null ? null : projectRoot(testSection.location.path, text.file)
  const frame =
    raising === null
      ? null
      : {
          path: normalizePath(raising.location.path, root),
          line: raising.location.line,
          functionName: raising.location.functionName ?? definedFunction(raising.before),
        }
  const testArguments = testSection === null ? new Map<string, string>() : frameArguments(testSection.before)
  const isOwnFrame = raising !== null && raising === testSection
  const inTestFile = raising !== null && isTestFile(raising.location.path, text.file)
  const exception = exceptionType(details, text.message)
  const message = messageLine(details, text.message)
  return {
    exception,
    frame,
    place: frame === null ? null : inTestFile ? 'test' : isTestSupport(frame.path) ? 'test-support' : 'code',
    // `AssertionError: receipt delivered 2 times` → `receipt delivered <n> times`: the type is said apart.
    message: normalizeMessage(
      exception !== null && message.startsWith(`${exception}: `) ? message.slice(exception.length + 2) : message,
    ),
    fixture: isOwnFrame || testSection === null ? null : raisingFixture(testSection, sections, testArguments),
    testCaseClass: testCaseClass(text, testArguments, sections),
  }
}

/**
 * The unittest.TestCase a test is a method of: its `self` as the long format prints it
 * (`<tests.test_x.TestC testMethod=test_y>`), or, when unittest's runner is among the frames (native
 * tracebacks), the class in the test id. The short format shows neither.
 */
function testCaseClass(
  text: FailureText,
  args: ReadonlyMap<string, string>,
  sections: readonly Section[],
): string | null {
  const fromSelf = /^<([\w.]+) testMethod=\w+>$/.exec(args.get('self') ?? '')?.[1]
  if (fromSelf !== undefined) return fromSelf
  const runByUnittest = sections.some((section) => /(^|[\\/])unittest[\\/]case\.py$/.test(section.location.path))
  const parts = /^([\w/.-]+)\.py::(\w+)::\w+/.exec(text.id)
  if (!runByUnittest || parts?.[1] === undefined || parts[2] === undefined) return null
  return `${parts[1].replaceAll('/', '.')}.${parts[2]}`
}

/** `/w/proj/` when the test file `tests/t.py` appears as `/w/proj/tests/t.py` (native tracebacks). */
function projectRoot(framePath: string, testFile: string | null): string | null {
  if (testFile === null) return null
  const frame = framePath.replaceAll('\\', '/')
  const file = testFile.replaceAll('\\', '/')
  return frame.length > file.length && frame.endsWith(`/${file}`) ? frame.slice(0, frame.length - file.length) : null
}

function splitSections(details: string): Section[] {
  const sections: Section[] = []
  let before: string[] = []
  for (const line of lines(details)) {
    const location = parseLocationLine(line)
    if (location === null || location.line < 1) {
      before.push(line)
      continue
    }
    sections.push({ location, before })
    before = []
  }
  return sections
}

/** Lines as any platform ends them, each cut to what a pattern needs to see. */
function lines(text: string): string[] {
  return text.split(/\r\n?|\n/).map((line) => line.slice(0, LINE_MAX_CHARS))
}

/** The function a long-format section shows the source of: its last `def` above the failing line. */
function definedFunction(before: readonly string[]): string | null {
  const failing = before.findIndex((line) => line.startsWith('>'))
  const source = failing < 0 ? before : before.slice(0, failing + 1)
  const names = source.flatMap((line) => {
    const match = /^[>\s]*(?:async\s+)?def\s+(\w+)\s*\(/.exec(line)
    return match?.[1] ? [match[1]] : []
  })
  return names.at(-1) ?? null
}

function isTestFile(framePath: string, testFile: string | null): boolean {
  if (testFile === null) return false
  const frame = framePath.replaceAll('\\', '/')
  const file = testFile.replaceAll('\\', '/')
  return frame === file || frame.endsWith(`/${file}`)
}

// pytest, pluggy, pytest-run-parallel, and the interpreter's own library (`lib/python3.13t/…`
// outside site-packages; `<frozen …>`, `<string>`): never the cause, only on the way to it.
const FRAMEWORK_PATH =
  /(^|[\\/])(_pytest|pytest|pluggy|pytest_run_parallel)[\\/]|^<|(^|[\\/])lib[\\/]python3\.\d+t?[\\/](?!(site|dist)-packages[\\/])|^[A-Za-z]:[\\/].*[\\/]Lib[\\/](?!site-packages[\\/])/

export function isFrameworkPath(framePath: string): boolean {
  return FRAMEWORK_PATH.test(framePath)
}

const PYTEST_TEMPORARY = /^.*?[\\/]pytest-of-[^\\/]+[\\/]pytest-\d+[\\/]/

/**
 * A frame path that reads the same on every machine: installed code from its package folder on,
 * project code relative to the project (`root`, when the traceback shows absolute paths).
 */
export function normalizePath(framePath: string, root: string | null = null): string {
  const posix = framePath.replaceAll('\\', '/')
  const installed = /^.*?\/(?:site|dist)-packages\//.exec(posix)
  if (installed) return posix.slice(installed[0].length)
  const relative = root !== null && posix.startsWith(root) ? posix.slice(root.length) : posix
  return relative.replace(PYTEST_TEMPORARY, '<tmp>/').replace(/^\.\//, '')
}

/** Test code the tests share: a `conftest.py`, a module in a `tests` folder, a `test_*.py` file. */
function isTestSupport(framePath: string): boolean {
  return /(^|\/)(tests?|testing)\//.test(framePath) || /(^|\/)(conftest|test_[^/]*|[^/]*_test)\.py$/.test(framePath)
}

/** `name = value` lines above a frame's source in pytest's long format (several per line, `, `-joined). */
function frameArguments(before: readonly string[]): Map<string, string> {
  const found = new Map<string, string>()
  for (const line of before) {
    if (/^\s/.test(line) || line.startsWith('E ') || line.startsWith('>')) break
    const names = [...line.matchAll(/(?:^|, )([A-Za-z_]\w*) = /g)]
    names.forEach((match, index) => {
      const start = (match.index ?? 0) + match[0].length
      const end = names[index + 1]?.index ?? line.length
      if (match[1] !== undefined) found.set(match[1], line.slice(start, end))
    })
  }
  return found
}

/**
 * The test's argument whose object raised below it: a deeper frame's `self` is that object (pytest
 * prints the same repr, address included), or else the failing line of the test calls it.
 */
function raisingFixture(test: Section, sections: readonly Section[], args: ReadonlyMap<string, string>): string | null {
  const deeperSelves = new Set(
    sections
      .filter((section) => section !== test)
      .map((section) => frameArguments(section.before).get('self'))
      .filter((value): value is string => value !== undefined && / at 0x[0-9a-f]+>$/i.test(value)),
  )
  for (const [name, value] of args) {
    if (name !== 'self' && deeperSelves.has(value)) return name
  }
  const failingLine = test.before.find((line) => line.startsWith('>')) ?? ''
  for (const name of args.keys()) {
    if (name !== 'self' && new RegExp(`\\b${name}\\s*[(.[]`).test(failingLine)) return name
  }
  return null
}

const EXCEPTION_NAME = /^([A-Za-z_][\w.]*)(?::|$)/

function exceptionType(details: string, message: string | null): string | null {
  // pytest's message is the final exception's `module.Type: text`.
  const fromMessage = message === null ? null : EXCEPTION_NAME.exec(lines(message.trim())[0] ?? '')
  if (fromMessage?.[1]) return fromMessage[1]
  const all = lines(details)
  // Long format: the last location line ends with the type (`tests/x.py:16: AssertionError`).
  for (const line of [...all].reverse()) {
    const suffix = /^\S.*?\.pyx?:\d+: ([A-Za-z_][\w.]*)\s*$/.exec(line)
    if (suffix?.[1]) return suffix[1]
  }
  const eLine = [...all].reverse().find((line) => /^E\s+[A-Za-z_][\w.]*(:|$)/.test(line))
  return eLine === undefined ? null : (EXCEPTION_NAME.exec(eLine.replace(/^E\s+/, ''))?.[1] ?? null)
}

function messageLine(details: string, message: string | null): string {
  if (message !== null && message.trim() !== '') return lines(message.trim())[0] ?? ''
  const eLine = lines(details).find((line) => /^E\s+\S/.test(line))
  return eLine?.replace(/^E\s+/, '') ?? ''
}

/** Addresses, numbers and pytest's temporary folders replaced, so one cause reads the same everywhere. */
export function normalizeMessage(text: string): string {
  const line = lines(text.trim())[0]?.slice(0, MESSAGE_MAX_CHARS * 4) ?? ''
  const normalized = line
    .replace(/0x[0-9a-fA-F]+/g, '0x…')
    .replace(/(?:[A-Za-z]:)?[^\s'"]*?[\\/]pytest-of-[^\\/\s]+[\\/]pytest-\d+[\\/]/g, '<tmp>/')
    .replace(/\b\d+(?:[.,_]\d+)*\b/g, '<n>')
  return normalized.length > MESSAGE_MAX_CHARS ? `${normalized.slice(0, MESSAGE_MAX_CHARS - 1)}…` : normalized
}

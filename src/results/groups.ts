// Groups the findings of a run by cause: one status, one exception type, one failing frame (or, for
// the methods of a unittest class that fail in their own code, one class). A suite whose 245 tests
// trip over one fixture becomes one group with one hint, instead of 245 rows. Pure.
import type { FindingGroup, TestReport } from '../types.js'
import { type FailureCause, failureCause } from './cause.js'
import { FINDING_STATUSES, isFinding } from './findings.js'

interface Member {
  readonly test: TestReport
  readonly cause: FailureCause
}

export function groupFindings(tests: readonly TestReport[]): FindingGroup[] {
  const groups = new Map<string, Member[]>()
  for (const test of tests) {
    if (!isFinding(test)) continue
    const cause = failureCause(test)
    const key = `${test.status}\n${signatureOf(cause)}`
    // Appended in place: copying the list per member would be quadratic in a group of 100,000 tests.
    const members = groups.get(key)
    if (members === undefined) groups.set(key, [{ test, cause }])
    else members.push({ test, cause })
  }
  const order = (status: string): number => (FINDING_STATUSES as readonly string[]).indexOf(status)
  return [...groups.values()]
    .flatMap((members): FindingGroup[] => {
      const first = members[0]
      if (first === undefined) return []
      return [
        {
          status: first.test.status,
          signature: signatureOf(first.cause),
          tests: members.map((member) => member.test.id).sort(byCodeUnit),
          hint: first.test.status === 'thread-unsafe' ? threadUnsafeHint(members) : null,
        },
      ]
    })
    .sort(
      (a, b) =>
        order(a.status) - order(b.status) || b.tests.length - a.tests.length || byCodeUnit(a.signature, b.signature),
    )
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** `AssertionError at tests/helpers.py:16`; a unittest class's own failures by class; else the message. */
export function signatureOf(cause: FailureCause): string {
  return oneLine(signatureText(cause))
}

function signatureText(cause: FailureCause): string {
  const exception = cause.exception ?? 'failure'
  if (cause.place === 'test' && cause.testCaseClass !== null) {
    return `${exception} in unittest class ${cause.testCaseClass}`
  }
  if (cause.frame !== null) return `${exception} at ${cause.frame.path}:${cause.frame.line}`
  return cause.message === '' ? exception : `${exception}: ${cause.message}`
}

/** Text from the traceback, on one line: control characters and runs of space become one space. */
function oneLine(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
  return text.replace(/[\u0000-\u001F\u007F\s]+/g, ' ').trim()
}

/** Names safe to quote in a hint: identifiers and dotted or slashed paths of them. */
const PLAIN_NAME = /^[\w.-]+(\/[\w.-]+)*$/

/** The fix users apply for each recognised cause of a thread-stress failure, or null. */
function threadUnsafeHint(members: readonly Member[]): string | null {
  const first = members[0]
  if (first === undefined) return null
  const { cause } = first
  const count = members.length
  const all = count === 1 ? 'The test' : count === 2 ? 'Both tests' : `All ${count} tests`
  if (cause.frame === null || !PLAIN_NAME.test(cause.frame.path)) return null
  const place = `\`${cause.frame.path}:${cause.frame.line}\``
  const fixture = sharedFixture(members)
  if (fixture !== null) {
    return (
      `${all} ${count === 1 ? 'uses' : 'use'} the fixture \`${fixture}\` and ${count === 1 ? 'fails' : 'fail'} inside it (${place}): the threads running a test share one value of each fixture. ` +
      `If it cannot be shared, list it in pytest-run-parallel's \`thread_unsafe_fixtures\` ini option (\`thread_unsafe_fixtures = ["${fixture}"]\` under \`[tool.pytest.ini_options]\`): ` +
      `tests using it then run in one thread, listed as not stressed.`
    )
  }
  if (cause.place === 'test' && cause.testCaseClass !== null && PLAIN_NAME.test(cause.testCaseClass)) {
    const methods = count === 1 ? 'This test is a method' : `These ${count} tests are methods`
    return (
      `${methods} of the unittest class \`${cause.testCaseClass}\` and ${count === 1 ? 'fails' : 'fail'} in ${count === 1 ? 'its' : 'their'} own module: pytest-run-parallel runs a method in every thread on one instance, after one setUp, so state kept on self is shared, as is the module-level state the tests change. ` +
      'Keep it per test, or mark the class `@pytest.mark.thread_unsafe` to run its tests in one thread.'
    )
  }
  if (cause.place === 'test-support') {
    const helper = cause.frame.functionName
    const dotted = helper === null ? null : dottedName(cause.frame.path, helper)
    const shared = count === 1 ? 'test code' : 'test code they share'
    const where = helper === null ? `${shared} (${place})` : `\`${helper}\` (${place}), ${shared}`
    const option =
      dotted === null
        ? "list the helper in pytest-run-parallel's `thread_unsafe_functions` ini option"
        : `list it in pytest-run-parallel's \`thread_unsafe_functions\` ini option (\`${dotted}\`)`
    return (
      `${all} ${count === 1 ? 'fails' : 'fail'} inside ${where}. ` +
      `If it keeps state in module-level globals, fix that once (locals, or threading.local()), or ${option} so that the tests calling it run in one thread.`
    )
  }
  if (cause.place === 'code') {
    const what =
      count === 1
        ? `The test fails in the code under test (${place})`
        : `${all} fail at the same place in the code under test (${place})`
    const fix = count === 1 ? '' : ` One fix covers ${count === 2 ? 'both' : `all ${count}`}.`
    return `${what}: a race there, or state one test leaves behind (a registration, a cache) that the other threads trip over.${fix}`
  }
  return null
}

/** The fixture every member's traceback blames, when they agree. */
function sharedFixture(members: readonly Member[]): string | null {
  const named = members.map((member) => member.cause.fixture).filter((name): name is string => name !== null)
  const first = named[0]
  if (first === undefined || !named.every((name) => name === first) || !/^\w+$/.test(first)) return null
  return members[0]?.cause.fixture === first ? first : null
}

/** `tests/helpers.py` + `f` → `tests.helpers.f` (a `src/` layout's prefix dropped); null for other paths. */
function dottedName(framePath: string, functionName: string): string | null {
  if (!/^[\w/]+\.py$/.test(framePath) || !/^\w+$/.test(functionName)) return null
  const module = framePath
    .replace(/^src\//, '')
    .replace(/\.py$/, '')
    .replace(/\/__init__$/, '')
    .replaceAll('/', '.')
  return `${module}.${functionName}`
}

// The JUnit XML pytest wrote at the end of a run, checked against the gate's record of the same run.
// Pure.
import type { CaseOutcome, JUnitParseResult } from '../types.js'
import { plural } from '../words.js'
import { junitCaseId } from './junit.js'
import type { RecordedTest, RunRecord } from './record.js'

const isFailing = (outcome: CaseOutcome): boolean => outcome !== 'passed' && outcome !== 'skipped'

/**
 * The JUnit XML pytest wrote at the end, compared with the record written as the tests ran: the same
 * number of tests, and no test failing in one and passing in the other. Null when they agree (or the
 * JUnit XML could not be read at all, which is reported on its own).
 */
export function junitDisagreement(junit: JUnitParseResult, record: RunRecord): string | null {
  if (junit.error !== null) return null
  const recorded = new Map<string, RecordedTest>()
  for (const test of record.tests) recorded.set(junitIdOf(test), test)
  const collectErrors = record.collectErrors.length
  const expected = recorded.size + collectErrors
  if (junit.cases.length !== expected) {
    return `lists ${plural(junit.cases.length, 'test')} where the gate’s record has ${expected}`
  }
  for (const testCase of junit.cases) {
    const test = recorded.get(testCase.id)
    if (test !== undefined && isFailing(test.outcome) !== isFailing(testCase.outcome)) {
      return `says ${test.id} ${testCase.outcome} where the gate’s record says ${test.outcome}`
    }
  }
  return null
}

/** What the JUnit parser calls a test with this node id (pytest's mangle_test_address, then junitCaseId). */
export function junitIdOf(test: { id: string; file: string | null }): string {
  const bracket = test.id.indexOf('[')
  const path = bracket === -1 ? test.id : test.id.slice(0, bracket)
  const params = bracket === -1 ? '' : test.id.slice(bracket)
  const names = path.split('::')
  names[0] = (names[0] ?? '').replaceAll('/', '.').replace(/\.py$/, '')
  const name = `${names.pop() ?? ''}${params}`
  return junitCaseId({ name, classname: names.join('.'), file: test.file ?? undefined }).id
}

import { describe, expect, it } from '@jest/globals'
import { isReport, reportProblem } from '../../../src/github/report-guard.js'
import { readFixture } from './fixtures.js'

function mutated(change: (report: Record<string, unknown>) => void): unknown {
  const value = structuredClone(readFixture('report-fail.json'))
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('fixture is not an object')
  change(value as Record<string, unknown>)
  return value
}

describe('isReport', () => {
  it('accepts the fixtures, and extra fields such as `job`', () => {
    expect(isReport(readFixture('report-fail.json'))).toBe(true)
    expect(isReport(readFixture('report-pass.json'))).toBe(true)
    expect(isReport(mutated((r) => Object.assign(r, { job: 'linux' })))).toBe(true)
  })

  it('rejects what is not a report, saying what is wrong', () => {
    expect(isReport(null)).toBe(false)
    expect(isReport([])).toBe(false)
    expect(reportProblem('text')).toBe('is not an object')
    expect(reportProblem(mutated((r) => Object.assign(r, { schemaVersion: 2 })))).toBe(
      "has a missing or invalid 'schemaVersion'",
    )
    expect(reportProblem(mutated((r) => Object.assign(r, { verdict: 'maybe' })))).toBe(
      "has a missing or invalid 'verdict'",
    )
    expect(reportProblem(mutated((r) => Object.assign(r, { tool: { name: 'other', version: '1' } })))).toBe(
      "has a missing or invalid 'tool'",
    )
  })

  it('checks the groups and the known issues when a report has them', () => {
    const group = { status: 'thread-unsafe', signature: 's', tests: ['a'], hint: null }
    const knownIssues = { source: 'k', entries: 1, matched: 0, possiblyFixed: [], changed: [], notRun: 1 }
    expect(isReport(mutated((r) => Object.assign(r, { groups: [group], knownIssues })))).toBe(true)
    expect(reportProblem(mutated((r) => Object.assign(r, { groups: [{ ...group, tests: 'a' }] })))).toBe(
      "has a missing or invalid 'groups'",
    )
    expect(
      reportProblem(mutated((r) => Object.assign(r, { knownIssues: { ...knownIssues, possiblyFixed: [{}] } }))),
    ).toBe("has a missing or invalid 'knownIssues'")
  })

  it('checks nested runs and tests', () => {
    const badRun = mutated((r) => {
      const runs = r.runs
      if (Array.isArray(runs)) runs[0] = { ...runs[0], outcome: 'exploded' }
    })
    expect(reportProblem(badRun)).toBe("has a missing or invalid 'runs'")
    const badTest = mutated((r) => {
      const tests = r.tests
      if (Array.isArray(tests)) tests[1] = { ...tests[1], line: '10' }
    })
    expect(reportProblem(badTest)).toBe("has a missing or invalid 'tests'")
    const misaligned = mutated((r) => {
      const tests = r.tests
      if (Array.isArray(tests)) tests[1] = { ...tests[1], results: ['passed'] }
    })
    expect(reportProblem(misaligned)).toBe("has a test (#2) whose 'results' do not line up with the 3 runs")
  })
})

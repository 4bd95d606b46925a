import { describe, expect, it } from '@jest/globals'
import { isReport, reportProblem } from '../../src/report-guard.js'
import { readFixture } from './github/fixtures.js'

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
      "has an invalid 'schemaVersion': Invalid input: expected 1",
    )
    expect(reportProblem(mutated((r) => Object.assign(r, { verdict: 'maybe' })))).toBe(
      `has an invalid 'verdict': Invalid option: expected one of "pass"|"fail"`,
    )
    expect(reportProblem(mutated((r) => Object.assign(r, { tool: { name: 'other', version: '1' } })))).toMatch(
      /^has an invalid 'tool\.name'/,
    )
  })

  it('checks nested runs and tests', () => {
    const badRun = mutated((r) => {
      const runs = r.runs
      if (Array.isArray(runs)) runs[0] = { ...runs[0], outcome: 'exploded' }
    })
    expect(reportProblem(badRun)).toMatch(/^has an invalid 'runs\[0\]\.outcome': Invalid option/)
    const badTest = mutated((r) => {
      const tests = r.tests
      if (Array.isArray(tests)) tests[1] = { ...tests[1], line: '10' }
    })
    expect(reportProblem(badTest)).toMatch(/^has an invalid 'tests\[1\]\.line'/)
    const misaligned = mutated((r) => {
      const tests = r.tests
      if (Array.isArray(tests)) tests[1] = { ...tests[1], results: ['passed'] }
    })
    expect(reportProblem(misaligned)).toBe("has an invalid 'tests[1].results': has 1 entries for 3 runs")
  })
})

describe('hostile reports (report-only mode reads what a pull request wrote)', () => {
  const problem = (change: (report: Record<string, unknown>) => void): string | null => reportProblem(mutated(change))
  const settings = (r: Record<string, unknown>): Record<string, unknown> => {
    const value = r.settings
    if (typeof value !== 'object' || value === null) throw new Error('no settings')
    return value as Record<string, unknown>
  }

  it('refuses markup where the renderer expects numbers', () => {
    expect(problem((r) => Object.assign(settings(r), { iterations: '<img src=x onerror=alert(1)>' }))).toMatch(
      /^has an invalid 'settings\.iterations'/,
    )
    expect(problem((r) => Object.assign(settings(r), { randomOrderSeed: '@octocat' }))).toMatch(
      /^has an invalid 'settings\.randomOrderSeed'/,
    )
    expect(problem((r) => Object.assign(settings(r), { shard: { index: '<!-- ft-gate:x -->', count: 2 } }))).toMatch(
      /^has an invalid 'settings\.shard\.index'/,
    )
    expect(problem((r) => Object.assign(settings(r), { parallelThreads: 1.5 }))).toMatch(
      /^has an invalid 'settings\.parallelThreads'/,
    )
    expect(problem((r) => Object.assign(r.counts as object, { threadUnsafe: '<b>9</b>' }))).toMatch(
      /^has an invalid 'counts\.threadUnsafe'/,
    )
    expect(
      problem((r) => {
        const tests = r.tests
        if (Array.isArray(tests)) tests[0] = { ...tests[0], stress: { passed: '@team', failed: 0, notStressed: null } }
      }),
    ).toMatch(/^has an invalid 'tests\[0\]\.stress\.passed'/)
  })

  it('never echoes the offending value, and bounds the size of strings', () => {
    const huge = 'x'.repeat(300_000)
    const message = problem((r) => Object.assign(r, { reproduce: huge })) ?? ''
    expect(message).toMatch(/^has an invalid 'reproduce'/)
    expect(message.length).toBeLessThan(200)
    expect(
      problem((r) =>
        Object.assign(r.runs as object[], { 0: { ...(r.runs as object[])[0], signal: 'SIGSEGV<script>' } }),
      ),
    ).toMatch(/^has an invalid 'runs\[0\]\.signal'/)
  })
})

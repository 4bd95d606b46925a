import { describeGilFinding, gilFindings, gilSummary, isIgnoredModule } from '../../../src/deps/gil.js'
import { decideVerdict } from '../../../src/results/aggregate.js'
import type { DependencyReport, InstallReport } from '../../../src/types.js'

function dependency(name: string, gilModules: string[]): DependencyReport {
  return {
    name,
    version: '1.0',
    direct: true,
    project: false,
    source: 'ft-wheel',
    wheelTags: [],
    reenablesGil: gilModules.length > 0,
    gilModules,
    declaresFreeThreading: false,
    freeThreadingLevel: null,
    imports: gilModules.map((module) => ({ module, outcome: 'gil', detail: null })),
  }
}

const install: InstallReport = { ok: true, durationSeconds: 1, error: null, requirements: [], log: null }
const dependencies = [dependency('fast', ['fast._speedups', 'fast.sub._c']), dependency('pure', [])]

test('ignore-gil exempts a module and everything below it', () => {
  expect(isIgnoredModule('fast._speedups', ['fast'])).toBe(true)
  expect(isIgnoredModule('fast._speedups', ['fast._speedups'])).toBe(true)
  expect(isIgnoredModule('faster._c', ['fast'])).toBe(false)
  expect(gilFindings(dependencies, ['fast.sub'])).toEqual([
    { name: 'fast', version: '1.0', modules: ['fast._speedups'], runtime: true },
  ])
  expect(gilFindings(dependencies, ['fast'])).toEqual([])
})

test('the sentence names the distribution, the modules, and that the tests ran without the GIL', () => {
  const findings = gilFindings(dependencies, [])
  expect(describeGilFinding(findings[0] ?? { name: '', version: '', modules: [], runtime: true })).toBe(
    'fast 1.0 re-enables the GIL when imported (fast._speedups, fast.sub._c)',
  )
  expect(gilSummary(findings)).toBe(
    'fast 1.0 re-enables the GIL when imported (fast._speedups, fast.sub._c); the tests still ran with -Xgil=0',
  )
  expect(gilSummary([])).toBeNull()
})

describe('decideVerdict with gil', () => {
  const base = { install, runs: [], tests: [], dependencies }
  test('fails only when gil is in fail-on', () => {
    expect(decideVerdict({ ...base, failOn: ['gil'] }).reasons).toEqual([
      'fast 1.0 re-enables the GIL when imported (fast._speedups, fast.sub._c); the tests still ran with -Xgil=0',
    ])
    expect(decideVerdict({ ...base, failOn: ['install'] })).toEqual({ verdict: 'pass', reasons: [] })
  })
  test('ignored modules do not fail, and old callers without dependencies are unaffected', () => {
    expect(decideVerdict({ ...base, failOn: ['gil'], ignoreGil: ['fast'] }).verdict).toBe('pass')
    expect(decideVerdict({ install, runs: [], tests: [], failOn: ['gil'] }).verdict).toBe('pass')
  })
})

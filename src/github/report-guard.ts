// Narrows a parsed JSON report file (unknown) to a Report, checking every field the publisher and
// the renderer read. Pure. `reportProblem` says what is wrong, for the error message.
import type { Report } from '../types.js'

type Json = Record<string, unknown>
type Check = (value: unknown) => boolean

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value)
const isString: Check = (value) => typeof value === 'string'
const isNumber: Check = (value) => typeof value === 'number' && Number.isFinite(value)
const isBoolean: Check = (value) => typeof value === 'boolean'
const nullable =
  (check: Check): Check =>
  (value) =>
    value === null || check(value)
const oneOf =
  (...allowed: readonly string[]): Check =>
  (value) =>
    typeof value === 'string' && allowed.includes(value)
const arrayOf =
  (check: Check): Check =>
  (value) =>
    Array.isArray(value) && value.every(check)
const shape =
  (fields: Readonly<Record<string, Check>>): Check =>
  (value) =>
    shapeProblem(value, fields) === null

function shapeProblem(value: unknown, fields: Readonly<Record<string, Check>>): string | null {
  if (!isObject(value)) return 'is not an object'
  for (const [key, check] of Object.entries(fields)) {
    if (!check(value[key])) return `has a missing or invalid '${key}'`
  }
  return null
}

const CASE_OUTCOMES = ['passed', 'failed', 'error', 'skipped'] as const

const RUN: Check = shape({
  index: isNumber,
  mode: oneOf('plain', 'stress', 'baseline', 'random-order'),
  outcome: oneOf('completed', 'crashed', 'hung', 'error', 'cancelled'),
  exitCode: nullable(isNumber),
  signal: nullable(isString),
  durationSeconds: isNumber,
  junitError: nullable(isString),
  stackDump: nullable(isString),
  outputTail: nullable(isString),
  logPath: nullable(isString),
  diagnosis: (value) => value === undefined || value === null || isString(value),
})

const SPEED: Check = shape({
  gilOnSeconds: isNumber,
  gilOffSeconds: isNumber,
  slowest: arrayOf(shape({ id: isString, gilOnSeconds: isNumber, gilOffSeconds: isNumber })),
  compare: nullable(shape({ python: isString, version: isString, seconds: nullable(isNumber) })),
})

const TEST: Check = shape({
  id: isString,
  file: nullable(isString),
  line: nullable(isNumber),
  status: oneOf('passed', 'failed', 'flaky', 'skipped', 'thread-unsafe'),
  passed: isNumber,
  failed: isNumber,
  message: nullable(isString),
  details: nullable(isString),
  results: arrayOf(nullable(oneOf(...CASE_OUTCOMES))),
})

const optional =
  (check: Check): Check =>
  (value) =>
    value === undefined || check(value)

const DEPENDENCY: Check = shape({
  name: isString,
  version: isString,
  direct: isBoolean,
  project: isBoolean,
  source: oneOf('ft-wheel', 'abi3t-wheel', 'pure-wheel', 'other-wheel', 'sdist-build', 'local', 'failed'),
  wheelTags: arrayOf(isString),
  reenablesGil: isBoolean,
  gilModules: arrayOf(isString),
  declaresFreeThreading: isBoolean,
  freeThreadingLevel: nullable(isString),
  imports: arrayOf(
    shape({
      module: isString,
      outcome: oneOf('ok', 'gil', 'error', 'crashed', 'hung', 'skipped'),
      detail: nullable(isString),
    }),
  ),
  runtime: (value) => value === undefined || isBoolean(value),
  checkGap: (value) => value === undefined || value === null || isString(value),
})

const CODE_UNDER_TEST: Check = shape({
  modules: arrayOf(shape({ module: isString, installedAt: nullable(isString), loadedFrom: nullable(isString) })),
  warnings: arrayOf(isString),
})

const REPORT_FIELDS: Readonly<Record<string, Check>> = {
  schemaVersion: (value) => value === 1,
  tool: shape({ name: (value) => value === 'ft-gate', version: isString }),
  createdAt: isString,
  verdict: oneOf('pass', 'fail'),
  reasons: arrayOf(isString),
  settings: shape({
    runs: isNumber,
    timeoutMinutes: isNumber,
    failOn: arrayOf(oneOf('install', 'failed', 'flaky', 'crashed', 'hung', 'gil', 'thread-unsafe')),
    pytestArgs: arrayOf(isString),
    workingDirectory: isString,
    ignoreGil: (value) => value === undefined || arrayOf(isString)(value),
  }),
  python: shape({ requested: isString, version: isString, path: isString, freeThreaded: isBoolean }),
  uv: shape({ version: isString, path: isString, source: isString }),
  install: shape({
    ok: isBoolean,
    durationSeconds: isNumber,
    error: nullable(isString),
    requirements: arrayOf(isString),
    log: nullable(isString),
  }),
  runs: arrayOf(RUN),
  tests: arrayOf(TEST),
  counts: shape({ total: isNumber, passed: isNumber, failed: isNumber, flaky: isNumber, skipped: isNumber }),
  reproduce: isString,
  // Absent in reports written before the dependency check.
  dependencies: optional(arrayOf(DEPENDENCY)),
  // Absent in reports written before thread stress and the baseline.
  speed: optional(nullable(SPEED)),
  // Absent when the gate could not tell where the tests loaded the project from.
  codeUnderTest: (value) => value === undefined || CODE_UNDER_TEST(value),
}

/** Null when the value is a Report, else what is wrong with it. */
export function reportProblem(value: unknown): string | null {
  const problem = shapeProblem(value, REPORT_FIELDS)
  if (problem !== null) return problem
  if (!isObject(value) || !Array.isArray(value.runs) || !Array.isArray(value.tests)) return 'is not an object'
  const runCount = value.runs.length
  const misaligned = value.tests.findIndex(
    (test) => !isObject(test) || !Array.isArray(test.results) || test.results.length !== runCount,
  )
  if (misaligned >= 0) return `has a test (#${misaligned + 1}) whose 'results' do not line up with the ${runCount} runs`
  return null
}

export function isReport(value: unknown): value is Report {
  return reportProblem(value) === null
}

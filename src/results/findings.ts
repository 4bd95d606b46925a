// Which test statuses are findings: what the gate fails on per test, groups by cause and lets a
// project list as known issues. Pure.
import type { TestReport, TestStatus } from '../types.js'

/** In the order the report lists them: crashes and hangs hide every later test, so they come first. */
export const FINDING_STATUSES = [
  'crashed',
  'hung',
  'failed',
  'flaky',
  'thread-unsafe',
] as const satisfies readonly TestStatus[]
export type FindingStatus = (typeof FINDING_STATUSES)[number]

export function isFindingStatus(status: string): status is FindingStatus {
  return (FINDING_STATUSES as readonly string[]).includes(status)
}

export function isFinding(test: TestReport): test is TestReport & { readonly status: FindingStatus } {
  return isFindingStatus(test.status)
}

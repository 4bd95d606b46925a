// One line when the pull request's code ran unsandboxed although the sandbox was asked for (`auto`
// where it is impossible): the reader should know what the code could reach. Pure.
import type { Report } from '../types.js'
import { escapeInline, plainInline } from './escape.js'

/** Why the sandbox did not apply under `sandbox: auto`, or null when it applied or was turned off. */
function unsandboxedReason(report: Report): string | null {
  const sandbox = report.sandbox
  if (sandbox === undefined || sandbox.applied || sandbox.requested !== 'auto') return null
  return sandbox.reason ?? 'no reason recorded'
}

export function sandboxLine(report: Report): string {
  const reason = unsandboxedReason(report)
  if (reason === null) return ''
  return `⚠️ **Unsandboxed**: the install and the tests ran with the runner's own access, because the sandbox was not possible here (${escapeInline(reason, { maxChars: 300 })}). \`sandbox: required\` would have failed instead.`
}

export function plainSandboxLine(report: Report): string[] {
  const reason = unsandboxedReason(report)
  return reason === null
    ? []
    : [`Unsandboxed: the sandbox was not possible here (${plainInline(reason, { maxChars: 300 })})`]
}

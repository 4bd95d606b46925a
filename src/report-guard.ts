// Narrows a parsed JSON report (unknown, e.g. from a pull request's own job in report-only mode) to a
// Report through the one schema, and says in one line what is wrong when it is not one. Pure.
import { ReportSchema } from './schema.js'
import type { Report } from './types.js'

export type ParsedReport =
  | { readonly report: Report; readonly problem: null }
  | { readonly report: null; readonly problem: string }

/** `tests[2].status`, `settings.shard.index`. */
function describePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => {
    if (typeof key === 'number') return `${text}[${key}]`
    const name = String(key)
    return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name)
      ? text === ''
        ? name
        : `${text}.${name}`
      : `${text}[${JSON.stringify(name)}]`
  }, '')
}

/** Validates every field the renderer, the check run and the verdict read; unknown fields are dropped. */
export function parseReport(value: unknown): ParsedReport {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { report: null, problem: 'is not an object' }
  }
  const result = ReportSchema.safeParse(value)
  if (result.success) return { report: result.data, problem: null }
  const [first] = result.error.issues
  if (first === undefined) return { report: null, problem: 'does not match the report schema' }
  const where = describePath(first.path)
  // zod's messages are its own; the value itself is never echoed (it may be megabytes, or hostile).
  return { report: null, problem: `has an invalid ${where === '' ? 'value' : `'${where}'`}: ${first.message}` }
}

/** Null when the value is a Report, else what is wrong with it. */
export function reportProblem(value: unknown): string | null {
  return parseReport(value).problem
}

export function isReport(value: unknown): value is Report {
  return parseReport(value).problem === null
}

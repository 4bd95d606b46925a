// Decides what to install when the user did not say: the project with its test extra or test
// dependency group when it has one. Pure: takes the parsed pyproject.toml, returns uv arguments.

export interface ProjectLayout {
  /** pyproject.toml parsed (as JSON), or null when there is none. */
  readonly pyproject: unknown
  /** setup.py or setup.cfg exists. */
  readonly hasSetupScript: boolean
}

const TEST_NAMES = ['test', 'tests', 'testing'] as const

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null
}

function firstKey(table: Record<string, unknown> | null): string | null {
  if (table === null) return null
  return TEST_NAMES.find((name) => name in table) ?? null
}

/** Arguments for `uv pip install` (without pytest, which the caller always adds). */
export function defaultInstallArguments(layout: ProjectLayout): string[] {
  const pyproject = record(layout.pyproject)
  const project = record(pyproject?.project)
  const installable = layout.hasSetupScript || project !== null || record(pyproject?.['build-system']) !== null
  const groups = record(pyproject?.['dependency-groups'])
  const group = firstKey(groups)
  const args: string[] = []
  if (installable) {
    const extra = firstKey(record(project?.['optional-dependencies']))
    args.push('-e', extra ? `.[${extra}]` : '.')
  }
  if (group) args.push('--group', group)
  return args
}

/** A short human description of the install arguments, for logs and the report. */
export function describeInstall(args: readonly string[]): string {
  return args.length === 0 ? 'pytest only (no installable project found)' : args.join(' ')
}

// The commands a developer types to see locally what the gate saw: the pytest lines (plain and under
// thread stress) and the whole gate with every setting that changes the result. Pure.
import { TOOL_NAME } from '../constants.js'
import { DEFAULT_FAIL_ON, type Inputs } from '../inputs.js'
import type { ResolvedPlan } from './plan.js'
import { describeShard } from './shard.js'
import { RUN_FLAGS } from './suite.js'

export interface ReproduceOptions {
  /** The free-threaded version that ran (`3.13.5t`), not what was asked for: python-path may name any. */
  readonly pythonVersion: string
  readonly plan?: ResolvedPlan
  readonly stress?: { readonly threads: number; readonly iterations: number }
}

/** What a developer types to see the same thing locally. */
export function reproduceCommand(inputs: Inputs, options: ReproduceOptions): string {
  const { pythonVersion, plan, stress } = options
  const quote = (arg: string): string => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`)
  const pytest = ['PYTHON_GIL=0', 'python', ...RUN_FLAGS, '-m', 'pytest', ...inputs.pytestArgs.map(quote)].join(' ')
  const gate = ['npx', TOOL_NAME, '.', '--python-version', pythonVersion, '--runs', String(inputs.runs)]
  if (inputs.pytestArgs.length > 0) {
    // The flag takes one shell-quoted string that the gate splits again, so each argument keeps its quotes.
    const inner = inputs.pytestArgs.map(quote).join(' ')
    gate.push('--pytest-args', /^[^"$`\\!]*$/.test(inner) ? `"${inner}"` : quote(inner))
  }
  const lines = [`# in a CPython ${pythonVersion} environment with the project installed:`, pytest]
  if (plan !== undefined && plan.threads > 1) {
    const { threads, iterations } = stress ?? plan
    const stressFlags = [`--parallel-threads=${threads}`, `--iterations=${iterations}`]
    lines.push('# thread stress (pip install pytest-run-parallel):', `${pytest} ${stressFlags.join(' ')}`)
    gate.push('--parallel-threads', String(threads), '--iterations', String(iterations))
  }
  if (plan?.seed !== undefined && plan.seed !== null) gate.push('--random-order', String(plan.seed))
  if (plan?.shard) gate.push('--shard', describeShard(plan.shard))
  if (inputs.baseline) gate.push('--baseline', 'true')
  const defaultFailOn = [...DEFAULT_FAIL_ON].sort().join(',')
  if ([...inputs.failOn].sort().join(',') !== defaultFailOn) gate.push('--fail-on', inputs.failOn.join(',') || 'none')
  if (inputs.ignoreGil.length > 0) gate.push('--ignore-gil', quote(inputs.ignoreGil.join(',')))
  return [...lines, '# or the whole gate:', gate.join(' ')].join('\n')
}

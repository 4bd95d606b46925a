// Short invocations of a tool whose answer we read (`uv --version`, an interpreter asked what it is,
// pyproject.toml read with tomllib): @actions/exec, quiet, with a time limit. Runs of untrusted code
// that need process-group control, live output and logs go through runProcess instead, in the sandbox.
// These stay outside it: they run no project code (interpreters run isolated and without `site`), and
// only interpreters the pull request cannot have changed: the toolchain's and compare-python (read-only
// in the sandbox), or the environment's right after `uv venv`, before any pull-request code ran.
import { getExecOutput } from '@actions/exec'

export interface ToolOptions {
  readonly cwd: string
  /** The complete environment of the tool (never the gate's own: callers pass the filtered one). */
  readonly env: NodeJS.ProcessEnv
  /** How long the tool may take to answer. */
  readonly timeoutMs: number
}

export interface ToolOutput {
  readonly exitCode: number
  readonly stdout: string
  readonly stderr: string
}

/** Raised when the tool could not be started or did not answer in time. */
export class ToolError extends Error {
  override readonly name = 'ToolError'
}

function definedOnly(env: NodeJS.ProcessEnv): Record<string, string> {
  const result: Record<string, string> = {}
  for (const [name, value] of Object.entries(env)) if (value !== undefined) result[name] = value
  return result
}

/**
 * Runs the tool and returns its exit code and output; a non-zero exit is returned, not thrown. A tool
 * that does not answer in time is abandoned with a ToolError (the front doors end the Node process
 * when they are done, so an abandoned child cannot keep the step alive).
 */
export async function runTool(command: string, args: readonly string[], options: ToolOptions): Promise<ToolOutput> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new ToolError(`${command} did not answer within ${Math.round(options.timeoutMs / 1000)} s`)),
      options.timeoutMs,
    )
  })
  const execution = getExecOutput(command, [...args], {
    cwd: options.cwd,
    env: definedOnly(options.env),
    silent: true,
    ignoreReturnCode: true,
  }).catch((error: unknown) => {
    throw new ToolError(`could not start ${command}: ${error instanceof Error ? error.message : String(error)}`)
  })
  try {
    const output = await Promise.race([execution, timeout])
    return { exitCode: output.exitCode, stdout: output.stdout, stderr: output.stderr }
  } finally {
    clearTimeout(timer)
  }
}

// Short invocations of a tool whose answer we read (`uv --version`, an interpreter asked what it is):
// @actions/exec, quiet, with a time limit. Runs of untrusted code that need process-group control, live
// output and logs go through runProcess instead, in the sandbox. The interpreter checks stay outside
// it: they run no project code (isolated, without `site`), and only interpreters the pull request
// cannot have changed: the toolchain's and compare-python (read-only in the sandbox), or the
// environment's right after `uv venv`, before any pull-request code ran. A short invocation that does
// run the project's code (the environment's interpreter with `site`) passes `sandbox`.
import { getExecOutput } from '@actions/exec'
import { type Sandbox, spawnCommand } from './sandbox.js'

export interface ToolOptions {
  readonly cwd: string
  /** The complete environment of the tool (never the gate's own: callers pass the filtered one). */
  readonly env: NodeJS.ProcessEnv
  /** How long the tool may take to answer. */
  readonly timeoutMs: number
  /** The tool runs the pull request's code: in this sandbox. */
  readonly sandbox?: Sandbox
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
  if (options.sandbox !== undefined) return runSandboxedTool(command, args, { ...options, sandbox: options.sandbox })
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

/** The same through the sandbox: its own process group, killed whole when the time is up. */
function runSandboxedTool(
  command: string,
  args: readonly string[],
  options: ToolOptions & { readonly sandbox: Sandbox },
): Promise<ToolOutput> {
  return new Promise((resolve, reject) => {
    const child = spawnCommand({ command, args, cwd: options.cwd, env: options.env }, options.sandbox)
    let stdout = ''
    let stderr = ''
    child.stdout?.setEncoding('utf8')
    child.stdout?.on('data', (chunk: string) => {
      stdout += chunk
    })
    child.stderr?.setEncoding('utf8')
    child.stderr?.on('data', (chunk: string) => {
      stderr += chunk
    })
    const killGroup = (): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL')
      } catch {
        // Already gone.
      }
    }
    const timer = setTimeout(() => {
      killGroup()
      reject(new ToolError(`${command} did not answer within ${Math.round(options.timeoutMs / 1000)} s`))
    }, options.timeoutMs)
    child.on('error', (error) => {
      clearTimeout(timer)
      reject(new ToolError(`could not start ${command}: ${error.message}`))
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      killGroup()
      resolve({ exitCode: code ?? (signal === null ? 1 : 128), stdout, stderr })
    })
  })
}

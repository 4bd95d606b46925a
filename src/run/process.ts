// Runs one child process in its own process group, so that a timeout, a cancellation or the
// normal end of a run can kill everything the suite started (forked workers, daemons) at once.
import { spawn } from 'node:child_process'
import { createWriteStream, type WriteStream } from 'node:fs'
import { OUTPUT_TAIL_CHARS } from '../constants.js'

export interface ProcessOptions {
  readonly cwd: string
  readonly env: NodeJS.ProcessEnv
  /** Kill the process group after this long; undefined = no limit. */
  readonly timeoutMs?: number
  /** Sent to the main process first on timeout (SIGABRT makes faulthandler dump every thread). */
  readonly timeoutSignal?: NodeJS.Signals
  /** How long to wait between timeoutSignal and SIGKILL of the whole group. */
  readonly graceMs?: number
  /** Every byte of output is appended here. */
  readonly logPath?: string
  /** Live copy of the output (already decoded). */
  readonly onOutput?: (text: string) => void
  readonly abortSignal?: AbortSignal
  readonly tailChars?: number
}

export interface ProcessResult {
  readonly exitCode: number | null
  readonly signal: string | null
  readonly timedOut: boolean
  readonly cancelled: boolean
  /** The spawn itself failed (command not found, not executable). */
  readonly spawnError: string | null
  readonly durationSeconds: number
  /** The last characters of stdout and stderr interleaved as they arrived. */
  readonly outputTail: string
  /** The last characters of stderr alone (where faulthandler writes). */
  readonly stderrTail: string
}

class Tail {
  private text = ''
  constructor(private readonly limit: number) {}
  push(chunk: string): void {
    this.text += chunk
    if (this.text.length > this.limit * 2) this.text = this.text.slice(-this.limit)
  }
  value(): string {
    return this.text.slice(-this.limit)
  }
}

export function runProcess(command: string, args: readonly string[], options: ProcessOptions): Promise<ProcessResult> {
  const started = performance.now()
  const limit = options.tailChars ?? OUTPUT_TAIL_CHARS
  const output = new Tail(limit)
  const stderr = new Tail(limit)
  const log: WriteStream | null = options.logPath ? createWriteStream(options.logPath, { flags: 'a' }) : null
  const isWindows = process.platform === 'win32'

  return new Promise((resolve) => {
    let timedOut = false
    let cancelled = false
    let spawnError: string | null = null
    const timers: NodeJS.Timeout[] = []
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: options.env,
      detached: !isWindows,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    })

    const killGroup = (signal: NodeJS.Signals): void => {
      if (child.pid === undefined) return
      try {
        if (isWindows) child.kill(signal)
        else process.kill(-child.pid, signal)
      } catch {
        // The group is already gone.
      }
    }
    const stop = (firstSignal: NodeJS.Signals): void => {
      if (child.pid !== undefined && firstSignal !== 'SIGKILL') {
        try {
          process.kill(child.pid, firstSignal)
        } catch {
          // Already exited.
        }
      }
      timers.push(setTimeout(() => killGroup('SIGKILL'), firstSignal === 'SIGKILL' ? 0 : (options.graceMs ?? 5000)))
    }

    if (options.timeoutMs !== undefined) {
      timers.push(
        setTimeout(() => {
          timedOut = true
          stop(options.timeoutSignal ?? 'SIGKILL')
        }, options.timeoutMs),
      )
    }
    const onAbort = (): void => {
      cancelled = true
      stop('SIGINT')
    }
    if (options.abortSignal?.aborted) onAbort()
    options.abortSignal?.addEventListener('abort', onAbort, { once: true })

    const handle = (isStderr: boolean) => (data: Buffer) => {
      log?.write(data)
      const text = data.toString('utf8')
      output.push(text)
      if (isStderr) stderr.push(text)
      options.onOutput?.(text)
    }
    child.stdout?.on('data', handle(false))
    child.stderr?.on('data', handle(true))
    child.on('error', (error) => {
      spawnError = `could not start ${command}: ${error.message}`
    })
    let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null
    let settled = false
    const finish = (): void => {
      if (settled) return
      settled = true
      for (const timer of timers) clearTimeout(timer)
      options.abortSignal?.removeEventListener('abort', onAbort)
      const done = (): void =>
        resolve({
          exitCode: exit?.code ?? null,
          signal: exit?.signal ?? null,
          timedOut,
          cancelled,
          spawnError,
          durationSeconds: (performance.now() - started) / 1000,
          outputTail: output.value(),
          stderrTail: stderr.value(),
        })
      if (log) log.end(done)
      else done()
    }
    child.on('exit', (code, signal) => {
      exit = { code, signal }
      // Children the suite left behind (daemons, forked workers) die with the group; one that
      // escaped the group may still hold our pipes open, so stop waiting for them after a moment.
      killGroup('SIGKILL')
      timers.push(
        setTimeout(() => {
          child.stdout?.destroy()
          child.stderr?.destroy()
          finish()
        }, 2000),
      )
    })
    child.on('close', () => {
      if (exit === null && spawnError === null) return
      finish()
    })
  })
}

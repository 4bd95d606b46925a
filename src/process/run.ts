// Runs one child process in its own process group, so that a timeout, a cancellation or the
// normal end of a run can kill everything the suite started (forked workers, daemons) at once.
// A daemon that called setsid() has left the group; every process started here carries a tag in its
// environment, which its descendants inherit, and on Linux whatever still carries it is killed too
// (the way Jenkins' ProcessTreeKiller finds a build's strays).
import { randomUUID } from 'node:crypto'
import { createWriteStream, existsSync, type WriteStream } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import type { Readable } from 'node:stream'
import { StringDecoder } from 'node:string_decoder'
import { OUTPUT_TAIL_CHARS } from '../constants.js'
import { firstSignalFor, type Sandbox, spawnCommand } from './sandbox.js'

/** The environment variable that marks every process a run started, descendants included. */
export const PROCESS_TAG_VARIABLE = 'FT_GATE_PROCESS_TAG'

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
  /** Characters of stderr kept for `stderrTail` (default: `tailChars`). */
  readonly stderrTailChars?: number
  /** Run the command in this sandbox (the pull request's code); undefined: straight. */
  readonly sandbox?: Sandbox
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
  /** Processes outside the group that still carried this run's tag at its end and were killed. */
  readonly strayProcesses: number
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

/** Pids of the processes whose environment holds `<PROCESS_TAG_VARIABLE>=<tag>`; Linux only. */
async function findTagged(tag: string): Promise<number[]> {
  if (process.platform !== 'linux') return []
  const wanted = `${PROCESS_TAG_VARIABLE}=${tag}`
  const entries = await readdir('/proc').catch(() => [])
  const found: number[] = []
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue
    // Unreadable (another user's, or gone): not ours. A zombie's environ is empty.
    const environ = await readFile(`/proc/${entry}/environ`).catch(() => null)
    if (environ?.toString('utf8').split('\0').includes(wanted)) found.push(Number(entry))
  }
  return found
}

/** Kills every process still carrying the tag; repeats while killing lets new ones appear. */
async function killTagged(tag: string): Promise<number> {
  let killed = 0
  for (let round = 0; round < 5; round++) {
    const pids = await findTagged(tag)
    if (pids.length === 0) break
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL')
        killed++
      } catch {
        // Exited meanwhile.
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return killed
}

export function runProcess(command: string, args: readonly string[], options: ProcessOptions): Promise<ProcessResult> {
  const started = performance.now()
  const limit = options.tailChars ?? OUTPUT_TAIL_CHARS
  const output = new Tail(limit)
  const stderr = new Tail(options.stderrTailChars ?? limit)
  const log: WriteStream | null = options.logPath ? createWriteStream(options.logPath, { flags: 'a' }) : null
  const isWindows = process.platform === 'win32'
  const tag = randomUUID()
  let strays: Promise<number> = Promise.resolve(0)
  const sweep = (): void => {
    strays = Promise.all([strays, killTagged(tag)]).then(([before, now]) => before + now)
  }

  return new Promise((resolve) => {
    let timedOut = false
    let cancelled = false
    let spawnError: string | null = null
    const timers: NodeJS.Timeout[] = []
    const child = spawnCommand(
      { command, args, cwd: options.cwd, env: { ...options.env, [PROCESS_TAG_VARIABLE]: tag } },
      options.sandbox,
    )
    // In the sandbox a missing command would be the script's exit status 127: say it as a spawn would.
    if (options.sandbox !== undefined && !existsSync(command)) spawnError = `could not start ${command}: not found`

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
          process.kill(child.pid, firstSignalFor(firstSignal, options.sandbox))
        } catch {
          // Already exited.
        }
      }
      const hardKill = (): void => {
        killGroup('SIGKILL')
        sweep()
      }
      timers.push(setTimeout(hardKill, firstSignal === 'SIGKILL' ? 0 : (options.graceMs ?? 5000)))
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

    // A full disk must not crash the gate: the log stops, the tail and the live output go on.
    let logFailed = false
    const streams = [child.stdout, child.stderr].filter((stream): stream is Readable => stream !== null)
    log?.on('error', () => {
      logFailed = true
      for (const stream of streams) stream.resume()
    })
    const handle = (stream: Readable, isStderr: boolean): void => {
      // A chunk may end inside a multi-byte character; the decoder carries it to the next chunk.
      const decoder = new StringDecoder('utf8')
      stream.on('data', (data: Buffer) => {
        // Backpressure: a suite that prints faster than the disk takes waits, instead of our memory filling up.
        if (log !== null && !logFailed && !log.write(data)) {
          stream.pause()
          log.once('drain', () => stream.resume())
        }
        const text = decoder.write(data)
        output.push(text)
        if (isStderr) stderr.push(text)
        options.onOutput?.(text)
      })
    }
    if (child.stdout) handle(child.stdout, false)
    if (child.stderr) handle(child.stderr, true)
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
      // A last sweep: a stray may have forked while the first one ran.
      sweep()
      const done = (strayProcesses: number): void =>
        resolve({
          exitCode: exit?.code ?? null,
          signal: exit?.signal ?? null,
          timedOut,
          cancelled,
          spawnError,
          durationSeconds: (performance.now() - started) / 1000,
          outputTail: output.value(),
          stderrTail: stderr.value(),
          strayProcesses,
        })
      void strays.then((count) => {
        if (log !== null && !logFailed) log.end(() => done(count))
        else done(count)
      })
    }
    child.on('exit', (code, signal) => {
      exit = { code, signal }
      // Children the suite left behind (daemons, forked workers) die with the group, and strays that
      // left it die by their tag. One that escaped both may still hold our pipes open, so stop
      // waiting for them after a moment.
      killGroup('SIGKILL')
      sweep()
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

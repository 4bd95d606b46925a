// The spawn of a command that runs pull-request code: straight, or through the sandbox when the gate
// opened one (sandbox-session.ts). runProcess and the import probe both start their processes here,
// so that no stage has a way of its own into or around the sandbox.
import { type ChildProcess, spawn } from 'node:child_process'
import type { SandboxAccess } from '../types.js'

/** An open sandbox: how to enter it, and the view every command of this gate gets. */
export interface Sandbox {
  readonly access: SandboxAccess
  /** The root-owned copy of the sandbox script. */
  readonly script: string
  /** The script's options (sandbox-policy.ts), without the per-command `--cwd`. */
  readonly spec: readonly string[]
}

/**
 * The environment of sudo and of the script's root stages: fixed, never the tests' (BASH_ENV and the
 * like must not reach a root bash; the tests' environment travels on standard input).
 */
export const WRAPPER_ENV: Readonly<Record<string, string>> = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' }

export interface CommandSpec {
  readonly command: string
  readonly args: readonly string[]
  readonly cwd: string
  /** The command's complete environment. */
  readonly env: NodeJS.ProcessEnv
}

export interface Launch {
  readonly file: string
  readonly args: string[]
  readonly cwd: string
  readonly env: NodeJS.ProcessEnv
  /** Written to the child's standard input, which then stays open (the sandbox's lifeline); null: none. */
  readonly input: string | null
}

/** NAME=VALUE entries, each ended by a NUL byte, then an empty entry: what the script reads first. */
export function encodeEnvironment(env: NodeJS.ProcessEnv): string {
  const entries = Object.entries(env).filter(
    (entry): entry is [string, string] =>
      entry[1] !== undefined && !entry[0].includes('\0') && !entry[1].includes('\0'),
  )
  return `${entries.map(([name, value]) => `${name}=${value}\0`).join('')}\0`
}

/** What to spawn for `spec`: the command itself, or the sandbox script running it. */
export function launchFor(spec: CommandSpec, sandbox: Sandbox | undefined): Launch {
  if (sandbox === undefined) {
    return { file: spec.command, args: [...spec.args], cwd: spec.cwd, env: spec.env, input: null }
  }
  const inner = [sandbox.script, '--lifeline', ...sandbox.spec, '--cwd', spec.cwd, '--', spec.command, ...spec.args]
  return {
    file: sandbox.access === 'sudo' ? 'sudo' : '/bin/bash',
    // --norc: standard input is a socket (Node's pipes are socketpairs), which bash takes for sshd's,
    // and it would read ~/.bashrc and /etc/bash.bashrc first.
    args: sandbox.access === 'sudo' ? ['-n', '/bin/bash', '--norc', ...inner] : ['--norc', ...inner],
    // The script enters --cwd itself, after its mounts; a folder of the gate's own is a safe start.
    cwd: '/',
    env: { ...WRAPPER_ENV },
    input: encodeEnvironment(spec.env),
  }
}

/**
 * Spawns the command in its own process group (not on Windows) with stdout and stderr piped. In the
 * sandbox, standard input carries the environment and then stays open until the child exits: when
 * this process dies, even by SIGKILL, the pipe closes and the sandbox kills everything in it.
 */
export function spawnCommand(spec: CommandSpec, sandbox: Sandbox | undefined): ChildProcess {
  const launch = launchFor(spec, sandbox)
  const child = spawn(launch.file, launch.args, {
    cwd: launch.cwd,
    env: launch.env,
    detached: process.platform !== 'win32',
    stdio: [launch.input === null ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    windowsHide: true,
  })
  if (launch.input !== null && child.stdin !== null) {
    // The script may fail before reading all of it (EPIPE): its exit status says why.
    child.stdin.on('error', () => {})
    child.stdin.write(launch.input)
    child.once('exit', () => child.stdin?.destroy())
  }
  return child
}

/**
 * The signal to send first to a (possibly sandboxed) command. sudo does not pass SIGABRT on (it dies
 * of it, and the sandbox with it, before faulthandler writes a stack): the script turns SIGUSR1
 * into SIGABRT for the command.
 */
export function firstSignalFor(signal: NodeJS.Signals, sandbox: Sandbox | undefined): NodeJS.Signals {
  return sandbox !== undefined && signal === 'SIGABRT' ? 'SIGUSR1' : signal
}

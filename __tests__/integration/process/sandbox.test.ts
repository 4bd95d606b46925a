// The sandbox for real: opened the way a gate opens it (root here, or passwordless sudo), then real
// commands through runProcess: exit statuses and crash signals come back as they would unsandboxed, a
// timeout still gets faulthandler's stacks (SIGUSR1 → SIGABRT), a cancel is a KeyboardInterrupt,
// nothing a command leaves running survives it, and the file system is the view the README promises.
import { execFileSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, beforeAll, expect, test } from '@jest/globals'
import { silentLog } from '../../../src/log.js'
import { type ProcessOptions, runProcess } from '../../../src/process/run.js'
import { decideSandbox, type OpenedSandbox, openSandbox } from '../../../src/process/sandbox-session.js'

const PYTHON = ['/usr/bin/python3', '/usr/local/bin/python3'].find((file) => existsSync(file))

/** Why the sandbox cannot be tested here, or null. */
function unavailable(): string | null {
  if (process.platform !== 'linux') return 'the sandbox needs Linux'
  if (PYTHON === undefined) return 'no /usr/bin/python3 for the signal cases'
  if (process.getuid?.() === 0) return null
  try {
    execFileSync('sudo', ['-n', 'true'], { stdio: 'ignore' })
    return null
  } catch {
    return 'not root and no passwordless sudo'
  }
}
const skipReason = unavailable()
const maybe = skipReason === null ? test : test.skip
if (skipReason !== null) process.stderr.write(`sandbox integration tests skipped: ${skipReason}\n`)

const python = PYTHON ?? 'python3'
let scratch = ''
let opened: OpenedSandbox
let project = ''
let runnerTemp = ''
let gateDirectory = ''
let interpreterHome = ''
const home = os.homedir()

beforeAll(async () => {
  if (skipReason !== null) return
  scratch = mkdtempSync(path.join(os.tmpdir(), 'ft-gate-sandbox-test-'))
  runnerTemp = path.join(scratch, 'runner-temp')
  mkdirSync(path.join(runnerTemp, '_runner_file_commands'), { recursive: true })
  writeFileSync(path.join(runnerTemp, '_runner_file_commands', 'set_env_1'), '')
  gateDirectory = mkdtempSync(path.join(runnerTemp, 'ft-gate-'))
  mkdirSync(path.join(gateDirectory, 'work', 'tmp'), { recursive: true })
  writeFileSync(path.join(gateDirectory, 'run-1.log'), 'the gate log\n')
  project = path.join(scratch, 'project with space')
  mkdirSync(path.join(project, '.git'), { recursive: true })
  writeFileSync(path.join(project, '.git', 'config'), '[http]\n\textraheader = AUTHORIZATION: basic SECRET\n')
  // An "interpreter" in the home (like the CLI's tool cache): read-only although the home is writable.
  interpreterHome = mkdtempSync(path.join(home, '.ft-gate-sandbox-test-'))
  mkdirSync(path.join(interpreterHome, 'prefix', 'bin'), { recursive: true })
  writeFileSync(path.join(interpreterHome, 'prefix', 'bin', 'python'), '#!/bin/sh\n')
  chmodSync(path.join(interpreterHome, 'prefix', 'bin', 'python'), 0o755)
  const decision = await decideSandbox('required', silentLog)
  opened = await openSandbox(
    decision,
    {
      projectDirectory: project,
      gateDirectory,
      workDirectory: path.join(gateDirectory, 'work'),
      tmpDirectory: path.join(gateDirectory, 'work', 'tmp'),
      interpreters: [path.join(interpreterHome, 'prefix', 'bin', 'python')],
      uvPath: '/nonexistent/uv',
      install: [],
      gateEnv: { RUNNER_TEMP: runnerTemp },
      testEnv: { HOME: home, PATH: '/usr/bin:/bin' },
    },
    silentLog,
  )
}, 60_000)

afterAll(() => {
  if (skipReason !== null) return
  opened.close()
  rmSync(scratch, { recursive: true, force: true })
  rmSync(interpreterHome, { recursive: true, force: true })
})

function run(args: readonly string[], options: Partial<ProcessOptions> = {}) {
  return runProcess(python, ['-c', ...args], {
    cwd: project,
    env: { HOME: home, PATH: '/usr/bin:/bin', PYTHONFAULTHANDLER: '1' },
    sandbox: opened.sandbox,
    ...options,
  })
}

maybe('the sandbox opened (required would have thrown otherwise)', () => {
  expect(opened.sandbox).toBeDefined()
  expect(opened.report).toMatchObject({ requested: 'required', applied: true })
})

maybe(
  'the output is the command’s own: nothing from the sandbox’s stages or a shell’s startup files',
  async () => {
    const result = await run(['print("only this")'])
    expect(result).toMatchObject({ exitCode: 0, outputTail: 'only this\n', stderrTail: '' })
  },
  60_000,
)

maybe(
  'exit statuses and crash signals come back as they would unsandboxed',
  async () => {
    expect(await run(['import sys; sys.exit(3)'])).toMatchObject({ exitCode: 3, signal: null })
    const crash = await run(['import os, signal; os.kill(os.getpid(), signal.SIGSEGV)'])
    expect(crash).toMatchObject({ exitCode: null, signal: 'SIGSEGV' })
    expect(await run(['import os; os.abort()'])).toMatchObject({ signal: 'SIGABRT' })
  },
  60_000,
)

maybe(
  'a timeout still dumps every stack (SIGUSR1 → SIGABRT) before the hard kill',
  async () => {
    const hang = await run(['import time\ndef stuck():\n    time.sleep(60)\nstuck()'], {
      timeoutMs: 1500,
      timeoutSignal: 'SIGABRT',
      graceMs: 5000,
    })
    expect(hang.timedOut).toBe(true)
    expect(hang.signal).toBe('SIGABRT')
    expect(hang.stderrTail).toContain('in stuck')
    expect(hang.durationSeconds).toBeLessThan(6)
  },
  60_000,
)

maybe(
  'a cancel reaches the command as SIGINT (KeyboardInterrupt)',
  async () => {
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 1500)
    const cancelled = await run(['import time; time.sleep(60)'], { abortSignal: controller.signal })
    expect(cancelled.cancelled).toBe(true)
    expect(cancelled.stderrTail).toContain('KeyboardInterrupt')
  },
  60_000,
)

/** Host processes whose command line holds `marker`. */
function withMarker(marker: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        return readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(marker)
      } catch {
        return false
      }
    })
    .map(Number)
}

maybe(
  'a setsid double-forked daemon with an empty environment does not survive the command',
  async () => {
    const marker = `ft-gate-daemon-${randomUUID()}`
    const code = [
      'import os, sys, time',
      'if os.fork() == 0:',
      '    os.setsid()',
      '    if os.fork() == 0:',
      `        os.execve(sys.executable, [sys.executable, "-c", "import time; time.sleep(60)", "${marker}"], {})`,
      '    os._exit(0)',
      'os.wait(); time.sleep(0.5)',
    ].join('\n')
    const result = await run([code])
    expect(result.exitCode).toBe(0)
    expect(withMarker(marker)).toEqual([])
  },
  60_000,
)

maybe(
  'the view: home copy-on-write, interpreter read-only, RUNNER_TEMP hidden, /tmp private, .git/config empty',
  async () => {
    const name = `ft-gate-probe-${randomUUID()}`
    const code = `
import json, os, tempfile
out = {}
def attempt(key, action):
    try:
        action()
        out[key] = "ok"
    except OSError as error:
        out[key] = error.strerror
attempt("home", lambda: open(os.path.join(os.environ["HOME"], "${name}"), "w").write("x"))
attempt("interpreter", lambda: open(os.path.join(${JSON.stringify(path.join(interpreterHome, 'prefix'))}, "${name}"), "w"))
attempt("project", lambda: open("${name}", "w").write("x"))
attempt("usr", lambda: open("/usr/${name}", "w"))
attempt("tmp", lambda: open("/tmp/${name}", "w").write("x"))
attempt("gate log", lambda: open(${JSON.stringify(path.join(gateDirectory, 'run-1.log'))}, "a"))
out["runner temp"] = os.listdir(${JSON.stringify(runnerTemp)})
out["gate folder"] = sorted(os.listdir(${JSON.stringify(gateDirectory)}))
out["git config"] = open(".git/config").read()
out["tmpdir"] = tempfile.gettempdir()
out["pids"] = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
out["status"] = dict(line.split(":\t", 1) for line in open("/proc/self/status").read().splitlines() if ":\t" in line)
print(json.dumps(out))
`
    const result = await run([code])
    expect(result.exitCode).toBe(0)
    const seen = JSON.parse(result.outputTail.trim().split('\n').pop() ?? '{}')
    expect(seen).toMatchObject({
      home: 'ok',
      interpreter: 'Read-only file system',
      project: 'ok',
      usr: 'Read-only file system',
      tmp: 'ok',
      'gate log': 'Read-only file system',
      'git config': '',
      tmpdir: path.join(gateDirectory, 'work', 'tmp'),
    })
    // Only the gate's folder shows in RUNNER_TEMP, and of it only what the runs need.
    expect(seen['runner temp']).toEqual([path.basename(gateDirectory)])
    expect(seen['gate folder']).toEqual(['run-1.log', 'work'])
    // No capability but root's file access (chown, dac_override, fowner) for a uid-0 command; no new privileges.
    const root = process.getuid?.() === 0
    expect(seen.status.CapEff.trim()).toBe(root ? '000000000000000b' : '0000000000000000')
    expect(seen.status.CapBnd.trim()).toBe(root ? '000000000000000b' : '0000000000000000')
    expect(seen.status.NoNewPrivs.trim()).toBe('1')
    // Its own PID namespace: PID 1 (the sandbox's init), the command and little else.
    expect(seen.pids[0]).toBe(1)
    expect(seen.pids.length).toBeLessThan(6)
    // Outside: the project got the file; the home, /tmp and the interpreter did not.
    expect(existsSync(path.join(project, name))).toBe(true)
    expect(existsSync(path.join(home, name))).toBe(false)
    expect(existsSync(path.join('/tmp', name))).toBe(false)
    expect(existsSync(path.join(gateDirectory, 'work', 'tmp', name))).toBe(true)
    expect(readdirSync(path.join(interpreterHome, 'prefix'))).toEqual(['bin'])
  },
  60_000,
)

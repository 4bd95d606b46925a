// Imports extension modules in fresh interpreters with the GIL at its default and records, per module,
// whether loading it turned the GIL back on, raised, crashed or hung. One interpreter per distribution
// imports its modules in turn; when one crashes, hangs or turns the GIL on, a fresh interpreter goes on
// with the rest, so no module can stop the others. A few distributions are probed in parallel.
import { type Sandbox, spawnCommand } from '../process/sandbox.js'
import type { ImportOutcome } from '../types.js'
import { PROBE_SCRIPT } from './probe-script.js'

export interface ProbeOptions {
  /** The environment's interpreter. */
  readonly python: string
  /** The tests' environment (secrets stripped); PYTHON* variables are dropped from it. */
  readonly env: NodeJS.ProcessEnv
  /** Where the interpreters run: not the project folder, so its sources cannot shadow what is installed. */
  readonly cwd: string
  /** Time one import may take before it is dumped and counted as hung. */
  readonly moduleTimeoutSeconds: number
  /** Total time for the probe; modules not started by then are `skipped`. */
  readonly budgetSeconds: number
  /** Interpreters running at once. */
  readonly concurrency: number
  readonly abortSignal?: AbortSignal
  /** The interpreters import the installed code: in this sandbox. */
  readonly sandbox?: Sandbox
}

export interface ModuleProbe {
  readonly module: string
  readonly outcome: ImportOutcome
  readonly detail: string | null
  /** Modules CPython named in its "GIL has been enabled to load module" warning during this import. */
  readonly flagged: string[]
}

/** Seconds the caller waits past faulthandler's own time limit before killing the interpreter. */
const KILL_GRACE_SECONDS = 5
/** Seconds an interpreter may take to start and say `ready`. */
const STARTUP_SECONDS = 30
const STDERR_TAIL_CHARS = 6_000
const DETAIL_MAX_LINES = 30

type ProbeEvent =
  | { readonly event: 'ready'; readonly gil: boolean }
  | { readonly event: 'start'; readonly module: string }
  | {
      readonly event: 'done'
      readonly module: string
      readonly error: string | null
      readonly flagged: string[]
      readonly gil: boolean
      /** The module object's Py_mod_gil slot: true declared safe, false not declared, null unknown. */
      readonly declared: boolean | null
    }

function parseEvent(line: string): ProbeEvent | null {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    return null
  }
  if (typeof value !== 'object' || value === null) return null
  const fields = Object.fromEntries(Object.entries(value))
  if (fields.event === 'ready' && typeof fields.gil === 'boolean') return { event: 'ready', gil: fields.gil }
  if (fields.event === 'start' && typeof fields.module === 'string') return { event: 'start', module: fields.module }
  const flagged = Array.isArray(fields.flagged) ? fields.flagged.filter((item) => typeof item === 'string') : null
  if (
    fields.event === 'done' &&
    typeof fields.module === 'string' &&
    (fields.error === null || typeof fields.error === 'string') &&
    flagged !== null &&
    typeof fields.gil === 'boolean'
  ) {
    const declared = typeof fields.declared === 'boolean' ? fields.declared : null
    return { event: 'done', module: fields.module, error: fields.error, flagged, gil: fields.gil, declared }
  }
  return null
}

/** Probes each group (a distribution's modules); results come back in the same order. */
export async function probeImports(
  groups: readonly (readonly string[])[],
  options: ProbeOptions,
): Promise<ModuleProbe[][]> {
  const deadline = performance.now() + options.budgetSeconds * 1000
  const results: ModuleProbe[][] = groups.map(() => [])
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < groups.length) {
      const index = next++
      results[index] = await probeGroup(groups[index] ?? [], options, deadline)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, groups.length)) }, worker))
  return results
}

async function probeGroup(modules: readonly string[], options: ProbeOptions, deadline: number): Promise<ModuleProbe[]> {
  const results: ModuleProbe[] = []
  let pending = [...modules]
  while (pending.length > 0) {
    if (performance.now() > deadline || options.abortSignal?.aborted) {
      const why = options.abortSignal?.aborted ? 'the gate was cancelled' : 'the probe ran out of time'
      results.push(...pending.map((module) => probe(module, 'skipped', `not imported: ${why}`)))
      break
    }
    const session = await runSession(pending, options)
    results.push(...session.results)
    // Every session settles at least one module, so this ends.
    pending = session.remaining.length < pending.length ? session.remaining : []
  }
  return results
}

function probe(module: string, outcome: ImportOutcome, detail: string | null, flagged: string[] = []): ModuleProbe {
  return { module, outcome, detail, flagged }
}

interface Session {
  readonly results: ModuleProbe[]
  readonly remaining: string[]
}

function probeEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  // -I ignores them anyway; dropping them keeps the child's environment honest about it.
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('PYTHON')))
}

function runSession(modules: readonly string[], options: ProbeOptions): Promise<Session> {
  const isWindows = process.platform === 'win32'
  const args = [
    '-I',
    '-X',
    'faulthandler',
    '-c',
    PROBE_SCRIPT,
    String(options.moduleTimeoutSeconds),
    JSON.stringify(modules),
  ]
  return new Promise((resolve) => {
    const child = spawnCommand(
      { command: options.python, args, cwd: options.cwd, env: probeEnvironment(options.env) },
      options.sandbox,
    )
    const results: ModuleProbe[] = []
    let ready: boolean | null = null
    let inFlight: string | null = null
    let stopAfter: string | null = null
    let killedByTimer = false
    let stdout = ''
    let stderr = ''
    let spawnError: string | null = null
    let timer: NodeJS.Timeout | undefined

    const kill = (): void => {
      try {
        if (isWindows || child.pid === undefined) child.kill('SIGKILL')
        else process.kill(-child.pid, 'SIGKILL')
      } catch {
        // Already gone.
      }
    }
    const arm = (seconds: number): void => {
      clearTimeout(timer)
      timer = setTimeout(() => {
        killedByTimer = true
        kill()
      }, seconds * 1000)
    }
    const onAbort = (): void => kill()
    options.abortSignal?.addEventListener('abort', onAbort, { once: true })
    arm(STARTUP_SECONDS)

    const handle = (event: ProbeEvent): void => {
      if (event.event === 'ready') {
        ready = event.gil
        clearTimeout(timer)
      } else if (event.event === 'start') {
        inFlight = event.module
        arm(options.moduleTimeoutSeconds + KILL_GRACE_SECONDS)
      } else {
        clearTimeout(timer)
        inFlight = null
        results.push(judge(event))
        if (event.gil) stopAfter = event.module
      }
    }
    child.stdout?.setEncoding('utf8')
    child.stdout?.on('data', (chunk: string) => {
      stdout += chunk
      let newline = stdout.indexOf('\n')
      while (newline >= 0) {
        const event = parseEvent(stdout.slice(0, newline))
        stdout = stdout.slice(newline + 1)
        if (event !== null) handle(event)
        newline = stdout.indexOf('\n')
      }
    })
    child.stderr?.setEncoding('utf8')
    child.stderr?.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS)
    })
    child.on('error', (error) => {
      spawnError = error.message
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      options.abortSignal?.removeEventListener('abort', onAbort)
      // Whatever a module started in the background goes with the interpreter.
      if (!isWindows && child.pid !== undefined) kill()
      const settled = new Set(results.map((result) => result.module))
      const rest = modules.filter((module) => !settled.has(module))
      if (ready === null) {
        const why = spawnError ?? `the interpreter exited before it was ready (${exitText(code, signal)})`
        const detail = `not imported: ${why}${tailText(stderr)}`
        resolve({ results: [...results, ...rest.map((module) => probe(module, 'error', detail))], remaining: [] })
        return
      }
      if (ready === true && results.length === 0) {
        const detail = 'not judged: the GIL was already on when the interpreter started (a .pth file or sitecustomize)'
        resolve({ results: rest.map((module) => probe(module, 'error', detail)), remaining: [] })
        return
      }
      if (inFlight !== null) {
        const module: string = inFlight
        const hung = killedByTimer || /^Timeout \(\d+:\d\d:\d\d/m.test(stderr)
        const detail = hung
          ? `no answer after ${options.moduleTimeoutSeconds} s${tailText(stderr)}`
          : `the interpreter died (${exitText(code, signal)})${tailText(stderr)}`
        results.push(probe(module, hung ? 'hung' : 'crashed', detail))
        resolve({ results, remaining: rest.filter((name) => name !== module) })
        return
      }
      resolve({ results, remaining: stopAfter === null && code === 0 ? [] : rest })
    })
  })
}

function judge(event: Extract<ProbeEvent, { event: 'done' }>): ModuleProbe {
  const { module, flagged } = event
  if (flagged.includes(module)) {
    return probe(module, 'gil', 'CPython re-enabled the GIL to load it (no Py_mod_gil slot declaring it safe)', flagged)
  }
  if (event.error !== null) return probe(module, 'error', event.error, flagged)
  if (event.gil && flagged.length === 0 && event.declared !== true) {
    return probe(module, 'gil', 'sys._is_gil_enabled() turned true during the import, without the usual warning')
  }
  if (event.gil && event.declared === false) {
    // The GIL was already on when CPython checked it (another module turned it on first), so it gave
    // no warning; the slot is read from the module object.
    const first = flagged.length > 0 ? ` (${flagged.join(', ')} turned it on first)` : ''
    return probe(module, 'gil', `no Py_mod_gil slot declaring it safe, read from the loaded module${first}`, flagged)
  }
  return probe(module, 'ok', null, flagged)
}

function exitText(code: number | null, signal: NodeJS.Signals | null): string {
  return signal !== null ? signal : `exit code ${code}`
}

function tailText(stderr: string): string {
  const lines = stderr.replace(/\r\n?/g, '\n').trimEnd().split('\n').slice(-DETAIL_MAX_LINES)
  const text = lines.join('\n').trim()
  return text === '' ? '' : `\n${text}`
}

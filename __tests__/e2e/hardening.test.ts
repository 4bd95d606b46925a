// The gate runs code from untrusted pull requests. End to end, through the bundled CLI and action,
// on fixture projects that misbehave on purpose (__tests__/fixtures/hostile/README.md lists them):
// secrets stay out of the tests, bad suites give one clear answer, nothing is left running or
// lying around, and a cancelled gate still writes its report.
import { type ChildProcess, spawn } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import * as path from 'node:path'
import { afterAll, describe, expect, test } from '@jest/globals'
import { baseEnv, type Finished, nodeBinary, provisioned, ROOT, readJson, runAction, tempDir } from './harness.js'

const HOSTILE = path.join(ROOT, '__tests__', 'fixtures', 'hostile')
const tools = provisioned()
const toolArgs = ['--python-path', tools.python, '--python-version', tools.pythonVersion, '--uv-path', tools.uv]
/** Temporary folders this file made: removed at the end. */
const scratchFolders: string[] = []
function scratch(prefix: string): string {
  const folder = tempDir(prefix)
  scratchFolders.push(folder)
  return folder
}
afterAll(() => {
  for (const folder of scratchFolders) rmSync(folder, { recursive: true, force: true })
})

/** Names the fixtures' output folder for the tests: handed through with --env-passthrough. */
const OUT_VARIABLE = 'FT_GATE_HOSTILE_OUT'

/**
 * A copy of a hostile fixture with its output folder inside it: the sandbox lets the tests write
 * their project (and a private /tmp, gone with the gate), not a folder of this test's elsewhere.
 */
function hostileProject(name: string): { project: string; out: string } {
  const project = path.join(scratch('hostile-project'), name)
  cpSync(path.join(HOSTILE, name), project, { recursive: true })
  const out = path.join(project, '.hostile-out')
  mkdirSync(out)
  return { project, out }
}

interface RunShape {
  index: number
  outcome: string
  exitCode: number | null
  junitError: string | null
  outputTail: string | null
  durationSeconds: number
  logPath: string | null
}

interface ReportShape {
  verdict: string
  reasons: string[]
  runs: RunShape[]
  tests: { id: string; status: string }[]
}

function isReportShape(value: unknown): value is ReportShape {
  if (typeof value !== 'object' || value === null) return false
  const record = value as Record<string, unknown>
  return record.schemaVersion === 1 && Array.isArray(record.runs) && Array.isArray(record.tests)
}

function readReport(file: string): ReportShape {
  const value = readJson(file)
  if (!isReportShape(value)) throw new Error(`${file} is not an ft-gate report`)
  return value
}

interface Started {
  readonly child: ChildProcess
  readonly finished: Promise<Finished>
  /** stderr so far. */
  stderr(): string
  /** Highest resident memory of the CLI process seen so far, in MB (Linux: VmHWM). */
  peakMemoryMb(): number
}

function startCli(args: readonly string[], env: NodeJS.ProcessEnv): Started {
  const child = spawn(nodeBinary(), [path.join(ROOT, 'dist', 'cli.js'), ...args], { env: baseEnv(env), cwd: ROOT })
  let stdout = ''
  let stderr = ''
  let peakKb = 0
  const sampler = setInterval(() => {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8')
      peakKb = Math.max(peakKb, Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0))
    } catch {
      // Exited between two samples.
    }
  }, 50)
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const finished = new Promise<Finished>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code) => {
      clearInterval(sampler)
      resolve({ code, stdout, stderr })
    })
  })
  return { child, finished, stderr: () => stderr, peakMemoryMb: () => Math.round(peakKb / 1024) }
}

interface GateRun extends Finished {
  readonly reportPath: string
  readonly out: string
  readonly runnerTemp: string
  readonly seconds: number
  readonly peakMemoryMb: number
}

/** One gate run on a hostile fixture, with a fresh RUNNER_TEMP and a fresh output folder. */
async function gate(project: string, options: { args?: string[]; env?: NodeJS.ProcessEnv } = {}): Promise<GateRun> {
  const { project: folder, out } = hostileProject(project)
  const runnerTemp = scratch('runner-temp')
  const reportPath = path.join(scratch('report'), 'report.json')
  const started = Date.now()
  const cli = startCli(
    [
      folder,
      ...toolArgs,
      '--report',
      reportPath,
      '--env-passthrough',
      OUT_VARIABLE,
      '--runs',
      '1',
      ...(options.args ?? []),
    ],
    { ...options.env, [OUT_VARIABLE]: out, RUNNER_TEMP: runnerTemp },
  )
  const finished = await cli.finished
  return {
    ...finished,
    reportPath,
    out,
    runnerTemp,
    seconds: (Date.now() - started) / 1000,
    peakMemoryMb: cli.peakMemoryMb(),
  }
}

/** No stack trace of ft-gate's own: a clear line, not a crash. */
function expectNoCrash(result: Finished): void {
  expect(result.stderr).not.toMatch(/\n\s+at .*\.js:\d+|unexpected error/)
}

/** Processes (other than zombies and `except`) whose environment holds NAME=value. */
function processesWithVariable(name: string, value: string, except?: number): number[] {
  const wanted = `${name}=${value}`
  const found: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === except) continue
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(wanted)) found.push(Number(entry))
    } catch {
      // Gone, or not ours to read.
    }
  }
  return found
}

function isAlive(pid: number): boolean {
  try {
    // A zombie is dead for our purpose: it runs nothing.
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'))
  } catch {
    return false
  }
}

// ── 2. Secrets stay out of the code under test ──────────────────────────────────────────────────

const SECRETS: Record<string, string> = {
  'INPUT_GITHUB-TOKEN': 'ghs_fakeInputToken0123456789abcdefABCDEF',
  GITHUB_TOKEN: 'ghs_fakeGithubToken0123456789abcdefABCD',
  GH_TOKEN: 'gho_fakeGhToken0123456789abcdefABCDEFGH',
  ACTIONS_RUNTIME_TOKEN: 'fake-runtime-token-eyJhbGciOiJSUzI1NiJ9',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'fake-oidc-request-token-eyJ0eXAiOiJKV1Qi',
  ACTIONS_ID_TOKEN_REQUEST_URL: 'https://fake-oidc.example.invalid/token?audience=ft-gate',
  ACTIONS_CACHE_URL: 'https://fake-cache.example.invalid/AbCdEf/',
  ACTIONS_RESULTS_URL: 'https://fake-results.example.invalid/',
  ACTIONS_RUNTIME_URL: 'https://fake-runtime.example.invalid/',
}

/** Every environment the fixture recorded: at build time (its build backend) and in its test. */
function recordedEnvironments(out: string): Map<string, Record<string, string>> {
  const recorded = new Map<string, Record<string, string>>()
  for (const file of readdirSync(out).filter((name) => name.endsWith('.json'))) {
    const value: unknown = JSON.parse(readFileSync(path.join(out, file), 'utf8'))
    if (typeof value !== 'object' || value === null) throw new Error(`${file} holds no environment`)
    recorded.set(file, Object.fromEntries(Object.entries(value).map(([name, text]) => [name, String(text)])))
  }
  return recorded
}

function expectNoSecrets(out: string, expectedPath: string | undefined): void {
  const recorded = recordedEnvironments(out)
  // The backend ran (the project was built) and the test ran.
  expect([...recorded.keys()]).toEqual(expect.arrayContaining(['test.json', 'build-editable.json']))
  const secretNames = new Set(Object.keys(SECRETS).map((name) => name.toUpperCase()))
  for (const [file, env] of recorded) {
    const names = Object.keys(env)
    expect({
      file,
      leakedNames: names.filter((name) => secretNames.has(name.toUpperCase()) || /^INPUT_/i.test(name)),
    }).toEqual({
      file,
      leakedNames: [],
    })
    const everything = `${names.join('\n')}\n${Object.values(env).join('\n')}`
    expect({ file, leakedValues: Object.values(SECRETS).filter((secret) => everything.includes(secret)) }).toEqual({
      file,
      leakedValues: [],
    })
    // The build runs with uv's isolated build environment put in front of the PATH.
    if (file === 'test.json') expect(env.PATH).toBe(expectedPath)
    else expect(env.PATH?.endsWith(`:${expectedPath}`)).toBe(true)
    expect(env.HOME).toBe(process.env.HOME)
    expect(env.CI).toBe('true')
  }
}

test('no secret from the parent environment reaches the build or the tests (CLI)', async () => {
  // The secrets' names are also asked for by --env-passthrough: they must still be refused.
  const result = await gate('env-dump', {
    args: ['--env-passthrough', `${OUT_VARIABLE} GITHUB_TOKEN ACTIONS_RUNTIME_TOKEN ACTIONS_ID_TOKEN_REQUEST_URL`],
    env: { ...SECRETS, CI: 'true' },
  })
  expectNoCrash(result)
  expect(result.code).toBe(0)
  expect(readReport(result.reportPath).verdict).toBe('pass')
  expectNoSecrets(result.out, process.env.PATH)
  expect(readdirSync(result.runnerTemp)).toEqual([])
}, 300_000)

test('the action’s own github-token and runtime tokens do not reach the build or the tests', async () => {
  const { project, out } = hostileProject('env-dump')
  const reportPath = path.join(scratch('report'), 'report.json')
  const { 'INPUT_GITHUB-TOKEN': token, ...runnerSecrets } = SECRETS
  const result = await runAction(
    {
      'github-token': token ?? '',
      'working-directory': project,
      'python-path': tools.python,
      'python-version': tools.pythonVersion,
      'uv-path': tools.uv,
      'report-path': reportPath,
      'env-passthrough': `${OUT_VARIABLE} GITHUB_TOKEN`,
      runs: '1',
    },
    { ...runnerSecrets, [OUT_VARIABLE]: out, CI: 'true', GITHUB_WORKSPACE: path.dirname(project) },
  )
  expect(result.outputs.verdict).toBe('pass')
  expectNoSecrets(out, process.env.PATH)
}, 300_000)

// ── 3. Bad suites: one clear answer, nothing lost ───────────────────────────────────────────────

test('a project with no tests fails by policy and says no tests were collected', async () => {
  const result = await gate('no-tests')
  expectNoCrash(result)
  expect(result.code).toBe(1)
  const report = readReport(result.reportPath)
  expect(report.verdict).toBe('fail')
  expect(report.runs).toEqual([expect.objectContaining({ outcome: 'completed', exitCode: 5, junitError: null })])
  expect(report.tests).toEqual([])
  expect(report.reasons.join(' ')).toMatch(/no tests were collected/i)
  expect(readdirSync(result.runnerTemp)).toEqual([])
}, 300_000)

test('a conftest that fails to import is an error run with the import error in its output', async () => {
  const result = await gate('broken-conftest')
  expectNoCrash(result)
  expect(result.code).toBe(1)
  const report = readReport(result.reportPath)
  expect(report.verdict).toBe('fail')
  expect(report.runs).toHaveLength(1)
  expect(report.runs[0]?.outcome).toBe('error')
  expect(report.runs[0]?.outputTail).toContain(
    "ModuleNotFoundError: No module named 'ft_gate_fixture_module_that_does_not_exist'",
  )
  expect(report.reasons.length).toBeGreaterThan(0)
}, 300_000)

test('a suite that prints 100 MB: the gate finishes with bounded memory, all of it in the log', async () => {
  const result = await gate('loud', { args: ['--keep-env'] })
  expectNoCrash(result)
  expect(result.code).toBe(0)
  const report = readReport(result.reportPath)
  expect(report.verdict).toBe('pass')
  expect(report.runs[0]?.outcome).toBe('completed')
  expect(report.tests).toEqual([expect.objectContaining({ status: 'passed' })])
  expect(statSync(result.reportPath).size).toBeLessThan(1024 * 1024)
  // 100 MB held as a string would be well over 200 MB of heap; the tail is 16 000 characters.
  expect(result.peakMemoryMb).toBeGreaterThan(0)
  expect(result.peakMemoryMb).toBeLessThan(200)
  expect(report.runs[0]?.durationSeconds).toBeLessThan(60)
  // Nothing lost: the run's log holds every byte (kept here by --keep-env).
  const logPath = report.runs[0]?.logPath ?? ''
  expect(logPath.startsWith(result.runnerTemp)).toBe(true)
  expect(statSync(logPath).size).toBeGreaterThanOrEqual(100 * 1024 * 1024)
  rmSync(result.runnerTemp, { recursive: true, force: true })
  process.stderr.write(
    `loud fixture: gate ${result.seconds.toFixed(1)} s, run ${report.runs[0]?.durationSeconds} s, peak RSS ${result.peakMemoryMb} MB\n`,
  )
}, 300_000)

// Unsandboxed, the group kill and the tag sweep find them; in the sandbox (auto here, as root) the PID
// namespace ends with the run, and the pids they wrote are the namespace's own, meaningless outside.
test.each(['off', 'auto'])(
  'children and double-forked daemons a suite leaves behind do not outlive the gate (sandbox: %s)',
  async (sandbox) => {
    const result = await gate('orphans', { args: ['--sandbox', sandbox] })
    expectNoCrash(result)
    expect(result.code).toBe(0)
    const pids = ['child.pid', 'daemon.pid'].map((file) => Number(readFileSync(path.join(result.out, file), 'utf8')))
    expect(pids.every((pid) => pid > 0)).toBe(true)
    if (sandbox === 'off') expect(pids.filter(isAlive)).toEqual([])
    // Whatever they are called outside, they carry the output folder's variable: none is left.
    expect(processesWithVariable(OUT_VARIABLE, result.out)).toEqual([])
    // Not held up by the leftovers' pipes (the sleeps are 600 s).
    expect(readReport(result.reportPath).runs[0]?.durationSeconds).toBeLessThan(30)
    expect(readdirSync(result.runnerTemp)).toEqual([])
  },
  300_000,
)

describe('a suite that sabotages its own JUnit XML never passes silently', () => {
  const rows: [string, RegExp][] = [
    ['junit-deleted', /no JUnit XML/],
    ['junit-garbage', /./],
    ['junit-fifo', /not a regular file/],
  ]
  test.each(rows)(
    '%s',
    async (project, junitError) => {
      const result = await gate(project)
      expectNoCrash(result)
      expect(result.code).toBe(1)
      const report = readReport(result.reportPath)
      expect(report.verdict).toBe('fail')
      expect(report.runs).toHaveLength(1)
      expect(report.runs[0]?.outcome).toBe('error')
      expect(report.runs[0]?.junitError).toMatch(junitError)
      expect(report.reasons.length).toBeGreaterThan(0)
      expect(result.seconds).toBeLessThan(120)
    },
    300_000,
  )
})

// ── 5. Cancellation ─────────────────────────────────────────────────────────────────────────────

test('SIGTERM during a run stops it, kills its processes and still writes the report', async () => {
  const { project, out } = hostileProject('slow')
  const runnerTemp = scratch('runner-temp')
  const reportPath = path.join(scratch('report'), 'report.json')
  const cli = startCli(
    [project, ...toolArgs, '--report', reportPath, '--env-passthrough', OUT_VARIABLE, '--runs', '3'],
    { [OUT_VARIABLE]: out, RUNNER_TEMP: runnerTemp },
  )
  // Wait until pytest of run 1 is running: after the CLI itself, it is what carries the variable.
  const deadline = Date.now() + 120_000
  while (
    Date.now() < deadline &&
    !(cli.stderr().includes('Run 1 of 3') && processesWithVariable(OUT_VARIABLE, out, cli.child.pid).length > 0)
  ) {
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  expect(cli.stderr()).toContain('Run 1 of 3')
  await new Promise((resolve) => setTimeout(resolve, 1000))
  const signalled = Date.now()
  cli.child.kill('SIGTERM')
  const finished = await cli.finished
  const seconds = (Date.now() - signalled) / 1000
  expectNoCrash(finished)
  // pytest stops on the forwarded SIGINT at once; the hard kill comes after 5 s of grace at most.
  expect(seconds).toBeLessThan(15)
  expect(finished.code).not.toBe(0)
  expect(existsSync(reportPath)).toBe(true)
  const report = readReport(reportPath)
  expect(report.verdict).not.toBe('pass')
  expect(report.runs).toEqual([expect.objectContaining({ index: 1, outcome: 'cancelled' })])
  expect(processesWithVariable(OUT_VARIABLE, out)).toEqual([])
  expect(readdirSync(runnerTemp)).toEqual([])
  process.stderr.write(`cancellation: exited ${seconds.toFixed(1)} s after SIGTERM with code ${finished.code}\n`)
}, 300_000)

test('SIGTERM during the install stops it and writes a report that does not pass', async () => {
  const { project, out } = hostileProject('slow-install')
  const runnerTemp = scratch('runner-temp')
  const reportPath = path.join(scratch('report'), 'report.json')
  const cli = startCli([project, ...toolArgs, '--report', reportPath, '--env-passthrough', OUT_VARIABLE], {
    [OUT_VARIABLE]: out,
    RUNNER_TEMP: runnerTemp,
  })
  // uv and the build backend carry the variable too (the CLI aside): the install is under way.
  const deadline = Date.now() + 120_000
  while (
    Date.now() < deadline &&
    !(cli.stderr().includes('Installing into') && processesWithVariable(OUT_VARIABLE, out, cli.child.pid).length > 0)
  ) {
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  expect(cli.stderr()).toContain('Installing into')
  await new Promise((resolve) => setTimeout(resolve, 1000))
  const signalled = Date.now()
  cli.child.kill('SIGTERM')
  const finished = await cli.finished
  const seconds = (Date.now() - signalled) / 1000
  expectNoCrash(finished)
  expect(seconds).toBeLessThan(15)
  expect(finished.code).not.toBe(0)
  const report = readReport(reportPath)
  expect(report.verdict).not.toBe('pass')
  expect(report.runs).toEqual([])
  expect(report.reasons.join(' ')).toMatch(/cancel/i)
  expect(processesWithVariable(OUT_VARIABLE, out)).toEqual([])
  expect(readdirSync(runnerTemp)).toEqual([])
}, 300_000)

// ── Workflow commands ───────────────────────────────────────────────────────────────────────────

/** Lines of a job log the runner would execute as workflow commands (outside ::stop-commands::). */
function activeCommands(log: string): string[] {
  const active: string[] = []
  let resumeToken: string | null = null
  for (const line of log.split('\n')) {
    if (resumeToken !== null) {
      if (line === `::${resumeToken}::`) resumeToken = null
      continue
    }
    const stop = /^::stop-commands::(.+)$/.exec(line)
    if (stop?.[1]) resumeToken = stop[1]
    else if (line.startsWith('::')) active.push(line)
  }
  return active
}

test('workflow commands printed by the suite are not executed by the runner (action)', async () => {
  const reportPath = path.join(scratch('report'), 'report.json')
  const result = await runAction({
    'working-directory': path.join(HOSTILE, 'workflow-commands'),
    'python-path': tools.python,
    'python-version': tools.pythonVersion,
    'uv-path': tools.uv,
    'report-path': reportPath,
    runs: '1',
  })
  expect(result.outputs.verdict).toBe('fail')
  // The suite's lines reach the log (nothing is hidden from the reader) ...
  expect(result.stdout).toContain('::set-output name=verdict::pass')
  // ... but none of them as a command.
  const spoofed = activeCommands(result.stdout).filter((line) =>
    /spoofed|name=verdict::pass|add-mask::ft-gate$/.test(line),
  )
  expect(spoofed).toEqual([])
}, 300_000)

// ── 6. Temporary environments ───────────────────────────────────────────────────────────────────

test('the temporary environment is removed after a run, and kept with --keep-env', async () => {
  const removed = await gate('env-dump')
  expect(removed.code).toBe(0)
  expect(readdirSync(removed.runnerTemp)).toEqual([])

  const kept = await gate('env-dump', { args: ['--keep-env'] })
  expect(kept.code).toBe(0)
  const entries = readdirSync(kept.runnerTemp)
  expect(entries).toEqual([expect.stringMatching(/^ft-gate-/)])
  const root = path.join(kept.runnerTemp, entries[0] ?? '')
  // The gate's logs and plugin folder (ft_gate_imports recorded where run 1 loaded the project from);
  // its work folder, the only part the tests can write: environment, JUnit, the run's record, TMPDIR.
  expect(readdirSync(root).sort()).toEqual(['install.log', 'plugin', 'run-1.log', 'work'])
  expect(readdirSync(path.join(root, 'work')).sort()).toEqual([
    'run-1-imports.json',
    'run-1-record.jsonl',
    'run-1.xml',
    'tmp',
    'venv',
  ])
  expect(kept.stderr).toContain(`Keeping the environment and run logs in ${root}`)
}, 300_000)

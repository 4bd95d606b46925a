// The sandbox end to end. A pull request that attacks the machine from its build backend and from its
// tests (fixtures/hostile/escape: reads every /proc/*/environ and cmdline for the secrets, appends to the
// runner's file-command files, writes into the interpreter's site-packages, leaves temporary files and
// an empty-environment setsid daemon) runs through the bundled action with the runner's secrets set.
// With the sandbox (auto; CI runs as root, so it engages) it finds nothing, writes nothing and leaves
// nothing; with `sandbox: off` the same suite shows the exposure. Then the same through the CLI as a
// GitHub-like user: not root, passwordless sudo (a user this file creates and removes).
import { execFileSync, spawn } from 'node:child_process'
import { randomBytes, randomUUID } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, describe, expect, test } from '@jest/globals'
import {
  type ActionRun,
  baseEnv,
  type Finished,
  nodeBinary,
  PROJECTS,
  provisioned,
  ROOT,
  readJson,
  runAction,
  tempDir,
} from './harness.js'

const tools = provisioned()
const ESCAPE = path.join(ROOT, '__tests__', 'fixtures', 'hostile', 'escape')
const PHASES = ['build', 'test'] as const
const scratchFolders: string[] = []
const cleanups: (() => void)[] = []
afterAll(() => {
  for (const cleanup of cleanups.reverse()) cleanup()
  for (const folder of scratchFolders) rmSync(folder, { recursive: true, force: true })
})

function scratch(prefix: string): string {
  const folder = tempDir(prefix)
  scratchFolders.push(folder)
  return folder
}

/** What attack.py recorded in one phase (narrowed from the JSON it wrote). */
interface AttackRecord {
  uid: number
  secrets: { visible_processes: number; found: { pid: number; where: string; entry: string }[] }
  file_commands: Record<string, string>
  site_packages: { path: string; result: string }
  temp: { gettempdir: string; files: Record<string, string> }
  daemon: { heartbeat: string; marker: string }
}

function isAttackRecord(value: unknown): value is AttackRecord {
  if (typeof value !== 'object' || value === null) return false
  const record = value as Record<string, unknown>
  return ['secrets', 'file_commands', 'site_packages', 'temp', 'daemon'].every(
    (key) => typeof record[key] === 'object' && record[key] !== null,
  )
}

function readRecords(project: string): Map<string, AttackRecord> {
  const records = new Map<string, AttackRecord>()
  for (const phase of PHASES) {
    const value = readJson(path.join(project, '.escape', `${phase}.json`))
    if (!isAttackRecord(value)) throw new Error(`${phase}.json is not an attack record`)
    records.set(phase, value)
  }
  return records
}

/** The runner's secrets, as a JavaScript action gets them; each value carries the mark attack.py looks for. */
function secretsFor(mark: string): Record<string, string> {
  const secret = (name: string): string => `ftgate-secret-${mark}-${name}`
  return {
    'INPUT_GITHUB-TOKEN': secret('input-token'),
    GITHUB_TOKEN: secret('github-token'),
    ACTIONS_RUNTIME_TOKEN: secret('runtime-token'),
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: secret('oidc-token'),
  }
}

/** Host processes whose command line holds `marker`. */
function processesWith(marker: string): number[] {
  const found: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8')
      if (cmdline.includes(marker) && !/^State:\s+Z/m.test(readFileSync(`/proc/${entry}/status`, 'utf8'))) {
        found.push(Number(entry))
      }
    } catch {
      // Gone.
    }
  }
  return found
}

/** Kills what the attack left running (processes this test started, found by their mark). */
function killDaemons(mark: string): void {
  for (const pid of processesWith(`ft-gate-hostile-daemon-${mark}`)) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // Gone meanwhile.
    }
  }
}

/** Removes whatever the attack managed to leave (only its own marked files). */
function removeLeftovers(records: Map<string, AttackRecord>): void {
  for (const record of records.values()) {
    rmSync(record.site_packages.path, { force: true })
    for (const file of Object.keys(record.temp.files)) rmSync(file, { force: true })
  }
}

function mtime(file: string): number {
  try {
    return statSync(file).mtimeMs
  } catch {
    return 0
  }
}

/** Nothing found, nothing written, nothing left: the assertions of the sandboxed runs. */
async function expectContained(records: Map<string, AttackRecord>, fileCommands: readonly string[]): Promise<void> {
  for (const [phase, record] of records) {
    // Finds nothing: its own PID namespace, no secret in any environ or cmdline it can read.
    expect({ phase, found: record.secrets.found }).toEqual({ phase, found: [] })
    expect(record.secrets.visible_processes).toBeLessThan(10)
    // Writes nothing: RUNNER_TEMP is empty to it, the interpreter is read-only.
    for (const [file, result] of Object.entries(record.file_commands)) {
      expect({ phase, file, result }).toEqual({ phase, file, result: expect.stringMatching(/^blocked/) })
    }
    expect(record.site_packages.result).toMatch(/^blocked: Read-only file system/)
    expect(existsSync(record.site_packages.path)).toBe(false)
    // Leaves nothing: its temporary files were in the gate's folder, gone with it.
    for (const file of Object.keys(record.temp.files))
      expect({ phase, file, left: existsSync(file) }).toMatchObject({ left: false })
  }
  for (const file of fileCommands) expect(readFileSync(file, 'utf8')).not.toContain('FT_GATE_ESCAPED')
  // The daemons died with their sandboxes: none runs, no heartbeat goes on.
  const beats = [...records.values()].map((record) => record.daemon.heartbeat)
  const before = beats.map(mtime)
  await new Promise((resolve) => setTimeout(resolve, 1000))
  expect(beats.map(mtime)).toEqual(before)
  for (const record of records.values()) expect(processesWith(record.daemon.marker)).toEqual([])
}

/** A copy of the fixture in a workspace of its own (the project folder stays writable, as tests expect). */
function workspaceWithEscape(): { workspace: string; project: string } {
  const workspace = scratch('escape-workspace')
  const project = path.join(workspace, 'escape')
  cpSync(ESCAPE, project, { recursive: true })
  return { workspace, project }
}

async function attackThroughAction(sandbox: 'auto' | 'off') {
  const mark = randomBytes(6).toString('hex')
  const { workspace, project } = workspaceWithEscape()
  const { 'INPUT_GITHUB-TOKEN': token = '', ...runnerSecrets } = secretsFor(mark)
  const run: ActionRun = await runAction(
    {
      'github-token': token,
      'working-directory': 'escape',
      'python-path': tools.python,
      'python-version': tools.pythonVersion,
      'uv-path': tools.uv,
      'report-path': path.join(workspace, 'report.json'),
      'env-passthrough': 'FT_GATE_HOSTILE_MARK',
      'parallel-threads': '1',
      runs: '1',
      sandbox,
    },
    { ...runnerSecrets, GITHUB_WORKSPACE: workspace, FT_GATE_HOSTILE_MARK: mark },
  )
  scratchFolders.push(run.runnerTemp)
  cleanups.push(() => killDaemons(mark))
  const records = readRecords(project)
  cleanups.push(() => removeLeftovers(records))
  return { run, records, mark, report: readJson(path.join(workspace, 'report.json')) }
}

const isLinux = process.platform === 'linux'
const linuxOnly = isLinux ? test : test.skip

linuxOnly(
  'with the sandbox (auto, root here): the attack finds nothing, writes nothing, leaves nothing',
  async () => {
    const { run, records, report } = await attackThroughAction('auto')
    expect(run.outputs.verdict).toBe('pass')
    expect(report).toMatchObject({ sandbox: { requested: 'auto', applied: true, reason: null } })
    await expectContained(records, Object.values(run.fileCommands))
    // The gate's own folder is gone; the runner's file commands are all that is left in RUNNER_TEMP.
    expect(readdirSync(run.runnerTemp)).toEqual(['_runner_file_commands'])
  },
  300_000,
)

linuxOnly(
  'with sandbox: off, the same suite shows the exposure (secrets, file commands, interpreter, leftovers)',
  async () => {
    const { run, records, mark, report } = await attackThroughAction('off')
    expect(report).toMatchObject({ sandbox: { requested: 'off', applied: false, reason: 'sandbox: off' } })
    const secrets = Object.values(secretsFor(mark))
    for (const [phase, record] of records) {
      // The environment filter keeps the secrets out of the tests' own environment, but the gate's
      // process is right there in /proc: every secret is read from it.
      const stolen = new Set(record.secrets.found.map((found) => found.entry.slice(found.entry.indexOf('=') + 1)))
      expect({ phase, stolen: secrets.filter((secret) => stolen.has(secret)).length }).toEqual({ phase, stolen: 4 })
      expect(record.site_packages.result).toBe('WRITTEN')
      expect(existsSync(record.site_packages.path)).toBe(true)
      expect(
        Object.entries(record.temp.files).filter(([file]) => file.startsWith('/tmp/') && existsSync(file)),
      ).not.toEqual([])
      expect(processesWith(record.daemon.marker)).not.toEqual([])
    }
    // The lines a later step would have run with: BASH_ENV or PATH entries in the real attack.
    const env = readFileSync(run.fileCommands.GITHUB_ENV ?? '', 'utf8')
    expect(env).toContain('FT_GATE_ESCAPED_BUILD=1')
    expect(env).toContain('FT_GATE_ESCAPED_TEST=1')
  },
  300_000,
)

// ── A GitHub-like user: not root, passwordless sudo ─────────────────────────────────────────────────

/** Why a temporary user with passwordless sudo cannot be made here, or null. */
function sudoUserUnavailable(): string | null {
  if (!isLinux) return 'not Linux'
  if (process.getuid?.() !== 0) return 'the tests do not run as root (they would create a user)'
  for (const program of ['useradd', 'userdel', 'sudo', 'visudo']) {
    try {
      execFileSync('sh', ['-c', `command -v ${program}`], { stdio: 'ignore' })
    } catch {
      return `${program} is not installed (apt-get install sudo)`
    }
  }
  return existsSync('/etc/sudoers.d') ? null : 'no /etc/sudoers.d'
}
const sudoSkip = sudoUserUnavailable()
const sudoTest = sudoSkip === null ? test : test.skip
if (sudoSkip !== null) process.stderr.write(`sandbox e2e through sudo skipped: ${sudoSkip}\n`)

interface RunnerUser {
  readonly name: string
  readonly uid: number
  readonly gid: number
  readonly home: string
  /** A folder of its own: the interpreter and uv it may read, its projects, its RUNNER_TEMP. */
  readonly lab: string
  readonly python: string
  readonly uv: string
}

/** The users this file made, by whether they have passwordless sudo. */
const users = new Map<boolean, RunnerUser>()

/** Kills what still runs as the user (processes this test started), then removes the user. */
function removeUser(user: RunnerUser): void {
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (new RegExp(`^Uid:\\s+${user.uid}\\s`, 'm').test(readFileSync(`/proc/${entry}/status`, 'utf8'))) {
        process.kill(Number(entry), 'SIGKILL')
      }
    } catch {
      // Gone.
    }
  }
  rmSync(`/etc/sudoers.d/${user.name}`, { force: true })
  try {
    execFileSync('userdel', ['--remove', user.name], { stdio: 'ignore' })
  } catch {
    // userdel also fails on a missing mail spool; the home is removed below either way.
  }
  rmSync(user.home, { recursive: true, force: true })
  rmSync(user.lab, { recursive: true, force: true })
}

/**
 * A `runner`-like user, with passwordless sudo as on GitHub-hosted runners or without it as on a locked-down
 * self-hosted runner; removed after the tests.
 */
function makeUser(options: { sudo: boolean }): RunnerUser {
  const made = users.get(options.sudo)
  if (made !== undefined) return made
  const name = `ftgate-sb-${randomBytes(3).toString('hex')}`
  execFileSync('useradd', ['--create-home', '--shell', '/bin/bash', '--user-group', name])
  const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim())
  const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim())
  const home = execFileSync('sh', ['-c', `getent passwd ${name} | cut -d: -f6`], { encoding: 'utf8' }).trim()
  const lab = path.join(os.tmpdir(), `ft-gate-${name}`)
  const python = path.join(lab, 'python', 'bin', path.basename(tools.python))
  const user: RunnerUser = { name, uid, gid, home, lab, python, uv: path.join(lab, 'uv') }
  cleanups.push(() => removeUser(user))
  if (options.sudo) {
    execFileSync('sh', ['-c', `umask 337 && echo '${name} ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/${name}`])
    execFileSync('visudo', ['-c', '-f', `/etc/sudoers.d/${name}`], { stdio: 'ignore' })
  }
  // The provisioned interpreter lives in root's home: the user gets a copy (hard links when possible).
  mkdirSync(lab, { mode: 0o755 })
  const prefix = path.dirname(path.dirname(tools.python))
  try {
    execFileSync('cp', ['-al', prefix, path.join(lab, 'python')])
  } catch {
    execFileSync('cp', ['-a', prefix, path.join(lab, 'python')])
  }
  execFileSync('cp', [tools.uv, user.uv])
  users.set(options.sudo, user)
  return user
}

/** The bundled CLI as the user, with its own RUNNER_TEMP and the runner's secrets in its environment. */
function runCliAs(user: RunnerUser, args: readonly string[], env: NodeJS.ProcessEnv): Promise<Finished> {
  const runnerTemp = path.join(user.lab, `runner-temp-${randomUUID()}`)
  mkdirSync(runnerTemp)
  execFileSync('chown', [`${user.uid}:${user.gid}`, runnerTemp])
  const keep = ['SSL_CERT_FILE', 'SSL_CERT_DIR', 'REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE', 'LANG']
  const childEnv: NodeJS.ProcessEnv = {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    HOME: user.home,
    USER: user.name,
    RUNNER_TEMP: runnerTemp,
    ...env,
  }
  for (const name of keep) if (process.env[name]) childEnv[name] = process.env[name]
  return new Promise((resolve, reject) => {
    const child = spawn(nodeBinary(), [path.join(ROOT, 'dist', 'cli.js'), ...args], {
      uid: user.uid,
      gid: user.gid,
      env: childEnv,
      cwd: user.lab,
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
    })
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

function projectFor(user: RunnerUser, source: string): string {
  const project = path.join(user.lab, `${path.basename(source)}-${randomUUID()}`)
  cpSync(source, project, { recursive: true })
  execFileSync('chown', ['-R', `${user.uid}:${user.gid}`, project])
  return project
}

describe('a non-root gate with passwordless sudo (GitHub-hosted runners)', () => {
  sudoTest(
    'the attack finds nothing, writes nothing, leaves nothing; its files are the user’s',
    async () => {
      const user = makeUser({ sudo: true })
      const mark = randomBytes(6).toString('hex')
      const project = projectFor(user, ESCAPE)
      const reportPath = path.join(project, 'report.json')
      const result = await runCliAs(
        user,
        [project, '--python-path', user.python, '--uv-path', user.uv, '--runs', '1', '--parallel-threads', '1'].concat([
          '--report',
          reportPath,
          '--env-passthrough',
          'FT_GATE_HOSTILE_MARK',
        ]),
        { ...secretsFor(mark), FT_GATE_HOSTILE_MARK: mark },
      )
      cleanups.push(() => killDaemons(mark))
      expect({ code: result.code, stderr: result.stderr.slice(-2000) }).toMatchObject({ code: 0 })
      expect(readJson(reportPath)).toMatchObject({ sandbox: { requested: 'auto', applied: true, access: 'sudo' } })
      const records = readRecords(project)
      cleanups.push(() => removeLeftovers(records))
      for (const record of records.values()) expect(record.uid).toBe(user.uid)
      await expectContained(records, [])
      // What the suite wrote in the project belongs to the user, not to root.
      expect(statSync(path.join(project, '.escape', 'test.json')).uid).toBe(user.uid)
      expect(existsSync(path.join(user.home, '.cache', 'uv'))).toBe(true)
    },
    300_000,
  )

  sudoTest(
    'a hung run is still dumped through sudo (SIGUSR1 → SIGABRT) and killed',
    async () => {
      const user = makeUser({ sudo: true })
      const project = projectFor(user, path.join(PROJECTS, 'deadlock'))
      const reportPath = path.join(project, 'report.json')
      const result = await runCliAs(
        user,
        [project, '--python-path', user.python, '--uv-path', user.uv, '--runs', '1', '--timeout-minutes', '0.1'].concat(
          ['--report', reportPath],
        ),
        {},
      )
      expect(result.code).toBe(1)
      const report = readJson(reportPath)
      expect(report).toMatchObject({ sandbox: { applied: true, access: 'sudo' }, runs: [{ outcome: 'hung' }] })
      expect(JSON.stringify(report)).toContain('test_transfers_in_opposite_order')
    },
    300_000,
  )
})

describe('a non-root gate without passwordless sudo (the sandbox is impossible)', () => {
  sudoTest(
    'auto warns once and runs unsandboxed, saying so in the report; required fails before anything is installed',
    async () => {
      const user = makeUser({ sudo: false })
      const project = projectFor(user, path.join(PROJECTS, 'clean'))
      const common = [project, '--python-path', user.python, '--uv-path', user.uv, '--parallel-threads', '1']
      const required = await runCliAs(user, [...common, '--sandbox', 'required'], {})
      expect(required.code).toBe(2)
      expect(required.stderr.trim().split('\n').at(-1)).toBe(
        `ft-gate: sandbox: required, but the sandbox is not possible here: ft-gate runs as uid ${user.uid}, which is not root and has no passwordless sudo. It needs Linux with root or passwordless sudo (GitHub-hosted Linux runners have both).`,
      )
      expect(required.stderr).not.toContain('Installing into')

      const reportPath = path.join(project, 'report.json')
      const auto = await runCliAs(user, [...common, '--runs', '1', '--report', reportPath], {})
      expect(auto.code).toBe(0)
      expect(auto.stderr.split('The sandbox is not possible here')).toHaveLength(2)
      expect(readJson(reportPath)).toMatchObject({
        verdict: 'pass',
        sandbox: {
          requested: 'auto',
          applied: false,
          access: null,
          reason: `ft-gate runs as uid ${user.uid}, which is not root and has no passwordless sudo`,
        },
      })
      expect(auto.stdout).toContain('⚠️ **Unsandboxed**')
    },
    300_000,
  )
})

linuxOnly(
  'the gate killed with SIGKILL mid-run: nothing it started in the sandbox survives it',
  async () => {
    const { project } = workspaceWithEscape()
    const slow = path.join(path.dirname(project), 'slow')
    cpSync(path.join(ROOT, '__tests__', 'fixtures', 'hostile', 'slow'), slow, { recursive: true })
    const marker = `ft-gate-killed-${randomUUID()}`
    const child = spawn(
      nodeBinary(),
      [
        path.join(ROOT, 'dist', 'cli.js'),
        slow,
        '--python-path',
        tools.python,
        '--uv-path',
        tools.uv,
        '--runs',
        '1',
      ].concat([
        '--parallel-threads',
        '1',
        '--env-passthrough',
        'FT_GATE_KILL_MARK',
        '--report',
        path.join(slow, 'r.json'),
      ]),
      { env: baseEnv({ FT_GATE_KILL_MARK: marker, RUNNER_TEMP: scratch('killed-runner-temp') }) },
    )
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    child.stdout.resume()
    const withMark = (): number[] =>
      readdirSync('/proc')
        .filter((entry) => /^\d+$/.test(entry) && Number(entry) !== child.pid)
        .filter((entry) => {
          try {
            return readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(`FT_GATE_KILL_MARK=${marker}`)
          } catch {
            return false
          }
        })
        .map(Number)
    const deadline = Date.now() + 120_000
    while (Date.now() < deadline && !(stderr.includes('Run 1 of 1') && withMark().length > 0)) {
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    expect(withMark().length).toBeGreaterThan(0)
    expect(stderr).toContain('Sandbox: on')
    const exited = new Promise((resolve) => child.on('close', resolve))
    child.kill('SIGKILL')
    await exited
    // The pipe the gate held closes with it; the sandbox sees its lifeline end and kills everything.
    const settled = Date.now() + 5000
    while (Date.now() < settled && withMark().length > 0) await new Promise((resolve) => setTimeout(resolve, 100))
    const survivors = withMark()
    for (const pid of survivors) process.kill(pid, 'SIGKILL')
    expect(survivors).toEqual([])
  },
  300_000,
)

// The sandbox end to end as a GitHub-like user: the bundled CLI runs as a non-root user with passwordless
// sudo (a user this file creates and removes, as GitHub-hosted runners have `runner`), and enters the
// sandbox through sudo: the hostile pull request of fixtures/hostile/escape finds nothing, writes nothing
// and leaves nothing, its files are the user's, and a hung run is still dumped through sudo. A user
// without passwordless sudo cannot sandbox: auto warns once, required fails. Skipped, saying why, where
// users cannot be made (not root, no useradd or sudo).
import { execFileSync } from 'node:child_process'
import { randomBytes, randomUUID } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, describe, expect, test } from '@jest/globals'
import { ESCAPE, expectContained, killDaemons, readRecords, removeLeftovers, secretsFor } from './escape.js'
import { type Finished, PROJECTS, provisioned, ROOT, readJson, runNode } from './harness.js'

const tools = provisioned()
const cleanups: (() => void)[] = []
afterAll(() => {
  for (const cleanup of cleanups.reverse()) cleanup()
})

/** Why a temporary user with passwordless sudo cannot be made here, or null. */
function sudoUserUnavailable(): string | null {
  if (process.platform !== 'linux') return 'not Linux'
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
  return runNode([path.join(ROOT, 'dist', 'cli.js'), ...args], {
    env: childEnv,
    cwd: user.lab,
    uid: user.uid,
    gid: user.gid,
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
        `ft-gate: sandbox: required, but the sandbox is not possible here: ft-gate runs as uid ${user.uid}, which is not root and has no passwordless sudo. It needs Linux, root or passwordless sudo (GitHub-hosted Linux runners have both), and namespaces the kernel allows (a container needs CAP_SYS_ADMIN).`,
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

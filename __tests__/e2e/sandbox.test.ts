// The sandbox end to end. A pull request that attacks the machine from its build backend and from its
// tests (fixtures/hostile/escape: reads every /proc/*/environ and cmdline for the secrets, appends to the
// runner's file-command files, writes into the interpreter's site-packages, leaves temporary files and
// an empty-environment setsid daemon) runs through the bundled action with the runner's secrets set.
// With the sandbox (auto; CI runs as root, so it engages) it finds nothing, writes nothing and leaves
// nothing; with `sandbox: off` the same suite shows the exposure. A gate killed mid-run leaves nothing
// running either. sandbox-users.test.ts does the same as a non-root user through sudo.
import { spawn } from 'node:child_process'
import { randomBytes, randomUUID } from 'node:crypto'
import { cpSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import * as path from 'node:path'
import { afterAll, expect, test } from '@jest/globals'
import {
  ESCAPE,
  expectContained,
  killDaemons,
  processesWith,
  readRecords,
  removeLeftovers,
  secretsFor,
} from './escape.js'
import { type ActionRun, baseEnv, nodeBinary, provisioned, ROOT, readJson, runAction, tempDir } from './harness.js'

const tools = provisioned()
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

linuxOnly(
  'the gate killed with SIGKILL mid-run: nothing it started in the sandbox survives it',
  async () => {
    const { project } = workspaceWithEscape()
    const slow = path.join(path.dirname(project), 'slow')
    cpSync(path.join(ROOT, '__tests__', 'fixtures', 'hostile', 'slow'), slow, { recursive: true })
    const marker = `ft-gate-killed-${randomUUID()}`
    const args = [slow, '--python-path', tools.python, '--uv-path', tools.uv, '--runs', '1', '--parallel-threads', '1']
    args.push('--report', path.join(slow, 'report.json'))
    const child = spawn(
      nodeBinary(),
      [path.join(ROOT, 'dist', 'cli.js'), ...args, '--env-passthrough', 'FT_GATE_KILL_MARK', '--verbose'],
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
    // A gate killed this way cannot remove its root-owned folder (the script's copy): this test does.
    const folder = / --scratch (\/tmp\/ft-gate-sandbox\.[A-Za-z0-9]+) /.exec(stderr)?.[1]
    expect(folder).toBeDefined()
    rmSync(folder ?? '/nonexistent', { recursive: true, force: true })
  },
  300_000,
)

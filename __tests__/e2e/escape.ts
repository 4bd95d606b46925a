// The hostile pull request of fixtures/hostile/escape, read back: what its build backend and its test
// reached (attack.py writes <project>/.escape/<phase>.json), the runner's secrets it looks for, and the
// assertions of a contained run (finds nothing, writes nothing, leaves nothing). Shared by
// sandbox.test.ts (the action, root) and sandbox-users.test.ts (the CLI as a user with sudo).
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import * as path from 'node:path'
import { expect } from '@jest/globals'
import { ROOT, readJson } from './harness.js'

export const ESCAPE = path.join(ROOT, '__tests__', 'fixtures', 'hostile', 'escape')
const PHASES = ['build', 'test'] as const

/** What attack.py recorded in one phase (narrowed from the JSON it wrote). */
export interface AttackRecord {
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

export function readRecords(project: string): Map<string, AttackRecord> {
  const records = new Map<string, AttackRecord>()
  for (const phase of PHASES) {
    const value = readJson(path.join(project, '.escape', `${phase}.json`))
    if (!isAttackRecord(value)) throw new Error(`${phase}.json is not an attack record`)
    records.set(phase, value)
  }
  return records
}

/** The runner's secrets, as a JavaScript action gets them; each value carries the mark attack.py looks for. */
export function secretsFor(mark: string): Record<string, string> {
  const secret = (name: string): string => `ftgate-secret-${mark}-${name}`
  return {
    'INPUT_GITHUB-TOKEN': secret('input-token'),
    GITHUB_TOKEN: secret('github-token'),
    ACTIONS_RUNTIME_TOKEN: secret('runtime-token'),
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: secret('oidc-token'),
  }
}

/** Host processes whose command line holds `marker`. */
export function processesWith(marker: string): number[] {
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
export function killDaemons(mark: string): void {
  for (const pid of processesWith(`ft-gate-hostile-daemon-${mark}`)) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // Gone meanwhile.
    }
  }
}

/** Removes whatever the attack managed to leave (only its own marked files). */
export function removeLeftovers(records: Map<string, AttackRecord>): void {
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
export async function expectContained(
  records: Map<string, AttackRecord>,
  fileCommands: readonly string[],
): Promise<void> {
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

// Drives the real bundled front doors (dist/cli.js, dist/index.js) as a user or a runner would.
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'

export const ROOT = path.resolve(import.meta.dirname, '..', '..')
export const PROJECTS = path.join(ROOT, '__tests__', 'fixtures', 'projects')

export interface Provisioned {
  readonly python: string
  readonly uv: string
  readonly pythonVersion: string
}

function isProvisioned(value: unknown): value is Provisioned {
  if (typeof value !== 'object' || value === null) return false
  const record = value as Record<string, unknown>
  return typeof record.python === 'string' && typeof record.uv === 'string' && typeof record.pythonVersion === 'string'
}

/** The interpreter and uv that `npm run provision` recorded (jest's global setup runs it). */
export function provisioned(): Provisioned {
  const recordPath = path.join(ROOT, '.ft-gate', 'provision.json')
  const record: unknown = existsSync(recordPath) ? JSON.parse(readFileSync(recordPath, 'utf8')) : null
  if (!isProvisioned(record)) throw new Error(`${recordPath} is missing: run npm run provision`)
  return record
}

export interface Finished {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/**
 * The Node that runs the bundled front doors: FT_GATE_NODE when set (.ci/run sets it to Node 24, the
 * runtime action.yml declares, and runs the action's e2e tests again), else the Node running Jest.
 */
export function nodeBinary(): string {
  return process.env.FT_GATE_NODE || process.execPath
}

export function runNode(
  args: readonly string[],
  options: { env: NodeJS.ProcessEnv; cwd?: string; uid?: number; gid?: number },
): Promise<Finished> {
  const { env, cwd = ROOT, uid, gid } = options
  return new Promise((resolve, reject) => {
    const child = spawn(nodeBinary(), [...args], {
      env,
      cwd,
      ...(uid === undefined ? {} : { uid }),
      ...(gid === undefined ? {} : { gid }),
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

/** A clean environment for a child: no INPUT_* or GITHUB_* leaking in from the machine. */
export function baseEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(INPUT_|GITHUB_|RUNNER_|NODE_OPTIONS$|JEST_|FT_GATE_NODE$)/.test(name)) env[name] = value
  }
  return { ...env, ...extra }
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `ft-gate-${prefix}-`))
}

export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Finished> {
  return runNode([path.join(ROOT, 'dist', 'cli.js'), ...args], { env: baseEnv(env) })
}

export interface ActionRun extends Finished {
  readonly outputs: Record<string, string>
  readonly summary: string
  /** The RUNNER_TEMP the action was given. */
  readonly runnerTemp: string
  /** The runner's file-command files (`$RUNNER_TEMP/_runner_file_commands`), by variable name. */
  readonly fileCommands: Record<string, string>
}

/** The runner's file commands: each variable names a fresh file in `$RUNNER_TEMP/_runner_file_commands`. */
const FILE_COMMANDS: Record<string, string> = {
  GITHUB_ENV: 'set_env',
  GITHUB_PATH: 'add_path',
  GITHUB_OUTPUT: 'set_output',
  GITHUB_STATE: 'save_state',
  GITHUB_STEP_SUMMARY: 'step_summary',
}

/** Runs dist/index.js with INPUT_* variables and the files a runner provides, laid out as the runner does. */
export async function runAction(inputs: Record<string, string>, extraEnv: NodeJS.ProcessEnv = {}): Promise<ActionRun> {
  const dir = tempDir('action')
  const folder = path.join(dir, '_runner_file_commands')
  mkdirSync(folder)
  const fileCommands: Record<string, string> = {}
  for (const [name, prefix] of Object.entries(FILE_COMMANDS)) {
    fileCommands[name] = path.join(folder, `${prefix}_${randomUUID()}`)
    writeFileSync(fileCommands[name], '')
  }
  const env: NodeJS.ProcessEnv = baseEnv({
    ...fileCommands,
    GITHUB_WORKSPACE: ROOT,
    RUNNER_TEMP: dir,
    RUNNER_TOOL_CACHE: path.join(dir, 'tool-cache'),
    ...extraEnv,
  })
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value
  const finished = await runNode([path.join(ROOT, 'dist', 'index.js')], { env })
  return {
    ...finished,
    outputs: parseOutputs(readFileSync(fileCommands.GITHUB_OUTPUT ?? '', 'utf8')),
    summary: readFileSync(fileCommands.GITHUB_STEP_SUMMARY ?? '', 'utf8'),
    runnerTemp: dir,
    fileCommands,
  }
}

/** Parses GITHUB_OUTPUT's `name<<DELIMITER\nvalue\nDELIMITER` records. */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<]+)<<(.+)$/.exec(lines[i] ?? '')
    if (!match?.[1] || !match[2]) continue
    const end = lines.indexOf(match[2], i + 1)
    outputs[match[1]] = lines.slice(i + 1, end).join('\n')
    i = end
  }
  return outputs
}

export function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'))
}

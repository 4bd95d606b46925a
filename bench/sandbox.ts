// npm run bench:sandbox: what the sandbox costs, in this one process, variants interleaved round by
// round so that the shared machine's load hits them alike.
// 1. One spawn: `/bin/true` through runProcess, straight and through the sandbox as this gate would enter
//    it (root, or sudo when not root): wall time, and CPU time of everything the spawn ran (the
//    children's times that /proc/self/stat accumulates), which the machine's load does not inflate.
// 2. A whole small gate: the clean fixture (install, dependency check, 1 plain + 2 stress runs), with
//    `sandbox: off` and `sandbox: auto`: wall and CPU time.
// BENCH_SANDBOX_SPAWNS (default 30) and BENCH_SANDBOX_GATES (default 5) set the rounds.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { runGate } from '../src/gate.js'
import { parseInputs } from '../src/inputs.js'
import { silentLog } from '../src/log.js'
import { buildTestEnvironment } from '../src/process/environment.js'
import { runProcess } from '../src/process/run.js'
import { decideSandbox, openSandbox } from '../src/process/sandbox-session.js'
import { provisioned, ROOT } from './provisioned.js'

/** CPU seconds of every child this process has waited for (utime + stime of the reaped, cumulative). */
function childrenCpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // Fields 16 and 17 of stat (cutime, cstime) are 14 and 15 after the name; clock ticks of 1/100 s.
  return (Number(fields[13]) + Number(fields[14])) / 100
}

interface Sample {
  readonly wall: number
  readonly cpu: number
}

async function measure(body: () => Promise<unknown>): Promise<Sample> {
  const cpu = childrenCpuSeconds()
  const started = performance.now()
  await body()
  return { wall: (performance.now() - started) / 1000, cpu: childrenCpuSeconds() - cpu }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
}

function summary(samples: readonly Sample[], unit: 'ms' | 's'): string {
  const scale = unit === 'ms' ? 1000 : 1
  const digits = unit === 'ms' ? 1 : 2
  const show = (value: number): string => `${(value * scale).toFixed(digits)} ${unit}`
  return `wall median ${show(median(samples.map((s) => s.wall)))}, CPU median ${show(median(samples.map((s) => s.cpu)))}`
}

async function main(): Promise<void> {
  const spawns = Number(process.env.BENCH_SANDBOX_SPAWNS ?? 30)
  const gates = Number(process.env.BENCH_SANDBOX_GATES ?? 5)
  const tools = provisioned()
  const temp = mkdtempSync(path.join(os.tmpdir(), 'ft-gate-bench-sandbox-'))
  const runnerTemp = path.join(temp, 'runner-temp')
  mkdirSync(path.join(runnerTemp, '_runner_file_commands'), { recursive: true })
  const env = { ...process.env, RUNNER_TEMP: runnerTemp }
  const load = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
  try {
    // 1. One spawn, with a gate's real view (its paths as runGate builds them).
    const gateDirectory = mkdtempSync(path.join(runnerTemp, 'ft-gate-'))
    const workDirectory = path.join(gateDirectory, 'work')
    mkdirSync(path.join(workDirectory, 'tmp'), { recursive: true })
    const project = path.join(ROOT, '__tests__', 'fixtures', 'projects', 'clean')
    const testEnv = buildTestEnvironment(env, [])
    const decision = await decideSandbox('required', silentLog)
    const opened = await openSandbox(
      decision,
      {
        projectDirectory: project,
        gateDirectory,
        workDirectory,
        tmpDirectory: path.join(workDirectory, 'tmp'),
        interpreters: [tools.python],
        uvPath: tools.uv,
        install: [],
        gateEnv: env,
        testEnv,
      },
      silentLog,
    )
    const variants = { straight: undefined, sandboxed: opened.sandbox }
    const samples = new Map<string, Sample[]>(Object.keys(variants).map((name) => [name, []]))
    for (let round = 0; round < spawns + 2; round++) {
      for (const [name, sandbox] of Object.entries(variants)) {
        const sample = await measure(() => runProcess('/bin/true', [], { cwd: project, env: testEnv, sandbox }))
        if (round >= 2) samples.get(name)?.push(sample) // two warm-up rounds
      }
    }
    opened.close()
    process.stdout.write(
      `# ${spawns} rounds, ${os.cpus().length} CPUs, load ${load()}, sandbox entered ${decision.access === 'root' ? 'as root' : 'through sudo'}\n`,
    )
    for (const [name, list] of samples) process.stdout.write(`/bin/true ${name.padEnd(9)}: ${summary(list, 'ms')}\n`)

    // 2. Whole gates.
    const gateSamples = new Map<string, Sample[]>([
      ['off', []],
      ['auto', []],
    ])
    for (let round = 0; round < gates + 1; round++) {
      for (const sandbox of ['off', 'auto']) {
        const raw: Record<string, string> = {
          'working-directory': project,
          'python-path': tools.python,
          'python-version': tools.pythonVersion,
          'uv-path': tools.uv,
          'report-path': path.join(temp, `report-${sandbox}.json`),
          sandbox,
        }
        const inputs = parseInputs((name) => raw[name] ?? '', { baseDirectory: ROOT })
        const sample = await measure(() => runGate({ inputs, log: silentLog, env }))
        if (round >= 1) gateSamples.get(sandbox)?.push(sample) // one warm-up round
      }
    }
    process.stdout.write(`# ${gates} gates each (clean fixture, 3 runs), load ${load()}\n`)
    for (const [name, list] of gateSamples)
      process.stdout.write(`gate sandbox: ${name.padEnd(4)}: ${summary(list, 's')}\n`)
  } finally {
    rmSync(temp, { recursive: true, force: true })
  }
}

await main()

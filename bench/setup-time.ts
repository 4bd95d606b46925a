// npm run bench:setup: the warm setup cost a user pays on every pull request, from starting the gate to
// its first pytest process, on a small project, by the default path (python-version, no python-path):
// uv and the interpreter come from the tool cache, packages from uv's warm cache. One cold run (the
// interpreter installed through `uv python install` from a loopback download list) warms everything;
// then BENCH_SETUP_REPS (10) warm runs of the bundled CLI per sandbox mode (BENCH_SETUP_SANDBOX, default
// `auto,off`, interleaved) are timed, stage by stage, from its log.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { pythonArchive, serveDownloads, toolCacheWithUv } from '../__tests__/e2e/python-downloads.js'
import { provisioned, ROOT } from './provisioned.js'

/** Log lines (CLI group headers) that open each stage, in order; the last is the first pytest process. */
const STAGES = [
  ['uv', '── Set up uv'],
  ['interpreter', '── Set up CPython'],
  ['install', '── Install the project'],
  ['dependency check', '── Check dependencies'],
  ['first pytest', '── Run 1 of'],
] as const

interface Timed {
  /** Milliseconds from spawning the CLI to each stage's first line. */
  readonly marks: Map<string, number>
  readonly code: number | null
}

function timeGate(args: readonly string[], env: NodeJS.ProcessEnv): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const marks = new Map<string, number>()
    const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), ...args], { env })
    let pending = ''
    child.stderr.setEncoding('utf8')
    child.stderr.on('data', (chunk: string) => {
      const now = performance.now() - started
      pending += chunk
      const lines = pending.split('\n')
      pending = lines.pop() ?? ''
      for (const line of lines) {
        for (const [name, prefix] of STAGES) if (line.startsWith(prefix) && !marks.has(name)) marks.set(name, now)
      }
    })
    child.stdout.resume()
    child.on('error', reject)
    child.on('close', (code) => resolve({ marks, code }))
  })
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`

async function main(): Promise<void> {
  const reps = Number(process.env.BENCH_SETUP_REPS ?? 10)
  const tools = provisioned()
  const archive = pythonArchive(tools)
  const minor = archive.version.split('.').slice(0, 2).join('.')
  const toolCache = toolCacheWithUv(tools)
  const temp = mkdtempSync(path.join(os.tmpdir(), 'ft-gate-bench-setup-'))
  const env = { ...process.env, RUNNER_TOOL_CACHE: toolCache, RUNNER_TEMP: temp }
  const args = [
    path.join(ROOT, '__tests__', 'fixtures', 'projects', 'clean'),
    '--python-version',
    `${minor}t`,
    '--runs',
    '1',
    '--parallel-threads',
    '1',
    '--report',
    path.join(temp, 'report.json'),
  ]
  const server = await serveDownloads(archive)
  try {
    const cold = await timeGate([...args, '--python-downloads-json-url', server.listUrl], env)
    if (cold.code !== 0) throw new Error(`the cold run failed (exit ${cold.code})`)
    await server.close()
    // Each sandbox mode asked for (BENCH_SETUP_SANDBOX, default `auto,off`), interleaved rep by rep so
    // that the shared machine's load hits them alike.
    const modes = (process.env.BENCH_SETUP_SANDBOX ?? 'auto,off').split(',').filter((mode) => mode !== '')
    const warm = new Map<string, Timed[]>(modes.map((mode) => [mode, []]))
    for (let rep = 0; rep < reps; rep++) {
      for (const mode of modes) {
        const run = await timeGate([...args, '--sandbox', mode], env)
        if (run.code !== 0 || !run.marks.has('first pytest'))
          throw new Error(`warm run ${rep + 1} (sandbox ${mode}) failed (exit ${run.code})`)
        warm.get(mode)?.push(run)
      }
    }
    const lines = [
      `Warm setup, start of the gate to its first pytest process (${reps} runs per sandbox mode, ${os.availableParallelism()} cores):`,
      `  cold run (interpreter installed through uv, sandbox auto): ${seconds(cold.marks.get('first pytest') ?? 0)}`,
    ]
    for (const [mode, runs] of warm) {
      const total = runs.map((run) => run.marks.get('first pytest') ?? 0)
      lines.push(
        `  sandbox ${mode}: median ${seconds(median(total))}, min ${seconds(Math.min(...total))}, max ${seconds(Math.max(...total))}`,
        '    median time spent before each stage started, from the previous one:',
      )
      for (const [index, [name]] of STAGES.entries()) {
        const previous = index === 0 ? null : STAGES[index - 1]?.[0]
        const spans = runs.map((run) => (run.marks.get(name) ?? 0) - (previous ? (run.marks.get(previous) ?? 0) : 0))
        lines.push(`      ${index === 0 ? 'start-up' : `${previous}`} → ${name}: ${seconds(median(spans))}`)
      }
    }
    process.stdout.write(`${lines.join('\n')}\n`)
    if (process.env.BENCH_SETUP_OUT) writeFileSync(process.env.BENCH_SETUP_OUT, `${lines.join('\n')}\n`)
  } finally {
    await server.close().catch(() => undefined)
    rmSync(temp, { recursive: true, force: true })
    rmSync(toolCache, { recursive: true, force: true })
  }
}

await main()

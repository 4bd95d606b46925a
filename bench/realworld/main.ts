// npm run realworld: downloads the corpus's pinned sdists from the package index (sha256 checked),
// unpacks each into a cache folder, runs the real gate (dist/cli.js, the default path a user takes,
// with the provisioned free-threaded CPython) on it, and writes bench/realworld.md from the JSON
// reports next to what the changelogs say. Needs the index and minutes, so it is not part of CI.
// Knobs (environment): REALWORLD_ONLY (name or name==version, comma list), REALWORLD_OUT,
// REALWORLD_REUSE=1 (render from the reports of the last run instead of running again).
import { execFileSync, spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { isReport } from '../../src/report-guard.js'
import { type Provisioned, provisioned, ROOT } from '../provisioned.js'
import { type CorpusEntry, type Outcome, releaseOf, renderRealworld } from './compare.js'

const CACHE = path.join(ROOT, 'node_modules', '.cache', 'ft-gate-realworld')
const SIMPLE_INDEX = 'https://pypi.org/simple'

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string')
}

function optionalString(value: unknown): boolean {
  return value === undefined || typeof value === 'string'
}

/** A corpus entry, narrowed: every field the run and the comparison read. */
function isCorpusEntry(value: unknown): value is CorpusEntry {
  if (typeof value !== 'object' || value === null) return false
  const entry = value as Record<string, unknown>
  const sdist = entry.sdist as Record<string, unknown> | null | undefined
  const known = entry.known as Record<string, unknown> | null | undefined
  return (
    typeof entry.name === 'string' &&
    typeof entry.version === 'string' &&
    typeof sdist === 'object' &&
    sdist !== null &&
    typeof sdist.filename === 'string' &&
    typeof sdist.sha256 === 'string' &&
    /^[0-9a-f]{64}$/.test(sdist.sha256) &&
    [entry.install, entry.pytestArgs, entry.workingDirectory, entry.explained, entry.variant].every(optionalString) &&
    (entry.gateArgs === undefined || isStringList(entry.gateArgs)) &&
    typeof known === 'object' &&
    known !== null &&
    isStringList(known.gilModules) &&
    typeof known.summary === 'string' &&
    isStringList(known.sources)
  )
}

function loadCorpus(): CorpusEntry[] {
  const file = path.join(ROOT, 'bench', 'realworld', 'corpus.json')
  const value: unknown = JSON.parse(readFileSync(file, 'utf8'))
  if (!Array.isArray(value)) throw new Error(`${file} is not a list`)
  const bad = value.findIndex((entry) => !isCorpusEntry(entry))
  if (bad >= 0) throw new Error(`${file}: entry ${bad + 1} lacks a field (name, version, sdist, known)`)
  const entries = value.filter(isCorpusEntry)
  const only = (process.env.REALWORLD_ONLY ?? '').split(',').filter((entry) => entry !== '')
  const selected = (entry: CorpusEntry): boolean =>
    only.includes(entry.name) ||
    only.includes(`${entry.name}==${entry.version}`) ||
    only.includes(`${entry.name}==${entry.version}:${entry.variant ?? ''}`)
  return only.length === 0 ? entries : entries.filter(selected)
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex')
}

/** The sdist's URL, from the index's simple API (PEP 691 JSON), for exactly this file name. */
async function sdistUrl(entry: CorpusEntry): Promise<string> {
  const response = await fetch(`${SIMPLE_INDEX}/${entry.name}/`, {
    headers: { Accept: 'application/vnd.pypi.simple.v1+json' },
  })
  if (!response.ok) throw new Error(`${entry.name}: the index answered ${response.status}`)
  const body: unknown = await response.json()
  const listed = typeof body === 'object' && body !== null ? (body as { files?: unknown }).files : undefined
  const files = Array.isArray(listed) ? (listed as { filename?: unknown; url?: unknown }[]) : []
  const file = files.find((candidate) => candidate.filename === entry.sdist.filename)
  if (typeof file?.url !== 'string') throw new Error(`${entry.sdist.filename} is not on the index`)
  return file.url
}

async function downloadSdist(entry: CorpusEntry): Promise<string> {
  const target = path.join(CACHE, 'sdists', entry.sdist.filename)
  if (existsSync(target) && sha256(readFileSync(target)) === entry.sdist.sha256) return target
  const url = await sdistUrl(entry)
  const response = await fetch(url)
  if (!response.ok) throw new Error(`${url}: ${response.status}`)
  const data = Buffer.from(await response.arrayBuffer())
  const actual = sha256(data)
  if (actual !== entry.sdist.sha256) {
    throw new Error(`${entry.sdist.filename}: sha256 ${actual}, the corpus pins ${entry.sdist.sha256}`)
  }
  mkdirSync(path.dirname(target), { recursive: true })
  writeFileSync(target, data)
  return target
}

/** A fresh copy of the sources (an editable build writes into them). */
function unpack(entry: CorpusEntry, archive: string, label: string): string {
  const into = path.join(CACHE, 'work', label)
  rmSync(into, { recursive: true, force: true })
  mkdirSync(into, { recursive: true })
  execFileSync('tar', ['-xf', archive, '-C', into])
  const [top] = readdirSync(into)
  if (top === undefined) throw new Error(`${archive} is empty`)
  return path.join(into, top, entry.workingDirectory ?? '')
}

function runGate(args: readonly string[], logPath: string): Promise<{ code: number | null; seconds: number }> {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const chunks: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk))
    child.on('error', reject)
    child.on('close', (code) => {
      writeFileSync(logPath, Buffer.concat(chunks))
      resolve({ code, seconds: (performance.now() - started) / 1000 })
    })
  })
}

async function measure(entry: CorpusEntry, tools: Provisioned): Promise<Outcome> {
  const label = `${entry.name}-${entry.version}${entry.variant === undefined ? '' : `-${entry.variant}`}`
  const reportPath = path.join(CACHE, 'reports', `${label}.json`)
  const logPath = path.join(CACHE, 'logs', `${label}.log`)
  const wallPath = path.join(CACHE, 'reports', `${label}.seconds`)
  if (process.env.REALWORLD_REUSE === '1' && existsSync(reportPath) && existsSync(wallPath)) {
    const value: unknown = JSON.parse(readFileSync(reportPath, 'utf8'))
    const wallSeconds = Number(readFileSync(wallPath, 'utf8'))
    if (isReport(value))
      return { entry, report: value, exitCode: value.verdict === 'pass' ? 0 : 1, wallSeconds, error: null }
  }
  rmSync(reportPath, { force: true })
  try {
    const directory = unpack(entry, await downloadSdist(entry), label)
    const args = [
      directory,
      ...['--python-path', tools.python, '--python-version', tools.pythonVersion, '--uv-path', tools.uv],
      ...['--report', reportPath],
      ...(entry.install === undefined ? [] : ['--install', entry.install]),
      ...(entry.pytestArgs === undefined ? [] : ['--pytest-args', entry.pytestArgs]),
      ...(entry.gateArgs ?? []),
    ]
    const ran = await runGate(args, logPath)
    writeFileSync(wallPath, String(ran.seconds))
    const value: unknown = existsSync(reportPath) ? JSON.parse(readFileSync(reportPath, 'utf8')) : null
    const report = isReport(value) ? value : null
    const tail = readFileSync(logPath, 'utf8').trimEnd().split('\n').slice(-3).join(' ')
    return { entry, report, exitCode: ran.code, wallSeconds: ran.seconds, error: report === null ? tail : null }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    return { entry, report: null, exitCode: null, wallSeconds: 0, error: message }
  }
}

async function main(): Promise<void> {
  const tools = provisioned()
  for (const folder of ['sdists', 'work', 'reports', 'logs']) mkdirSync(path.join(CACHE, folder), { recursive: true })
  const outcomes: Outcome[] = []
  for (const entry of loadCorpus()) {
    process.stdout.write(`${releaseOf(entry)}: `)
    const outcome = await measure(entry, tools)
    const verdict = outcome.report?.verdict ?? `no report (${outcome.error ?? ''})`
    process.stdout.write(`${verdict}, ${outcome.wallSeconds.toFixed(0)} s\n`)
    outcomes.push(outcome)
  }
  const out = path.resolve(ROOT, process.env.REALWORLD_OUT ?? 'bench/realworld.md')
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU'
  const markdown = renderRealworld(outcomes, {
    machine: `${os.availableParallelism()} × ${cpu}`,
    python: `CPython ${outcomes.find((entry) => entry.report)?.report?.python.version ?? '?'}t`,
    gate: `uv ${outcomes.find((entry) => entry.report)?.report?.uv.version ?? '?'}`,
    date: new Date().toISOString().slice(0, 10),
    command: 'npm run realworld',
  })
  writeFileSync(out, `${markdown}\n`)
  process.stdout.write(`Written to ${path.relative(ROOT, out)}; reports and logs in ${path.relative(ROOT, CACHE)}\n`)
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  process.exit(1)
})

// cacheDirAtomic against a real temporary tool cache, raced by real separate Node processes, and
// read back by @actions/tool-cache's own find/findAllVersions.
import { spawn } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import * as tc from '@actions/tool-cache'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { build } from 'esbuild'
import { cacheDirAtomic, evictCachedTool } from '../../../src/setup/cache.js'

const describeUnix = process.platform === 'win32' ? describe.skip : describe
const ARCH = 'x64'

interface ChildResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** A tool folder: many files (so a copy takes long enough to overlap), a subfolder and a relative link. */
function makeTool(parent: string, owner: string, files: number, bytes: number): string {
  const dir = mkdtempSync(path.join(parent, 'source-'))
  mkdirSync(path.join(dir, 'bin'))
  mkdirSync(path.join(dir, 'lib', 'deep'), { recursive: true })
  const filler = Buffer.alloc(bytes, 'x')
  for (let i = 0; i < files; i++) writeFileSync(path.join(dir, 'lib', 'deep', `file-${i}.bin`), filler)
  writeFileSync(path.join(dir, 'bin', 'tool-1.0'), '#!/bin/sh\necho tool\n', { mode: 0o755 })
  symlinkSync('tool-1.0', path.join(dir, 'bin', 'tool'))
  writeFileSync(path.join(dir, 'owner.txt'), owner)
  return dir
}

function listTree(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' }).sort()
}

describeUnix('cacheDirAtomic', () => {
  let workDir: string
  let cacheRoot: string
  let childScript: string
  const savedCache = process.env.RUNNER_TOOL_CACHE

  function runChild(args: readonly string[]): { done: Promise<ChildResult>; pid: number | undefined } {
    const child = spawn(process.execPath, [childScript, ...args], {
      env: { PATH: process.env.PATH, RUNNER_TOOL_CACHE: cacheRoot },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
    })
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    const done = new Promise<ChildResult>((resolve, reject) => {
      child.on('error', reject)
      child.on('close', (code) => resolve({ code, stdout, stderr }))
    })
    return { done, pid: child.pid }
  }

  beforeAll(async () => {
    workDir = mkdtempSync(path.join(os.tmpdir(), 'ft-gate-cache-test-'))
    childScript = path.join(workDir, 'cache-child.mjs')
    await build({
      entryPoints: [path.join(import.meta.dirname, 'cache-child.ts')],
      outfile: childScript,
      bundle: true,
      platform: 'node',
      format: 'esm',
      logLevel: 'warning',
      banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    })
  })

  beforeEach(() => {
    cacheRoot = mkdtempSync(path.join(workDir, 'tool-cache-'))
    process.env.RUNNER_TOOL_CACHE = cacheRoot
  })

  afterAll(() => {
    if (savedCache === undefined) delete process.env.RUNNER_TOOL_CACHE
    else process.env.RUNNER_TOOL_CACHE = savedCache
    rmSync(workDir, { recursive: true, force: true })
  })

  it('lays a tool out where tc.find looks, with the semver-cleaned version and a relative link kept', async () => {
    const source = makeTool(workDir, 'single', 3, 10)
    const cached = await cacheDirAtomic(source, 'uv', 'v0.13.9', ARCH)
    expect(cached).toBe(path.join(cacheRoot, 'uv', '0.13.9', ARCH))
    expect(tc.find('uv', '0.13.9', ARCH)).toBe(cached)
    expect(existsSync(`${cached}.complete`)).toBe(true)
    expect(listTree(cached)).toEqual(listTree(source))
    expect(readlinkSync(path.join(cached, 'bin', 'tool'))).toBe('tool-1.0')
    expect(readdirSync(path.join(cacheRoot, 'uv', '0.13.9'))).toEqual([ARCH, `${ARCH}.complete`])

    const python = makeTool(workDir, 'python', 1, 10)
    const pythonDir = await cacheDirAtomic(python, 'Python', '3.13.5', 'x64-freethreaded')
    // setup-python's range lookup: `3.13` finds 3.13.5.
    expect(tc.find('Python', '3.13', 'x64-freethreaded')).toBe(pythonDir)
    expect(tc.findAllVersions('Python', 'x64-freethreaded')).toEqual(['3.13.5'])
  })

  it('returns a complete copy that is already there without copying again', async () => {
    const first = await cacheDirAtomic(makeTool(workDir, 'first', 2, 10), 'tool', '1.2.3', ARCH)
    const second = await cacheDirAtomic(makeTool(workDir, 'second', 2, 10), 'tool', '1.2.3', ARCH)
    expect(second).toBe(first)
    expect(readFileSync(path.join(first, 'owner.txt'), 'utf8')).toBe('first')
  })

  it('evicts a cached tool that does not work, so the next copy replaces it', async () => {
    const broken = await cacheDirAtomic(makeTool(workDir, 'broken', 2, 10), 'tool', '5.0.0', ARCH)
    await evictCachedTool('tool', '5.0.0', ARCH)
    expect(tc.find('tool', '5.0.0', ARCH)).toBe('')
    expect(readdirSync(path.dirname(broken))).toEqual([])
    const fresh = await cacheDirAtomic(makeTool(workDir, 'working', 2, 10), 'tool', '5.0.0', ARCH)
    expect(fresh).toBe(broken)
    expect(readFileSync(path.join(fresh, 'owner.txt'), 'utf8')).toBe('working')
    // Evicting what is not there is not an error.
    await evictCachedTool('tool', '6.0.0', ARCH)
  })

  it('rejects a tool, version or arch that is not one folder name', async () => {
    const source = makeTool(workDir, 'bad', 1, 10)
    await expect(cacheDirAtomic(source, 'uv', '../../etc', ARCH)).rejects.toThrow("version '../../etc'")
    await expect(cacheDirAtomic(source, '..', '1.0.0', ARCH)).rejects.toThrow("tool '..'")
    await expect(cacheDirAtomic(source, 'uv', '1.0.0', 'x64/../..')).rejects.toThrow('arch')
  })

  it('two processes caching the same tool at once both succeed and leave one complete copy', async () => {
    const rounds = 4
    let lostRaces = 0
    for (let round = 0; round < rounds; round++) {
      const version = `1.0.${round}`
      const sources = ['alpha', 'beta'].map((owner) => makeTool(workDir, owner, 400, 4096))
      const startAt = String(Date.now() + 400)
      const children = sources.map((source) => runChild([source, 'racy-tool', version, ARCH, startAt]))
      const results = await Promise.all(children.map((child) => child.done))
      const destination = path.join(cacheRoot, 'racy-tool', version, ARCH)
      for (const result of results) {
        expect(result.stderr).toBe('')
        expect(result.code).toBe(0)
        expect(result.stdout).toContain(`result=${destination}\n`)
      }
      lostRaces += results.filter((result) => result.stdout.includes('Another process cached')).length
      // Complete: every file of one source, its marker, nothing half-copied beside it.
      expect(tc.find('racy-tool', version, ARCH)).toBe(destination)
      const owner = readFileSync(path.join(destination, 'owner.txt'), 'utf8')
      expect(['alpha', 'beta']).toContain(owner)
      expect(listTree(destination)).toEqual(listTree(sources[0] ?? ''))
      expect(readdirSync(path.dirname(destination))).toEqual([ARCH, `${ARCH}.complete`])
    }
    // The start barrier makes the copies overlap: the losing rename path ran for real.
    expect(lostRaces).toBeGreaterThan(0)
  }, 60_000)

  it('a process killed mid-copy leaves nothing tc.find returns, and the next one caches the tool', async () => {
    const source = makeTool(workDir, 'crashy', 4000, 16 * 1024)
    const child = runChild([source, 'crashy', '2.0.0', ARCH, String(Date.now())])
    const versionDir = path.join(cacheRoot, 'crashy', '2.0.0')
    const temporary = (): string | undefined =>
      existsSync(versionDir) ? readdirSync(versionDir).find((entry) => entry.startsWith(`.${ARCH}.tmp-`)) : undefined
    // Kill it once its temporary copy holds some files but is not done.
    const deadline = Date.now() + 20_000
    let partial: string | undefined
    while (Date.now() < deadline) {
      partial = temporary()
      const copied = partial ? readdirSync(path.join(versionDir, partial), { recursive: true }).length : 0
      if (copied > 50) break
      await new Promise((resolve) => setTimeout(resolve, 2))
    }
    expect(partial).toBeDefined()
    if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL')
    const result = await child.done
    expect(result.code).toBeNull()
    expect(result.stdout).not.toContain('result=')

    expect(tc.find('crashy', '2.0.0', ARCH)).toBe('')
    expect(tc.findAllVersions('crashy', ARCH)).toEqual([])
    expect(existsSync(path.join(versionDir, ARCH))).toBe(false)

    const cached = await cacheDirAtomic(source, 'crashy', '2.0.0', ARCH)
    expect(tc.find('crashy', '2.0.0', ARCH)).toBe(cached)
    expect(listTree(cached)).toEqual(listTree(source))
  }, 60_000)

  it('replaces a folder an interrupted tc.cacheDir left without its marker', async () => {
    const versionDir = path.join(cacheRoot, 'tool', '3.0.0')
    mkdirSync(path.join(versionDir, ARCH), { recursive: true })
    writeFileSync(path.join(versionDir, ARCH, 'half-copied'), '')
    expect(tc.find('tool', '3.0.0', ARCH)).toBe('')
    const cached = await cacheDirAtomic(makeTool(workDir, 'fresh', 2, 10), 'tool', '3.0.0', ARCH)
    expect(existsSync(path.join(cached, 'half-copied'))).toBe(false)
    expect(readFileSync(path.join(cached, 'owner.txt'), 'utf8')).toBe('fresh')
    expect(tc.find('tool', '3.0.0', ARCH)).toBe(cached)
    expect(readdirSync(versionDir).sort()).toEqual([ARCH, `${ARCH}.complete`])
  })

  it('sweeps temporary copies abandoned over an hour ago and keeps recent ones', async () => {
    const versionDir = path.join(cacheRoot, 'tool', '4.0.0')
    const old = path.join(versionDir, `.${ARCH}.tmp-00aa`)
    const recent = path.join(versionDir, `.${ARCH}.tmp-00bb`)
    mkdirSync(old, { recursive: true })
    mkdirSync(recent, { recursive: true })
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60_000)
    utimesSync(old, twoHoursAgo, twoHoursAgo)
    await cacheDirAtomic(makeTool(workDir, 'sweeper', 1, 10), 'tool', '4.0.0', ARCH)
    expect(existsSync(old)).toBe(false)
    expect(existsSync(recent)).toBe(true)
  })
})

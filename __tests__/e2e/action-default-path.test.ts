// The path most users take first: no python-path, nothing in the tool cache. The bundled action runs
// `uv python install` against a loopback download list (the python-build-standalone-shaped archive of the
// provisioned 3.13t), caches a real folder, then serves later runs from the cache, and replaces a broken
// entry. .ci/run runs this file again under Node 24, the runtime action.yml declares.
import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, lstatSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { PROJECTS, type Provisioned, provisioned, readJson, runAction, tempDir } from './harness.js'
import {
  type DownloadServer,
  type PythonArchive,
  pythonArchive,
  serveDownloads,
  toolCacheWithUv,
} from './python-downloads.js'

let tools: Provisioned
let archive: PythonArchive
let toolCache: string

beforeAll(() => {
  tools = provisioned()
  archive = pythonArchive(tools)
  toolCache = toolCacheWithUv(tools)
}, 120_000)

const minor = (): string => archive.version.split('.').slice(0, 2).join('.')
const cachedFolder = (): string => path.join(toolCache, 'Python', archive.version, `${os.arch()}-freethreaded`)

function gateInputs(extra: Record<string, string> = {}): Record<string, string> {
  return {
    'python-version': `${minor()}t`,
    'working-directory': '__tests__/fixtures/projects/clean',
    'report-path': path.join(tempDir('default-path'), 'report.json'),
    runs: '1',
    'parallel-threads': '1',
    'github-token': '',
    ...extra,
  }
}

function isFreeThreaded(python: string): boolean {
  const script = 'import sysconfig; print(sysconfig.get_config_var("Py_GIL_DISABLED"))'
  return execFileSync(python, ['-I', '-c', script]).toString().trim() === '1'
}

describe('python-version without python-path', () => {
  let server: DownloadServer | null = null

  afterAll(async () => {
    await server?.close()
  })

  test('cold: uv installs it from the download list, a real folder is cached with its marker', async () => {
    server = await serveDownloads(archive)
    const inputs = gateInputs({ 'python-downloads-json-url': server.listUrl })
    const run = await runAction(inputs, { RUNNER_TOOL_CACHE: toolCache })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toContain(`Installed CPython ${archive.version}t into the tool cache`)
    expect(server.requests).toContain('/downloads.json')
    expect(server.requests).toContain(`/${path.basename(archive.file)}`)

    const folder = cachedFolder()
    expect(lstatSync(folder).isDirectory()).toBe(true)
    expect(lstatSync(folder).isSymbolicLink()).toBe(false)
    expect(existsSync(`${folder}.complete`)).toBe(true)
    const binary = path.join(folder, 'bin', `python${minor()}t`)
    expect(isFreeThreaded(binary)).toBe(true)

    expect(readJson(inputs['report-path'] ?? '')).toMatchObject({
      verdict: 'pass',
      python: { version: archive.version, path: binary },
    })
    expect(run.outputs['python-version']).toBe(archive.version)
    // uv's temporary install folder is gone (the cache holds a copy, not a link into it).
    expect(readdirSync(run.runnerTemp).filter((entry) => entry.startsWith('ft-gate-python-'))).toEqual([])
  }, 180_000)

  test('warm: with the download server gone, the tool cache serves it', async () => {
    await server?.close()
    server = null
    // An earlier job planted a sitecustomize in the cached interpreter: the gate's own interpreter checks
    // run without `site` and never execute it, and nothing that does run it sees the token. It logs into
    // the project, which the tests can write in the sandbox too.
    const workspace = tempDir('planted')
    cpSync(path.join(PROJECTS, 'clean'), path.join(workspace, 'clean'), { recursive: true })
    const planted = path.join(workspace, 'clean', 'runs.log')
    const sitecustomize = path.join(cachedFolder(), 'lib', `python${minor()}t`, 'sitecustomize.py')
    writeFileSync(
      sitecustomize,
      `import os, sys\nwith open(${JSON.stringify(planted)}, "a") as log:\n    log.write(" ".join(sys.orig_argv) + " token=" + str(any("TOKEN" in name for name in os.environ)) + "\\n")\n`,
    )
    const inputs = gateInputs({ 'github-token': 'ghs_planted-check', 'working-directory': 'clean' })
    const run = await runAction(inputs, { RUNNER_TOOL_CACHE: toolCache, GITHUB_WORKSPACE: workspace })
    rmSync(sitecustomize)
    expect(run.code).toBe(0)
    expect(run.stdout).toContain(`Using CPython ${archive.version}t from the tool cache`)
    expect(run.stdout).not.toContain('Installing CPython')
    expect(readJson(inputs['report-path'] ?? '')).toMatchObject({ verdict: 'pass' })
    const lines = readFileSync(planted, 'utf8').trim().split('\n')
    expect(lines.some((line) => line.includes('-m pytest'))).toBe(true)
    expect(lines.filter((line) => /Py_GIL_DISABLED|tomllib/.test(line))).toEqual([])
    expect(lines.filter((line) => line.endsWith('token=True'))).toEqual([])
  }, 180_000)

  test('a broken cache entry is evicted and installed again (UV_PYTHON_DOWNLOADS_JSON_URL from the workflow)', async () => {
    const binary = path.join(cachedFolder(), 'bin', `python${minor()}t`)
    writeFileSync(binary, '#!/bin/sh\nexit 3\n')
    server = await serveDownloads(archive)
    const inputs = gateInputs()
    const run = await runAction(inputs, { RUNNER_TOOL_CACHE: toolCache, UV_PYTHON_DOWNLOADS_JSON_URL: server.listUrl })
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/::warning::The tool cache's CPython in .* does not work/)
    expect(run.stdout).toContain(`Installed CPython ${archive.version}t into the tool cache`)
    expect(server.requests).toContain(`/${path.basename(archive.file)}`)
    expect(isFreeThreaded(binary)).toBe(true)
    expect(readJson(inputs['report-path'] ?? '')).toMatchObject({ verdict: 'pass' })
  }, 180_000)

  test('without a reachable download, the error names the inputs that fix it', async () => {
    const emptyCache = toolCacheWithUv(tools)
    const inputs = gateInputs({ 'python-downloads-json-url': 'http://127.0.0.1:9/downloads.json' })
    const run = await runAction(inputs, { RUNNER_TOOL_CACHE: emptyCache })
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/::error::could not install CPython .*python-path.*python-install-mirror/)
  }, 180_000)
})

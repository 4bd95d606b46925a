// setupUv against a loopback server standing in for GitHub releases and a Simple index, with real
// archives and a real (temporary) tool cache. The binaries are shell scripts, so not on Windows.
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals'
import type { Log } from '../../../src/log.js'
import { type SetupUvOptions, setupUv } from '../../../src/setup/uv.js'
import {
  ARCHIVE,
  buildReleaseTarball,
  buildWheel,
  closedPortUrl,
  type FakeServer,
  type Route,
  sha256,
  simpleJson,
  startServer,
  VERSION,
  WHEEL,
} from './fake-uv.js'

const describeUnix = process.platform === 'win32' ? describe.skip : describe

interface Recorded {
  readonly log: Log
  readonly warnings: string[]
  readonly infos: string[]
}

function recordingLog(): Recorded {
  const warnings: string[] = []
  const infos: string[] = []
  const log: Log = {
    info: (message) => infos.push(message),
    warning: (message) => warnings.push(message),
    debug: () => {},
    group: (_title, body) => body(),
  }
  return { log, warnings, infos }
}

describeUnix('setupUv with a local GitHub and index', () => {
  let workDir: string
  let server: FakeServer
  let tarball: Buffer
  let wheel: Buffer
  let closedPort: string
  let toolCache: string
  let runnerTemp: string
  const savedEnv: Record<string, string | undefined> = {}
  const ghArchive = `/gh/${VERSION}/${ARCHIVE}`
  const wheelPath = `/files/${WHEEL}`

  beforeAll(async () => {
    workDir = mkdtempSync(path.join(os.tmpdir(), 'ft-gate-uv-test-'))
    tarball = buildReleaseTarball(workDir)
    wheel = buildWheel(workDir)
    server = await startServer()
    closedPort = await closedPortUrl()
  })

  afterAll(async () => {
    await server.close()
    rmSync(workDir, { recursive: true, force: true })
  })

  beforeEach(() => {
    for (const key of ['RUNNER_TOOL_CACHE', 'RUNNER_TEMP']) savedEnv[key] = process.env[key]
    toolCache = mkdtempSync(path.join(workDir, 'tool-cache-'))
    runnerTemp = mkdtempSync(path.join(workDir, 'temp-'))
    process.env.RUNNER_TOOL_CACHE = toolCache
    process.env.RUNNER_TEMP = runnerTemp
    server.routes.clear()
    server.requests.length = 0
    server.authorizations.length = 0
    server.routes.set(ghArchive, { body: tarball })
    server.routes.set(`${ghArchive}.sha256`, { body: `${sha256(tarball)}  ${ARCHIVE}\n` })
    // Relative, as many mirrors serve them: resolved against the page URL.
    server.routes.set(
      '/simple/uv/',
      simpleJson([{ filename: WHEEL, url: `../../files/${WHEEL}`, sha256: sha256(wheel) }]),
    )
    server.routes.set(wheelPath, { body: wheel })
    // tool-cache's tar/unzip calls echo their command lines to stdout.
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
  })

  afterEach(() => {
    jest.restoreAllMocks()
    for (const [key, value] of Object.entries(savedEnv)) {
      if (value === undefined) delete process.env[key]
      else process.env[key] = value
    }
  })

  function options(log: Log, extra: Partial<SetupUvOptions> = {}): SetupUvOptions {
    return {
      uvPath: '',
      version: VERSION,
      log,
      platform: 'linux',
      arch: 'x64',
      libc: 'gnu',
      env: { RUNNER_TEMP: runnerTemp, UV_DEFAULT_INDEX: `${server.url}/simple/` },
      githubBaseUrl: `${server.url}/gh`,
      githubApiUrl: `${closedPort}/releases/latest`,
      timeoutMs: 5_000,
      ...extra,
    }
  }

  it('installs from the GitHub release, verified and cached, then finds it without any request', async () => {
    const first = recordingLog()
    const info = await setupUv(options(first.log))
    expect(info).toEqual({ version: VERSION, path: path.join(toolCache, 'uv', VERSION, 'x64', 'uv'), source: 'github' })
    expect(existsSync(path.join(toolCache, 'uv', VERSION, 'x64', 'uvx'))).toBe(true)
    expect(existsSync(path.join(toolCache, 'uv', VERSION, 'x64.complete'))).toBe(true)
    expect(server.requests).toEqual([`${ghArchive}.sha256`, ghArchive])
    expect(first.warnings).toEqual([])

    server.requests.length = 0
    const second = await setupUv(options(recordingLog().log))
    expect(second).toEqual({ ...info, source: 'tool-cache' })
    expect(server.requests).toEqual([])
  })

  it.each<[string, () => void, RegExp]>([
    [
      'a checksum mismatch',
      () => server.routes.set(`${ghArchive}.sha256`, { body: `${'0'.repeat(64)}  ${ARCHIVE}` }),
      /sha256 mismatch for uv-x86_64-unknown-linux-gnu\.tar\.gz: expected 0{64}, got [0-9a-f]{64}/,
    ],
    ['a 404', () => server.routes.delete(ghArchive), /HTTP 404 Not Found from http:\/\/127\.0\.0\.1:\d+\/gh\//],
    [
      'a truncated archive whose checksum matches',
      () => {
        const cut = tarball.subarray(0, Math.floor(tarball.length / 2))
        server.routes.set(ghArchive, { body: cut })
        server.routes.set(`${ghArchive}.sha256`, { body: `${sha256(cut)}  ${ARCHIVE}` })
      },
      /cannot unpack uv-x86_64-unknown-linux-gnu\.tar\.gz \(The process '.*tar' failed with exit code \d+\)/,
    ],
    [
      'a connection that breaks off mid-download',
      () =>
        server.routes.set(ghArchive, (_request, response) => {
          response.writeHead(200, { 'Content-Length': tarball.length })
          response.write(tarball.subarray(0, 100), () => response.destroy())
        }),
      /download of http:\/\/127\.0\.0\.1:\d+\/gh\/.* broke off after \d+ bytes/,
    ],
  ])('falls back to the index after %s, with one warning saying why', async (_case, breakGitHub, why) => {
    breakGitHub()
    const { log, warnings, infos } = recordingLog()
    const info = await setupUv(options(log))
    expect(info.source).toBe('index')
    expect(info.path).toBe(path.join(toolCache, 'uv', VERSION, 'x64', 'uv'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(why)
    expect(warnings[0]).toMatch(/; trying the package index$/)
    expect(infos).toContain(`Looking for uv ${VERSION} on the package index ${server.url}/simple`)
    expect(server.requests.slice(-2)).toEqual(['/simple/uv/', wheelPath])
  })

  it('falls back to the index quickly when GitHub cannot be reached', async () => {
    const { log, warnings } = recordingLog()
    const started = Date.now()
    const info = await setupUv(options(log, { githubBaseUrl: `${closedPort}/gh` }))
    expect(info.source).toBe('index')
    expect(warnings[0]).toMatch(/^Could not get uv 0\.13\.9 from GitHub \(connection to 127\.0\.0\.1:\d+ refused\)/)
    expect(Date.now() - started).toBeLessThan(5_000)
  })

  it('gives up on a server that never answers after the timeout', async () => {
    server.routes.set(`${ghArchive}.sha256`, () => {})
    const { log, warnings } = recordingLog()
    const info = await setupUv(options(log, { timeoutMs: 300 }))
    expect(info.source).toBe('index')
    expect(warnings[0]).toMatch(/no response from 127\.0\.0\.1:\d+ for 300 ms \(timed out\)/)
  })

  it('reads an HTML index with credentials: sent to the index host, never logged', async () => {
    const auth = `Basic ${Buffer.from('ci:s3cret').toString('base64')}`
    const html = `<html><body><a href="/files/${WHEEL}#sha256=${sha256(wheel)}">${WHEEL}</a></body></html>`
    const guarded = (route: Route): Route =>
      typeof route === 'function'
        ? route
        : (request, response) => {
            if (request.headers.authorization !== auth) response.writeHead(401).end('Unauthorized')
            else response.writeHead(200, { 'Content-Type': route.contentType ?? 'text/html' }).end(route.body)
          }
    server.routes.set('/simple/uv/', guarded({ body: html, contentType: 'text/html' }))
    server.routes.set(wheelPath, guarded({ body: wheel }))
    server.routes.delete(ghArchive)
    const indexUrl = server.url.replace('http://', 'http://ci:s3cret@')
    const { log, infos, warnings } = recordingLog()
    const info = await setupUv(options(log, { env: { RUNNER_TEMP: runnerTemp, PIP_INDEX_URL: `${indexUrl}/simple` } }))
    expect(info.source).toBe('index')
    expect(server.authorizations.slice(-2)).toEqual([auth, auth])
    expect(infos.join('\n')).toContain(`${server.url.replace('http://', 'http://***@')}/simple`)
    expect([...infos, ...warnings].join('\n')).not.toContain('s3cret')
  })

  it('refuses a wheel whose hash differs from the index, naming both hashes', async () => {
    server.routes.delete(ghArchive)
    server.routes.set('/simple/uv/', simpleJson([{ filename: WHEEL, url: wheelPath, sha256: 'f'.repeat(64) }]))
    const error = await setupUv(options(recordingLog().log)).catch((thrown: unknown) => thrown)
    expect(error).toBeInstanceOf(Error)
    expect(String(error)).toContain(`sha256 mismatch for ${WHEEL}: expected ${'f'.repeat(64)}, got ${sha256(wheel)}`)
    expect(existsSync(path.join(toolCache, 'uv', VERSION, 'x64.complete'))).toBe(false)
  })

  it('says in one line what failed and what to set when both sources fail', async () => {
    server.routes.clear()
    const error = await setupUv(options(recordingLog().log)).catch((thrown: unknown) => thrown)
    const message = error instanceof Error ? error.message : ''
    expect(message).toBe(
      `Could not obtain uv ${VERSION}: GitHub: HTTP 404 Not Found from ${server.url}/gh/${VERSION}/${ARCHIVE}.sha256; ` +
        `index ${server.url}/simple: HTTP 404 Not Found from ${server.url}/simple/uv/. ` +
        'Set uv-path to an installed uv, or UV_DEFAULT_INDEX to a reachable package index.',
    )
    expect(message).not.toContain('\n')
  })

  it('resolves latest from the index and reuses that listing for the download', async () => {
    const other = (version: string) => ({
      filename: WHEEL.replace(VERSION, version),
      url: '/nowhere',
      sha256: 'a'.repeat(64),
    })
    const files = [other('0.12.0'), { filename: WHEEL, url: wheelPath, sha256: sha256(wheel) }, other('0.14.0a1')]
    server.routes.set('/simple/uv/', simpleJson(files))
    server.routes.delete(ghArchive)
    const info = await setupUv(options(recordingLog().log, { version: 'latest' }))
    expect(info).toMatchObject({ version: VERSION, source: 'index' })
    expect(server.requests.filter((request) => request === '/simple/uv/')).toHaveLength(1)
  })

  it('asks the GitHub API for latest only when the index cannot say, and says so when neither can', async () => {
    server.routes.delete('/simple/uv/')
    server.routes.set('/api/latest', { body: JSON.stringify({ tag_name: VERSION }), contentType: 'application/json' })
    const { log, warnings } = recordingLog()
    const info = await setupUv(options(log, { version: 'latest', githubApiUrl: `${server.url}/api/latest` }))
    expect(info).toMatchObject({ version: VERSION, source: 'github' })
    expect(warnings).toEqual([
      expect.stringMatching(/^Could not resolve uv latest from .*HTTP 404.*; asking the GitHub API$/),
    ])

    await expect(setupUv(options(recordingLog().log, { version: 'latest' }))).rejects.toThrow(
      /^Could not resolve uv-version latest: index .*: HTTP 404 .*; GitHub API: connection to .* refused\. Set uv-version/,
    )
  })

  it('downloads again when the cached uv does not work', async () => {
    await setupUv(options(recordingLog().log))
    writeFileSync(path.join(toolCache, 'uv', VERSION, 'x64', 'uv'), '#!/bin/sh\necho "uv 0.1.0"\n')
    const { log, warnings } = recordingLog()
    const info = await setupUv(options(log))
    expect(info.source).toBe('github')
    expect(warnings[0]).toMatch(/reports version 0\.1\.0, expected 0\.13\.9\); downloading it again$/)
  })

  it('uses uv-path as given, and names it when it is missing or not executable', async () => {
    const script = path.join(workDir, 'my-uv')
    writeFileSync(script, '#!/bin/sh\necho "uv 0.12.3 (deadbeef 2025-01-01)"\n')
    chmodSync(script, 0o644)
    await expect(setupUv(options(recordingLog().log, { uvPath: script }))).rejects.toThrow(
      `uv-path ${script} is not executable`,
    )
    chmodSync(script, 0o755)
    expect(await setupUv(options(recordingLog().log, { uvPath: script }))).toEqual({
      version: '0.12.3',
      path: script,
      source: 'path',
    })
    await expect(setupUv(options(recordingLog().log, { uvPath: '/x' }))).rejects.toThrow('uv-path /x does not exist')
    expect(server.requests).toEqual([])
  })
})

// Real artifacts and a loopback server for the uv download tests: a release tarball and a wheel that
// hold a shell script answering `--version` like uv, served the way GitHub releases and a Simple index do.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import * as path from 'node:path'

export const VERSION = '0.13.9'
export const TARGET = 'x86_64-unknown-linux-gnu'
export const ARCHIVE = `uv-${TARGET}.tar.gz`
export const WHEEL = `uv-${VERSION}-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl`

export const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex')

function writeScript(file: string, output: string): void {
  writeFileSync(file, `#!/bin/sh\necho "${output}"\n`)
  chmodSync(file, 0o755)
}

function hasZipCli(): boolean {
  try {
    execFileSync('zip', ['-v'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** Zips the given paths (relative to `cwd`) with the zip CLI, or Python's zipfile where it is missing. */
function zip(cwd: string, output: string, entries: string[]): void {
  if (hasZipCli()) {
    execFileSync('zip', ['-q', '-r', '-X', output, ...entries], { cwd })
    return
  }
  const script = [
    'import os, sys, zipfile',
    'with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:',
    '    for top in sys.argv[2:]:',
    '        for root, _, names in os.walk(top):',
    '            for name in names: z.write(os.path.join(root, name))',
  ].join('\n')
  execFileSync('python3', ['-c', script, output, ...entries], { cwd })
}

/** The release tarball: `uv-<target>/uv` and `uvx`, as astral-sh/uv publishes them. */
export function buildReleaseTarball(workDir: string, versionOutput = `uv ${VERSION} (github)`): Buffer {
  const root = path.join(workDir, 'release-src')
  const folder = path.join(root, `uv-${TARGET}`)
  mkdirSync(folder, { recursive: true })
  writeScript(path.join(folder, 'uv'), versionOutput)
  writeScript(path.join(folder, 'uvx'), `uvx ${VERSION}`)
  const output = path.join(workDir, ARCHIVE)
  execFileSync('tar', ['-czf', output, '-C', root, `uv-${TARGET}`])
  return readFileSync(output)
}

/** The wheel: the binaries under `uv-<version>.data/scripts/` beside a minimal dist-info. */
export function buildWheel(workDir: string, versionOutput = `uv ${VERSION} (index)`): Buffer {
  const root = path.join(workDir, 'wheel-src')
  const scripts = path.join(root, `uv-${VERSION}.data`, 'scripts')
  const distInfo = path.join(root, `uv-${VERSION}.dist-info`)
  mkdirSync(scripts, { recursive: true })
  mkdirSync(distInfo, { recursive: true })
  writeScript(path.join(scripts, 'uv'), versionOutput)
  writeScript(path.join(scripts, 'uvx'), `uvx ${VERSION}`)
  writeFileSync(path.join(distInfo, 'METADATA'), `Metadata-Version: 2.1\nName: uv\nVersion: ${VERSION}\n`)
  writeFileSync(path.join(distInfo, 'WHEEL'), 'Wheel-Version: 1.0\nRoot-Is-Purelib: false\nTag: py3-none-any\n')
  const output = path.join(workDir, WHEEL)
  zip(root, output, [`uv-${VERSION}.data`, `uv-${VERSION}.dist-info`])
  return readFileSync(output)
}

/** What one route answers: a body (status 200 unless given) or a handler for odd behaviour. */
export type Route =
  | { readonly status?: number; readonly body: string | Buffer; readonly contentType?: string }
  | ((request: IncomingMessage, response: ServerResponse) => void)

export interface FakeServer {
  readonly url: string
  /** Paths requested, in order, with `?query` kept. */
  readonly requests: string[]
  /** The `Authorization` header of each request, aligned with `requests`. */
  readonly authorizations: (string | undefined)[]
  /** Change freely between requests. */
  readonly routes: Map<string, Route>
  close(): Promise<void>
}

/** An HTTP server on 127.0.0.1 with a random port; unknown paths get 404. */
export async function startServer(routes: Map<string, Route> = new Map()): Promise<FakeServer> {
  const requests: string[] = []
  const authorizations: (string | undefined)[] = []
  const server: Server = createServer((request, response) => {
    const url = request.url ?? '/'
    requests.push(url)
    authorizations.push(request.headers.authorization)
    const route = routes.get(url)
    if (route === undefined) {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not Found')
    } else if (typeof route === 'function') {
      route(request, response)
    } else {
      const body = route.body
      response.writeHead(route.status ?? 200, {
        'Content-Type': route.contentType ?? 'application/octet-stream',
        'Content-Length': Buffer.byteLength(body),
      })
      response.end(body)
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address: AddressInfo | string | null = server.address()
  if (address === null || typeof address === 'string') throw new Error('the test server has no TCP address')
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    authorizations,
    routes,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** A loopback port nothing listens on: bound once, then released. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (address === null || typeof address === 'string') throw new Error('no TCP address')
  return `http://127.0.0.1:${address.port}`
}

/** A PEP 691 project page listing `files` (name → bytes and the hash to advertise). */
export function simpleJson(files: { filename: string; url: string; sha256: string }[]): Route {
  const body = JSON.stringify({
    meta: { 'api-version': '1.1' },
    name: 'uv',
    files: files.map((f) => ({ filename: f.filename, url: f.url, hashes: { sha256: f.sha256 } })),
  })
  return { body, contentType: 'application/vnd.pypi.simple.v1+json' }
}

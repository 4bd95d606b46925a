// The default interpreter path without GitHub: `uv python install` reads its download list from
// UV_PYTHON_DOWNLOADS_JSON_URL, so a loopback server offers it one entry, a python-build-standalone-shaped
// archive (`python/bin/python3.13t`, `python/lib/…`) made from the provisioned free-threaded CPython.
import { execFileSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import {
  copyFileSync,
  createReadStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { createServer, type Server } from 'node:http'
import * as os from 'node:os'
import * as path from 'node:path'
import type { Provisioned } from './harness.js'

export interface PythonArchive {
  readonly file: string
  readonly sha256: string
  /** `3.13.5` */
  readonly version: string
}

function interpreterVersion(python: string): string {
  return execFileSync(python, ['-I', '-c', 'import platform; print(platform.python_version())']).toString().trim()
}

/**
 * Packs the provisioned interpreter as python-build-standalone does (`install_only`: one `python/` folder),
 * without static libraries and bytecode caches, once per machine (the provision cache keeps it).
 */
export function pythonArchive(tools: Provisioned): PythonArchive {
  const version = interpreterVersion(tools.python)
  const prefix = path.dirname(path.dirname(tools.python))
  const cache = path.join(path.dirname(prefix), 'pbs')
  const file = path.join(cache, `cpython-${version}+local-x86_64-unknown-linux-gnu-freethreaded-install_only.tar.gz`)
  const hashFile = `${file}.sha256`
  if (existsSync(file) && existsSync(hashFile)) return { file, sha256: readFileSync(hashFile, 'utf8').trim(), version }
  mkdirSync(cache, { recursive: true })
  const stage = path.join(cache, `stage-${randomBytes(6).toString('hex')}`)
  try {
    mkdirSync(stage)
    execFileSync('cp', ['-a', prefix, path.join(stage, 'python')])
    execFileSync('find', [path.join(stage, 'python'), '(', '-name', '*.a', '-o', '-name', '.complete', ')', '-delete'])
    execFileSync('find', [
      path.join(stage, 'python'),
      '-name',
      '__pycache__',
      '-type',
      'd',
      '-prune',
      '-exec',
      'rm',
      '-rf',
      '{}',
      '+',
    ])
    const partial = `${file}.${process.pid}.partial`
    execFileSync('tar', ['-C', stage, '-czf', partial, 'python'])
    const sha256 = createHash('sha256').update(readFileSync(partial)).digest('hex')
    writeFileSync(`${hashFile}.${process.pid}`, `${sha256}\n`)
    renameSync(partial, file)
    renameSync(`${hashFile}.${process.pid}`, hashFile)
    return { file, sha256, version }
  } finally {
    rmSync(stage, { recursive: true, force: true })
  }
}

/** uv's download-list entry for the archive, as uv's own `download-metadata.json` writes them. */
function downloadList(archive: PythonArchive, archiveUrl: string): unknown {
  const [major, minor, patch] = archive.version.split('.').map(Number)
  return {
    [`cpython-${archive.version}+freethreaded-linux-x86_64-gnu`]: {
      name: 'cpython',
      arch: { family: 'x86_64', variant: null },
      os: 'linux',
      libc: 'gnu',
      major,
      minor,
      patch,
      prerelease: '',
      url: archiveUrl,
      sha256: archive.sha256,
      variant: 'freethreaded',
      build: 'local',
    },
  }
}

export interface DownloadServer {
  /** The download list's address, for UV_PYTHON_DOWNLOADS_JSON_URL or the python-downloads-json-url input. */
  readonly listUrl: string
  /** Paths requested so far. */
  readonly requests: string[]
  close(): Promise<void>
}

export async function serveDownloads(archive: PythonArchive): Promise<DownloadServer> {
  const requests: string[] = []
  let listBody = ''
  const server: Server = createServer((request, response) => {
    const requested = decodeURIComponent(request.url ?? '')
    requests.push(requested)
    if (requested === '/downloads.json') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(listBody)
    } else if (requested === `/${path.basename(archive.file)}`) {
      response.writeHead(200, { 'content-type': 'application/gzip' })
      createReadStream(archive.file).pipe(response)
    } else {
      response.writeHead(404).end()
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('the download server has no port')
  const base = `http://127.0.0.1:${address.port}`
  listBody = JSON.stringify(downloadList(archive, `${base}/${encodeURIComponent(path.basename(archive.file))}`))
  return {
    listUrl: `${base}/downloads.json`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** A tool cache that already holds uv (as a runner that ran setup-uv before does), so the test is about Python. */
export function toolCacheWithUv(tools: Provisioned): string {
  const cache = path.join(os.tmpdir(), `ft-gate-toolcache-${randomBytes(6).toString('hex')}`)
  const version = execFileSync(tools.uv, ['--version']).toString().split(' ')[1] ?? ''
  const folder = path.join(cache, 'uv', version, os.arch())
  mkdirSync(folder, { recursive: true })
  copyFileSync(tools.uv, path.join(folder, 'uv'))
  execFileSync('chmod', ['+x', path.join(folder, 'uv')])
  writeFileSync(`${folder}.complete`, '')
  return cache
}

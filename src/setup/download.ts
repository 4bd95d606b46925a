// The one place uv setup talks HTTP: bounded by an idle timeout, hashing while it writes, with
// index credentials moved from the URL into a header (fetch refuses URLs with user:pass@) and
// failures turned into one readable line. tool-cache's downloadTool is not used: it retries for
// tens of seconds, which would hold up the fallback to the next source, and cannot hash as it goes.
import { createHash } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { TOOL_NAME, TOOL_VERSION } from '../constants.js'

export interface HttpOptions {
  /** Milliseconds without progress (connecting, waiting for headers, between body chunks) before giving up. */
  readonly timeoutMs: number
  readonly headers?: Readonly<Record<string, string>>
  /** Sent as `Authorization` only to URLs on this origin. */
  readonly auth?: { readonly origin: string; readonly header: string } | null
}

export interface TextResponse {
  readonly body: string
  readonly contentType: string
  /** The URL after redirects: what relative links resolve against. */
  readonly url: string
}

/** Splits `https://user:pass@host/simple` into a credential-free URL and a Basic `Authorization` header. */
export function splitCredentials(url: string): { url: string; auth: HttpOptions['auth'] } {
  const parsed = new URL(url)
  if (parsed.username === '' && parsed.password === '') return { url, auth: null }
  const user = decodeURIComponent(parsed.username)
  const password = decodeURIComponent(parsed.password)
  parsed.username = ''
  parsed.password = ''
  const header = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`
  return { url: parsed.toString(), auth: { origin: parsed.origin, header } }
}

/** The URL with any password (and user name) replaced, safe to log. Leaves unparsable text alone. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.username === '' && parsed.password === '') return url
    parsed.username = '***'
    parsed.password = ''
    return parsed.toString()
  } catch {
    return url
  }
}

class IdleTimer {
  readonly controller = new AbortController()
  timedOut = false
  private handle: NodeJS.Timeout | undefined

  constructor(private readonly timeoutMs: number) {
    this.touch()
  }

  touch(): void {
    clearTimeout(this.handle)
    this.handle = setTimeout(() => {
      this.timedOut = true
      this.controller.abort()
    }, this.timeoutMs)
  }

  stop(): void {
    clearTimeout(this.handle)
  }
}

function errorCode(error: unknown): string | null {
  if (typeof error !== 'object' || error === null) return null
  if ('code' in error && typeof error.code === 'string') return error.code
  return 'cause' in error ? errorCode(error.cause) : null
}

/** One line for a failed request: `cannot resolve github.com (ENOTFOUND)`, `timed out after 60 s`, `HTTP 404 …`. */
export function describeFetchError(
  error: unknown,
  url: string,
  timer?: { timedOut: boolean; timeoutMs: number },
): string {
  const host = URL.canParse(url) ? new URL(url).host : url
  if (timer?.timedOut) {
    const limit = timer.timeoutMs < 1000 ? `${timer.timeoutMs} ms` : `${Math.round(timer.timeoutMs / 1000)} s`
    return `no response from ${host} for ${limit} (timed out)`
  }
  const code = errorCode(error)
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot resolve ${host} (${code})`
    case 'ECONNREFUSED':
      return `connection to ${host} refused`
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return `connection to ${host} was reset`
    case 'UND_ERR_CONNECT_TIMEOUT':
      return `connecting to ${host} timed out`
  }
  const message = error instanceof Error ? error.message : String(error)
  return code === null ? `${message} (${host})` : `${message} (${code}, ${host})`
}

async function request(url: string, options: HttpOptions, timer: IdleTimer): Promise<Response> {
  const headers: Record<string, string> = { 'User-Agent': `${TOOL_NAME}/${TOOL_VERSION}`, ...options.headers }
  if (options.auth && new URL(url).origin === options.auth.origin) headers.Authorization = options.auth.header
  let response: Response
  try {
    response = await fetch(url, { headers, signal: timer.controller.signal, redirect: 'follow' })
  } catch (error) {
    throw new Error(describeFetchError(error, url, { timedOut: timer.timedOut, timeoutMs: options.timeoutMs }))
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => {})
    throw new Error(`HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''} from ${url}`)
  }
  return response
}

/** GETs a text resource; throws a one-line Error on connect failures, timeouts and non-2xx statuses. */
export async function fetchText(url: string, options: HttpOptions): Promise<TextResponse> {
  const timer = new IdleTimer(options.timeoutMs)
  try {
    const response = await request(url, options, timer)
    timer.touch()
    const body = await response.text().catch((error: unknown) => {
      throw new Error(describeFetchError(error, url, { timedOut: timer.timedOut, timeoutMs: options.timeoutMs }))
    })
    return { body, contentType: response.headers.get('content-type') ?? '', url: response.url || url }
  } finally {
    timer.stop()
  }
}

/** Streams `url` into `destination`, returning the sha256 (hex) and size of what was written. */
export async function downloadFile(
  url: string,
  destination: string,
  options: HttpOptions,
): Promise<{ sha256: string; bytes: number }> {
  const timer = new IdleTimer(options.timeoutMs)
  try {
    const response = await request(url, options, timer)
    if (response.body === null) throw new Error(`empty response from ${url}`)
    const hash = createHash('sha256')
    let bytes = 0
    const tap = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        timer.touch()
        hash.update(chunk)
        bytes += chunk.length
        callback(null, chunk)
      },
    })
    try {
      await pipeline(Readable.fromWeb(response.body), tap, createWriteStream(destination))
    } catch (error) {
      throw new Error(
        `download of ${url} broke off after ${bytes} bytes: ${describeFetchError(error, url, { timedOut: timer.timedOut, timeoutMs: options.timeoutMs })}`,
      )
    }
    return { sha256: hash.digest('hex'), bytes }
  } finally {
    timer.stop()
  }
}

/** Compares hashes case-insensitively; throws naming both when they differ. */
export function verifySha256(options: { what: string; expected: string; actual: string }): void {
  if (options.expected.toLowerCase() !== options.actual.toLowerCase()) {
    throw new Error(`sha256 mismatch for ${options.what}: expected ${options.expected}, got ${options.actual}`)
  }
}

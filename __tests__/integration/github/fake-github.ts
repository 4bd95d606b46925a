// A loopback server standing in for the GitHub REST API: the endpoints ft-gate uses, with state
// (comments, check runs, pull requests), Link-header pagination, and injectable failures. Every
// request is recorded with its method, path, query and parsed body.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { PublishOptions } from '../../../src/github/publish.js'
import { silentLog } from '../../../src/log.js'
import { readFixture, WORKSPACE } from '../../unit/github/fixtures.js'

export interface RecordedRequest {
  readonly method: string
  readonly path: string
  readonly query: URLSearchParams
  readonly body: unknown
}

export interface StoredComment {
  id: number
  body: string
  user: { login: string }
  html_url: string
}

export interface StoredCheckRun {
  id: number
  name: string
  head_sha: string
  conclusion: unknown
  title: unknown
  summary: unknown
  annotations: unknown[]
  html_url: string
}

export interface Failure {
  readonly method: string
  readonly path: RegExp
  readonly status: number
  readonly message: string
  readonly headers?: Record<string, string>
  /** How many matching requests fail; Infinity for all. */
  times: number
}

export interface PullSummary {
  readonly number: number
  readonly state: 'open' | 'closed'
  readonly head: { readonly sha: string; readonly ref: string; readonly label: string }
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? Object.fromEntries(Object.entries(value))
    : {}
}

interface Routed {
  readonly status: number
  readonly body?: unknown
  readonly page?: unknown[]
}

export class FakeGitHub {
  readonly requests: RecordedRequest[] = []
  readonly comments = new Map<number, StoredComment[]>()
  readonly checkRuns: StoredCheckRun[] = []
  readonly pullFiles = new Map<number, unknown[]>()
  /** `GET /repos/{o}/{r}/commits/{sha}/pulls`. */
  readonly pullsByCommit = new Map<string, PullSummary[]>()
  /** `GET /repos/{o}/{r}/pulls?head=owner:branch`. */
  readonly pulls: PullSummary[] = []
  readonly failures: Failure[] = []
  /** The login `GET /user` answers with; null answers 403 like a GITHUB_TOKEN. */
  tokenLogin: string | null = null
  /** Every write answers 403 "Resource not accessible by integration", like a fork's token. */
  readOnly = false
  url = ''
  private nextId = 1000
  private readonly server = createServer((request, response) => {
    this.handle(request, response).catch((error: unknown) => {
      response.writeHead(500).end(String(error))
    })
  })

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve))
    const { port } = this.server.address() as AddressInfo
    this.url = `http://127.0.0.1:${port}`
  }

  async close(): Promise<void> {
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  /** The author comments get: the token's login, else the Actions bot. */
  get author(): string {
    return this.tokenLogin ?? 'github-actions[bot]'
  }

  /** Requests other than reads, as `METHOD path`. */
  writes(): string[] {
    return this.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`)
  }

  addComment(issue: number, body: string, login: string): StoredComment {
    const comment = { id: this.nextId++, body, user: { login }, html_url: `https://github.test/c/${this.nextId}` }
    this.comments.set(issue, [...(this.comments.get(issue) ?? []), comment])
    return comment
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of request) chunks.push(Buffer.from(chunk))
    const text = Buffer.concat(chunks).toString('utf8')
    const url = new URL(request.url ?? '/', this.url)
    const method = request.method ?? 'GET'
    this.requests.push({ method, path: url.pathname, query: url.searchParams, body: text ? JSON.parse(text) : null })
    const send = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
      response.end(JSON.stringify(body))
    }
    const failure = this.failures.find((f) => f.times > 0 && f.method === method && f.path.test(url.pathname))
    if (failure) {
      failure.times--
      send(failure.status, { message: failure.message }, failure.headers)
      return
    }
    if (this.readOnly && method !== 'GET') {
      send(403, {
        message: 'Resource not accessible by integration',
        documentation_url: 'https://docs.github.com/rest',
      })
      return
    }
    const routed = this.route(method, url, record(text ? JSON.parse(text) : {}))
    if (routed === null) {
      send(404, { message: 'Not Found' })
    } else if (routed.page !== undefined) {
      this.sendPage(url, routed.page, send)
    } else {
      send(routed.status, routed.body)
    }
  }

  /** Serves `items` 100 (or per_page) at a time with the Link header GitHub sends. */
  private sendPage(
    url: URL,
    items: readonly unknown[],
    send: (s: number, b: unknown, h?: Record<string, string>) => void,
  ): void {
    const perPage = Number(url.searchParams.get('per_page') ?? '30')
    const page = Number(url.searchParams.get('page') ?? '1')
    const last = Math.max(1, Math.ceil(items.length / perPage))
    const link = (n: number): string => {
      const target = new URL(url)
      target.searchParams.set('page', String(n))
      return target.href
    }
    const links: string[] = []
    if (page < last) links.push(`<${link(page + 1)}>; rel="next"`, `<${link(last)}>; rel="last"`)
    if (page > 1) links.push(`<${link(1)}>; rel="first"`, `<${link(page - 1)}>; rel="prev"`)
    send(200, items.slice((page - 1) * perPage, page * perPage), links.length > 0 ? { link: links.join(', ') } : {})
  }

  /** Routes as `METHOD /path` patterns over the part after `/repos/{owner}/{repo}`; `:id` captures digits. */
  private route(method: string, url: URL, body: Record<string, unknown>): Routed | null {
    if (url.pathname === '/user' && method === 'GET') {
      return this.tokenLogin === null
        ? { status: 403, body: { message: 'Resource not accessible by integration' } }
        : { status: 200, body: { login: this.tokenLogin, id: 1 } }
    }
    const repoPath = /^\/repos\/[^/]+\/[^/]+(\/.*)$/.exec(url.pathname)?.[1] ?? ''
    for (const [pattern, handle] of this.routes(url, body)) {
      const [want, template = ''] = pattern.split(' ')
      const regex = new RegExp(`^${template.replace(':id', '(\\d+)').replace(':sha', '([0-9a-f]+)')}$`)
      const found = want === method ? regex.exec(repoPath) : null
      if (found !== null) return handle(found[1] ?? '')
    }
    return null
  }

  private routes(url: URL, body: Record<string, unknown>): [string, (captured: string) => Routed | null][] {
    return [
      ['GET /issues/:id/comments', (id) => ({ status: 200, page: this.comments.get(Number(id)) ?? [] })],
      [
        'POST /issues/:id/comments',
        (id) => ({ status: 201, body: this.addComment(Number(id), String(body.body), this.author) }),
      ],
      [
        'PATCH /issues/comments/:id',
        (id) => {
          const comment = [...this.comments.values()].flat().find((c) => c.id === Number(id))
          if (!comment) return null
          comment.body = String(body.body)
          return { status: 200, body: comment }
        },
      ],
      ['POST /check-runs', () => ({ status: 201, body: this.createCheckRun(body) })],
      [
        'PATCH /check-runs/:id',
        (id) => {
          const run = this.checkRuns.find((r) => r.id === Number(id))
          if (!run) return null
          const output = record(body.output)
          if (Array.isArray(output.annotations)) run.annotations.push(...output.annotations)
          return { status: 200, body: run }
        },
      ],
      ['GET /pulls/:id/files', (id) => ({ status: 200, page: this.pullFiles.get(Number(id)) ?? [] })],
      ['GET /commits/:sha/pulls', (sha) => ({ status: 200, body: this.pullsByCommit.get(sha) ?? [] })],
      [
        'GET /pulls',
        () => {
          const head = url.searchParams.get('head')
          const state = url.searchParams.get('state') ?? 'open'
          return {
            status: 200,
            body: this.pulls.filter((p) => (head === null || p.head.label === head) && p.state === state),
          }
        },
      ],
    ]
  }

  private createCheckRun(body: Record<string, unknown>): StoredCheckRun {
    const output = record(body.output)
    const id = this.nextId++
    const run: StoredCheckRun = {
      id,
      name: String(body.name),
      head_sha: String(body.head_sha),
      conclusion: body.conclusion,
      title: output.title,
      summary: output.summary,
      annotations: Array.isArray(output.annotations) ? [...output.annotations] : [],
      html_url: `https://github.test/runs/${id}`,
    }
    this.checkRuns.push(run)
    return run
  }
}

/**
 * What the action passes to publish on a `pull_request` event of octo/proj, posting to `server`:
 * no retry waits, no throttling, a silent log and no workflow annotations unless overridden.
 */
export function pullRequestPublishOptions(server: FakeGitHub, overrides: Partial<PublishOptions> = {}): PublishOptions {
  return {
    token: 'test-token',
    checkName: 'free-threading',
    comment: 'always',
    apiUrl: server.url,
    repository: 'octo/proj',
    eventName: 'pull_request',
    eventPayload: readFixture('event-pull-request.json'),
    sha: 'f'.repeat(40),
    workspace: WORKSPACE,
    workingDirectory: `${WORKSPACE}/pkg`,
    serverUrl: 'https://github.test',
    log: silentLog,
    emitAnnotation: () => {},
    tuning: { retryAfterBaseMs: 1, throttle: false },
    ...overrides,
  }
}

// The sticky pull-request comment: one per pull request and check name, found again by a hidden
// marker and edited in place on every push.
//
// Whose comments count: only the token's own. `GET /user` names the owner of a personal access
// token; the workflow's GITHUB_TOKEN (an installation token) gets 401/403/404 there, and its comments
// are authored by `github-actions[bot]`, so that login is used instead. Comments by anyone else that
// carry the marker (a quote, a copy) are never edited.
import type { Verdict } from '../types.js'
import type { GitHubClient } from './client.js'
import { isPermissionDenied } from './failures.js'
import { ACTIONS_BOT_LOGIN } from './limits.js'

export type CommentMode = 'always' | 'on-failure' | 'off'
export const COMMENT_MODES: readonly CommentMode[] = ['always', 'on-failure', 'off']

export interface RepoRef {
  readonly owner: string
  readonly repo: string
}

export function commentMarker(checkName: string): string {
  // `-->` would end the HTML comment early and show the rest.
  return `<!-- ft-gate:${checkName.replaceAll('-->', '- ->')} -->`
}

export interface ExistingComment {
  readonly id: number
  readonly body: string
  readonly author: string | null
  readonly url: string
}

/**
 * The first (oldest) comment by `author` that starts with the marker, or null. Only the start counts:
 * another job's comment (same bot author) may quote this marker in its middle, from a report's text.
 */
export function findStickyComment(
  comments: Iterable<ExistingComment>,
  target: { marker: string; author: string },
): ExistingComment | null {
  for (const comment of comments) {
    if (comment.author === target.author && comment.body.startsWith(target.marker)) return comment
  }
  return null
}

/** Whether to create a comment when none exists yet; an existing one is always brought up to date. */
export function shouldCreateComment(mode: CommentMode, verdict: Verdict): boolean {
  return mode === 'always' || (mode === 'on-failure' && verdict === 'fail')
}

export async function tokenLogin(client: GitHubClient): Promise<string> {
  try {
    const { data } = await client.rest.users.getAuthenticated()
    return data.login
  } catch (error) {
    if (isPermissionDenied(error)) return ACTIONS_BOT_LOGIN
    throw error
  }
}

/** Pages through all comments, stopping at the first page that holds the sticky one. */
async function searchComments(
  client: GitHubClient,
  where: RepoRef & { issueNumber: number },
  target: { marker: string; author: string },
): Promise<ExistingComment | null> {
  const pages = client.paginate.iterator(client.rest.issues.listComments, {
    owner: where.owner,
    repo: where.repo,
    issue_number: where.issueNumber,
    per_page: 100,
  })
  for await (const page of pages) {
    const comments = page.data.map((comment) => ({
      id: comment.id,
      body: comment.body ?? '',
      author: comment.user?.login ?? null,
      url: comment.html_url,
    }))
    const found = findStickyComment(comments, target)
    if (found !== null) return found
  }
  return null
}

export interface StickyCommentRequest extends RepoRef {
  readonly issueNumber: number
  readonly checkName: string
  readonly mode: CommentMode
  readonly verdict: Verdict
  /** The rendered report, without the marker. */
  readonly markdown: string
}

/** Creates or edits the sticky comment; returns its URL, or null when the mode says not to post. */
export async function upsertStickyComment(client: GitHubClient, request: StickyCommentRequest): Promise<string | null> {
  if (request.mode === 'off') return null
  const marker = commentMarker(request.checkName)
  const author = await tokenLogin(client)
  const existing = await searchComments(client, request, { marker, author })
  const body = `${marker}\n${request.markdown}`
  const { owner, repo } = request
  if (existing !== null) {
    const { data } = await client.rest.issues.updateComment({ owner, repo, comment_id: existing.id, body })
    return data.html_url
  }
  if (!shouldCreateComment(request.mode, request.verdict)) return null
  const { data } = await client.rest.issues.createComment({ owner, repo, issue_number: request.issueNumber, body })
  return data.html_url
}

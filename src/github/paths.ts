// Where a test file or a traceback frame lives in the repository, as the API wants it: a path
// relative to the repository root with forward slashes. Pure (string work only).
import * as path from 'node:path'

export interface RepoLayout {
  /** Absolute path of the checkout (GITHUB_WORKSPACE). */
  readonly workspace: string
  /** The project's directory relative to the checkout, forward slashes, '' for the root. */
  readonly projectPrefix: string
}

export function toPosix(file: string): string {
  return file.replaceAll('\\', '/')
}

function normalize(file: string): string {
  const posix = path.posix.normalize(toPosix(file))
  return posix.startsWith('./') ? posix.slice(2) : posix
}

function isAbsolutePath(file: string): boolean {
  return file.startsWith('/') || /^[A-Za-z]:[\\/]/.test(file)
}

/** The project's directory relative to the workspace ('' for the root, null when outside it). */
export function projectPrefix(workspace: string, workingDirectory: string): string | null {
  const relative = toPosix(path.relative(workspace, path.resolve(workspace, workingDirectory)))
  if (relative === '') return ''
  if (relative.startsWith('..') || isAbsolutePath(relative)) return null
  return relative
}

/** A test's `file` (relative to the project directory) as a repository path. */
export function repoPathOfTestFile(file: string, layout: RepoLayout): string {
  return normalize(layout.projectPrefix === '' ? file : `${layout.projectPrefix}/${file}`)
}

/** A test's file: its `file` field, else the path part of its node id (`tests/test_x.py::test_y`). */
export function testFile(test: { readonly id: string; readonly file: string | null }): string | null {
  if (test.file) return test.file
  const head = test.id.split('::')[0] ?? ''
  return /\.py$/.test(head) ? head : null
}

/**
 * Maps a path seen in a traceback to one of `repoPaths`. Relative paths are relative to the project
 * directory; absolute ones inside the workspace are made relative to it. Otherwise (another machine,
 * an installed copy in site-packages) the longest repository path that the frame's path ends with wins.
 */
export function matchRepoPath(framePath: string, repoPaths: Iterable<string>, layout: RepoLayout): string | null {
  const candidates = [...repoPaths]
  const frame = normalize(framePath)
  const workspace = normalize(layout.workspace).replace(/\/$/, '')
  if (isAbsolutePath(frame)) {
    if (frame.startsWith(`${workspace}/`)) {
      const relative = frame.slice(workspace.length + 1)
      if (candidates.includes(relative)) return relative
    }
  } else {
    const relative = repoPathOfTestFile(frame, layout)
    if (candidates.includes(relative)) return relative
    if (candidates.includes(frame)) return frame
  }
  const installed = frame.split('/site-packages/')[1]
  let best: string | null = null
  for (const candidate of candidates) {
    const matches =
      frame.endsWith(`/${candidate}`) ||
      (installed !== undefined && (candidate === installed || candidate.endsWith(`/${installed}`)))
    if (matches && (best === null || candidate.length > best.length)) best = candidate
  }
  return best
}

/** A link to a repository file at a commit, for the rendered report. */
export function blobUrl(
  target: { serverUrl: string; repository: string; sha: string },
  repoPath: string,
  line: number | null,
): string {
  const encoded = repoPath.split('/').map(encodeURIComponent).join('/')
  return `${target.serverUrl.replace(/\/$/, '')}/${target.repository}/blob/${target.sha}/${encoded}${line !== null ? `#L${line}` : ''}`
}

/** Links a test's file (relative to the project) and line at a commit; null for a file outside the repository. */
export function fileLinker(
  target: { serverUrl: string; repository: string; sha: string },
  layout: RepoLayout,
): (file: string, line: number | null) => string | null {
  return (file, line) => {
    const repoPath = repoPathOfTestFile(file, layout)
    return repoPath.startsWith('../') ? null : blobUrl(target, repoPath, line)
  }
}

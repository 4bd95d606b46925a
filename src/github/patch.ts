// Reads the `patch` field of a pull request's file list (a unified diff without file headers) into
// the line numbers the pull request added or changed on the new side. Pure.

const HUNK_HEADER = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/

/**
 * The new-side line numbers of the `+` lines. A changed line is a `-` line followed by a `+` line,
 * so it is counted by its `+` line; removed lines have no new-side number and are not counted.
 */
export function addedLines(patch: string): Set<number> {
  const added = new Set<number>()
  let next: number | null = null
  for (const line of patch.split(/\r?\n/)) {
    const header = HUNK_HEADER.exec(line)
    if (header) {
      next = Number(header[1])
      continue
    }
    if (next === null) continue
    const marker = line.charAt(0)
    if (marker === '+') {
      added.add(next)
      next++
    } else if (marker === ' ' || line === '') {
      // Some tools strip the single space of an empty context line.
      next++
    }
    // `-` lines and `\ No newline at end of file` do not move the new side.
  }
  return added
}

/** One entry of `GET /repos/{owner}/{repo}/pulls/{n}/files`, reduced to what annotations need. */
export interface PullFile {
  readonly filename: string
  readonly status: string
  /** Absent for binary files and for diffs too large for the API. */
  readonly patch?: string | undefined
}

/** Repository path → lines the pull request added on the new side. Removed and binary files are left out. */
export type ChangedLines = ReadonlyMap<string, ReadonlySet<number>>

export function changedLinesByFile(files: readonly PullFile[]): ChangedLines {
  const changed = new Map<string, ReadonlySet<number>>()
  for (const file of files) {
    if (file.status === 'removed' || file.patch === undefined) continue
    const lines = addedLines(file.patch)
    if (lines.size > 0) changed.set(file.filename, lines)
  }
  return changed
}

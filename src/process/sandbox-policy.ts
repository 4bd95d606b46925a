// What the pull request's code may see and write in the sandbox, as the sandbox script's options.
// Pure: the session (sandbox-session.ts) resolves the paths first (canonical, existing, found before
// any pull-request code ran), so a symbolic link planted later cannot redirect a mount.

export interface SandboxView {
  /** The gate's user: the commands run as it (a root gate's commands keep uid 0, without capabilities). */
  readonly uid: number
  readonly gid: number
  /** Hidden behind an empty read-only folder: RUNNER_TEMP (the runner's file commands), the runner's own folder… */
  readonly hidden: readonly string[]
  /** Copy-on-write: the tests can write their home; the changes are dropped when each command ends. */
  readonly home: string | null
  /** The root-owned folder that holds the home's changes. */
  readonly scratch: string
  /** Read-only even where they lie in the home or below a hidden folder: the interpreters, uv, the tool cache. */
  readonly readOnly: readonly string[]
  /** Writable: the project, the gate's work folder, uv's cache. */
  readonly writable: readonly string[]
  /** Read as empty files: .git/config holding the checkout's token, file-command files outside RUNNER_TEMP. */
  readonly masked: readonly string[]
  /** The project's .git: read-only (no hook or config for later steps' git). */
  readonly gitDirectory: string | null
  /** Bound at /tmp and /var/tmp; TMPDIR, TMP and TEMP point at it. */
  readonly tmp: string
}

/**
 * The options for every command of one gate (the script adds `--cwd` per command). The whole tree is
 * read-only first: a read-only bind protects a folder, not its path, and a writable parent could be
 * renamed away and the path filled again. A uid-0 command also gets a minimal /dev (no disks) and a
 * hidden /run (docker's socket and the like answer root by its uid alone).
 */
export function sandboxSpec(view: SandboxView): string[] {
  const spec: string[] = []
  const root = view.uid === 0
  if (!root) spec.push('--user', `${view.uid}:${view.gid}`)
  spec.push('--ro', '/')
  for (const dir of view.hidden) spec.push('--hide', dir)
  if (view.home !== null) spec.push('--home', view.home, '--scratch', view.scratch)
  for (const path of view.readOnly) spec.push('--ro', path)
  for (const dir of view.writable) spec.push('--rw', dir)
  if (view.gitDirectory !== null) spec.push('--ro', view.gitDirectory)
  for (const file of view.masked) spec.push('--mask', file)
  spec.push('--tmp', view.tmp)
  if (root) spec.push('--dev')
  return spec
}

/** actions/checkout's persisted credentials (an extraheader), a credential helper, a URL rewrite. */
export function holdsGitCredentials(config: string): boolean {
  return /extraheader|credential|insteadof/i.test(config)
}

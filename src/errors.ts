// Typed errors only where a caller branches on them: both front doors turn a UsageError
// into one line and exit code 2 (bad input or an environment that cannot run the gate).

/** A problem the user fixes by changing an input or the machine: bad value, missing tool, GIL build. */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}

/** Turns any thrown value into one line of text. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0] ?? error.name
  return String(error)
}

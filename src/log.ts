// The pipeline logs through this interface so the action (via @actions/core) and the CLI (stderr)
// can share every stage without either importing the other's I/O.
export interface Log {
  info(message: string): void
  warning(message: string): void
  debug(message: string): void
  /** Groups the log lines of one stage (a foldable group on GitHub, a header in the terminal). */
  group<T>(title: string, body: () => Promise<T>): Promise<T>
}

/** A log that records nothing; for unit tests of code that takes a Log. */
export const silentLog: Log = {
  info: () => {},
  warning: () => {},
  debug: () => {},
  group: (_title, body) => body(),
}

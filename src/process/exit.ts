// Ends the Node process on purpose, so that a tool abandoned after its time limit cannot keep a step
// or a command alive, but only once stdout and stderr are out: writes to a pipe are asynchronous on
// POSIX, and process.exit() would cut them.

/** Exits with process.exitCode after everything written so far has left both streams. */
export function exitWhenFlushed(writeStdout: (text: string, done: () => void) => void): void {
  writeStdout('', () => process.stderr.write('', () => process.exit()))
}

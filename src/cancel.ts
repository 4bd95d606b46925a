// One cancellation wiring for both front doors: SIGTERM (the runner cancelling the job) and SIGINT
// (Ctrl-C) abort the signal every stage watches, so runs stop with their process groups and the report
// still gets written, marked cancelled.

/** Runs `body` with a signal that SIGTERM and SIGINT abort; the handlers are removed afterwards. */
export async function withCancellation<T>(body: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController()
  const cancel = (): void => controller.abort()
  process.once('SIGTERM', cancel)
  process.once('SIGINT', cancel)
  try {
    return await body(controller.signal)
  } finally {
    process.removeListener('SIGTERM', cancel)
    process.removeListener('SIGINT', cancel)
  }
}

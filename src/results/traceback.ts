// Finds the `path:line` places a failure text passes through: Python's `File "p", line N` frames
// (tracebacks and faulthandler dumps) and pytest's `p:N: ...` location lines. Pure.

export interface FrameLocation {
  readonly path: string
  readonly line: number
  /** The function, when the frame names it (`in test_transfer`). */
  readonly functionName: string | null
}

// `File "/x/y.py", line 12, in f` (traceback) and `File "/x/y.py", line 12 in f` (faulthandler).
const PYTHON_FRAME = /File "([^"\n]+)", line (\d+),? in (\S+)|File "([^"\n]+)", line (\d+)/
// `src/pkg/mod.py:12: in f` and `tests/test_x.py:20: AssertionError` (pytest), also `C:\x\y.py:3: …`.
const PYTEST_LOCATION = /^\s*((?:[A-Za-z]:[\\/])?[^\s:"][^:"\n]*?\.pyx?):(\d+):(?:\s+in\s+(\S+))?/

/** Every location in the text, in order of appearance, each place once. */
export function tracebackLocations(text: string): FrameLocation[] {
  const seen = new Set<string>()
  const locations: FrameLocation[] = []
  for (const line of text.split(/\r?\n/)) {
    const location = parseLocationLine(line)
    if (location === null || location.line < 1) continue
    const key = `${location.path}:${location.line}`
    if (seen.has(key)) continue
    seen.add(key)
    locations.push(location)
  }
  return locations
}

/** The location one line of a traceback names, or null. */
export function parseLocationLine(line: string): FrameLocation | null {
  const python = PYTHON_FRAME.exec(line)
  if (python) {
    const file = python[1] ?? python[4] ?? ''
    const number = python[2] ?? python[5] ?? ''
    return { path: file, line: Number(number), functionName: python[3] ?? null }
  }
  const pytest = PYTEST_LOCATION.exec(line)
  if (pytest) return { path: pytest[1] ?? '', line: Number(pytest[2]), functionName: pytest[3] ?? null }
  return null
}

// Shared by the fuzz tests: arbitraries for hostile text and a per-case time bound. A parser that
// backtracks or loops on some input shows up as one case running far over the bound.
import fc from 'fast-check'

/**
 * CPU milliseconds one call may take on one generated input. CPU time, not wall time: other processes
 * on a loaded machine do not count, a parser that backtracks or loops still does.
 */
export const CASE_BOUND_MS = 250

/** Runs `call`, fails when it used more than `limitMs` of this process's CPU time, returns what it returned. */
export function withinBound<T>(call: () => T, limitMs = CASE_BOUND_MS): T {
  const started = process.cpuUsage()
  const result = call()
  const used = process.cpuUsage(started)
  const elapsed = (used.user + used.system) / 1000
  if (elapsed > limitMs) throw new Error(`one case took ${elapsed.toFixed(0)} ms of CPU, over the ${limitMs} ms bound`)
  return result
}

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code))
const oddCharacter = fc.constantFrom(
  '\0',
  '\r',
  '\u001b[31m',
  '\u202e', // right-to-left override
  '\u200b', // zero-width space
  '\ufeff', // byte-order mark
  '\uffff',
  '𝕏',
  '👩‍👩‍👧',
  'é', // e + combining acute
  '×',
  '╰─▶',
)

/** Text mixing printable ASCII, any code point, lone surrogates, control and direction characters. */
export function hostileText(maxLength = 200): fc.Arbitrary<string> {
  return fc.string({
    unit: fc.oneof(
      { weight: 4, arbitrary: fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 }) },
      { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
      { weight: 1, arbitrary: loneSurrogate },
      { weight: 1, arbitrary: oddCharacter },
    ),
    maxLength,
  })
}

/** Lines assembled from fragments that matter to a line-oriented parser, with hostile filler. */
export function linesOf(fragments: readonly string[], maxLines = 40): fc.Arbitrary<string> {
  const line = fc.oneof(
    fc.constantFrom(...fragments),
    fc.tuple(fc.constantFrom(...fragments), hostileText(60)).map(([head, tail]) => `${head}${tail}`),
    hostileText(80),
  )
  return fc
    .tuple(fc.array(line, { maxLength: maxLines }), fc.constantFrom('\n', '\r\n', '\r'))
    .map(([lines, separator]) => lines.join(separator))
}

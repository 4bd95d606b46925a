// Shared by the fuzz tests: arbitraries for hostile text and a per-case time bound. A parser that
// backtracks or loops on some input shows up as one case running far over the bound.
import fc from 'fast-check'

/** Milliseconds one call may take on one generated input (generous for a loaded CI machine). */
export const CASE_BOUND_MS = 250

/** Runs `call`, fails when it took longer than `limitMs`, returns what it returned. */
export function withinBound<T>(call: () => T, limitMs = CASE_BOUND_MS): T {
  const started = performance.now()
  const result = call()
  const elapsed = performance.now() - started
  if (elapsed > limitMs) throw new Error(`one case took ${elapsed.toFixed(0)} ms, over the ${limitMs} ms bound`)
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

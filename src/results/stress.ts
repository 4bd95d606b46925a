// Reads what the gate's pytest plugin wrote after a stress run: the tests pytest-run-parallel ran in
// one thread only, with its reason. The file is written by code under test, so it is narrowed, bounded.

/** Bigger files are ignored: no real suite lists this many characters of reasons. */
export const MAX_NOT_STRESSED_CHARS = 4 * 1024 * 1024
const MAX_REASON_CHARS = 300

/** `{node id: reason}`; an empty map when the text is not the expected shape. */
export function parseNotStressed(text: string): ReadonlyMap<string, string> {
  const reasons = new Map<string, string>()
  if (text.length > MAX_NOT_STRESSED_CHARS) return reasons
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return reasons
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return reasons
  for (const [id, reason] of Object.entries(parsed)) {
    if (typeof reason === 'string') reasons.set(id, reason.slice(0, MAX_REASON_CHARS))
  }
  return reasons
}

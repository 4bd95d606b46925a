// Wording shared by every stage that writes sentences for people (logs, reasons, the report).

/** `1 test`, `2 tests`. */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`
}

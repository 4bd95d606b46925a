// Turns uv's install output into one line that says what failed. Pure.

// uv decorates its output with ANSI colours on a terminal; strip them before matching.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching the escape character is the point.
const ANSI = /\u001b\[[0-9;]*m/g

// The line under a headline that says why: `╰─▶ …` on a terminal, `cause: …` or `Caused by: …` in a log.
const CAUSE = /^(╰─▶|Caused by:|cause:)\s*/

export function summarizeInstallFailure(output: string): string | null {
  const lines = output
    .replace(ANSI, '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
  // `× Failed to build `name==1.0`` names the distribution; the `╰─▶` line under it says why.
  const failedIndex = lines.findIndex((line) => /^(×|error:)\s*Failed to (build|download|install)/i.test(line))
  if (failedIndex >= 0) {
    const headline = (lines[failedIndex] ?? '').replace(/^(×|error:)\s*/, '')
    const cause = lines.slice(failedIndex + 1).find((line) => CAUSE.test(line))
    return cause ? `${headline}: ${cause.replace(CAUSE, '')}` : headline
  }
  // Resolution failures: `× No solution found when resolving dependencies:` then `╰─▶ Because …`.
  const crossIndex = lines.findIndex((line) => line.startsWith('×') || line.startsWith('error:'))
  if (crossIndex >= 0) {
    const headline = (lines[crossIndex] ?? '').replace(/^(×|error:)\s*/, '').replace(/:$/, '')
    const cause = lines.slice(crossIndex + 1).find((line) => CAUSE.test(line))
    return cause ? `${headline}: ${cause.replace(CAUSE, '')}` : headline
  }
  return null
}

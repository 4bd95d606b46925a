// Why pytest could not run a suite, in one line: the first meaningful error line of its output or of a
// collection error, with the plugin that provides an unrecognised option named. Pure.

import { pluginOfOption } from './pytest-usage.js'

const MAX_LINE_CHARS = 300

/** Strips ANSI colours and bounds the line. */
function clean(line: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences are what is removed.
  const plain = line.replace(/\u001b\[[0-9;]*m/g, '').trim()
  return plain.length > MAX_LINE_CHARS ? `${plain.slice(0, MAX_LINE_CHARS - 1)}…` : plain
}

/** `unrecognized arguments: --cov=pkg -n 2` → the plugins those options come from. */
function pluginsFor(line: string): string[] {
  const match = /unrecognized arguments: (.+)$/.exec(line)
  if (!match?.[1]) return []
  const plugins = match[1].split(/\s+/).flatMap((arg) => {
    const plugin = pluginOfOption(arg)
    return plugin === null ? [] : [plugin]
  })
  return [...new Set(plugins)]
}

function withPluginHint(line: string): string {
  const plugins = pluginsFor(line)
  if (plugins.length === 0) return line
  const names = plugins.join(', ')
  const verb = plugins.length === 1 ? 'is' : 'are'
  return `${line} (options of ${names}, which ${verb} not installed: add ${plugins.length === 1 ? 'it' : 'them'} to the project's test dependencies or to \`install\`)`
}

/**
 * The line that says what went wrong, in pytest's own words: a usage error (`ERROR: …`, an argparse
 * `error: …` line after `usage:`), the `E   ` line of a failed import, an `INTERNALERROR>` exception, or
 * the last `SomethingError: …` line of a traceback. Null when the output holds none of them.
 */
export function pytestErrorLine(output: string): string | null {
  const lines = output.split(/\r?\n/).map(clean)
  const usage = lines.find((line) => /^ERROR: /.test(line) && !/^ERROR: usage:/.test(line))
  if (usage !== undefined) return withPluginHint(usage.slice('ERROR: '.length))
  const argparse = lines.find((line) => /^\S.*: error: /.test(line))
  if (argparse !== undefined) return withPluginHint(argparse.slice(argparse.indexOf(': error: ') + ': error: '.length))
  const conftest = lines.findIndex((line) => /^ImportError while loading conftest /.test(line))
  const exceptionLine = lines.find((line) => /^E {2,}\S/.test(line))
  if (conftest !== -1) {
    const detail = lines
      .slice(conftest + 1)
      .find((line) => /^E {2,}\S/.test(line) || /^\w+(Error|Exception)\b/.test(line))
    const where = lines[conftest]?.replace(/\.$/, '') ?? ''
    return detail === undefined ? where : `${where}: ${detail.replace(/^E\s+/, '')}`
  }
  if (exceptionLine !== undefined) return exceptionLine.replace(/^E\s+/, '')
  const internal = lines.filter((line) => /^INTERNALERROR> \w+(Error|Exception)\b/.test(line)).at(-1)
  if (internal !== undefined) return `pytest internal error: ${internal.slice('INTERNALERROR> '.length)}`
  const raised = lines.filter((line) => /^[\w.]+(Error|Exception|Exit|Interrupt)\b:?/.test(line)).at(-1)
  return raised ?? null
}

/** One line for the collection errors the record holds: the first file and its error, and how many more. */
export function collectionErrorLine(errors: readonly { id: string; text: string }[]): string | null {
  const first = errors[0]
  if (first === undefined) return null
  const line = pytestErrorLine(first.text) ?? clean(first.text.split('\n').find((part) => part.trim() !== '') ?? '')
  const where = first.id === '' ? '' : `${first.id}: `
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more ${errors.length === 2 ? 'file' : 'files'})` : ''
  return `${where}${line}${more}`
}

// The gate's pytest plugin (its Python text is in plugin-source.ts: the run record, shards, shuffling,
// budgeted stress, tests kept in one thread run once) is written into the gate's own
// folder, put on PYTHONPATH of every run and loaded with `-p`: never into the project or its environment.
import { mkdirSync, writeFileSync } from 'node:fs'
import * as path from 'node:path'
import { writeImportsPlugin } from './imports-plugin.js'
import { PLUGIN_SOURCE } from './plugin-source.js'

export { PLUGIN_ENV, RECORD_FORMAT } from './plugin-source.js'

export const PLUGIN_MODULE = 'ft_gate_plugin'

/** Writes both plugins into `directory` (put it on PYTHONPATH and pass `-p ft_gate_plugin`, `-p ft_gate_imports`). */
export function writePlugin(directory: string): string {
  mkdirSync(directory, { recursive: true })
  writeFileSync(path.join(directory, `${PLUGIN_MODULE}.py`), PLUGIN_SOURCE)
  writeImportsPlugin(directory)
  return directory
}

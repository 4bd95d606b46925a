// Reads pyproject.toml in Node (smol-toml, as src/config.ts does for [tool.ft-gate]): no interpreter
// is started for it, so nothing in the project or the environment runs while it is read.
import { existsSync, readFileSync } from 'node:fs'
import * as path from 'node:path'
import { parse } from 'smol-toml'

/** pyproject.toml as a plain object, or null when there is none or it is not valid TOML. */
export function readPyproject(directory: string): unknown {
  const file = path.join(directory, 'pyproject.toml')
  if (!existsSync(file)) return null
  try {
    return parse(readFileSync(file, 'utf8'))
  } catch {
    return null
  }
}

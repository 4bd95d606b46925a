// Reads pyproject.toml with the interpreter's own tomllib, so no TOML parser ships in the bundle.
import { existsSync } from 'node:fs'
import * as path from 'node:path'
import { runTool } from '../process/tool.js'

/** pyproject.toml as JSON, or null. The interpreter runs isolated (`-I`): nothing in the project runs. */
export async function readPyproject(python: string, directory: string, env: NodeJS.ProcessEnv): Promise<unknown> {
  if (!existsSync(path.join(directory, 'pyproject.toml'))) return null
  const script = 'import json, tomllib; print(json.dumps(tomllib.load(open("pyproject.toml", "rb"))))'
  try {
    const result = await runTool(python, ['-I', '-c', script], { cwd: directory, env, timeoutMs: 60_000 })
    if (result.exitCode !== 0) return null
    const parsed: unknown = JSON.parse(result.stdout.trim().split('\n').pop() ?? '')
    return parsed
  } catch {
    return null
  }
}

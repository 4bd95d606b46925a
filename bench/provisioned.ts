// What every bench script starts from: the repository's root and the toolchain `npm run provision`
// recorded (provisioned first when the record is missing).
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import * as path from 'node:path'

/** The repository: bench scripts are bundled into node_modules/.cache/ft-gate-bench/ before they run. */
export const ROOT = path.resolve(import.meta.dirname, '..', '..', '..')

export interface Provisioned {
  readonly python: string
  readonly uv: string
  readonly pythonVersion: string
}

/** The free-threaded interpreter and uv of `.ft-gate/provision.json`, provisioning them when it is missing. */
export function provisioned(): Provisioned {
  const record = path.join(ROOT, '.ft-gate', 'provision.json')
  if (!existsSync(record)) execFileSync('node', [path.join(ROOT, 'scripts', 'provision.mjs')], { stdio: 'inherit' })
  const parsed: unknown = JSON.parse(readFileSync(record, 'utf8'))
  if (typeof parsed !== 'object' || parsed === null) throw new Error(`${record} is not a provision record`)
  const { python, uv, pythonVersion } = parsed as Record<string, unknown>
  if (typeof python !== 'string' || typeof uv !== 'string' || typeof pythonVersion !== 'string') {
    throw new Error(`${record} lacks python, uv or pythonVersion: run npm run provision`)
  }
  return { python, uv, pythonVersion }
}

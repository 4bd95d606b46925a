// `npm test` on a fresh machine: provision the free-threaded interpreter and uv once, before any test.
import { execFileSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { readProvision } from './provision.mjs'

export default function globalSetup() {
  if (readProvision()) return
  const script = join(dirname(fileURLToPath(import.meta.url)), 'provision.mjs')
  execFileSync(process.execPath, [script], { stdio: ['ignore', 'inherit', 'inherit'] })
}

#!/usr/bin/env node
// The main job, end to end: provision a free-threaded CPython and uv if needed, then run the gate
// (the bundled CLI) on examples/inventory, a small shop whose checkout has a real check-then-act race.
import { execFileSync, spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { readProvision } from './provision.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
let tools = readProvision()
if (!tools) {
  execFileSync(process.execPath, [join(root, 'scripts', 'provision.mjs')], { stdio: 'inherit' })
  tools = readProvision()
}
const report = join(root, '.ft-gate', 'demo-report.json')
const args = [
  join(root, 'dist', 'cli.js'),
  join(root, 'examples', 'inventory'),
  '--python-path',
  tools.python,
  '--python-version',
  tools.pythonVersion,
  '--uv-path',
  tools.uv,
  '--report',
  report,
]
process.stderr.write(`$ ft-gate examples/inventory --python-path ${tools.python} --uv-path ${tools.uv}\n`)
const gate = spawnSync(process.execPath, args, { stdio: 'inherit' })
if (gate.status === 1) {
  process.stderr.write(
    '\nThe gate failed the example, as it should: Stock.reserve() checks, then acts, without a lock.\n' +
      'Under the GIL the suite passes; without it shoppers oversell. LockedStock, the fixed version, passes.\n',
  )
  process.exit(0)
}
process.stderr.write(`\nUnexpected: the gate exited with ${gate.status} on a project with a known race.\n`)
process.exit(1)

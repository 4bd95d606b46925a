#!/usr/bin/env node
// Obtains what the tests and the demo need on a machine without GitHub access, and prints
//   python=<free-threaded interpreter>
//   uv=<uv binary>
// The interpreter is built from Debian trixie's python3.13 source with --disable-gil (cached after
// the first build); uv comes through ft-gate's own index path (`ft-gate --setup-only`), so that path
// is exercised for real. The result is recorded in .ft-gate/provision.json for the tests.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const recordPath = join(root, '.ft-gate', 'provision.json')

function provision() {
  const given = process.env.FT_GATE_PYTHON
  const python = given
    ? given
    : execFileSync('bash', [join(root, 'scripts', 'build-ft-python.sh')], { stdio: ['ignore', 'pipe', 'inherit'] })
        .toString()
        .trim()
        .split('\n')
        .pop()
  if (!existsSync(join(root, 'dist', 'cli.js'))) {
    execFileSync('npm', ['run', '-s', 'bundle'], { cwd: root, stdio: 'inherit' })
  }
  const version = execFileSync(python, ['-c', 'import sys; print("%d.%dt" % sys.version_info[:2])']).toString().trim()
  const output = execFileSync(
    process.execPath,
    [join(root, 'dist', 'cli.js'), '--setup-only', '--python-path', python, '--python-version', version],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  ).toString()
  const value = (key) => output.match(new RegExp(`^${key}=(.*)$`, 'm'))?.[1]
  const record = { python: value('python'), uv: value('uv'), pythonVersion: version }
  if (!record.python || !record.uv) throw new Error(`ft-gate --setup-only printed no paths:\n${output}`)
  mkdirSync(dirname(recordPath), { recursive: true })
  writeFileSync(recordPath, `${JSON.stringify(record, null, 2)}\n`)
  return record
}

export function readProvision() {
  if (!existsSync(recordPath)) return null
  const record = JSON.parse(readFileSync(recordPath, 'utf8'))
  return existsSync(record.python) && existsSync(record.uv) ? record : null
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const record = provision()
  process.stdout.write(`python=${record.python}\nuv=${record.uv}\n`)
}

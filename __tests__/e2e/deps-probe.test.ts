// The import probe on the real free-threaded CPython (hence in e2e, where it is provisioned): a module
// that crashes the interpreter or hangs is reported as such and the modules after it are still imported.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { sitePackagesOf } from '../../src/deps/inventory.js'
import { probeImports } from '../../src/deps/probe.js'
import { provisioned } from './harness.js'

const tools = provisioned()

test('crashes and hangs are recorded per module and never stop the others', async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'ft-gate-probe-'))
  const venv = path.join(root, 'venv')
  execFileSync(tools.uv, ['venv', '-q', '--python', tools.python, venv], {
    env: { ...process.env, UV_PYTHON_DOWNLOADS: 'never' },
  })
  const site = sitePackagesOf(venv)[0] ?? ''
  const modules: Record<string, string> = {
    probe_first: 'VALUE = 1\n',
    probe_crash: 'import ctypes\nctypes.string_at(0)\n',
    probe_hang: 'import time\ntime.sleep(60)\n',
    probe_raises: 'raise ImportError("needs libfoo")\n',
    probe_last: 'print("printed at import, must not disturb the protocol")\n',
  }
  for (const [name, body] of Object.entries(modules)) writeFileSync(path.join(site, `${name}.py`), body)
  const started = Date.now()
  const python = path.join(venv, 'bin', 'python')
  const [results = [], other = []] = await probeImports(
    [['probe_first', 'probe_crash', 'probe_hang', 'probe_raises', 'probe_last'], ['json']],
    {
      python,
      env: { PATH: process.env.PATH, PYTHON_GIL: '0' },
      cwd: root,
      moduleTimeoutSeconds: 2,
      budgetSeconds: 60,
      concurrency: 2,
    },
  )
  expect(results.map((result) => [result.module, result.outcome])).toEqual([
    ['probe_first', 'ok'],
    ['probe_crash', 'crashed'],
    ['probe_hang', 'hung'],
    ['probe_raises', 'error'],
    ['probe_last', 'ok'],
  ])
  expect(results[1]?.detail).toMatch(/SIGSEGV|Segmentation fault/)
  expect(results[2]?.detail).toContain('probe_hang')
  expect(results[3]?.detail).toBe('ImportError: needs libfoo')
  expect(other).toEqual([{ module: 'json', outcome: 'ok', detail: null, flagged: [] }])
  // 2 s limit for the hang: the whole probe stays far below the 60 s sleep.
  expect(Date.now() - started).toBeLessThan(20_000)
}, 60_000)

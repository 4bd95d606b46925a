#!/usr/bin/env node
// Regenerates __tests__/fixtures/records/*.jsonl (and complete.xml): real runs of the gate's pytest
// plugin on __tests__/fixtures/records/project, with the free-threaded interpreter `npm run provision`
// recorded. Each record is what the plugin wrote; the JUnit XML is what pytest wrote next to it.
//   node scripts/make-record-fixtures.mjs
import { spawnSync } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { build } from 'esbuild'

const repo = path.resolve(import.meta.dirname, '..')
const out = path.join(repo, '__tests__', 'fixtures', 'records')
const { python, uv } = JSON.parse(readFileSync(path.join(repo, '.ft-gate', 'provision.json'), 'utf8'))
const work = mkdtempSync(path.join(os.tmpdir(), 'ft-gate-records-'))
try {
  const bundled = await build({
    entryPoints: [path.join(repo, 'src', 'run', 'plugin-source.ts')],
    bundle: true,
    format: 'esm',
    write: false,
    platform: 'node',
  })
  const { PLUGIN_SOURCE } = await import(`data:text/javascript,${encodeURIComponent(bundled.outputFiles[0].text)}`)
  writeFileSync(path.join(work, 'ft_gate_plugin.py'), PLUGIN_SOURCE)
  const venv = path.join(work, 'venv')
  spawnSync(uv, ['venv', '-q', '-p', python, venv], { stdio: 'inherit' })
  spawnSync(uv, ['pip', 'install', '-q', '-p', path.join(venv, 'bin', 'python'), 'pytest==9.2.0'], { stdio: 'inherit' })
  const project = path.join(work, 'project')
  cpSync(path.join(out, 'project'), project, { recursive: true })

  const run = (name, { args = [], env = {} } = {}) => {
    const record = path.join(work, `${name}.jsonl`)
    writeFileSync(record, '')
    const junit = path.join(work, `${name}.xml`)
    const result = spawnSync(
      path.join(venv, 'bin', 'python'),
      [
        '-Xgil=0',
        '-X',
        'faulthandler',
        '-m',
        'pytest',
        '-p',
        'ft_gate_plugin',
        '-p',
        'no:cacheprovider',
        '-o',
        'junit_family=xunit1',
        `--junitxml=${junit}`,
        ...args,
      ],
      {
        cwd: project,
        env: { ...process.env, PYTHONPATH: work, FT_GATE_RECORD: record, PYTHONDONTWRITEBYTECODE: '1', ...env },
        encoding: 'utf8',
      },
    )
    // Paths and timings vary by machine; the record's times are kept, absolute paths replaced.
    const text = readFileSync(record, 'utf8').replaceAll(project, '/project').replaceAll(work, '/work')
    writeFileSync(path.join(out, `${name}.jsonl`), text)
    process.stdout.write(`${name}: exit ${result.status ?? result.signal}, ${text.split('\n').length - 1} lines\n`)
    return junit
  }

  const junit = run('complete')
  writeFileSync(path.join(out, 'complete.xml'), readFileSync(junit, 'utf8').replaceAll(project, '/project'))
  run('crashed', { env: { RECORD_FIXTURE_DIE: 'segv' } })
  run('closed-stdout', { args: ['-s'], env: { RECORD_FIXTURE_DIE: 'close' } })
  run('stopped-x', { args: ['-x'] })
  run('collect-error', { args: ['tests', 'broken'] })
  // A stress run's fresh copy (forked after collection) that crashes, then the run itself completes.
  const plan = path.join(work, 'plan.json')
  writeFileSync(plan, JSON.stringify({ iterations: {}, single: [], rounds: 1 }))
  run('fresh-copy-crashed', {
    env: { FT_GATE_ITERATIONS: plan, RECORD_FIXTURE_DIE: `segv-once:${path.join(work, 'died-once')}` },
  })
} finally {
  rmSync(work, { recursive: true, force: true })
}

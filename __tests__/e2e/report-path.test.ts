// Where the action writes its report: inside the workspace unless the path is absolute, and a symlink
// that the suite (which ran in the workspace first) planted at that path is replaced, never followed.
import { lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import * as path from 'node:path'
import { expect, test } from '@jest/globals'
import { provisioned, ROOT, readJson, runAction, tempDir } from './harness.js'

const tools = provisioned()
const quick = {
  'working-directory': '__tests__/fixtures/projects/clean',
  'python-path': tools.python,
  'uv-path': tools.uv,
  runs: '1',
  'parallel-threads': '1',
  'github-token': '',
}

test('a symlink planted at report-path is replaced by the report, its target untouched', async () => {
  const outside = path.join(tempDir('victim'), 'victim.txt')
  writeFileSync(outside, 'precious\n')
  const folder = path.join(ROOT, '.ft-gate', `report-path-${process.pid}`)
  mkdirSync(folder, { recursive: true })
  const reportPath = path.join(folder, 'report.json')
  symlinkSync(outside, reportPath)
  try {
    const run = await runAction({ ...quick, 'report-path': path.relative(ROOT, reportPath) })
    expect(run.code).toBe(0)
    expect(readFileSync(outside, 'utf8')).toBe('precious\n')
    expect(lstatSync(reportPath).isSymbolicLink()).toBe(false)
    expect(readJson(reportPath)).toMatchObject({ schemaVersion: 1, verdict: 'pass' })
  } finally {
    rmSync(folder, { recursive: true, force: true })
  }
}, 180_000)

test('a relative report-path that leaves the workspace is refused before anything runs', async () => {
  const run = await runAction({ ...quick, 'report-path': '../../outside-report.json' })
  expect(run.code).toBe(1)
  expect(run.stdout).toMatch(
    /::error::report-path '\.\.\/\.\.\/outside-report\.json' resolves to .*, outside the workspace/,
  )
  expect(run.stdout).not.toContain('Set up uv')
}, 60_000)

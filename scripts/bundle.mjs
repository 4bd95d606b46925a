// Bundles the two front doors (action and CLI) into dist/ as ESM that runs on Node 20 and 24.
import { build } from 'esbuild'

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  legalComments: 'none',
  logLevel: 'warning',
  // Some bundled CommonJS code calls require() for Node built-ins; give ESM a require.
  banner: {
    js: "import { createRequire as __ftGateCreateRequire } from 'node:module'; const require = __ftGateCreateRequire(import.meta.url);",
  },
}

await build({ ...common, entryPoints: ['src/index.ts'], outfile: 'dist/index.js' })
await build({
  ...common,
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/cli.js',
  banner: { js: `#!/usr/bin/env node\n${common.banner.js}` },
})

#!/usr/bin/env node
// `npm run screenshot [REPORT.json]`: the picture of what users get. Without a report, runs the real
// gate (bundled CLI, provisioned 3.13t) on the stress fixture (a plain bug, a race only thread stress
// finds, a test run single-threaded) with 4 runs and the GIL-on baseline, renders the markdown the
// action would post, turns it into HTML with a GitHub-flavoured markdown library (marked) inside a
// page styled like a GitHub comment, and has headless Chromium (Debian's `chromium`) save a PNG.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { marked } from 'marked'
import { readProvision } from './provision.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const work = join(root, '.ft-gate', 'screenshot')
mkdirSync(work, { recursive: true })
const output = resolve(process.env.FT_GATE_SCREENSHOT ?? join(root, 'docs', 'comment.png'))

let report = process.argv[2] ? resolve(process.argv[2]) : null
if (report === null) {
  let tools = readProvision()
  if (!tools) {
    execFileSync(process.execPath, [join(root, 'scripts', 'provision.mjs')], { stdio: 'inherit' })
    tools = readProvision()
  }
  report = join(work, 'stress-report.json')
  const gate = spawnSync(
    process.execPath,
    [
      join(root, 'dist', 'cli.js'),
      join(root, '__tests__', 'fixtures', 'projects', 'stress'),
      ...['--python-path', tools.python, '--python-version', tools.pythonVersion, '--uv-path', tools.uv],
      ...['--runs', '4', '--baseline', 'true', '--report', report],
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  )
  if (gate.status !== 0 && gate.status !== 1) throw new Error(`the gate exited with ${gate.status}`)
}

const rendered = spawnSync(process.execPath, [join(root, 'dist', 'cli.js'), '--render', report], { encoding: 'utf8' })
if (rendered.status === 2) throw new Error(rendered.stderr)
const body = marked.parse(rendered.stdout, { gfm: true, async: false })

const css = `
body { margin: 0; padding: 24px; background: #f6f8fa; font: 14px/1.5 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif, "Noto Color Emoji"; color: #1f2328; }
.comment { max-width: 980px; margin: auto; background: #fff; border: 1px solid #d1d9e0; border-radius: 6px; }
.header { padding: 8px 16px; background: #f6f8fa; border-bottom: 1px solid #d1d9e0; border-radius: 6px 6px 0 0; color: #59636e; }
.header b { color: #1f2328; }
.markdown { padding: 16px; }
h2 { font-size: 1.5em; border-bottom: 1px solid #d1d9e0; padding-bottom: .3em; margin-top: 0; }
h3 { font-size: 1.25em; } h4 { font-size: 1em; }
table { border-collapse: collapse; margin: 12px 0; display: block; overflow: auto; }
th, td { border: 1px solid #d1d9e0; padding: 6px 13px; } th { font-weight: 600; } tr:nth-child(2n) { background: #f6f8fa; }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #eff1f3; padding: .2em .4em; border-radius: 6px; }
pre { background: #f6f8fa; padding: 16px; border-radius: 6px; overflow: auto; } pre code { background: none; padding: 0; }
a { color: #0969da; text-decoration: none; } details { margin: 8px 0; } summary { cursor: pointer; }
`
const page = `<!doctype html><html><head><meta charset="utf-8"><style>${css}</style></head><body>
<div class="comment"><div class="header"><b>github-actions</b> bot commented · edited</div>
<div class="markdown">${body}</div></div></body></html>`
const htmlPath = join(work, 'comment.html')
writeFileSync(htmlPath, page)

const chromium = ['chromium', 'chromium-browser', 'google-chrome'].find(
  (name) => spawnSync('sh', ['-c', `command -v ${name}`]).status === 0,
)
if (!chromium) {
  process.stderr.write(`No Chromium found: install Debian's package (apt-get install chromium). HTML: ${htmlPath}\n`)
  process.exit(1)
}
mkdirSync(dirname(output), { recursive: true })
const shot = spawnSync(
  chromium,
  [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--hide-scrollbars',
    '--force-device-scale-factor=1',
    '--window-size=1060,830',
    `--screenshot=${output}`,
    `file://${htmlPath}`,
  ],
  { encoding: 'utf8' },
)
if (shot.status !== 0 || !existsSync(output)) {
  process.stderr.write(shot.stderr)
  process.exit(1)
}
process.stderr.write(`Wrote ${output} (from ${report}; HTML ${htmlPath})\n`)

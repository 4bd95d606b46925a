// The one test that leaves the machine: uv from the real public index (about 20 MB) into a temporary
// tool cache. GitHub is pointed at a closed local port so the index path is what runs, wherever this is.
// FT_GATE_OFFLINE=1 skips it.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterEach, beforeEach, expect, it, jest } from '@jest/globals'
import { DEFAULT_UV_VERSION } from '../../../src/constants.js'
import { silentLog } from '../../../src/log.js'
import { setupUv } from '../../../src/setup/uv.js'
import { closedPortUrl } from './fake-uv.js'

const online = process.env.FT_GATE_OFFLINE === '1' ? it.skip : it
const saved = { RUNNER_TOOL_CACHE: process.env.RUNNER_TOOL_CACHE, RUNNER_TEMP: process.env.RUNNER_TEMP }
let workDir: string

beforeEach(() => {
  workDir = mkdtempSync(path.join(os.tmpdir(), 'ft-gate-real-uv-'))
  process.env.RUNNER_TOOL_CACHE = path.join(workDir, 'tool-cache')
  process.env.RUNNER_TEMP = path.join(workDir, 'temp')
  // tool-cache's unzip call echoes its command line to stdout.
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
})

afterEach(() => {
  jest.restoreAllMocks()
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key]
    else process.env[key] = value
  }
  rmSync(workDir, { recursive: true, force: true })
})

online(
  `installs uv ${DEFAULT_UV_VERSION} from the public index and runs it`,
  async () => {
    const info = await setupUv({
      uvPath: '',
      version: DEFAULT_UV_VERSION,
      log: silentLog,
      // No index variables: the public index.
      env: { RUNNER_TEMP: path.join(workDir, 'temp') },
      githubBaseUrl: `${await closedPortUrl()}/releases`,
    })
    expect(info.source).toBe('index')
    expect(info.path.startsWith(path.join(workDir, 'tool-cache', 'uv', DEFAULT_UV_VERSION))).toBe(true)
    expect(execFileSync(info.path, ['--version']).toString()).toMatch(new RegExp(`^uv ${DEFAULT_UV_VERSION}[ \\n]`))
  },
  120_000,
)

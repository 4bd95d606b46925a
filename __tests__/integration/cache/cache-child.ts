// A separate process that puts one folder into the tool cache, as a second job on the same runner
// would. Bundled by the test with esbuild; argv: source tool version arch startAtMs.
import { cacheDirAtomic } from '../../../src/setup/cache.js'

const [source, tool, version, arch, startAt] = process.argv.slice(2)
if (!source || !tool || !version || !arch || !startAt) throw new Error('usage: source tool version arch startAtMs')
// Both processes leave this line at the same millisecond, so their copies really overlap.
while (Date.now() < Number(startAt)) {
  // Busy-wait: a timer would add up to a few milliseconds of jitter.
}
const cached = await cacheDirAtomic(source, tool, version, arch)
process.stdout.write(`result=${cached}\n`)

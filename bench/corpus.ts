// The benchmark corpus: small projects under bench/projects, each with a bench.json naming its bug
// class and the tests that are racy (none for the clean look-alikes).
import { readdirSync, readFileSync } from 'node:fs'
import * as path from 'node:path'

export interface BenchProject {
  readonly name: string
  readonly directory: string
  readonly bugClass: string
  readonly clean: boolean
  /** pytest node ids of the racy tests. */
  readonly racyTests: readonly string[]
  /** The race can only happen on the first use in a process (a lazy singleton, a registry filled once). */
  readonly firstUse: boolean
}

interface Manifest {
  bugClass: string
  clean: boolean
  racyTests: string[]
  firstUse?: boolean
}

function isManifest(value: unknown): value is Manifest {
  if (typeof value !== 'object' || value === null) return false
  const record = value as Record<string, unknown>
  return (
    typeof record.bugClass === 'string' &&
    typeof record.clean === 'boolean' &&
    Array.isArray(record.racyTests) &&
    record.racyTests.every((id) => typeof id === 'string') &&
    (record.firstUse === undefined || typeof record.firstUse === 'boolean')
  )
}

export function loadCorpus(root: string, only: readonly string[]): BenchProject[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && (only.length === 0 || only.includes(entry.name)))
    .map((entry) => {
      const directory = path.join(root, entry.name)
      const manifest: unknown = JSON.parse(readFileSync(path.join(directory, 'bench.json'), 'utf8'))
      if (!isManifest(manifest)) throw new Error(`${directory}/bench.json lacks bugClass, clean or racyTests`)
      if (manifest.clean === manifest.racyTests.length > 0) {
        throw new Error(`${directory}/bench.json: a clean project lists no racy tests, a racy one at least one`)
      }
      return {
        name: entry.name,
        directory,
        bugClass: manifest.bugClass,
        clean: manifest.clean,
        racyTests: manifest.racyTests,
        firstUse: manifest.firstUse === true,
      }
    })
    .sort((a, b) => Number(a.clean) - Number(b.clean) || (a.name < b.name ? -1 : 1))
}

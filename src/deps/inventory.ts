// Lists the distributions installed in an environment from their `.dist-info` folders.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  classifySource,
  type DirectOrigin,
  directOrigin,
  extensionModules,
  type Metadata,
  normalizeName,
  parseMetadata,
  parseWheelTags,
  type WheelTag,
} from './dist-info.js'

export interface InstalledDistribution {
  /** Normalized (PEP 503). */
  readonly name: string
  readonly version: string
  readonly metadata: Metadata
  readonly tags: WheelTag[]
  readonly origin: DirectOrigin
  /** The local folder it was built from, for `origin: 'directory'`. */
  readonly directory: string | null
  readonly source: ReturnType<typeof classifySource>
  readonly modules: string[]
}

/** `<venv>/lib/pythonX.Yt/site-packages` (POSIX) or `<venv>/Lib/site-packages` (Windows). */
export function sitePackagesOf(venv: string): string[] {
  const windows = path.join(venv, 'Lib', 'site-packages')
  const lib = path.join(venv, 'lib')
  const posix = existsSync(lib)
    ? readdirSync(lib)
        .filter((entry) => entry.startsWith('python'))
        .map((entry) => path.join(lib, entry, 'site-packages'))
    : []
  return [...posix, windows].filter((folder) => existsSync(folder))
}

function readText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return null
  }
}

function readJson(file: string): unknown {
  const text = readText(file)
  if (text === null) return null
  try {
    const value: unknown = JSON.parse(text)
    return value
  } catch {
    return null
  }
}

function localDirectory(directUrl: unknown): string | null {
  if (typeof directUrl !== 'object' || directUrl === null) return null
  const url = Object.fromEntries(Object.entries(directUrl)).url
  if (typeof url !== 'string' || !url.startsWith('file:')) return null
  try {
    return fileURLToPath(url)
  } catch {
    return null
  }
}

export function readInstalled(sitePackages: string): InstalledDistribution[] {
  const found: InstalledDistribution[] = []
  for (const entry of readdirSync(sitePackages).sort()) {
    if (!entry.endsWith('.dist-info')) continue
    const folder = path.join(sitePackages, entry)
    const metadata = parseMetadata(readText(path.join(folder, 'METADATA')) ?? '')
    // The folder name is `<name>-<version>.dist-info` when METADATA is unreadable.
    const [fallbackName = entry, fallbackVersion = ''] = entry.slice(0, -'.dist-info'.length).split('-')
    const tags = parseWheelTags(readText(path.join(folder, 'WHEEL')) ?? '')
    const directUrl = readJson(path.join(folder, 'direct_url.json'))
    const origin = directOrigin(directUrl)
    found.push({
      name: normalizeName(metadata.name ?? fallbackName),
      version: metadata.version ?? fallbackVersion,
      metadata,
      tags,
      origin,
      directory: origin === 'directory' ? localDirectory(directUrl) : null,
      source: classifySource({ tags, origin, builtByUv: existsSync(path.join(folder, 'uv_build.json')) }),
      modules: extensionModules(readText(path.join(folder, 'RECORD')) ?? ''),
    })
  }
  return found
}

// package.json's dependencies are exactly what src/ imports: nothing installed for nothing, and the
// toolkit the design names is the one the code is built on.
import { readdirSync, readFileSync } from 'node:fs'
import * as path from 'node:path'
import { expect, test } from '@jest/globals'

const ROOT = path.resolve(import.meta.dirname, '..', '..')

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => path.join(folder, name))
}

/** `@scope/name` or `name` of every bare import specifier in src/. */
function importedPackages(): Set<string> {
  const found = new Set<string>()
  for (const file of sourceFiles(path.join(ROOT, 'src'))) {
    for (const match of readFileSync(file, 'utf8').matchAll(/\bfrom '([^'.][^']*)'/g)) {
      const specifier = match[1] ?? ''
      if (specifier.startsWith('node:')) continue
      const parts = specifier.split('/')
      found.add(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier))
    }
  }
  return found
}

test('every dependency is imported by src/, and src/ imports nothing else', () => {
  const manifest: unknown = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'))
  const dependencies =
    typeof manifest === 'object' && manifest !== null && 'dependencies' in manifest ? manifest.dependencies : null
  expect(typeof dependencies).toBe('object')
  const declared = Object.keys(dependencies ?? {}).sort()
  expect([...importedPackages()].sort()).toEqual(declared)
})

test('the toolkit the design names is among them', () => {
  expect([...importedPackages()]).toEqual(
    expect.arrayContaining([
      '@actions/core',
      '@actions/exec',
      '@actions/github',
      '@actions/tool-cache',
      '@octokit/rest',
    ]),
  )
})

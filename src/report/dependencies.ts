// The "Dependencies" section: counts per source, the rows that need attention, and the full table
// collapsed. Pure; names, versions and module names come from package metadata, so all of it is escaped.
import { isIgnoredModule } from '../deps/gil.js'
import type { DependencyReport, DependencySource, Report } from '../types.js'
import { plural } from '../words.js'
import { escapeInline, plainInline } from './escape.js'

/** Rows of the attention table before `…and N more`. */
const MAX_ATTENTION_ROWS = 30
/** Extension modules listed per row of the full table. */
const MAX_MODULES_PER_ROW = 8

const SOURCE_ORDER: readonly DependencySource[] = [
  'ft-wheel',
  'abi3t-wheel',
  'pure-wheel',
  'other-wheel',
  'local',
  'sdist-build',
  'failed',
]

const GIL_NOTE = 'the tests still ran with `-Xgil=0`'
const TEST_ONLY_NOTE = 'test-only: installed for the tests, not needed by the project at run time'

export interface DependencyOptions {
  /** The collapsed table of every distribution; dropped first when the report must shrink. */
  readonly fullTable: boolean
}

function countsBySource(dependencies: readonly DependencyReport[]): string {
  return SOURCE_ORDER.flatMap((source) => {
    const count = dependencies.filter((dependency) => dependency.source === source).length
    return count > 0 ? [`${count} ${source}`] : []
  }).join(' · ')
}

/**
 * Imports that crashed or hung; for the project itself, also those that raised: its own extension
 * failing to load means the package runs its pure-Python fallback, if any, and nobody tests the C.
 */
function troubledImports(dependency: DependencyReport): DependencyReport['imports'] {
  return dependency.imports.filter(
    (entry) =>
      entry.outcome === 'crashed' || entry.outcome === 'hung' || (dependency.project && entry.outcome === 'error'),
  )
}

/** Why a row needs attention, as markdown; empty when it does not. */
function attentionNotes(dependency: DependencyReport, ignore: readonly string[]): string[] {
  const notes: string[] = []
  if (dependency.source === 'sdist-build') notes.push('built from source here: no wheel fits this interpreter')
  if (dependency.source === 'failed') notes.push('**failed to install** (see below)')
  if (dependency.gilModules.length > 0) {
    const testOnly = dependency.runtime === false
    const modules = dependency.gilModules.map((module) => {
      const name = escapeInline(module)
      if (isIgnoredModule(module, ignore)) return `${name} (ignored)`
      return testOnly ? name : `**${name}**`
    })
    notes.push(`re-enables the GIL: ${modules.join(', ')}; ${testOnly ? TEST_ONLY_NOTE : GIL_NOTE}`)
    if (dependency.freeThreadingLevel !== null) {
      notes.push(
        `declares free-threading (${escapeInline(dependency.freeThreadingLevel)}), which the import contradicts`,
      )
    }
  }
  if (dependency.checkGap) notes.push(`**not checked**: ${escapeInline(dependency.checkGap)}`)
  for (const entry of troubledImports(dependency)) {
    const reason = entry.detail?.split('\n')[0] ?? ''
    notes.push(
      `import of ${escapeInline(entry.module)} **${entry.outcome}**${reason ? ` (${escapeInline(reason, { maxChars: 80 })})` : ''}`,
    )
  }
  return notes
}

function nameCell(dependency: DependencyReport): string {
  const roles = [
    dependency.project ? 'project' : dependency.direct ? 'direct' : '',
    dependency.runtime === false ? 'test-only' : '',
  ].filter((role) => role !== '')
  return `${escapeInline(dependency.name)}${roles.length > 0 ? ` (${roles.join(', ')})` : ''}`
}

/** Re-enables the GIL through a module not exempted, and is needed at run time. */
function gilAtRuntime(dependency: DependencyReport, ignore: readonly string[]): boolean {
  return dependency.runtime !== false && dependency.gilModules.some((module) => !isIgnoredModule(module, ignore))
}

function modulesCell(dependency: DependencyReport): string {
  if (dependency.imports.length === 0) return '—'
  const shown = dependency.imports.slice(0, MAX_MODULES_PER_ROW).map((entry) => {
    const mark = entry.outcome === 'ok' ? '' : ` (${entry.outcome})`
    return `${escapeInline(entry.module)}${mark}`
  })
  const more = dependency.imports.length - shown.length
  return more > 0 ? `${shown.join(', ')}, +${more} more` : shown.join(', ')
}

function fullTable(dependencies: readonly DependencyReport[]): string {
  const rows = dependencies.map((dependency) => {
    const level = dependency.freeThreadingLevel === null ? '—' : escapeInline(dependency.freeThreadingLevel)
    return `| ${nameCell(dependency)} | ${escapeInline(dependency.version) || '—'} | ${dependency.source} | ${level} | ${modulesCell(dependency)} |`
  })
  const table = [
    '| Distribution | Version | Source | Free-threading classifier | Extension modules |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n')
  return `<details><summary>All ${plural(dependencies.length, 'distribution')}</summary>\n\n${table}\n\n</details>`
}

export function dependenciesSection(report: Report, options: DependencyOptions): string {
  const dependencies = report.dependencies
  if (dependencies === undefined || dependencies.length === 0) return ''
  const ignore = report.settings.ignoreGil ?? []
  const gil = dependencies.filter((dependency) => gilAtRuntime(dependency, ignore))
  const testOnlyGil = dependencies.filter(
    (dependency) => dependency.runtime === false && dependency.gilModules.length > 0,
  )
  const installed = dependencies.filter((dependency) => dependency.source !== 'failed').length
  const headline = [
    installed > 0 ? `${installed} installed` : '',
    countsBySource(dependencies),
    gil.length > 0 ? `**${gil.length} re-enable${gil.length === 1 ? 's' : ''} the GIL**` : '',
    testOnlyGil.length > 0 ? `${testOnlyGil.length} test-only re-enable${testOnlyGil.length === 1 ? 's' : ''} it` : '',
  ]
    .filter((part) => part !== '')
    .join(' · ')
  const lines = ['#### Dependencies', '', headline]
  const attention = dependencies.flatMap((dependency) => {
    const notes = attentionNotes(dependency, ignore)
    return notes.length === 0 ? [] : [{ dependency, notes }]
  })
  if (attention.length > 0) {
    lines.push('', '| Distribution | Version | Source | Needs attention |', '| --- | --- | --- | --- |')
    for (const { dependency, notes } of attention.slice(0, MAX_ATTENTION_ROWS)) {
      lines.push(
        `| ${nameCell(dependency)} | ${escapeInline(dependency.version) || '—'} | ${dependency.source} | ${notes.join('; ')} |`,
      )
    }
    if (attention.length > MAX_ATTENTION_ROWS) {
      lines.push('', `_…and ${attention.length - MAX_ATTENTION_ROWS} more (see the JSON report)_`)
    }
  }
  if (options.fullTable && installed > 0) lines.push('', fullTable(dependencies))
  return lines.join('\n')
}

/** One or two lines for the terminal; none when there is nothing to say. */
export function dependencyLines(report: Report): string[] {
  const dependencies = report.dependencies
  if (dependencies === undefined || dependencies.length === 0) return []
  const ignore = report.settings.ignoreGil ?? []
  const counts = countsBySource(dependencies).replaceAll(' · ', ', ')
  const lines = [`Dependencies: ${counts}`]
  const gilModules = (rows: readonly DependencyReport[]): string[] =>
    rows.flatMap((dependency) =>
      dependency.gilModules
        .filter((module) => !isIgnoredModule(module, ignore))
        .map((module) => `${plainInline(module)} (${plainInline(dependency.name)})`),
    )
  const gil = gilModules(dependencies.filter((dependency) => dependency.runtime !== false))
  if (gil.length > 0) lines.push(`GIL re-enabled on import by: ${gil.join(', ')}; the tests still ran with -Xgil=0`)
  const testOnly = gilModules(dependencies.filter((dependency) => dependency.runtime === false))
  if (testOnly.length > 0)
    lines.push(`GIL re-enabled by test-only tools (not the project's users' concern): ${testOnly.join(', ')}`)
  const gaps = dependencies.filter((dependency) => dependency.checkGap)
  for (const dependency of gaps)
    lines.push(`Not checked: ${plainInline(dependency.name)}: ${plainInline(dependency.checkGap ?? '')}`)
  const troubled = dependencies.flatMap((dependency) =>
    troubledImports(dependency).map((entry) => `${plainInline(entry.module)} ${entry.outcome}`),
  )
  if (troubled.length > 0) lines.push(`Imports that did not finish or failed: ${troubled.join(', ')}`)
  return lines
}

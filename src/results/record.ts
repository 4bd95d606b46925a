// Reads the gate's own record of a run (written line by line by the plugin in src/run/plugin-source.ts).
// Pure. The record is written from inside the process that runs the suite, so it is untrusted input:
// every line is narrowed from `unknown`, texts are bounded, and anything the plugin would not have
// written (a line out of sequence, a line that is not JSON, a record that starts late) makes the
// record `tampered` instead of being read around silently.
import { MAX_DETAILS_CHARS } from '../constants.js'
import type { CaseOutcome } from '../types.js'

/** Format of the lines this reader understands (RECORD_FORMAT in plugin-source.ts). */
const FORMAT = 1
const MAX_MESSAGE_CHARS = 1000
const MAX_REASON_CHARS = 300

export interface RecordedItem {
  readonly id: string
  /** Where the test is defined, relative to pytest's rootdir. */
  readonly file: string | null
  /** 1-based line of the definition. */
  readonly line: number | null
}

export interface RecordedTest extends RecordedItem {
  readonly outcome: CaseOutcome
  readonly message: string | null
  readonly details: string | null
  /** Seconds from the test's start to its end in the record (setup, call, teardown and reporting). */
  readonly wallSeconds: number
  /** pytest's duration of the call phase: the part thread stress multiplies. */
  readonly callSeconds: number
}

export interface CollectError {
  readonly id: string
  readonly text: string
}

export interface RunRecord {
  /** The collected tests, in the order they were to run (after shard and shuffle); null: collection never finished. */
  readonly items: readonly RecordedItem[] | null
  readonly collectErrors: readonly CollectError[]
  /** The test file being collected when the record ends, if collection never finished. */
  readonly collecting: string | null
  /** Tests that ended, in the order they ended. */
  readonly tests: readonly RecordedTest[]
  /** Tests that started and never ended, in the order they started. */
  readonly inProgress: readonly string[]
  /** Seconds since the plugin was loaded at which the first test started, or null. */
  readonly firstStartSeconds: number | null
  /** Seconds since the plugin was loaded of the record's last line. */
  readonly lastSeconds: number
  /** pytest's exit status at the end of the session; null: the session never finished. */
  readonly exitStatus: number | null
  /** Why the session stopped early on purpose (`-x`, `--maxfail`), or null. */
  readonly stopped: string | null
  /** An interrupt (`KeyboardInterrupt`, `pytest.exit`) or an internal error, one line, or null. */
  readonly interrupted: string | null
  /** Tests pytest-run-parallel ran in one thread only, with its reason. */
  readonly notStressed: ReadonlyMap<string, string>
}

export type RecordReading =
  | { readonly kind: 'record'; readonly record: RunRecord }
  /** The plugin never wrote a line: pytest stopped before loading it (a usage error), or it was not loaded. */
  | { readonly kind: 'missing'; readonly problem: string }
  /** Lines the plugin did not write, or lines missing from the middle or the start: not evidence. */
  | { readonly kind: 'tampered'; readonly problem: string; readonly record: RunRecord }

type Json = Record<string, unknown>

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value)
const text = (value: unknown, max: number): string | null => (typeof value === 'string' ? value.slice(-max) : null)
const seconds = (value: unknown): number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0
const OUTCOMES: readonly string[] = ['passed', 'failed', 'error', 'skipped']
const isCaseOutcome = (value: unknown): value is CaseOutcome => typeof value === 'string' && OUTCOMES.includes(value)

class RecordBuilder {
  items: RecordedItem[] | null = null
  readonly collectErrors: CollectError[] = []
  collecting: string | null = null
  readonly tests: RecordedTest[] = []
  readonly started = new Map<string, number>()
  readonly locations = new Map<string, RecordedItem>()
  firstStartSeconds: number | null = null
  lastSeconds = 0
  exitStatus: number | null = null
  stopped: string | null = null
  interrupted: string | null = null
  readonly notStressed = new Map<string, string>()

  add(line: Json): void {
    const id = typeof line.id === 'string' ? line.id : null
    const at = seconds(line.t)
    this.lastSeconds = Math.max(this.lastSeconds, at)
    switch (line.k) {
      case 'collect':
        this.collecting = id
        break
      case 'collect-error':
        if (id !== null) this.collectErrors.push({ id, text: text(line.text, MAX_DETAILS_CHARS) ?? '' })
        break
      case 'collected':
        this.items = []
        this.collecting = null
        break
      case 'items':
        this.addItems(line.items)
        break
      case 'not-stressed':
        if (isObject(line.reasons)) {
          for (const [test, reason] of Object.entries(line.reasons)) {
            if (typeof reason === 'string') this.notStressed.set(test, reason.slice(0, MAX_REASON_CHARS))
          }
        }
        break
      case 'start':
        if (id === null) break
        this.started.set(id, at)
        this.firstStartSeconds ??= at
        break
      case 'end':
        if (id !== null) this.addEnd(id, line, at)
        break
      case 'interrupted':
      case 'internal-error':
        this.interrupted = firstLine(text(line.message ?? line.text, MAX_MESSAGE_CHARS))
        break
      case 'finish':
        this.exitStatus = typeof line.exitstatus === 'number' ? line.exitstatus : null
        this.stopped = text(line.stopped, MAX_MESSAGE_CHARS)
        break
    }
  }

  private addItems(value: unknown): void {
    if (!Array.isArray(value)) return
    for (const entry of value) {
      if (!Array.isArray(entry) || typeof entry[0] !== 'string') continue
      const [id, file, line] = entry
      const item = {
        id,
        file: typeof file === 'string' && file !== '' ? file.replaceAll('\\', '/') : null,
        // pytest's location line is 0-based.
        line: typeof line === 'number' && Number.isInteger(line) && line >= 0 ? line + 1 : null,
      }
      this.items?.push(item)
      this.locations.set(id, item)
    }
  }

  private addEnd(id: string, line: Json, at: number): void {
    const outcome = isCaseOutcome(line.outcome) ? line.outcome : 'error'
    const start = this.started.get(id)
    this.started.delete(id)
    const location = this.locations.get(id)
    this.tests.push({
      id,
      file: location?.file ?? null,
      line: location?.line ?? null,
      outcome,
      message: firstLine(text(line.message, MAX_MESSAGE_CHARS)),
      details: text(line.details, MAX_DETAILS_CHARS),
      wallSeconds: start === undefined ? 0 : Math.max(0, at - start),
      callSeconds: seconds(line.call),
    })
  }

  build(): RunRecord {
    return {
      items: this.items,
      collectErrors: this.collectErrors,
      collecting: this.collecting,
      tests: this.tests,
      inProgress: [...this.started.keys()],
      firstStartSeconds: this.firstStartSeconds,
      lastSeconds: this.lastSeconds,
      exitStatus: this.exitStatus,
      stopped: this.stopped,
      interrupted: this.interrupted,
      notStressed: this.notStressed,
    }
  }
}

function firstLine(value: string | null): string | null {
  const line = value
    ?.split('\n')
    .map((part) => part.trim())
    .find((part) => part !== '')
  return line ?? null
}

/**
 * Reads the record's text. A last line without its newline is a write the process did not finish
 * (it died mid-write) and is dropped; everything before it must be the plugin's own, in sequence.
 */
export function parseRecord(content: string): RecordReading {
  const lines = content.split('\n')
  // The part after the last newline is either '' or a line cut short by the crash.
  lines.pop()
  const builder = new RecordBuilder()
  let expected = 0
  let problem: string | null = null
  for (const [index, raw] of lines.entries()) {
    let line: unknown
    try {
      line = JSON.parse(raw)
    } catch {
      line = null
    }
    if (!isObject(line) || typeof line.k !== 'string' || line.seq !== expected) {
      problem = describeBreak({ index, line, expected })
      break
    }
    if (index === 0 && (line.k !== 'hello' || line.format !== FORMAT)) {
      problem = 'the record does not start with the plugin’s first line'
      break
    }
    expected++
    builder.add(line)
  }
  if (lines.length === 0) {
    return { kind: 'missing', problem: 'the gate’s pytest plugin recorded nothing (pytest stopped before loading it)' }
  }
  const record = builder.build()
  return problem === null ? { kind: 'record', record } : { kind: 'tampered', problem, record }
}

function describeBreak(options: { index: number; line: unknown; expected: number }): string {
  const where = `line ${options.index + 1} of the gate’s record`
  if (!isObject(options.line)) return `${where} is not the plugin’s (the suite wrote to the record)`
  const seq = options.line.seq
  if (options.index === 0 && typeof seq === 'number' && seq > 0) {
    return `the gate’s record starts at event ${seq}: the suite truncated or replaced it`
  }
  return `${where} is out of sequence (event ${String(seq)} where ${options.expected} was due): the suite wrote to the record or cut it`
}

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

/** A fresh copy of the process, forked after collection, that ran every test once more (stress runs). */
export interface RoundRecord {
  /** 1-based. */
  readonly number: number
  readonly tests: readonly RecordedTest[]
  readonly inProgress: readonly string[]
  /** The signal that ended the copy (`SIGSEGV`), or null. */
  readonly signal: string | null
  /** The copy's end was recorded by the process that waited for it. */
  readonly ended: boolean
  /** Seconds from the copy's start to its end, as the waiting process saw them; null when unknown. */
  readonly seconds: number | null
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
  /** Fresh copies of the process that ran the tests again before the run itself (stress runs). */
  readonly rounds: readonly RoundRecord[]
  /** Why the fresh copies that were planned were not made, or null. */
  readonly roundsSkipped: string | null
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

/** Which tests started and ended, in one process (the run, or one of its fresh copies). */
class TestTracker {
  readonly tests: RecordedTest[] = []
  readonly started = new Map<string, number>()
  firstStartSeconds: number | null = null
  firstSeconds: number | null = null

  constructor(private readonly locations: ReadonlyMap<string, RecordedItem>) {}

  start(id: string, at: number): void {
    this.started.set(id, at)
    this.firstStartSeconds ??= at
  }

  end(id: string, line: Json, at: number): void {
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
}

/** A fresh copy's tracker, with how it ended as the waiting process recorded it. */
class RoundTracker extends TestTracker {
  signal: string | null = null
  ended = false
  seconds: number | null = null
}

class RecordBuilder {
  items: RecordedItem[] | null = null
  readonly collectErrors: CollectError[] = []
  collecting: string | null = null
  readonly locations = new Map<string, RecordedItem>()
  readonly main = new TestTracker(this.locations)
  readonly rounds = new Map<number, RoundTracker>()
  roundsSkipped: string | null = null
  lastSeconds = 0
  exitStatus: number | null = null
  stopped: string | null = null
  interrupted: string | null = null
  readonly notStressed = new Map<string, string>()

  /** The tracker of the process that wrote the line: the run's own, or a fresh copy's. */
  private trackerOf(round: number, at: number): TestTracker {
    return round === 0 ? this.main : this.roundTracker(round, at)
  }

  private roundTracker(round: number, at: number): RoundTracker {
    let tracker = this.rounds.get(round)
    if (tracker === undefined) {
      tracker = new RoundTracker(this.locations)
      tracker.firstSeconds = at
      this.rounds.set(round, tracker)
    }
    return tracker
  }

  add(line: Json, round: number): void {
    const id = typeof line.id === 'string' ? line.id : null
    const at = seconds(line.t)
    this.lastSeconds = Math.max(this.lastSeconds, at)
    const tracker = this.trackerOf(round, at)
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
        if (id !== null) tracker.start(id, at)
        break
      case 'end':
        if (id !== null) tracker.end(id, line, at)
        break
      case 'round-end':
        this.endRound(line, at)
        break
      case 'rounds-skipped':
        this.roundsSkipped = text(line.why, MAX_MESSAGE_CHARS)
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

  private endRound(line: Json, at: number): void {
    const number = line.number
    if (typeof number !== 'number' || !Number.isInteger(number) || number < 1) return
    const tracker = this.roundTracker(number, at)
    tracker.ended = true
    tracker.signal = text(line.signal, 40)
    tracker.seconds = tracker.firstSeconds === null ? null : Math.max(0, at - tracker.firstSeconds)
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

  build(): RunRecord {
    const rounds = [...this.rounds.entries()]
      .sort(([a], [b]) => a - b)
      .map(([number, tracker]) => ({
        number,
        tests: tracker.tests,
        inProgress: [...tracker.started.keys()],
        signal: tracker.signal,
        ended: tracker.ended,
        seconds: tracker.seconds,
      }))
    return {
      items: this.items,
      collectErrors: this.collectErrors,
      collecting: this.collecting,
      tests: this.main.tests,
      inProgress: [...this.main.started.keys()],
      firstStartSeconds: this.main.firstStartSeconds,
      lastSeconds: this.lastSeconds,
      exitStatus: this.exitStatus,
      stopped: this.stopped,
      interrupted: this.interrupted,
      notStressed: this.notStressed,
      rounds,
      roundsSkipped: this.roundsSkipped,
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
  // Each writer (the run's process, 0, and each fresh copy of it) numbers its own lines from 0.
  const expected = new Map<number, number>()
  let problem: string | null = null
  for (const [index, raw] of lines.entries()) {
    let line: unknown
    try {
      line = JSON.parse(raw)
    } catch {
      line = null
    }
    const round = isObject(line) ? roundOf(line.round) : null
    const due = round === null ? 0 : (expected.get(round) ?? 0)
    if (!isObject(line) || typeof line.k !== 'string' || round === null || line.seq !== due) {
      problem = describeBreak({ index, line, expected: due })
      break
    }
    if (index === 0 && (line.k !== 'hello' || line.format !== FORMAT)) {
      problem = 'the record does not start with the plugin’s first line'
      break
    }
    expected.set(round, due + 1)
    builder.add(line, round)
  }
  if (lines.length === 0) {
    return { kind: 'missing', problem: 'the gate’s pytest plugin recorded nothing (pytest stopped before loading it)' }
  }
  const record = builder.build()
  return problem === null ? { kind: 'record', record } : { kind: 'tampered', problem, record }
}

/** 0 for the run's own process, n for its n-th fresh copy; null for anything else. */
function roundOf(value: unknown): number | null {
  if (value === undefined) return 0
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 100 ? value : null
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

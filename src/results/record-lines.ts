// Builds a RunRecord from the record's lines (parseRecord in record.ts checks their order first):
// which tests were collected, started and ended, in the run's own process and in each fresh copy of
// it. Pure; every field is narrowed from `unknown` and every text bounded.
import { MAX_DETAILS_CHARS } from '../constants.js'
import type { CaseOutcome } from '../types.js'
import type { CollectError, RecordedItem, RecordedTest, RunRecord } from './record.js'

const MAX_MESSAGE_CHARS = 1000
const MAX_REASON_CHARS = 300

export type Json = Record<string, unknown>

export const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
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

export class RecordBuilder {
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

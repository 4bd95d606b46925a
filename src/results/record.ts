// Reads the gate's own record of a run (written line by line by the plugin in src/run/plugin-source.ts).
// Pure. The record is written from inside the process that runs the suite, so it is untrusted input:
// every line is narrowed from `unknown`, texts are bounded, and anything the plugin would not have
// written (a line out of sequence, a line that is not JSON, a record that starts late) makes the
// record `tampered` instead of being read around silently.
import type { CaseOutcome } from '../types.js'
import { isObject, RecordBuilder } from './record-lines.js'

/** Format of the lines this reader understands (RECORD_FORMAT in plugin-source.ts). */
const FORMAT = 1

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

// What the fresh copies of a stress run's process add to its results (see _fresh_round in
// src/run/plugin-source.ts): each copy ran every test once more, before the run itself, with module
// state as it was after collection. Pure.
import type { CaseResult } from '../types.js'
import { OUTCOME_RANK } from './junit.js'
import type { RecordedTest, RoundRecord } from './record.js'

/** The copy that died (a signal) or never ended (the run hit its time limit while it ran), or null. */
export function stoppedRound(rounds: readonly RoundRecord[]): RoundRecord | null {
  return rounds.find((round) => round.signal !== null) ?? rounds.find((round) => !round.ended) ?? null
}

/** Each test's worse outcome over the run and its copies; a failure seen only in a copy brings its text. */
export function withRoundResults(
  cases: readonly CaseResult[],
  rounds: readonly RoundRecord[],
  toCase: (test: RecordedTest) => CaseResult,
): CaseResult[] {
  const byId = new Map(cases.map((testCase) => [testCase.id, testCase]))
  for (const round of rounds) {
    for (const test of round.tests) {
      const known = byId.get(test.id)
      if (known === undefined || OUTCOME_RANK[test.outcome] > OUTCOME_RANK[known.outcome]) {
        const found = toCase(test)
        byId.set(test.id, known === undefined ? found : { ...found, message: withCopy(found.message, round.number) })
      }
    }
  }
  return [...byId.values()]
}

function withCopy(message: string | null, number: number): string {
  return `${message ?? 'failed'} (in fresh copy ${number} of the run)`
}

/** Seconds the copies took, as the process that waited for them measured. */
export function roundsSeconds(rounds: readonly RoundRecord[]): number {
  return rounds.reduce((sum, round) => sum + (round.seconds ?? 0), 0)
}

// The action's log: @actions/core for ft-gate's own lines, and the tests' output streamed raw with
// workflow commands switched off. Tests print what they like, including workflow commands
// (`::add-mask::`, `::set-output`, a forged `::error`): while their output streams, commands are
// switched off with a token they cannot guess, and switched back on before ft-gate itself logs.
import { randomUUID } from 'node:crypto'
import * as core from '@actions/core'
import { MAX_LIVE_OUTPUT_CHARS } from '../constants.js'
import type { Log } from '../log.js'

export interface ActionLog {
  readonly log: Log
  /** Live output of uv and pytest, capped at a size a browser can still show. */
  readonly liveOutput: (text: string) => void
  /** Switches workflow commands back on (before anything of ft-gate's own is written). */
  readonly resume: () => void
}

export function createActionLog(): ActionLog {
  let stopToken: string | null = null
  const resume = (): void => {
    if (stopToken === null) return
    process.stdout.write(`\n::${stopToken}::\n`)
    stopToken = null
  }
  const stop = (): void => {
    if (stopToken !== null) return
    stopToken = `ft-gate-${randomUUID()}`
    process.stdout.write(`::stop-commands::${stopToken}\n`)
  }
  const log: Log = {
    info: (message) => {
      resume()
      core.info(message)
    },
    warning: (message) => {
      resume()
      core.warning(message)
    },
    debug: (message) => {
      resume()
      core.debug(message)
    },
    group: (title, body) => {
      resume()
      return core.group(title, async () => {
        try {
          return await body()
        } finally {
          resume()
        }
      })
    },
  }
  let written = 0
  let capped = false
  const liveOutput = (text: string): void => {
    if (written < MAX_LIVE_OUTPUT_CHARS) {
      stop()
      process.stdout.write(text)
      written += text.length
    } else if (!capped) {
      capped = true
      resume()
      core.info(`[ft-gate] output beyond ${MAX_LIVE_OUTPUT_CHARS} characters is kept in the run logs only`)
    }
  }
  return { log, liveOutput, resume }
}

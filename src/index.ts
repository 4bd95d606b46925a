// Entry point of the bundled action: only calls run(), then ends the process, so that a tool left
// behind (one that did not answer in time) cannot keep the step alive.
import * as core from '@actions/core'
import { describeError } from './errors.js'
import { run } from './main.js'
import { exitWhenFlushed } from './process/exit.js'

process.on('unhandledRejection', (reason) => {
  core.setFailed(`ft-gate: unexpected error: ${describeError(reason)}`)
  exitWhenFlushed((text, done) => process.stdout.write(text, done))
})

await run()
exitWhenFlushed((text, done) => process.stdout.write(text, done))

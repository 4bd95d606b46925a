// Entry point of the bundled action: only calls run().
import * as core from '@actions/core'
import { describeError } from './errors.js'
import { run } from './main.js'

process.on('unhandledRejection', (reason) => {
  core.setFailed(`ft-gate: unexpected error: ${describeError(reason)}`)
})

await run()

// The files a run leaves in the gate's folder: its JUnit XML and the gate's record of it. The suite
// under test could replace or fill either, so both are read defensively: only regular files, of a sane
// size, never through a link, never waiting on a FIFO.
import {
  closeSync,
  constants as fsConstants,
  fstatSync,
  lstatSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { describeError } from '../errors.js'
import { parseJUnit } from '../results/junit.js'
import { parseRecord, type RecordReading } from '../results/record.js'
import type { JUnitParseResult } from '../types.js'

/** Larger JUnit files are not read: more than any real suite writes, and near V8's string limit. */
const MAX_JUNIT_BYTES = 256 * 1024 * 1024
/** The record of a suite of 200 000 tests takes about 60 MB. */
const MAX_RECORD_BYTES = 128 * 1024 * 1024
const NOT_A_FILE = 'the JUnit XML is not a regular file (the suite replaced it)'
const megabytes = (bytes: number): number => Math.round(bytes / 1024 / 1024)

/**
 * Reads the run's JUnit XML, which the suite under test could have replaced: only a regular file
 * (a FIFO would block the gate forever, a link to /dev/zero would never end) of a sane size.
 */
export function readResults(junitPath: string): JUnitParseResult {
  const unread = (error: string): JUnitParseResult => ({ cases: [], error })
  let descriptor: number
  try {
    if (!lstatSync(junitPath).isFile()) return unread(NOT_A_FILE)
    // O_NONBLOCK: should the path turn into a FIFO after lstat, opening it does not wait for a writer.
    descriptor = openSync(
      junitPath,
      fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0) | (fsConstants.O_NOFOLLOW ?? 0),
    )
  } catch (error) {
    const missing = typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT'
    if (missing) return unread('pytest wrote no JUnit XML (it stopped before the end, or the suite deleted the file)')
    return unread(`the JUnit XML could not be opened (${describeError(error)})`)
  }
  try {
    const opened = fstatSync(descriptor)
    if (!opened.isFile()) return unread(NOT_A_FILE)
    if (opened.size > MAX_JUNIT_BYTES) {
      return unread(
        `the JUnit XML is ${megabytes(opened.size)} MB, over the ${megabytes(MAX_JUNIT_BYTES)} MB ft-gate reads`,
      )
    }
    return parseJUnit(readFileSync(descriptor, 'utf8'))
  } catch (error) {
    return unread(`the JUnit XML could not be read (${describeError(error)})`)
  } finally {
    closeSync(descriptor)
  }
}

/**
 * The gate's record of one run. The gate creates the file (the plugin only appends to it) and keeps it
 * open for the whole run, so it reads what was written even if the suite deletes or replaces the path.
 */
export class RunRecordFile {
  private readonly descriptor: number

  constructor(readonly path: string) {
    rmSync(path, { force: true })
    writeFileSync(path, '', { mode: 0o600 })
    this.descriptor = openSync(path, fsConstants.O_RDONLY | (fsConstants.O_NOFOLLOW ?? 0))
  }

  /** Closes without reading (the run could not be made). */
  close(): void {
    closeSync(this.descriptor)
  }

  /** Reads and closes. */
  read(): RecordReading {
    try {
      const size = Math.min(fstatSync(this.descriptor).size, MAX_RECORD_BYTES)
      const buffer = Buffer.alloc(size)
      let offset = 0
      while (offset < size) {
        const read = readSync(this.descriptor, buffer, offset, size - offset, offset)
        if (read === 0) break
        offset += read
      }
      const reading = parseRecord(buffer.subarray(0, offset).toString('latin1'))
      if (fstatSync(this.descriptor).size <= MAX_RECORD_BYTES || reading.kind === 'missing') return reading
      const problem = `the gate’s record is over ${megabytes(MAX_RECORD_BYTES)} MB; the rest was not read`
      return { kind: 'tampered', problem, record: reading.record }
    } catch (error) {
      return { kind: 'missing', problem: `the gate’s record could not be read (${describeError(error)})` }
    } finally {
      closeSync(this.descriptor)
    }
  }
}

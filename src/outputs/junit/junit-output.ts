/**
 * The JUnit XML output (`run --junit FILE`): checks at start that the file
 * can be written, so a bad path fails before any load, and writes the report
 * atomically at stop.
 */
import { createSummaryFileOutput } from '../summary-file-output.js';
import type { Output } from '../types.js';
import { renderJunit } from './render-junit.js';

export interface JunitOutputOptions {
  /** Where the XML goes; parent directories are created. */
  path: string;
}

/** Creates the JUnit output; start() and stop() reject with ERR_FILE_WRITE naming the path. */
export function createJunitOutput(options: JunitOutputOptions): Output {
  return createSummaryFileOutput('junit', { path: options.path, what: 'JUnit XML report', flag: '--junit' }, renderJunit);
}

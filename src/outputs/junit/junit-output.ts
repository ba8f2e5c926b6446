/**
 * The JUnit XML output (`run --junit FILE`): checks at start that the file
 * can be written, so a bad path fails before any load, and writes the report
 * atomically at stop.
 */
import type { RunSummary } from '../../metrics/types.js';
import { checkOutputFileWritable, writeOutputFileAtomically, type OutputFile } from '../output-file.js';
import type { Output } from '../types.js';
import { renderJunit } from './render-junit.js';

export interface JunitOutputOptions {
  /** Where the XML goes; parent directories are created. */
  path: string;
}

/** Creates the JUnit output; start() and stop() reject with ERR_FILE_WRITE naming the path. */
export function createJunitOutput(options: JunitOutputOptions): Output {
  const file: OutputFile = { path: options.path, what: 'JUnit XML report', flag: '--junit' };
  return {
    name: 'junit',
    async start() {
      await checkOutputFileWritable(file);
    },
    interval() {},
    async stop(summary: RunSummary) {
      await writeOutputFileAtomically(file, renderJunit(summary));
    },
  };
}

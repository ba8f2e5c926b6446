/**
 * An output that writes one file rendered from the final summary (the HTML
 * report, the JUnit XML): it checks at start that the file can be written, so
 * a bad path fails before any load, and writes the file atomically at stop.
 */
import type { RunSummary } from '../metrics/types.js';
import { checkOutputFileWritable, writeOutputFileAtomically, type OutputFile } from './output-file.js';
import type { Output } from './types.js';

/** Creates the output named `name`; start() and stop() reject with ERR_FILE_WRITE naming `file.path` and `file.flag`. */
export function createSummaryFileOutput(name: string, file: OutputFile, render: (summary: RunSummary) => string): Output {
  return {
    name,
    async start() {
      await checkOutputFileWritable(file);
    },
    interval() {},
    async stop(summary: RunSummary) {
      await writeOutputFileAtomically(file, render(summary));
    },
  };
}

/**
 * The summary JSON output (`--out FILE`, docs/architecture.md section 7): the versioned
 * RunSummary, encoded histograms included, so summaries from several machines
 * merge exactly. Written at stop, and as a checkpoint every few seconds of the
 * run (`run.endReason: 'running'`), so a killed process leaves its results up
 * to the last checkpoint. The path is checked before any load.
 */
import type { RunSummary } from '../metrics/types.js';
import { checkOutputFileWritable, writeOutputFileAtomically, type OutputFile } from './output-file.js';
import type { Output } from './types.js';

export interface SummaryJsonOutputOptions {
  /** Where the summary goes; parent directories are created. */
  path: string;
}

/**
 * Creates the summary JSON output. `start()` fails with ERR_FILE_WRITE when
 * the path cannot be written; every write goes to `<path>.tmp` and is renamed
 * over `path`, so a reader (CI, `compare`) never sees a half-written file.
 */
export function createSummaryJsonOutput(options: SummaryJsonOutputOptions): Output {
  const file: OutputFile = { path: options.path, what: 'summary JSON', flag: '--out' };
  const write = (summary: RunSummary): Promise<void> => writeOutputFileAtomically(file, `${JSON.stringify(summary, null, 2)}\n`);
  return {
    name: 'summary-json',
    start: () => checkOutputFileWritable(file),
    interval() {},
    checkpoint: write,
    stop: write,
  };
}

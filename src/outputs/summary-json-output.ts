/**
 * The summary JSON output (`--out FILE`, DESIGN section 7): the versioned
 * RunSummary, encoded histograms included, so summaries from several machines
 * merge exactly. Written once, at stop.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PacsLoadError } from '../errors.js';
import type { RunSummary } from '../metrics/types.js';
import type { Output } from './types.js';

export interface SummaryJsonOutputOptions {
  /** Where the summary goes; parent directories are created. */
  path: string;
}

/**
 * Creates the summary JSON output. `stop()` writes the summary as pretty JSON to
 * `<path>.tmp` and renames it over `path`, so a reader (CI, `compare`) never sees
 * a half-written file. Any failure rejects with `ERR_FILE_WRITE`.
 */
export function createSummaryJsonOutput(options: SummaryJsonOutputOptions): Output {
  const { path } = options;
  return {
    name: 'summary-json',
    start() {},
    interval() {},
    async stop(summary: RunSummary) {
      await writeFileAtomically(path, `${JSON.stringify(summary, null, 2)}\n`);
    },
  };
}

async function writeFileAtomically(path: string, text: string): Promise<void> {
  const temporaryPath = `${path}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(temporaryPath, text, 'utf8');
    // rename() replaces the target in one step on POSIX file systems.
    await rename(temporaryPath, path);
  } catch (cause) {
    await rm(temporaryPath, { force: true }).catch(() => {});
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new PacsLoadError('ERR_FILE_WRITE', `Cannot write the summary JSON to ${path}: ${reason}`, {
      hint: `Check that ${path} is a writable file path (its directory can be created and is not a file), or pass another path to --out.`,
      cause,
    });
  }
}

/**
 * Issue 6: a corrupt or foreign JSON file given to `report`, `compare` or
 * `merge` gets a clear error naming the file and exit 3, never a stack trace.
 * Built CLI (run `npm run build` first).
 */
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';
import { BAD_SUMMARY_MESSAGES, expectBadSummaryRefused, useSummaryFiles } from '../../unit/report/summary-files.js';

const files = useSummaryFiles();

describe('report, compare and merge refuse corrupt and foreign summaries (built CLI)', () => {
  // One process per kind of bad file, the commands in turn (a spawned CLI takes
  // seconds on a busy machine); test/unit/report/commands.test.ts runs every
  // command against every kind in process.
  const commands: Array<[string, (path: string) => string[]]> = [
    ['report', (path) => ['report', path]],
    ['compare', (path) => ['compare', files.good, path, '--max-regression', 'p95=10%']],
    ['merge', (path) => ['merge', files.good, path, '-o', join(files.dir, 'never-written.json')]],
  ];
  Object.keys(BAD_SUMMARY_MESSAGES).forEach((kind, index) => {
    const [name, command] = commands[index % commands.length] as [string, (path: string) => string[]];
    it(`${kind} given to ${name}: exit 3, the file named, a hint, no stack trace`, async () => {
      const path = files.bad[kind] as string;
      expectBadSummaryRefused(await runCli(command(path)), path, kind);
    });
  });
});

/**
 * Issue 6: a corrupt or foreign JSON file given to `report`, `compare` or
 * `merge` gets a clear error naming the file and exit 3, never a stack trace.
 * Built CLI (run `npm run build` first).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../../helpers/cli.js';
import { writeBadSummaries, writeRecordedSummary } from '../../unit/report/summary-files.js';

let dir: { path: string; cleanup: () => Promise<void> };
let good: string;
let bad: Record<string, string>;
beforeAll(async () => {
  dir = await tempDir();
  const written = await writeRecordedSummary(dir.path, 'good.json', 'good');
  good = written.path;
  bad = await writeBadSummaries(dir.path, written.summary);
});
afterAll(async () => {
  await dir.cleanup();
});

/** What each kind of bad file must be told apart by. */
const EXPECTED_MESSAGE: Record<string, RegExp> = {
  truncated: /is not JSON: /,
  'empty object': /is not a pacs-load summary: it has no `schema` field/,
  'package.json': /is not a pacs-load summary: it has no `schema` field/,
  'broken histogram': /is a corrupt pacs-load summary: 1 problem[\s\S]*operations\.0\.histograms\.response: is not an encoded HDR histogram/,
  'wrong version': /is a pacs-load summary of version 2 \(written by pacs-load 0\.1\.0\); this pacs-load reads version 1/,
};

describe('report, compare and merge refuse corrupt and foreign summaries (built CLI)', () => {
  // One process per kind of bad file, the commands in turn (a spawned CLI takes
  // seconds on a busy machine); test/unit/report/commands.test.ts runs every
  // command against every kind in process.
  const commands: Array<[string, (path: string) => string[]]> = [
    ['report', (path) => ['report', path]],
    ['compare', (path) => ['compare', good, path, '--max-regression', 'p95=10%']],
    ['merge', (path) => ['merge', good, path, '-o', join(dir.path, 'never-written.json')]],
  ];
  Object.keys(EXPECTED_MESSAGE).forEach((kind, index) => {
    const [name, command] = commands[index % commands.length] as [string, (path: string) => string[]];
    it(`${kind} given to ${name}: exit 3, the file named, a hint, no stack trace`, async () => {
      const path = bad[kind] as string;
      const result = await runCli(command(path));
      expect(result.code).toBe(3);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(new RegExp(`^pacs-load: ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `));
      expect(result.stderr).toMatch(EXPECTED_MESSAGE[kind] as RegExp);
      expect(result.stderr).toContain('[ERR_INPUT_INVALID]');
      expect(result.stderr).toMatch(/\nhint: \S/);
      expect(result.stderr).not.toContain('    at ');
    });
  });
});

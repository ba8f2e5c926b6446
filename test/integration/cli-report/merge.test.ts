/**
 * `pacs-load merge` through the built CLI (run `npm run build` first): the
 * merged file equals the summary of one run over the same samples, thresholds
 * are re-evaluated (stored ones or `--profile`), and exit 99 when they fail.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../src/metrics/types.js';
import { runCli, tempDir, writeProfile } from '../../helpers/cli.js';
import { seededRandom } from '../../unit/metrics/seeded-random.js';
import { recordedSamples, summaryOfSamples } from '../../unit/report/recorded-summaries.js';
import { THRESHOLDS } from '../../unit/report/summary-files.js';

let dir: { path: string; cleanup: () => Promise<void> };
let machineA: string;
let machineB: string;
let whole: RunSummary;
beforeAll(async () => {
  dir = await tempDir();
  const samples = recordedSamples({ seed: 21, perInterval: 400, intervals: 3, errorFraction: 0.02 });
  const pick = seededRandom(3);
  const onA = samples.map(() => pick() < 0.5);
  const write = async (name: string, summary: RunSummary): Promise<string> => {
    const path = join(dir.path, name);
    await writeFile(path, JSON.stringify(summary));
    return path;
  };
  machineA = await write('a.json', summaryOfSamples(samples.filter((_, index) => onA[index]), { id: 'a', thresholds: THRESHOLDS }));
  machineB = await write('b.json', summaryOfSamples(samples.filter((_, index) => !onA[index]), { id: 'b', thresholds: THRESHOLDS }));
  whole = summaryOfSamples(samples, { id: 'whole', thresholds: THRESHOLDS });
});
afterAll(async () => {
  await dir.cleanup();
});

async function readSummary(path: string): Promise<RunSummary> {
  return JSON.parse(await readFile(path, 'utf8')) as RunSummary;
}

describe('pacs-load merge (built CLI)', () => {
  it('writes the exact merge: the same counts and percentiles as one run over all samples; exit 0 when thresholds pass', async () => {
    const out = join(dir.path, 'out', 'all.json');
    const result = await runCli(['merge', machineA, machineB, '-o', out]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('merged 2 summaries');
    expect(result.stdout).toContain('thresholds: 3 passed, 0 failed');
    expect(result.stdout).toContain(`wrote ${out}`);
    const merged = await readSummary(out);
    expect(merged.run.id).toBe('a+b');
    expect(merged.operations).toHaveLength(whole.operations.length);
    merged.operations.forEach((operation, index) => {
      const expected = whole.operations[index] as RunSummary['operations'][number];
      expect(operation.latency.response).toEqual(expected.latency.response);
      expect(operation.latency.service).toEqual(expected.latency.service);
      expect([operation.completed, operation.failed, operation.bytesReceived]).toEqual([expected.completed, expected.failed, expected.bytesReceived]);
    });
    expect(merged.thresholds.map((threshold) => [threshold.expression, threshold.measured])).toEqual(
      whole.thresholds.map((threshold) => [threshold.expression, threshold.measured]),
    );
  });

  it("judges by --profile's thresholds when given, writes the file, and exits 99 when one fails", async () => {
    const profile = await writeProfile(
      dir.path,
      'strict.yaml',
      [
        'name: strict',
        'scenarios:',
        '  modality-worklist: { operation: mwl.find, executor: constant-arrival-rate, rate: 1/s, duration: 1s }',
        '  viewer-search: { operation: qido.studies, executor: constant-arrival-rate, rate: 1/s, duration: 1s }',
        'thresholds:',
        '  mwl.find: ["p95 < 1ms"]',
        '  viewer-search: ["errors < 50%"]',
      ].join('\n'),
    );
    const out = join(dir.path, 'strict.json');
    const result = await runCli(['merge', machineA, machineB, '-o', out, '--profile', profile]);
    expect(result.code).toBe(99);
    expect(result.stdout).toMatch(/✗ mwl\.find p95 < 1ms: p95 = [\d.]+ ms \(limit < 1 ms\)/);
    expect(result.stdout).toContain('thresholds: 1 passed, 1 failed');
    expect((await readSummary(out)).thresholds.map((threshold) => threshold.passed)).toEqual([false, true]);
  });
});

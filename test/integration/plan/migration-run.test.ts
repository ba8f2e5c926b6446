/**
 * A migration profile through the built CLI (issue 7, item 3): bulk C-STORE
 * over two associations against the embedded simulator; the summary and the
 * console state the sustained GB/hour and the time to move the archive, and
 * `--archive-size` overrides the profile's. Run `npm run build` first.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../src/metrics/types.js';
import { runCli, tempDir, writeProfile } from '../../helpers/cli.js';

let dir: { path: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await dir.cleanup();
});

const PROFILE = `
name: small-migration
migration:
  archiveSize: 1TB
scenarios:
  bulk:
    operation: dimse.store
    executor: constant-concurrency
    users: 2
    duration: 3s
    gracefulStop: 30s
    modality: CR
`;

describe('migration sizing (built CLI)', () => {
  it('states the sustained GB/hour and the hours to move the archive given by --archive-size', async () => {
    const profile = await writeProfile(dir.path, 'migration.yaml', PROFILE);
    const out = join(dir.path, 'summary.json');
    const result = await runCli(['run', profile, '--workers', '1', '--quiet', '--out', out, '--archive-size', '2TB']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const summary = JSON.parse(await readFile(out, 'utf8')) as RunSummary;
    const store = summary.operations.find((operation) => operation.operation === 'dimse.store');
    const migration = summary.migration;
    expect(store?.failed).toBe(0);
    expect(migration?.bytesSent).toBe(store?.bytesSent);
    // CR studies are 2 x 10 MB of pixel data: at least 20 MB per study stored.
    expect(migration?.bytesSent).toBeGreaterThanOrEqual((store?.completed ?? 0) * 20e6);
    expect(migration?.sustainedGBPerHour).toBeCloseTo(((migration?.bytesSent ?? 0) / (migration?.activeSeconds ?? 1)) * 3600 / 1e9, 6);
    expect(migration?.archiveSizeBytes).toBe(2e12);
    expect(migration?.hoursToMove).toBeCloseTo(2000 / (migration?.sustainedGBPerHour ?? 1), 6);
    expect(result.stdout).toMatch(/migration\n\s+sent [\d.]+ [kMG]?B in [\d.]+ m?s: sustained [\d.]+ GB\/hour/);
    expect(result.stdout).toMatch(/archive 2 TB: [\d.]+ hours/);

    const bad = await runCli(['run', profile, '--archive-size', 'lots']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--archive-size');
  }, 60_000);
});

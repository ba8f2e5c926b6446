/** Migration sizing figures (issue 7, item 3), by hand: bytes over active time, GB/hour, hours to move. */
import { describe, expect, it } from 'vitest';
import type { OperationSummary } from '../../../src/metrics/types.js';
import { renderMigration } from '../../../src/outputs/capacity-lines.js';
import { migrationSummary } from '../../../src/plan/index.js';
import { tryParseArchiveSize } from '../../../src/profile/migration-schema.js';

function series(operation: string, bytesSent: number, activeSeconds: number): OperationSummary {
  return {
    scenario: operation,
    operation,
    completed: 1,
    succeeded: 1,
    failed: 0,
    dropped: 0,
    ratePerSec: 0,
    errorRate: 0,
    droppedRate: 0,
    outcomes: { ok: 1 },
    bytesSent,
    bytesReceived: 0,
    activeSeconds,
    latency: {},
    histograms: {},
  };
}

describe('migrationSummary', () => {
  it('states GB/hour from the store series and the time to move the archive', () => {
    // 36 GB in 600 s = 0.06 GB/s = 216 GB/hour; 50 TB / 216 GB/hour = 231.48 hours.
    const summary = migrationSummary([series('dimse.store', 30e9, 600), series('stow.study', 6e9, 500), series('qido.studies', 1e9, 600)], 50e12);
    expect(summary.bytesSent).toBe(36e9);
    expect(summary.activeSeconds).toBe(600);
    expect(summary.sustainedGBPerHour).toBeCloseTo(216, 9);
    expect(summary.archiveSizeBytes).toBe(50e12);
    expect(summary.hoursToMove).toBeCloseTo(50_000 / 216, 9);
    const lines = renderMigration(summary).join('\n');
    expect(lines).toContain('sustained 216 GB/hour');
    expect(lines).toContain('archive 50 TB: 231 hours (9.65 days)');
  });

  it('leaves the time out without an archive size or without bytes', () => {
    expect(migrationSummary([series('dimse.store', 1e9, 10)], undefined)).toEqual({ bytesSent: 1e9, activeSeconds: 10, sustainedGBPerHour: 360 });
    expect(migrationSummary([], 1e12)).toEqual({ bytesSent: 0, activeSeconds: 0, sustainedGBPerHour: 0, archiveSizeBytes: 1e12 });
  });

  it('parses archive sizes in decimal and binary units', () => {
    expect(tryParseArchiveSize('50TB')).toEqual({ ok: true, value: 50e12 });
    expect(tryParseArchiveSize('1.5 PB')).toEqual({ ok: true, value: 1.5e15 });
    expect(tryParseArchiveSize('2TiB')).toEqual({ ok: true, value: 2 * 2 ** 40 });
    expect(tryParseArchiveSize('50 terabytes').ok).toBe(false);
  });
});

/**
 * `merge` keeps the `seedPriors` section (issue 14, item 6): of a split run
 * only one instance seeds, and its section is kept as it is; sections of
 * several parts add up.
 */
import { describe, expect, it } from 'vitest';
import { mergeSections } from '../../../src/metrics/merge-sections.js';
import { mergeSummaries } from '../../../src/metrics/summary.js';
import type { RunSummary, SeedPriorsSummary } from '../../../src/metrics/types.js';
import { recordedSamples, summaryOfSamples } from '../report/recorded-summaries.js';

const base = summaryOfSamples(recordedSamples({ seed: 4, perInterval: 20, intervals: 2, errorFraction: 0 }), { id: 'run' });
const part = (id: string, seedPriors?: SeedPriorsSummary): RunSummary => ({ ...base, run: { ...base.run, id }, ...(seedPriors === undefined ? {} : { seedPriors }) });

const SEEDED: SeedPriorsSummary = {
  via: 'dimse',
  modality: 'CR',
  patients: 20,
  studiesPerPatient: 3,
  studiesPlanned: 60,
  studiesStored: 58,
  studiesFailed: 2,
  studiesNotSent: 0,
  instancesPlanned: 120,
  instancesStored: 116,
  bytesSent: 1_000_000,
  durationSeconds: 2.5,
  failures: [{ reason: 'dimse_failure_a700', count: 2 }],
};

describe('merge: seedPriors', () => {
  it('keeps the one instance\'s seeding of a split run as it is', () => {
    const merged = mergeSummaries([part('a', SEEDED), part('b')]);
    expect(merged.seedPriors).toEqual(SEEDED);
    expect(mergeSummaries([part('a'), part('b')]).seedPriors).toBeUndefined();
  });

  it('adds up the seedings of several parts, failures by reason, the longest time', () => {
    const other: SeedPriorsSummary = { ...SEEDED, studiesStored: 60, studiesFailed: 0, instancesStored: 120, durationSeconds: 4, failures: [] };
    const third: SeedPriorsSummary = { ...SEEDED, studiesStored: 0, studiesFailed: 8, studiesNotSent: 52, instancesStored: 0, failures: [{ reason: 'connection_refused', count: 8 }, { reason: 'dimse_failure_a700', count: 1 }] };
    const { seedPriors } = mergeSections([part('a', SEEDED), part('b', other), part('c', third)], ['a', 'b', 'c']);
    expect(seedPriors).toEqual({
      ...SEEDED,
      studiesPlanned: 180,
      studiesStored: 118,
      studiesFailed: 10,
      studiesNotSent: 52,
      instancesPlanned: 360,
      instancesStored: 236,
      bytesSent: 3_000_000,
      durationSeconds: 4,
      failures: [
        { reason: 'connection_refused', count: 8 },
        { reason: 'dimse_failure_a700', count: 3 },
      ],
    });
  });
});

/**
 * Issue 6: `merge` of two summaries equals the summary of one run over the same
 * samples, percentiles exact. Two load generators record half the samples each;
 * one recorder records them all.
 */
import { describe, expect, it } from 'vitest';
import { HISTOGRAM_NAMES } from '../../../src/metrics/names.js';
import { mergeSummaries } from '../../../src/metrics/summary.js';
import type { RunSummary } from '../../../src/metrics/types.js';
import { parseSummaryText } from '../../../src/report/read-summary.js';
import { thresholdKeys, thresholdSpecsFromResults } from '../../../src/report/threshold-specs.js';
import { normalizedEncoding } from '../metrics/normalized-encoding.js';
import { seededRandom } from '../metrics/seeded-random.js';
import { recordedSamples, specs, summaryOfSamples } from './recorded-summaries.js';

const thresholds = specs({
  'mwl.find': ['p95 < 15ms', 'p99 < 15ms', 'errors < 5%'],
  'viewer-search': ['p50 < 10ms', 'rate >= 100/s'],
});
const samples = recordedSamples({ seed: 11, perInterval: 500, intervals: 4, errorFraction: 0.03 });
const pick = seededRandom(99);
const onA = samples.map(() => pick() < 0.4);
const machineA = summaryOfSamples(samples.filter((_, index) => onA[index]), { id: 'machine-a', thresholds });
const machineB = summaryOfSamples(samples.filter((_, index) => !onA[index]), { id: 'machine-b', thresholds });
const whole = summaryOfSamples(samples, { id: 'whole', thresholds });

/** Through JSON and the file reader, as the CLI gets them. */
function viaFile(summary: RunSummary, name: string): RunSummary {
  return parseSummaryText(JSON.stringify(summary), name);
}

describe('merge of summaries from two load generators', () => {
  const a = viaFile(machineA, 'a.json');
  const b = viaFile(machineB, 'b.json');
  const merged = mergeSummaries([a, b], thresholdSpecsFromResults(a.thresholds, 'a.json'));

  it('equals the summary of one run over all the samples: counts, bytes, rates', () => {
    expect(merged.operations.map((operation) => operation.operation)).toEqual(whole.operations.map((operation) => operation.operation));
    merged.operations.forEach((operation, index) => {
      const expected = whole.operations[index] as RunSummary['operations'][number];
      expect(operation).toMatchObject({
        scenario: expected.scenario,
        completed: expected.completed,
        succeeded: expected.succeeded,
        failed: expected.failed,
        dropped: expected.dropped,
        outcomes: expected.outcomes,
        bytesSent: expected.bytesSent,
        bytesReceived: expected.bytesReceived,
        activeSeconds: expected.activeSeconds,
      });
      expect(operation.errorRate).toBeCloseTo(expected.errorRate, 12);
      // Machines side by side: their rates add up to the whole run's rate.
      expect(operation.ratePerSec).toBeCloseTo(expected.ratePerSec, 9);
    });
  });

  it('has exactly the percentiles, min, max and mean of the whole run, for every histogram', () => {
    merged.operations.forEach((operation, index) => {
      const expected = whole.operations[index] as RunSummary['operations'][number];
      expect(operation.latency).toEqual(expected.latency);
      expect(operation.latency.response?.p99Us).toBeGreaterThan(operation.latency.response?.p95Us ?? Infinity);
      for (const name of HISTOGRAM_NAMES) {
        const encoded = operation.histograms[name];
        const expectedEncoded = expected.histograms[name];
        expect(encoded === undefined).toBe(expectedEncoded === undefined);
        if (encoded !== undefined) expect(normalizedEncoding(encoded)).toBe(normalizedEncoding(expectedEncoded as string));
      }
    });
    // The trap merging avoids: the mean of the parts' p99 is not the p99 of the whole.
    const partsMean = ((a.operations[0]?.latency.response?.p99Us ?? 0) + (b.operations[0]?.latency.response?.p99Us ?? 0)) / 2;
    expect(merged.operations[0]?.latency.response?.p99Us).toBe(whole.operations[0]?.latency.response?.p99Us);
    expect(partsMean).not.toBe(whole.operations[0]?.latency.response?.p99Us);
  });

  it('re-evaluates the stored thresholds on the merged result, as the whole run evaluated them', () => {
    expect(thresholdKeys(merged.thresholds)).toEqual(thresholdKeys(whole.thresholds));
    expect(merged.thresholds).toEqual(whole.thresholds);
    expect(merged.thresholds.some((threshold) => !threshold.passed)).toBe(true);
    expect(merged.thresholds.some((threshold) => threshold.passed)).toBe(true);
  });

  it('joins the runs: ids, workers and time range', () => {
    expect(merged.run).toMatchObject({ id: 'machine-a+machine-b', workers: 2, startedAt: a.run.startedAt, endedAt: a.run.endedAt });
    // The merged file reads back as a valid summary, and merges again.
    expect(viaFile(merged, 'all.json')).toEqual(JSON.parse(JSON.stringify(merged)));
  });
});

describe('thresholdSpecsFromResults', () => {
  it('rebuilds the specs from the stored subject and expression', () => {
    const rebuilt = thresholdSpecsFromResults(whole.thresholds, 'x.json');
    expect(rebuilt).toEqual(thresholds);
  });

  it('refuses an expression that does not parse, naming the file', () => {
    const broken = [{ ...(whole.thresholds[0] as RunSummary['thresholds'][number]), expression: 'p95 fast' }];
    expect(() => thresholdSpecsFromResults(broken, 'x.json')).toThrow(/x\.json: threshold `p95 fast` of mwl\.find is not valid/);
  });
});

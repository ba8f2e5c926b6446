import { describe, expect, it } from 'vitest';
import { RunAggregator } from '../../../src/metrics/aggregate.js';
import { MetricsRecorder } from '../../../src/metrics/recorder.js';
import { evaluateThresholds, shouldAbort } from '../../../src/metrics/thresholds.js';
import type { OperationSummary } from '../../../src/metrics/types.js';
import type { ThresholdExpression, ThresholdSpec } from '../../../src/profile/types.js';

const SECOND_US = 1_000_000;

interface SeriesData {
  scenario: string;
  operation: string;
  responsesUs: number[];
  failures?: number;
  dropped?: number;
}

/** Summaries of series recorded over 10 s by one worker. */
function summariesOf(series: SeriesData[]): OperationSummary[] {
  const recorder = new MetricsRecorder();
  for (const { scenario, operation, responsesUs, failures = 0, dropped = 0 } of series) {
    responsesUs.forEach((responseUs, index) => {
      recorder.record(scenario, operation, {
        outcomeKey: index < failures ? 'timeout' : 'ok',
        responseUs,
        serviceUs: responseUs,
        lagUs: 0,
        bytesSent: 0,
        bytesReceived: 0,
      });
    });
    if (dropped > 0) recorder.recordDropped(scenario, operation, dropped);
  }
  const aggregator = new RunAggregator(1);
  aggregator.add(recorder.takeSnapshot(0, 0, 10 * SECOND_US));
  return aggregator.operationSummaries();
}

function spec(subject: string, expression: Omit<ThresholdExpression, 'source'>, abort: Partial<ThresholdSpec> = {}): ThresholdSpec {
  const source = `${expression.metric} ${expression.comparator} ${expression.value}`;
  return { subject, expression: { ...expression, source }, abortOnFail: false, delayAbortEvalUs: 0, ...abort };
}

/** 1 .. 1000 µs: below 2048 µs the histogram is exact, so p50 = 500, p99.9 = 999, mean = 501 (500.5 rounded). */
const oneToThousand = Array.from({ length: 1000 }, (_, index) => index + 1);

describe('evaluateThresholds: latency metrics', () => {
  const summaries = summariesOf([{ scenario: 'wl', operation: 'mwl.find', responsesUs: oneToThousand }]);
  const cases = [
    ['p50', 500],
    ['p90', 900],
    ['p95', 950],
    ['p99', 990],
    ['p99.9', 999],
    ['max', 1000],
    ['mean', 501],
  ] as const;

  it.each(cases)('%s is measured on the response histogram (%d µs) and passes or fails', (metric, expectedUs) => {
    const [pass, fail] = evaluateThresholds(
      [spec('mwl.find', { metric, comparator: '<=', value: expectedUs }), spec('mwl.find', { metric, comparator: '<', value: expectedUs })],
      summaries,
    );
    expect(pass).toMatchObject({ subject: 'mwl.find', measured: expectedUs, limit: expectedUs, passed: true });
    expect(fail).toMatchObject({ measured: expectedUs, passed: false });
  });

  it('writes a human detail, with one more digit than the tables', () => {
    const [result] = evaluateThresholds([spec('mwl.find', { metric: 'p95', comparator: '<', value: 500 })], summaries);
    expect(result?.detail).toBe('p95 = 950 µs (limit < 500 µs)');
    expect(result?.expression).toBe('p95 < 500');

    const slow = summariesOf([{ scenario: 'wl', operation: 'mwl.find', responsesUs: [612_351] }]);
    const [slowResult] = evaluateThresholds([spec('mwl.find', { metric: 'p95', comparator: '<', value: 500_000 })], slow);
    expect(slowResult?.detail).toMatch(/^p95 = 612\.\d ms \(limit < 500 ms\)$/);
  });
});

describe('evaluateThresholds: errors, dropped, rate', () => {
  // 20 planned: 15 completed (3 of them failed) + 5 dropped, over 10 s.
  const summaries = summariesOf([
    { scenario: 'wl', operation: 'mwl.find', responsesUs: Array.from({ length: 15 }, () => 100), failures: 3, dropped: 5 },
  ]);

  it('errors is failed / planned', () => {
    const [pass, fail] = evaluateThresholds(
      [spec('wl', { metric: 'errors', comparator: '<', value: 0.2 }), spec('wl', { metric: 'errors', comparator: '<', value: 0.001 })],
      summaries,
    );
    expect(pass).toMatchObject({ measured: 0.15, passed: true });
    expect(fail).toMatchObject({ measured: 0.15, passed: false, detail: 'errors = 15% (limit < 0.1%)' });
  });

  it('dropped is dropped / planned', () => {
    const [pass, fail] = evaluateThresholds(
      [spec('wl', { metric: 'dropped', comparator: '<=', value: 0.25 }), spec('wl', { metric: 'dropped', comparator: '<', value: 0.25 })],
      summaries,
    );
    expect(pass).toMatchObject({ measured: 0.25, passed: true });
    expect(fail).toMatchObject({ measured: 0.25, passed: false, detail: 'dropped = 25% (limit < 25%)' });
  });

  it('rate is completed per second', () => {
    const [pass, fail] = evaluateThresholds(
      [spec('wl', { metric: 'rate', comparator: '>=', value: 1.5 }), spec('wl', { metric: 'rate', comparator: '>', value: 2 })],
      summaries,
    );
    expect(pass).toMatchObject({ measured: 1.5, passed: true });
    expect(fail).toMatchObject({ measured: 1.5, passed: false, detail: 'rate = 1.5/s (limit > 2/s)' });
  });
});

describe('evaluateThresholds: subjects', () => {
  const summaries = summariesOf([
    { scenario: 'ct-modalities', operation: 'mwl.find', responsesUs: oneToThousand.slice(0, 500) },
    { scenario: 'mr-modalities', operation: 'mwl.find', responsesUs: oneToThousand.slice(500), failures: 10 },
    { scenario: 'mr-modalities', operation: 'dimse.echo', responsesUs: [2000] },
  ]);

  it('an operation name merges every scenario running it exactly', () => {
    const [p50, max, errors, rate] = evaluateThresholds(
      [
        spec('mwl.find', { metric: 'p50', comparator: '<', value: 1 }),
        spec('mwl.find', { metric: 'max', comparator: '<', value: 1 }),
        spec('mwl.find', { metric: 'errors', comparator: '<', value: 1 }),
        spec('mwl.find', { metric: 'rate', comparator: '>', value: 0 }),
      ],
      summaries,
    );
    expect(p50?.measured).toBe(500);
    expect(max?.measured).toBe(1000);
    expect(errors?.measured).toBe(10 / 1000);
    // Parallel series: rates add up (50/s + 50/s).
    expect(rate?.measured).toBe(100);
    // The p99 of 1..1000, not an average of the two scenarios' p99s (495 and 995).
    const [p99] = evaluateThresholds([spec('mwl.find', { metric: 'p99', comparator: '<', value: 1 })], summaries);
    expect(p99?.measured).toBe(990);
  });

  it('a scenario name merges every operation of that scenario', () => {
    const [max, p50] = evaluateThresholds(
      [spec('mr-modalities', { metric: 'max', comparator: '<', value: 1 }), spec('mr-modalities', { metric: 'p50', comparator: '<', value: 1 })],
      summaries,
    );
    expect(max?.measured).toBe(2000);
    expect(p50?.measured).toBe(751);
  });

  it('a subject with no completed operation fails with "no operations completed"', () => {
    const onlyDropped = summariesOf([{ scenario: 'late', operation: 'qido.studies', responsesUs: [], dropped: 4 }]);
    const results = evaluateThresholds(
      [spec('nothing-here', { metric: 'p95', comparator: '<', value: 500_000 }), spec('late', { metric: 'errors', comparator: '<', value: 0.01 })],
      [...summaries, ...onlyDropped],
    );
    for (const result of results) {
      expect(result.measured).toBeUndefined();
      expect(result.passed).toBe(false);
      expect(result.detail).toContain('no operations completed');
    }
    expect(results[0]?.detail).toBe('p95: no operations completed (limit < 500 ms)');
  });
});

describe('shouldAbort', () => {
  const summaries = summariesOf([{ scenario: 'wl', operation: 'mwl.find', responsesUs: oneToThousand }]);
  const failingAbort = spec('mwl.find', { metric: 'p95', comparator: '<', value: 100 }, { abortOnFail: true, delayAbortEvalUs: 10 * SECOND_US });
  const passingAbort = spec('mwl.find', { metric: 'p95', comparator: '<', value: 5000 }, { abortOnFail: true });
  const failingNoAbort = spec('mwl.find', { metric: 'max', comparator: '<', value: 1 });
  const noDataAbort = spec('other', { metric: 'p95', comparator: '<', value: 1 }, { abortOnFail: true });

  it('waits for delayAbortEvalUs', () => {
    expect(shouldAbort([failingAbort], summaries, 9 * SECOND_US)).toEqual([]);
    const failing = shouldAbort([failingAbort], summaries, 10 * SECOND_US);
    expect(failing).toHaveLength(1);
    expect(failing[0]).toMatchObject({ subject: 'mwl.find', measured: 950, passed: false });
  });

  it('ignores passing thresholds, thresholds without abortOnFail, and subjects with no data yet', () => {
    expect(shouldAbort([passingAbort, failingNoAbort, noDataAbort], summaries, 60 * SECOND_US)).toEqual([]);
  });
});

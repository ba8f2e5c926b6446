/**
 * Issue 14, item 4: reasons travel with outcomes. The recorder keeps at most
 * MAX_REASONS_PER_OUTCOME distinct reasons per outcome key (long ones cut,
 * the rest counted as other reasons), snapshots carry them, and the
 * coordinator's merge adds them up like counters: exactly, whatever the
 * split over workers and intervals and whatever the arrival order.
 */
import { describe, expect, it } from 'vitest';
import { RunAggregator } from '../../../src/metrics/aggregate.js';
import { MAX_REASON_CHARS, MAX_REASONS_PER_OUTCOME, ReasonTally, normalizeReason } from '../../../src/metrics/reasons.js';
import { MetricsRecorder, type OperationSample } from '../../../src/metrics/recorder.js';
import { mergeOperationSummaries } from '../../../src/metrics/series-accumulator.js';
import type { IntervalSnapshot, OperationSummary, OutcomeReasons } from '../../../src/metrics/types.js';
import { mergeSummaries } from '../../../src/metrics/summary.js';
import { recordedSamples, summaryOfSamples } from '../report/recorded-summaries.js';
import { seededRandom } from './seeded-random.js';

function sample(outcomeKey: string, reason?: string): OperationSample {
  return { outcomeKey, reason, responseUs: 1_000, serviceUs: 900, lagUs: 100, bytesSent: 10, bytesReceived: 20 };
}

/** Kept counts plus other: the operations a tally counted. */
function total(reasons: OutcomeReasons | undefined): number {
  return (reasons?.top ?? []).reduce((sum, entry) => sum + entry.count, reasons?.other ?? 0);
}

describe('the recorder keeps reasons within bounds', () => {
  it('keeps the first N distinct reasons per outcome key and counts the rest as other reasons', () => {
    const recorder = new MetricsRecorder();
    const distinct = MAX_REASONS_PER_OUTCOME + 5;
    for (let index = 0; index < distinct; index++) {
      // Reason i given i + 1 times: the late ones are frequent, and still counted as other (first come, bounded).
      for (let repeat = 0; repeat <= index; repeat++) recorder.record('chain', 'mwl.find', sample('check_failed', `STATION${index}: 3 items, expected 5`));
    }
    recorder.record('chain', 'mwl.find', sample('timeout', 'response: no answer within 2000 ms'));
    recorder.record('chain', 'mwl.find', sample('ok'));
    recorder.record('chain', 'mwl.find', sample('aborted'));

    const [series] = recorder.takeSnapshot(0, 0, 1_000_000).series;
    const failed = series?.reasons?.['check_failed'];
    expect(failed?.top).toHaveLength(MAX_REASONS_PER_OUTCOME);
    expect(failed?.top.map((entry) => entry.reason)).toEqual(
      Array.from({ length: MAX_REASONS_PER_OUTCOME }, (_, index) => `STATION${MAX_REASONS_PER_OUTCOME - 1 - index}: 3 items, expected 5`),
    );
    // Reasons 10..14 were given 11..15 times: 65 operations in "other".
    expect(failed?.other).toBe(11 + 12 + 13 + 14 + 15);
    expect(total(failed)).toBe(series?.outcomes['check_failed']);
    expect(series?.reasons?.['timeout']).toEqual({ top: [{ reason: 'response: no answer within 2000 ms', count: 1 }], other: 0 });
    // ok and an outcome without a reason add nothing.
    expect(Object.keys(series?.reasons ?? {}).sort()).toEqual(['check_failed', 'timeout']);
  });

  it('cuts a long reason and flattens control characters and line breaks', () => {
    const long = `${'a'.repeat(MAX_REASON_CHARS)}TAIL`;
    expect(normalizeReason(long)).toHaveLength(MAX_REASON_CHARS);
    expect(normalizeReason(long).endsWith('…')).toBe(true);
    expect(normalizeReason('  line one\r\n\tline\u0007 two  ')).toBe('line one line two');

    const recorder = new MetricsRecorder();
    recorder.record('store', 'dimse.store', sample('dimse_failure_a700', long));
    recorder.record('store', 'dimse.store', sample('dimse_failure_a700', `${long}, another tail`));
    const reasons = recorder.takeSnapshot(0, 0, 1).series[0]?.reasons?.['dimse_failure_a700'];
    // Two texts that differ only beyond the limit are one reason.
    expect(reasons).toEqual({ top: [{ reason: normalizeReason(long), count: 2 }], other: 0 });
  });

  it('starts every interval afresh: a snapshot carries only its own reasons', () => {
    const recorder = new MetricsRecorder();
    recorder.record('s', 'mpps.inProgress', sample('check_failed', 'first'));
    expect(recorder.takeSnapshot(0, 0, 1).series[0]?.reasons).toEqual({ check_failed: { top: [{ reason: 'first', count: 1 }], other: 0 } });
    recorder.record('s', 'mpps.inProgress', sample('ok'));
    expect(recorder.takeSnapshot(0, 1, 2).series[0]?.reasons).toBeUndefined();
  });
});

describe('the merge adds reasons up exactly, in any order', () => {
  const WORKERS = 4;
  const INTERVALS = 5;

  /** Snapshots of `WORKERS` recorders over `INTERVALS` intervals, and the reasons counted directly. */
  function recordSpread(distinctReasons: number, seed: number): { snapshots: IntervalSnapshot[]; direct: Map<string, Map<string, number>> } {
    const random = seededRandom(seed);
    const recorders = Array.from({ length: WORKERS }, () => new MetricsRecorder());
    const direct = new Map<string, Map<string, number>>();
    const snapshots: IntervalSnapshot[] = [];
    for (let interval = 0; interval < INTERVALS; interval++) {
      for (let index = 0; index < 2_000; index++) {
        const worker = Math.floor(random() * WORKERS);
        const key = random() < 0.7 ? 'check_failed' : 'http_503';
        // Skewed: low-numbered reasons are frequent, so the kept ones are well defined.
        const reason = `reason ${Math.floor(random() ** 3 * distinctReasons)}`;
        recorders[worker]?.record('viewer', 'qido.studies', sample(key, reason));
        const byReason = direct.get(key) ?? new Map<string, number>();
        byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
        direct.set(key, byReason);
      }
      recorders.forEach((recorder, worker) => snapshots.push(recorder.takeSnapshot(worker, interval * 1_000_000, (interval + 1) * 1_000_000, interval)));
    }
    return { snapshots, direct };
  }

  function mergedReasons(snapshots: readonly IntervalSnapshot[]): Record<string, OutcomeReasons> | undefined {
    const aggregator = new RunAggregator(WORKERS);
    for (const snapshot of snapshots) aggregator.add(snapshot);
    return aggregator.operationSummaries()[0]?.reasons;
  }

  function shuffled<T>(items: readonly T[], seed: number): T[] {
    const random = seededRandom(seed);
    const copy = [...items];
    for (let index = copy.length - 1; index > 0; index--) {
      const other = Math.floor(random() * (index + 1));
      [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
    }
    return copy;
  }

  it('gives each reason its exact count when a series has at most N distinct reasons', () => {
    const { snapshots, direct } = recordSpread(MAX_REASONS_PER_OUTCOME, 7);
    const merged = mergedReasons(snapshots);
    for (const [key, byReason] of direct) {
      const expected = [...byReason].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : 1));
      expect(merged?.[key]).toEqual({ top: expected, other: 0 });
    }
    // Any other arrival order (workers interleaved, intervals out of order) gives the same.
    for (const seed of [1, 2, 3]) expect(mergedReasons(shuffled(snapshots, seed))).toEqual(merged);
  });

  it('keeps the totals exact and the choice deterministic when there are more than N', () => {
    const { snapshots, direct } = recordSpread(40, 11);
    const merged = mergedReasons(snapshots);
    for (const [key, byReason] of direct) {
      const reasons = merged?.[key];
      expect(reasons?.top).toHaveLength(MAX_REASONS_PER_OUTCOME);
      expect(total(reasons)).toBe([...byReason.values()].reduce((sum, count) => sum + count, 0));
      // A kept count never exceeds the true count (an earlier merge may have moved some to other).
      for (const { reason, count } of reasons?.top ?? []) expect(count).toBeLessThanOrEqual(byReason.get(reason) ?? 0);
      // The most frequent reason by far is kept whatever the order.
      expect(reasons?.top[0]?.reason).toBe('reason 0');
    }
    for (const seed of [4, 5, 6]) {
      const other = mergedReasons(shuffled(snapshots, seed));
      for (const key of direct.keys()) expect(total(other?.[key])).toBe(total(merged?.[key]));
    }
    // The same input in the same order gives the same choice.
    expect(mergedReasons(snapshots)).toEqual(merged);
  });

  it('merges summaries of several machines like their counters (mergeOperationSummaries)', () => {
    const { snapshots, direct } = recordSpread(MAX_REASONS_PER_OUTCOME, 13);
    // Two "machines": workers 0-1 and 2-3, each its own aggregator.
    const machine = (workers: number[]): OperationSummary => {
      const aggregator = new RunAggregator(WORKERS);
      for (const snapshot of snapshots) if (workers.includes(snapshot.workerIndex)) aggregator.add(snapshot);
      return aggregator.operationSummaries()[0] as OperationSummary;
    };
    const merged = mergeOperationSummaries([machine([0, 1]), machine([2, 3])], 'viewer', 'qido.studies');
    expect(merged.reasons).toEqual(mergedReasons(snapshots));
    for (const [key, byReason] of direct) expect(total(merged.reasons?.[key])).toBe([...byReason.values()].reduce((sum, count) => sum + count, 0));
  });

  it('is associative and order-independent in its counts (tally level)', () => {
    const a: OutcomeReasons = { top: [{ reason: 'x', count: 5 }], other: 0 };
    const b: OutcomeReasons = { top: [{ reason: 'y', count: 3 }, { reason: 'z', count: 1 }], other: 2 };
    const c: OutcomeReasons = { top: [{ reason: 'y', count: 4 }, { reason: 'x', count: 1 }], other: 0 };
    const merge = (...parts: OutcomeReasons[]): OutcomeReasons => {
      const tally = new ReasonTally();
      for (const part of parts) tally.merge(part);
      return tally.toData();
    };
    const abc = merge(a, b, c);
    expect(abc).toEqual({ top: [{ reason: 'y', count: 7 }, { reason: 'x', count: 6 }, { reason: 'z', count: 1 }], other: 2 });
    expect(merge(c, b, a)).toEqual(abc);
    expect(merge(merge(a, b), c)).toEqual(abc);
    expect(merge(a, merge(b, c))).toEqual(abc);
  });
});

describe('merge of summary files (pacs-load merge)', () => {
  it('adds the reasons of each machine up like its counters', () => {
    const machine = (seed: number, id: string) => {
      const samples = recordedSamples({ seed, perInterval: 100, intervals: 3, errorFraction: 0.1 }).map((recorded) => ({
        ...recorded,
        sample: recorded.sample.outcomeKey === 'timeout' ? { ...recorded.sample, reason: `response: no answer within ${seed} s` } : recorded.sample,
      }));
      return summaryOfSamples(samples, { id, thresholds: [] });
    };
    const [a, b] = [machine(1, 'a'), machine(2, 'b')];
    const merged = mergeSummaries([a, b]);
    for (const operation of merged.operations) {
      const part = (summary: typeof a) => summary.operations.find((one) => one.scenario === operation.scenario && one.operation === operation.operation);
      const timeouts = (part(a)?.outcomes['timeout'] ?? 0) + (part(b)?.outcomes['timeout'] ?? 0);
      expect(timeouts).toBeGreaterThan(0);
      expect(operation.outcomes['timeout']).toBe(timeouts);
      expect(operation.reasons?.['timeout']?.other).toBe(0);
      expect(new Map(operation.reasons?.['timeout']?.top.map((entry) => [entry.reason, entry.count]))).toEqual(
        new Map([
          ['response: no answer within 1 s', part(a)?.outcomes['timeout'] ?? 0],
          ['response: no answer within 2 s', part(b)?.outcomes['timeout'] ?? 0],
        ]),
      );
    }
  });
});

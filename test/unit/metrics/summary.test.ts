import { describe, expect, it } from 'vitest';
import { isPacsLoadError } from '../../../src/errors.js';
import { RunAggregator } from '../../../src/metrics/aggregate.js';
import { MetricsRecorder } from '../../../src/metrics/recorder.js';
import { buildSummary, mergeSummaries } from '../../../src/metrics/summary.js';
import { SUMMARY_SCHEMA_ID, SUMMARY_SCHEMA_VERSION, type IntervalSnapshot, type RunSummary } from '../../../src/metrics/types.js';
import type { ThresholdSpec } from '../../../src/profile/types.js';
import { normalizedEncoding } from './normalized-encoding.js';
import { latencyUs, seededRandom } from './seeded-random.js';

const SECOND_US = 1_000_000;

function runInfo(id: string, startedAt: string, endedAt: string, endReason: RunSummary['run']['endReason'] = 'completed'): RunSummary['run'] {
  return {
    id,
    profile: 'morning-peak',
    startedAt,
    endedAt,
    durationSeconds: (Date.parse(endedAt) - Date.parse(startedAt)) / 1000,
    workers: 2,
    endReason,
    tool: { name: 'pacs-load', version: '0.1.0', node: 'v20.0.0' },
    target: 'DIMSE PACS@127.0.0.1:4242',
  };
}

/** Two workers, 3 intervals of one series, with seeded latencies. */
function machineSnapshots(seed: number): IntervalSnapshot[] {
  const random = seededRandom(seed);
  const recorders = [new MetricsRecorder(), new MetricsRecorder()];
  const snapshots: IntervalSnapshot[] = [];
  for (let interval = 0; interval < 3; interval++) {
    recorders.forEach((recorder, worker) => {
      for (let index = 0; index < 200; index++) {
        const responseUs = latencyUs(random);
        recorder.record('wl', 'mwl.find', {
          outcomeKey: random() < 0.05 ? 'timeout' : 'ok',
          responseUs,
          serviceUs: responseUs,
          lagUs: 0,
          bytesSent: 10,
          bytesReceived: 100,
        });
      }
      snapshots.push(recorder.takeSnapshot(worker, interval * SECOND_US, (interval + 1) * SECOND_US));
    });
  }
  return snapshots;
}

function summaryOf(run: RunSummary['run'], snapshots: IntervalSnapshot[]): RunSummary {
  const aggregator = new RunAggregator(2);
  for (const snapshot of snapshots) aggregator.add(snapshot);
  return buildSummary({ run, aggregator, thresholds: [] });
}

describe('buildSummary', () => {
  it('holds the versioned schema, the operations, the thresholds and the time series', () => {
    const run = runInfo('a', '2025-01-01T08:00:00.000Z', '2025-01-01T08:00:03.000Z');
    const aggregator = new RunAggregator(2);
    for (const snapshot of machineSnapshots(1)) aggregator.add(snapshot);
    const thresholds = [{ subject: 'mwl.find', expression: 'p95 < 1s', measured: 1, limit: 2, passed: true, detail: 'x' }];
    const summary = buildSummary({ run, aggregator, thresholds });
    expect(summary.schema).toBe(SUMMARY_SCHEMA_ID);
    expect(summary.version).toBe(SUMMARY_SCHEMA_VERSION);
    expect(summary.run).toBe(run);
    expect(summary.thresholds).toBe(thresholds);
    expect(summary.operations).toEqual(aggregator.operationSummaries());
    expect(summary.intervals).toHaveLength(3);
    expect(summary.operations[0]?.completed).toBe(1200);
    // Plain data: survives JSON.
    expect(JSON.parse(JSON.stringify(summary))).toEqual(summary);
  });
});

describe('mergeSummaries', () => {
  const first = machineSnapshots(1);
  const second = machineSnapshots(2);
  const a = summaryOf(runInfo('a', '2025-01-01T08:00:00.000Z', '2025-01-01T08:00:03.000Z'), first);
  const b = summaryOf(runInfo('b', '2025-01-01T08:00:01.000Z', '2025-01-01T08:00:05.000Z', 'threshold-abort'), second);

  it('merges operations exactly: the same as one aggregator fed every snapshot', () => {
    const merged = mergeSummaries([a, b]);
    const all = new RunAggregator(4);
    for (const snapshot of first) all.add(snapshot);
    for (const snapshot of second) all.add({ ...snapshot, workerIndex: snapshot.workerIndex + 2 });
    const [expected] = all.operationSummaries();
    const [operation] = merged.operations;
    expect(operation?.latency).toEqual(expected?.latency);
    for (const name of ['response', 'service', 'lag'] as const) {
      expect(normalizedEncoding(operation?.histograms[name] as string)).toBe(normalizedEncoding(expected?.histograms[name] as string));
    }
    expect(operation?.outcomes).toEqual(expected?.outcomes);
    expect(operation).toMatchObject({ completed: 2400, bytesSent: 24_000, bytesReceived: 240_000, errorRate: expected?.errorRate });
    // Two machines side by side: their rates add up.
    expect(operation?.ratePerSec).toBe(800);
  });

  it('merges run information and time series', () => {
    const merged = mergeSummaries([a, b]);
    expect(merged.run).toMatchObject({
      id: 'a+b',
      profile: 'morning-peak',
      startedAt: '2025-01-01T08:00:00.000Z',
      endedAt: '2025-01-01T08:00:05.000Z',
      durationSeconds: 5,
      workers: 4,
      endReason: 'threshold-abort',
      target: 'DIMSE PACS@127.0.0.1:4242',
    });
    expect(merged.intervals).toHaveLength(3);
    expect(merged.intervals[0]).toMatchObject({ completed: 800, response: undefined });
    // A single summary keeps its interval stats.
    expect(mergeSummaries([a]).intervals[0]?.response).toEqual(a.intervals[0]?.response);
  });

  it('re-evaluates thresholds on the merged operations when given the specs', () => {
    const specs: ThresholdSpec[] = [
      { subject: 'mwl.find', expression: { source: 'rate > 500/s', metric: 'rate', comparator: '>', value: 500 }, abortOnFail: false, delayAbortEvalUs: 0 },
    ];
    expect(mergeSummaries([a, b]).thresholds).toEqual([]);
    const [result] = mergeSummaries([a, b], specs).thresholds;
    expect(result).toMatchObject({ measured: 800, passed: true });
  });

  it('refuses an empty list and summaries of another version', () => {
    for (const input of [[], [{ ...a, version: 2 }]] as unknown as RunSummary[][]) {
      try {
        mergeSummaries(input);
        expect.unreachable();
      } catch (error) {
        expect(isPacsLoadError(error) && error.code).toBe('ERR_USAGE');
      }
    }
  });
});

import { describe, expect, it } from 'vitest';
import { isPacsLoadError } from '../../../src/errors.js';
import { RunAggregator } from '../../../src/metrics/aggregate.js';
import { decodeHistogram } from '../../../src/metrics/histogram.js';
import { MetricsRecorder, type OperationSample } from '../../../src/metrics/recorder.js';
import type { IntervalReport, IntervalSnapshot } from '../../../src/metrics/types.js';

const SECOND_US = 1_000_000;

function ok(responseUs: number): OperationSample {
  return { outcomeKey: 'ok', responseUs, serviceUs: responseUs, lagUs: 0, bytesSent: 10, bytesReceived: 1000 };
}

function failed(responseUs: number): OperationSample {
  return { ...ok(responseUs), outcomeKey: 'dimse_failure_a700' };
}

/** One worker's snapshot of interval `sequence` after `fill` recorded into a fresh recorder. */
function snapshotOf(workerIndex: number, sequence: number, fill: (recorder: MetricsRecorder) => void): IntervalSnapshot {
  const recorder = new MetricsRecorder();
  fill(recorder);
  return recorder.takeSnapshot(workerIndex, sequence * SECOND_US, (sequence + 1) * SECOND_US, sequence);
}

function expectInternalError(action: () => void): void {
  try {
    action();
    expect.unreachable();
  } catch (error) {
    expect(isPacsLoadError(error) && error.code).toBe('ERR_INTERNAL');
  }
}

describe('RunAggregator intervals', () => {
  it('completes an interval once every worker reported it, and gives the live figures', () => {
    const aggregator = new RunAggregator(2);
    aggregator.add(
      snapshotOf(0, 0, (recorder) => {
        for (let index = 0; index < 19; index++) recorder.record('wl', 'mwl.find', ok(1000));
        recorder.record('wl', 'mwl.find', failed(1500));
        recorder.addInFlight('wl', 'mwl.find', 3);
      }),
    );
    expect(aggregator.latestCompleteInterval()).toBeUndefined();
    expect(aggregator.liveTotals()).toBeUndefined();
    expect(aggregator.latestInterval()?.complete).toBe(false);

    aggregator.add(
      snapshotOf(1, 0, (recorder) => {
        for (let index = 0; index < 20; index++) recorder.record('wl', 'mwl.find', ok(2000));
        recorder.recordDropped('wl', 'mwl.find', 2);
        recorder.addInFlight('wl', 'mwl.find', 4);
      }),
    );
    const view = aggregator.latestCompleteInterval();
    expect(view).toMatchObject({ sequence: 0, startUs: 0, endUs: SECOND_US, complete: true });
    expect(view?.status).toEqual({
      elapsedUs: SECOND_US,
      opsPerSec: 40,
      p95Us: 2000,
      errors: 1,
      errorsTotal: 1,
      inFlight: 7,
      droppedTotal: 2,
    });
    expect(aggregator.liveTotals()).toEqual(view?.status);
    expect(view?.points).toHaveLength(1);
    expect(view?.points[0]).toMatchObject({
      scenario: 'wl',
      operation: 'mwl.find',
      completed: 40,
      failed: 1,
      dropped: 2,
      inFlight: 7,
      bytesSent: 400,
      bytesReceived: 40_000,
    });
    expect(view?.points[0]?.response).toMatchObject({ count: 40, minUs: 1000, p50Us: 1500, maxUs: 2000 });
  });

  it('counts outcomes per interval point and hands each completed interval, with its merged histograms, to the listener in order', () => {
    const reports: IntervalReport[] = [];
    const aggregator = new RunAggregator(2, { onIntervalComplete: (report) => reports.push(report) });
    const fill = (count: number, responseUs: number) => (recorder: MetricsRecorder) => {
      for (let index = 0; index < count; index++) recorder.record('wl', 'mwl.find', ok(responseUs));
      recorder.record('wl', 'mwl.find', failed(responseUs));
    };
    aggregator.add(snapshotOf(0, 0, fill(3, 1000)));
    aggregator.add(snapshotOf(0, 1, fill(5, 3000)));
    expect(reports).toHaveLength(0);
    // Worker 1 reports interval 1 first: interval 0 completes (it will not come any more), then 1.
    aggregator.add(snapshotOf(1, 1, fill(2, 5000)));
    expect(reports.map((report) => report.sequence)).toEqual([0, 1]);
    const [first, second] = reports as [IntervalReport, IntervalReport];
    expect(first.series[0]?.point.outcomes).toEqual({ ok: 3, dimse_failure_a700: 1 });
    expect(second.series[0]?.point.outcomes).toEqual({ ok: 7, dimse_failure_a700: 2 });
    expect(second.status.errors).toBe(2);
    const response = decodeHistogram(second.series[0]?.histograms.response ?? '');
    const service = decodeHistogram(second.series[0]?.histograms.service ?? '');
    expect(response.totalCount).toBe(9);
    expect(service.totalCount).toBe(9);
    expect(response.minNonZeroValue).toBe(3000);
    expect(aggregator.intervalPoints()[1]?.outcomes).toEqual({ ok: 7, dimse_failure_a700: 2 });
  });

  it('lets workers run ahead without lockstep: an interval completes when every worker has sent it or a later one', () => {
    const aggregator = new RunAggregator(2);
    const echo = (recorder: MetricsRecorder): void => recorder.record('s', 'dimse.echo', ok(500));
    aggregator.add(snapshotOf(0, 0, echo));
    aggregator.add(snapshotOf(0, 1, echo));
    aggregator.add(snapshotOf(0, 2, echo));
    expect(aggregator.latestCompleteInterval()).toBeUndefined();
    expect(aggregator.latestInterval()).toMatchObject({ sequence: 2, complete: false });

    aggregator.add(snapshotOf(1, 0, echo));
    expect(aggregator.latestCompleteInterval()?.sequence).toBe(0);
    // Worker 1 has nothing for interval 1 and jumps to 2: both complete.
    aggregator.add(snapshotOf(1, 2, echo));
    expect(aggregator.latestCompleteInterval()?.sequence).toBe(2);
    expect(aggregator.intervalPoints().map((point) => [point.startUs, point.completed])).toEqual([
      [0, 2],
      [SECOND_US, 1],
      [2 * SECOND_US, 2],
    ]);
  });

  it('does not wait for a worker declared done', () => {
    const aggregator = new RunAggregator(2);
    const echo = (recorder: MetricsRecorder): void => recorder.record('s', 'dimse.echo', ok(500));
    aggregator.add(snapshotOf(0, 0, echo));
    aggregator.add(snapshotOf(1, 0, echo));
    aggregator.add(snapshotOf(0, 1, echo));
    expect(aggregator.latestCompleteInterval()?.sequence).toBe(0);
    aggregator.workerDone(1);
    expect(aggregator.latestCompleteInterval()?.sequence).toBe(1);

    // The same with an interval another worker already completed: counters added, p95 kept.
    const two = new RunAggregator(2);
    two.add(snapshotOf(0, 0, echo));
    two.add(snapshotOf(1, 1, echo));
    expect(two.latestCompleteInterval()?.sequence).toBe(0);
    two.add(snapshotOf(1, 0, echo));
    expect(two.intervalPoints()[0]).toMatchObject({ completed: 2, response: { count: 1 } });
    expect(two.latestCompleteInterval()?.status).toMatchObject({ opsPerSec: 2, p95Us: 500 });
  });

  it('keeps incomplete intervals in allIntervalPoints only', () => {
    const aggregator = new RunAggregator(2);
    aggregator.add(snapshotOf(0, 0, (recorder) => recorder.record('s', 'dimse.echo', ok(500))));
    expect(aggregator.intervalPoints()).toEqual([]);
    const points = aggregator.allIntervalPoints();
    expect(points).toHaveLength(1);
    expect(points[0]).toMatchObject({ completed: 1, response: { count: 1, p50Us: 500 } });
  });

  it('sums the in-flight gauges of each worker\'s latest snapshot', () => {
    const aggregator = new RunAggregator(2);
    aggregator.add(snapshotOf(0, 0, (recorder) => recorder.setInFlight('s', 'dimse.echo', 5)));
    aggregator.add(snapshotOf(1, 0, (recorder) => recorder.setInFlight('s', 'dimse.echo', 2)));
    expect(aggregator.liveTotals()?.inFlight).toBe(7);
    // Worker 0's next snapshot has nothing in flight (the series is left out).
    aggregator.add(snapshotOf(0, 1, () => {}));
    aggregator.add(snapshotOf(1, 1, (recorder) => recorder.setInFlight('s', 'dimse.echo', 1)));
    expect(aggregator.liveTotals()).toMatchObject({ inFlight: 1, opsPerSec: 0, p95Us: undefined });
  });

  it('rejects a second snapshot of the same interval from a worker, and unknown workers', () => {
    const aggregator = new RunAggregator(2);
    aggregator.add(snapshotOf(0, 0, () => {}));
    expectInternalError(() => aggregator.add(snapshotOf(0, 0, () => {})));
    expectInternalError(() => aggregator.add(snapshotOf(2, 0, () => {})));
    expectInternalError(() => aggregator.workerDone(5));
    expectInternalError(() => new RunAggregator(0));
  });

  it('adds the counters of a snapshot that arrives after its interval completed', () => {
    const aggregator = new RunAggregator(1);
    const echo = (recorder: MetricsRecorder): void => recorder.record('s', 'dimse.echo', ok(500));
    aggregator.add(snapshotOf(0, 1, echo));
    // Out of order within a worker: interval 0 was already complete (worker 0 sent 1).
    aggregator.add(snapshotOf(0, 0, echo));
    expect(aggregator.intervalPoints().map((point) => [point.startUs, point.completed])).toEqual([
      [0, 1],
      [SECOND_US, 1],
    ]);
    expect(aggregator.latestCompleteInterval()?.sequence).toBe(1);
    expect(aggregator.operationSummaries()[0]?.completed).toBe(2);
  });
});

describe('RunAggregator operation summaries', () => {
  it('computes rates over the active span and error rates over planned operations', () => {
    const aggregator = new RunAggregator(2);
    // Nothing for 2 s (another scenario's start delay), then active for intervals 2..5.
    aggregator.add(snapshotOf(0, 0, (recorder) => recorder.record('other', 'dimse.echo', ok(100))));
    aggregator.add(snapshotOf(0, 2, (recorder) => {
      for (let index = 0; index < 30; index++) recorder.record('wl', 'mwl.find', ok(1000));
    }));
    aggregator.add(snapshotOf(1, 3, (recorder) => {
      for (let index = 0; index < 5; index++) recorder.record('wl', 'mwl.find', failed(900));
      recorder.recordDropped('wl', 'mwl.find', 5);
    }));
    // Only operations in flight in the last interval: still active.
    aggregator.add(snapshotOf(1, 5, (recorder) => recorder.setInFlight('wl', 'mwl.find', 1)));

    const summaries = aggregator.operationSummaries();
    expect(summaries.map((summary) => summary.scenario)).toEqual(['other', 'wl']);
    const worklist = summaries[1];
    expect(worklist).toMatchObject({
      scenario: 'wl',
      operation: 'mwl.find',
      completed: 35,
      succeeded: 30,
      failed: 5,
      dropped: 5,
      activeSeconds: 4,
      ratePerSec: 35 / 4,
      errorRate: 5 / 40,
      droppedRate: 5 / 40,
      outcomes: { dimse_failure_a700: 5, ok: 30 },
      bytesSent: 350,
      bytesReceived: 35_000,
    });
    expect(worklist?.latency.response).toMatchObject({ count: 35, minUs: 900, maxUs: 1000 });
    expect(worklist?.latency.setup).toBeUndefined();
    expect(Object.keys(worklist?.histograms ?? {}).sort()).toEqual(['lag', 'response', 'service']);
    expect(summaries[0]).toMatchObject({ completed: 1, activeSeconds: 1, ratePerSec: 1 });
  });
});

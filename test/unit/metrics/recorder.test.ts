import { describe, expect, it } from 'vitest';
import { decodeHistogram } from '../../../src/metrics/histogram.js';
import { MetricsRecorder, type OperationSample } from '../../../src/metrics/recorder.js';

function sample(overrides: Partial<OperationSample> = {}): OperationSample {
  return { outcomeKey: 'ok', responseUs: 1500, serviceUs: 1200, lagUs: 300, bytesSent: 100, bytesReceived: 2000, ...overrides };
}

describe('MetricsRecorder', () => {
  it('snapshots counters, bytes and histograms per (scenario, operation)', () => {
    const recorder = new MetricsRecorder();
    recorder.record('worklist', 'mwl.find', sample({ setupUs: 400 }));
    recorder.record('worklist', 'mwl.find', sample({ outcomeKey: 'timeout', responseUs: 30_000_000, serviceUs: 30_000_000, lagUs: 0 }));
    recorder.record('viewer', 'qido.studies', sample({ ttfbUs: 900, bytesSent: 50, bytesReceived: 7, requests: 412 }));

    const snapshot = recorder.takeSnapshot(2, 0, 1_000_000);
    expect(snapshot).toMatchObject({ workerIndex: 2, sequence: 0, startUs: 0, endUs: 1_000_000 });
    expect(snapshot.series).toHaveLength(2);
    const worklist = snapshot.series.find((series) => series.scenario === 'worklist');
    expect(worklist).toMatchObject({
      operation: 'mwl.find',
      outcomes: { ok: 1, timeout: 1 },
      dropped: 0,
      bytesSent: 200,
      bytesReceived: 4000,
      // No request count given: one request per operation.
      requests: 2,
      inFlight: 0,
    });
    expect(Object.keys(worklist?.histograms ?? {}).sort()).toEqual(['lag', 'response', 'service', 'setup']);
    const response = decodeHistogram(worklist?.histograms.response as string);
    expect(response.totalCount).toBe(2);
    expect(response.getValueAtPercentile(0)).toBe(1500);
    const viewer = snapshot.series.find((series) => series.scenario === 'viewer');
    expect(Object.keys(viewer?.histograms ?? {}).sort()).toEqual(['lag', 'response', 'service', 'ttfb']);
    expect(viewer).toMatchObject({ bytesSent: 50, bytesReceived: 7, requests: 412 });
  });

  it('resets the interval after a snapshot, and numbers snapshots 0, 1, 2', () => {
    const recorder = new MetricsRecorder();
    recorder.record('s', 'dimse.echo', sample());
    recorder.recordDropped('s', 'dimse.echo', 3);
    const first = recorder.takeSnapshot(0, 0, 1_000_000);
    expect(first.series[0]).toMatchObject({ outcomes: { ok: 1 }, dropped: 3 });

    recorder.record('s', 'dimse.echo', sample({ responseUs: 1900 }));
    const second = recorder.takeSnapshot(0, 1_000_000, 2_000_000);
    expect(second.sequence).toBe(1);
    expect(second.series[0]).toMatchObject({ outcomes: { ok: 1 }, dropped: 0, bytesSent: 100 });
    const response = decodeHistogram(second.series[0]?.histograms.response as string);
    expect(response.totalCount).toBe(1);
    expect(response.getValueAtPercentile(50)).toBe(1900);

    // Nothing happened and nothing is in flight: the series is left out.
    const third = recorder.takeSnapshot(0, 2_000_000, 3_000_000);
    expect(third.sequence).toBe(2);
    expect(third.series).toEqual([]);
  });

  it('takes an explicit sequence and continues from it', () => {
    const recorder = new MetricsRecorder();
    expect(recorder.takeSnapshot(0, 5_000_000, 6_000_000, 5).sequence).toBe(5);
    expect(recorder.takeSnapshot(0, 6_000_000, 7_000_000).sequence).toBe(6);
  });

  it('keeps the in-flight gauge across snapshots and reports idle series that have operations in flight', () => {
    const recorder = new MetricsRecorder();
    recorder.addInFlight('move', 'dimse.echo', 1);
    recorder.addInFlight('move', 'dimse.echo', 1);
    const first = recorder.takeSnapshot(0, 0, 1_000_000);
    expect(first.series).toEqual([
      { scenario: 'move', operation: 'dimse.echo', outcomes: {}, dropped: 0, bytesSent: 0, bytesReceived: 0, requests: 0, inFlight: 2, histograms: {} },
    ]);
    // Still in flight, no activity: still reported.
    expect(recorder.takeSnapshot(0, 1_000_000, 2_000_000).series[0]?.inFlight).toBe(2);

    recorder.addInFlight('move', 'dimse.echo', -1);
    recorder.record('move', 'dimse.echo', sample());
    expect(recorder.takeSnapshot(0, 2_000_000, 3_000_000).series[0]).toMatchObject({ inFlight: 1, outcomes: { ok: 1 } });

    recorder.setInFlight('move', 'dimse.echo', 0);
    expect(recorder.takeSnapshot(0, 3_000_000, 4_000_000).series).toEqual([]);
  });

  it('counts dropped operations without recording latency', () => {
    const recorder = new MetricsRecorder();
    recorder.recordDropped('peak', 'mwl.find');
    recorder.recordDropped('peak', 'mwl.find', 4);
    const snapshot = recorder.takeSnapshot(0, 0, 1_000_000);
    expect(snapshot.series[0]).toMatchObject({ dropped: 5, outcomes: {}, histograms: {} });
  });

  it('truncates durations to integer microseconds and clamps negative lag to 0', () => {
    const recorder = new MetricsRecorder();
    recorder.record('s', 'dimse.echo', sample({ responseUs: 1000.9, lagUs: -4 }));
    const series = recorder.takeSnapshot(0, 0, 1_000_000).series[0];
    expect(decodeHistogram(series?.histograms.response as string).getValueAtPercentile(100)).toBe(1000);
    expect(decodeHistogram(series?.histograms.lag as string).getValueAtPercentile(100)).toBe(0);
  });
});

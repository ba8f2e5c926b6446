import { describe, expect, it } from 'vitest';
import { decodeHistogram, latencyStats } from '../../../../src/metrics/histogram.js';
import { IntervalMerger } from '../../../../src/outputs/influx/interval-merge.js';
import { mergeFactor } from '../../../../src/outputs/influx/influx-output.js';
import { encoded, report, spread } from './fixtures.js';

describe('IntervalMerger', () => {
  it('passes reports through untouched with factor 1', () => {
    const merger = new IntervalMerger(1);
    const one = report(0, [{ scenario: 's', operation: 'dimse.echo', outcomes: { ok: 1 }, responseUs: [100] }]);
    expect(merger.add(one)).toBe(one);
    expect(merger.flush()).toBeUndefined();
  });

  it('merges `factor` intervals exactly: counts summed, histograms added, the gauge from the last', () => {
    const merger = new IntervalMerger(3);
    const values = [spread(100, 1_000, 9_000), spread(50, 20_000, 90_000), spread(10, 400_000, 500_000)];
    const results = values.map((responseUs, sequence) =>
      merger.add(
        report(sequence, [
          {
            scenario: 'w',
            operation: 'mwl.find',
            outcomes: sequence === 1 ? { ok: 48, timeout: 2 } : { ok: responseUs.length },
            failed: sequence === 1 ? 2 : 0,
            responseUs,
            bytesSent: 10,
            bytesReceived: 100,
            inFlight: 5 + sequence,
            dropped: 1,
          },
        ]),
      ),
    );
    expect(results.slice(0, 2)).toEqual([undefined, undefined]);
    const merged = results[2]!;
    expect([merged.startUs, merged.endUs, merged.sequence]).toEqual([0, 3_000_000, 2]);
    const [series] = merged.series;
    expect(series!.point).toMatchObject({
      completed: 160,
      failed: 2,
      outcomes: { ok: 158, timeout: 2 },
      bytesSent: 30,
      bytesReceived: 300,
      inFlight: 7,
      dropped: 3,
      startUs: 0,
      endUs: 3_000_000,
    });
    // Exactly the percentiles of one histogram holding every value.
    const all = latencyStats(decodeHistogram(encoded(values.flat())));
    expect(latencyStats(decodeHistogram(series!.histograms.response!))).toEqual(all);
    expect(merger.flush()).toBeUndefined();
  });

  it('flushes a shorter last group, and a series missing at the end has nothing in flight', () => {
    const merger = new IntervalMerger(10);
    merger.add(report(0, [{ scenario: 'a', operation: 'qido.studies', outcomes: { ok: 2 }, responseUs: [5, 6], inFlight: 4 }]));
    merger.add(report(1, [{ scenario: 'b', operation: 'wado.frames', outcomes: { ok: 1 }, responseUs: [7], inFlight: 2 }]));
    const last = merger.flush()!;
    expect([last.startUs, last.endUs]).toEqual([0, 2_000_000]);
    expect(last.series.map((entry) => [entry.point.scenario, entry.point.completed, entry.point.inFlight])).toEqual([
      ['a', 2, 0],
      ['b', 1, 2],
    ]);
    expect(merger.flush()).toBeUndefined();
  });
});

describe('mergeFactor', () => {
  it('rounds the asked interval to whole snapshot intervals, at least one', () => {
    expect(mergeFactor(undefined, 1_000_000)).toBe(1);
    expect(mergeFactor(10_000, 1_000_000)).toBe(10);
    expect(mergeFactor(1_400, 1_000_000)).toBe(1);
    expect(mergeFactor(500, 1_000_000)).toBe(1);
    expect(mergeFactor(5_000, 2_000_000)).toBe(3);
  });

  it('sums the retrieval counters of the merged intervals, and leaves them out for series that have none', () => {
    const merger = new IntervalMerger(2);
    const withCounts = (sequence: number, matches: number, instancesRetrieved: number) => {
      const interval = report(sequence, [
        { scenario: 'p', operation: 'qr.get', outcomes: { ok: 1 } },
        { scenario: 'w', operation: 'mwl.find', outcomes: { ok: 1 } },
      ]);
      Object.assign(interval.series[0]!.point, { matches, instancesRetrieved });
      return interval;
    };
    expect(merger.add(withCounts(0, 3, 40))).toBeUndefined();
    const merged = merger.add(withCounts(1, 2, 25))!;
    expect(merged.series.find((entry) => entry.point.operation === 'qr.get')?.point).toMatchObject({ matches: 5, instancesRetrieved: 65 });
    expect(merged.series.find((entry) => entry.point.operation === 'mwl.find')?.point).not.toHaveProperty('matches');
  });
});

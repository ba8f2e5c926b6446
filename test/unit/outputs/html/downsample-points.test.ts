import { describe, expect, it } from 'vitest';
import type { IntervalPoint } from '../../../../src/metrics/types.js';
import { downsamplePoints } from '../../../../src/outputs/html/downsample-points.js';
import { buildReportData } from '../../../../src/outputs/html/report-data.js';
import { latency, buildSummary } from '../fixtures.js';

const SECOND_US = 1_000_000;

function point(second: number, completed: number, p99Us: number): IntervalPoint {
  return {
    scenario: 'modality-worklist',
    operation: 'mwl.find',
    startUs: second * SECOND_US,
    endUs: (second + 1) * SECOND_US,
    completed,
    failed: 1,
    outcomes: { ok: completed - 1, timeout: 1 },
    dropped: 0,
    inFlight: second,
    bytesSent: 100,
    bytesReceived: 1_000,
    response: latency(completed, 1_000, 2_000, 3_000, p99Us, p99Us * 2),
  };
}

describe('downsamplePoints', () => {
  it('keeps few points as they are', () => {
    const points = [point(0, 10, 5_000), point(1, 20, 6_000)];
    const result = downsamplePoints(points, 10);
    expect(result.pointsPerBucket).toBe(1);
    expect(result.points).toEqual(points.map((candidate) => ({ ...candidate, activeUs: SECOND_US })));
  });

  it('joins consecutive points: counters summed exactly, response percentiles the worst interval', () => {
    const points = Array.from({ length: 3_001 }, (_, second) => point(second, 100 + (second % 3), 5_000 + (second % 7) * 1_000));
    const { points: joined, pointsPerBucket } = downsamplePoints(points, 1_500);
    expect(pointsPerBucket).toBe(3);
    expect(joined).toHaveLength(1_001);
    const total = (list: readonly IntervalPoint[], pick: (candidate: IntervalPoint) => number): number =>
      list.reduce((sum, candidate) => sum + pick(candidate), 0);
    expect(total(joined, (candidate) => candidate.completed)).toBe(total(points, (candidate) => candidate.completed));
    expect(total(joined, (candidate) => candidate.outcomes['timeout'] ?? 0)).toBe(3_001);
    expect(joined[0]).toMatchObject({ startUs: 0, endUs: 3 * SECOND_US, activeUs: 3 * SECOND_US, completed: 303, inFlight: 2 });
    expect(joined[0]?.response?.p99Us).toBe(7_000);
    // The last bucket holds the one point left over.
    expect(joined.at(-1)?.activeUs).toBe(SECOND_US);
  });

  it('gives a long run’s charts average rates per bucket and says so', () => {
    const points = Array.from({ length: 4_000 }, (_, second) => point(second, 100 + (second % 2) * 100, 5_000));
    const data = buildReportData(buildSummary({ intervals: points }));
    const worklist = data.operations[0];
    const throughput = worklist?.charts.find((chart) => chart.kind === 'throughput');
    expect(throughput?.x).toHaveLength(1_334);
    // Buckets of 3 seconds: 100, 200, 100 or 200, 100, 200 completed.
    expect(throughput?.series[0]?.values.slice(0, 2)).toEqual([133.3, 166.7]);
    expect(worklist?.notes.join(' ')).toMatch(/each point of the over-time charts joins 3 intervals/);
  });
});

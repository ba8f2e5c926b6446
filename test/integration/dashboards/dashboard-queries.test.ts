/**
 * The dashboards against a real InfluxDB 1.x (Debian's influxdb 1.6.7): two
 * runs written as the InfluxDB output writes them (measurements.ts), then every
 * panel query of every dashboard, with its template variables resolved and
 * substituted the way Grafana does, must return data; and the figures the
 * panels read back must be the ones written: per-interval percentiles (max over
 * load generators), rates, and the exact whole-run percentiles from the stored
 * HDR histograms, which must equal the summary's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latencyStats, addEncoded, newHistogram } from '../../../src/metrics/histogram.js';
import { runPanelQueries } from '../../helpers/dashboard-runner.js';
import type { DashboardRunSettings, ExecutedQuery } from '../../helpers/dashboard-runner.js';
import { loadDashboards, nonNullValueCount, seriesOf } from '../../helpers/grafana-dashboards.js';
import type { DashboardJson } from '../../helpers/grafana-dashboards.js';
import { GO_LIVE_OPERATIONS, fixtureRun } from '../../helpers/influx-fixture.js';
import type { FixtureRun } from '../../helpers/influx-fixture.js';
import { hasInfluxDb, startInfluxDb } from '../../helpers/influxdb.js';
import type { RunningInfluxDb } from '../../helpers/influxdb.js';
import { skipWithoutPeer } from '../../helpers/peers.js';

const HOUR_MS = 3_600_000;
const INTERVALS = 30;

function dashboard(uid: string): DashboardJson {
  const found = loadDashboards().find((loaded) => loaded.dashboard.uid === uid);
  if (found === undefined) throw new Error(`no dashboard ${uid}`);
  return found.dashboard;
}

function byTitle(results: ExecutedQuery[], title: string, refId = 'A'): ExecutedQuery[] {
  const found = results.filter(({ panel, target }) => panel.title === title && target.refId === refId);
  expect(found.length, title).toBeGreaterThan(0);
  return found;
}

describe.skipIf(skipWithoutPeer(hasInfluxDb))('dashboards against a real InfluxDB', () => {
  let influx: RunningInfluxDb | undefined;
  let runA: FixtureRun;
  let runB: FixtureRun;
  // Run A: two load generators, 2 h before run B (a dot in its id exercises regex escaping).
  let runSettings: (intervalMs: number) => DashboardRunSettings;
  let compareSettings: (intervalMs: number) => DashboardRunSettings;

  beforeAll(async () => {
    influx = await startInfluxDb();
    const startB = Math.floor(Date.now() / 60_000) * 60_000 - HOUR_MS;
    const common = { target: 'dimse://PACS@10.0.0.5:104', intervals: INTERVALS, intervalMs: 1000, operations: GO_LIVE_OPERATIONS };
    runA = fixtureRun({ ...common, runId: 'go-live.week-1', profile: 'go-live-peak', instances: ['gen-1', 'gen-2'], startMs: startB - 2 * HOUR_MS, seed: 1 });
    runB = fixtureRun({ ...common, runId: '7f0c2a9e-5b1d-4c1e-9a53-0d6e4f2b8a71', profile: 'go-live-peak-v2', instances: ['gen-1'], startMs: startB, seed: 2 });
    await influx.write(runA.lines, 'ms');
    await influx.write(runB.lines, 'ms');
    runSettings = (intervalMs) => ({
      values: { run: runA.options.runId, write_interval: '1s' },
      fromMs: runA.options.startMs - 5_000,
      toMs: runA.endMs + 5_000,
      intervalMs,
    });
    // The time range is on run B; run A's column is shifted back by the 2 h between them.
    compareSettings = (intervalMs) => ({
      values: { run_a: runA.options.runId, run_b: runB.options.runId, shift_a: '2h', shift_b: '0s', write_interval: '1s' },
      fromMs: runB.options.startMs - 5_000,
      toMs: runB.endMs + 5_000,
      intervalMs,
    });
  });
  afterAll(async () => {
    await influx?.stop();
  });

  for (const uid of ['pacs-load-run', 'pacs-load-compare']) {
    for (const intervalMs of [1000, 10_000]) {
      it(`${uid}: every panel query returns data (interval ${intervalMs / 1000} s)`, async () => {
        const settings = uid === 'pacs-load-run' ? runSettings(intervalMs) : compareSettings(intervalMs);
        const results = await runPanelQueries(influx!, dashboard(uid), settings);
        expect(results.length).toBeGreaterThan(10);
        const empty = results
          .filter(({ body }) => nonNullValueCount(body) === 0)
          .map(({ panel, target, repeatValue, query }) => `${panel.title} ${target.refId} ${repeatValue ?? ''}: ${query}`);
        expect(empty).toEqual([]);
      });
    }
  }

  it('repeats the per-operation panel once for each operation of the run', async () => {
    const results = await runPanelQueries(influx!, dashboard('pacs-load-run'), runSettings(1000));
    const repeated = byTitle(results, 'Response time: $operation');
    expect(repeated.map(({ repeatValue }) => repeatValue).sort()).toEqual(['dimse.store', 'mwl.find', 'viewer.open']);
    for (const { repeatValue, body } of repeated) {
      const series = seriesOf(body)[0]!;
      expect(series.columns).toEqual(['time', 'p50', 'p95', 'p99', 'max', 'service p95']);
      const written = runA.latencyPoints.filter((point) => point.operation === repeatValue);
      expect(Math.max(...series.values.map((row) => Number(row[4] ?? 0)))).toBe(Math.max(...written.map((point) => point.maxMs)));
    }
  });

  it('shows per-interval p95 as the max over load generators, bucket by bucket', async () => {
    const results = await runPanelQueries(influx!, dashboard('pacs-load-run'), runSettings(1000));
    const [p95] = byTitle(results, 'Response time p95 by operation');
    const series = seriesOf(p95!.body);
    expect(series.map((one) => one.tags?.operation).sort()).toEqual(['dimse.store', 'mwl.find', 'viewer.open']);
    for (const one of series) {
      const rows = one.values.filter((row) => row[1] !== null);
      expect(rows).toHaveLength(INTERVALS);
      for (const [time, value] of rows) {
        const written = runA.latencyPoints.filter((point) => point.operation === one.tags?.operation && point.timeMs === time);
        expect(written).toHaveLength(2);
        expect(value).toBe(Math.max(...written.map((point) => point.p95Ms)));
      }
    }
  });

  it('turns counts into per-second rates and MB/s for 10 s buckets', async () => {
    const results = await runPanelQueries(influx!, dashboard('pacs-load-run'), runSettings(10_000));
    const total = seriesOf(byTitle(results, 'Throughput (ops/s)', 'B')[0]!.body)[0]!;
    const perBucket = new Map<number, number>();
    for (const point of runA.latencyPoints) {
      const bucket = Math.floor(point.timeMs / 10_000) * 10_000;
      perBucket.set(bucket, (perBucket.get(bucket) ?? 0) + point.count);
    }
    const nonZero = total.values.filter((row) => row[1] !== 0);
    expect(nonZero.length).toBe(perBucket.size);
    for (const [time, value] of nonZero) expect(value).toBeCloseTo((perBucket.get(Number(time)) ?? NaN) / 10, 9);

    const bandwidth = seriesOf(byTitle(results, 'Bandwidth (MB/s)')[0]!.body)[0]!;
    expect(bandwidth.columns).toEqual(['time', 'sent', 'received']);
    const sentMb = bandwidth.values.reduce((sum, row) => sum + Number(row[1]) * 10, 0);
    expect(sentMb).toBeCloseTo(runA.latencyPoints.reduce((sum, point) => sum + point.bytesSent, 0) / 1e6, 6);
  });

  it('counts errors by outcome without ok and DIMSE warnings', async () => {
    const results = await runPanelQueries(influx!, dashboard('pacs-load-run'), runSettings(10_000));
    const outcomes = seriesOf(byTitle(results, 'Errors by outcome (per second)')[0]!.body).map((one) => one.tags?.outcome);
    expect(outcomes.sort()).toEqual(['dimse_failure_a700', 'http_503', 'timeout']);
    const [errorRate] = byTitle(results, 'Error rate');
    const written = runA.latencyPoints;
    const expected = written.reduce((sum, point) => sum + point.errors, 0) / written.reduce((sum, point) => sum + point.count, 0);
    expect(seriesOf(errorRate!.body)[0]!.values[0]![1]).toBeCloseTo(expected, 12);
  });

  it('lists both runs with start, end, end reason and result, and compares their worst p95 per operation', async () => {
    const results = await runPanelQueries(influx!, dashboard('pacs-load-compare'), compareSettings(1000));
    const runs = seriesOf(byTitle(results, 'Runs A and B')[0]!.body);
    // One series per run, instance and phase: run A has two load generators.
    expect(runs).toHaveLength(6);
    const ends = runs.filter((one) => one.tags?.phase === 'end');
    for (const end of ends) {
      const row = Object.fromEntries(end.columns.map((column, index) => [column, end.values[0]![index]]));
      expect(row.end_reason).toBe('completed');
      expect(row.passed).toBe(0);
    }
    const [table] = byTitle(results, 'Run A ($run_a) vs run B ($run_b) per operation');
    const viewer = seriesOf(table!.body).find((one) => one.tags?.operation === 'viewer.open')!;
    const p95 = viewer.values[0]![viewer.columns.indexOf('p95 A')];
    expect(p95).toBe(Math.max(...runA.latencyPoints.filter((point) => point.operation === 'viewer.open').map((point) => point.p95Ms)));

    // Run A's shifted column shows run A's data inside run B's time range.
    const shifted = byTitle(results, 'A ($run_a): response time p95 by operation')[0]!;
    expect(shifted.query).toContain(`time >= ${runB.options.startMs - 5_000 - 2 * HOUR_MS}ms`);
    expect(nonNullValueCount(shifted.body)).toBe(3 * INTERVALS);
  });

  it('stores histograms whose exact merge gives the summary percentiles', async () => {
    for (const run of [runA, runB]) {
      for (const [key, expected] of run.merged) {
        const [scenario, operation] = key.split('|');
        const body = await influx!.query(
          `SELECT "hdr_response" FROM "pacs_load_latency" WHERE "run_id" = '${run.options.runId}' AND "scenario" = '${scenario}' AND "operation" = '${operation}'`,
        );
        const merged = newHistogram();
        for (const row of seriesOf(body)[0]!.values) addEncoded(merged, String(row[1]));
        expect(latencyStats(merged), key).toEqual(expected);
      }
    }
  });
});

/**
 * The dashboards over what the real InfluxDB output writes: two short runs of
 * a profile (worklist, image load, study search, with failures) against the
 * embedded simulator, through `runLoad` and the InfluxDB output in v1 mode,
 * into a real InfluxDB 1.x. Then every panel query of both dashboards must
 * return data, and the percentiles read back must agree with the run summary:
 * per interval (the panel's buckets) and exactly over the whole run (the merge
 * of the stored HDR histograms).
 *
 * Uses the built worker (dist/): run `npm run build` first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from '../../../src/coordinator/run-load.js';
import { addEncoded, latencyStats, newHistogram } from '../../../src/metrics/histogram.js';
import type { RunSummary } from '../../../src/metrics/types.js';
import { createInfluxOutput, INFLUX_OUTPUT_NAME } from '../../../src/outputs/influx/index.js';
import { parseProfileText } from '../../../src/profile/load.js';
import { WORKER_PATH } from '../../helpers/cli.js';
import { runPanelQueries } from '../../helpers/dashboard-runner.js';
import type { DashboardRunSettings } from '../../helpers/dashboard-runner.js';
import { loadDashboards, nonNullValueCount, seriesOf } from '../../helpers/grafana-dashboards.js';
import type { DashboardJson } from '../../helpers/grafana-dashboards.js';
import { hasInfluxDb, startInfluxDb } from '../../helpers/influxdb.js';
import type { RunningInfluxDb } from '../../helpers/influxdb.js';
import { skipWithoutPeer } from '../../helpers/peers.js';

// 20% of the simulator's answers fail, so the error panels have data (Math.random: no run is error-free in practice, 0.8^40).
const PROFILE = `
name: dashboards-test
simulator: { errorRate: 20%, latency: 5ms, jitter: 20ms }
scenarios:
  worklist: { operation: mwl.find, executor: constant-arrival-rate, rate: 10/s, duration: 2s, stations: 10, expectItems: 5 }
  reading: { operation: viewer.open, executor: constant-arrival-rate, rate: 2/s, duration: 2s }
  search: { operation: qido.studies, executor: constant-arrival-rate, rate: 10/s, duration: 2s }
thresholds:
  mwl.find: ["p95 < 5s", "errors < 1%"]
`;

function dashboard(uid: string): DashboardJson {
  const found = loadDashboards().find((loaded) => loaded.dashboard.uid === uid);
  if (found === undefined) throw new Error(`no dashboard ${uid}`);
  return found.dashboard;
}

describe.skipIf(skipWithoutPeer(hasInfluxDb))('dashboards over a real run written by the InfluxDB output', () => {
  let influx: RunningInfluxDb | undefined;
  const summaries: RunSummary[] = [];
  const warnings: string[] = [];

  async function run(runId: string): Promise<RunSummary> {
    const output = createInfluxOutput({
      connection: {
        url: influx!.url,
        api: { version: 'v1', database: influx!.database, retentionPolicy: undefined, username: undefined, password: undefined },
        timeoutMs: 5_000,
      },
      instance: 'dashboard-test',
      warn: (text) => warnings.push(text),
      required: true,
    });
    const { summary } = await runLoad({
      profile: parseProfileText(PROFILE, 'dashboards-test.yaml'),
      workers: 2,
      outputs: [output],
      env: {},
      workerFilename: WORKER_PATH,
      runId,
    });
    return summary;
  }

  beforeAll(async () => {
    influx = await startInfluxDb();
    summaries.push(await run('dashboards-run-1'), await run('dashboards-run-2'));
    // Generous: two runs of 2 s each, plus worker start-up, on a loaded 2-core machine.
  }, 180_000);
  afterAll(async () => {
    await influx?.stop();
  });

  function rangeOf(summary: RunSummary): { fromMs: number; toMs: number } {
    return { fromMs: Date.parse(summary.run.startedAt) - 5_000, toMs: Date.parse(summary.run.endedAt) + 5_000 };
  }
  function runSettings(intervalMs: number): DashboardRunSettings {
    return { values: { run: summaries[0]!.run.id, write_interval: '1s' }, ...rangeOf(summaries[0]!), intervalMs };
  }

  it('delivered every point', () => {
    for (const summary of summaries) {
      const delivery = summary.outputs?.[INFLUX_OUTPUT_NAME];
      expect(delivery?.dropped).toBe(0);
      expect(delivery?.written).toBeGreaterThan(0);
      expect(summary.operations.map((operation) => operation.operation).sort()).toEqual(['mwl.find', 'qido.studies', 'viewer.open']);
      expect(summary.operations.reduce((sum, operation) => sum + operation.failed, 0)).toBeGreaterThan(0);
    }
    expect(warnings).toEqual([]);
  });

  for (const intervalMs of [1000, 10_000]) {
    it(`pacs-load-run: every panel query returns data (interval ${intervalMs / 1000} s)`, async () => {
      const results = await runPanelQueries(influx!, dashboard('pacs-load-run'), runSettings(intervalMs));
      const empty = results.filter(({ body }) => nonNullValueCount(body) === 0).map(({ panel, target, query }) => `${panel.title} ${target.refId}: ${query}`);
      expect(empty).toEqual([]);
    });

    it(`pacs-load-compare: every panel query returns data (interval ${intervalMs / 1000} s)`, async () => {
      const [first, second] = summaries as [RunSummary, RunSummary];
      // The range is on the second run; the first run's column is shifted back by the whole seconds between their starts.
      const shiftSeconds = Math.ceil((Date.parse(second.run.startedAt) - Date.parse(first.run.startedAt)) / 1000);
      // Long enough for the longer of the two runs (start-up time varies on a loaded machine).
      const longestMs = Math.max(...summaries.map((summary) => Date.parse(summary.run.endedAt) - Date.parse(summary.run.startedAt)));
      const settings: DashboardRunSettings = {
        values: { run_a: first.run.id, run_b: second.run.id, shift_a: `${shiftSeconds}s`, shift_b: '0s', write_interval: '1s' },
        fromMs: Date.parse(second.run.startedAt) - 5_000,
        toMs: Date.parse(second.run.startedAt) + longestMs + 5_000,
        intervalMs,
      };
      const results = await runPanelQueries(influx!, dashboard('pacs-load-compare'), settings);
      const empty = results.filter(({ body }) => nonNullValueCount(body) === 0).map(({ panel, target, query }) => `${panel.title} ${target.refId}: ${query}`);
      expect(empty).toEqual([]);
    });
  }

  it('shows per-interval p95 values that are the summary intervals\' p95, the worst one included', async () => {
    const summary = summaries[0]!;
    const results = await runPanelQueries(influx!, dashboard('pacs-load-run'), runSettings(1000));
    const panel = results.find(({ panel }) => panel.title === 'Response time p95 by operation')!;
    for (const series of seriesOf(panel.body)) {
      const operation = series.tags?.operation;
      const intervalP95Ms = summary.intervals
        .filter((point) => point.operation === operation && point.response !== undefined && point.response.count > 0)
        .map((point) => point.response!.p95Us / 1000);
      expect(intervalP95Ms.length, operation).toBeGreaterThan(0);
      const shown = series.values.map((row) => row[1]).filter((value): value is number => typeof value === 'number');
      for (const value of shown) expect(intervalP95Ms, operation).toContain(value);
      expect(Math.max(...shown), operation).toBe(Math.max(...intervalP95Ms));
    }
  });

  it('stores histograms whose exact merge gives the summary percentiles', async () => {
    for (const summary of summaries) {
      for (const operation of summary.operations) {
        const body = await influx!.query(
          `SELECT "hdr_response" FROM "pacs_load_latency" WHERE "run_id" = '${summary.run.id}' AND "scenario" = '${operation.scenario}' AND "operation" = '${operation.operation}'`,
        );
        const merged = newHistogram();
        for (const row of seriesOf(body)[0]!.values) addEncoded(merged, String(row[1]));
        expect(latencyStats(merged), operation.operation).toEqual(operation.latency.response);
      }
    }
  });

  it('shows the run\'s end reason, verdict and thresholds as the summary has them', async () => {
    const summary = summaries[0]!;
    const results = await runPanelQueries(influx!, dashboard('pacs-load-run'), runSettings(1000));
    const verdict = results.find(({ panel }) => panel.title === 'Thresholds')!;
    const passed = summary.thresholds.every((threshold) => threshold.passed) ? 1 : 0;
    expect(seriesOf(verdict.body)[0]!.values[0]![1]).toBe(passed);
    const thresholds = results.find(({ panel }) => panel.title === 'Thresholds of run $run')!;
    const rows = seriesOf(thresholds.body).map((series) => series.tags?.threshold);
    expect(rows.sort()).toEqual(summary.thresholds.map((threshold) => threshold.expression).sort());
  });
});

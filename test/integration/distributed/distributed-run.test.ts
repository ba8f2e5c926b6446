/**
 * Issue 8: a local distributed run. Three separately started processes of the
 * built CLI (`--segment 1/3`, `2/3`, `3/3`, one `--run-id`, one `--start-at`)
 * load one simulator started by the test and write to one real InfluxDB
 * (1.6.7, test/helpers/influxdb.ts). Then:
 * - the merged result's counts equal what the simulator received (stored
 *   instances: a UID collision between segments would store fewer) and the
 *   unsplit plan (20/s for 3 s is 60 echoes, not 59 or 61);
 * - the merged percentiles (summaryFromInflux) equal the percentiles of the
 *   raw stored histograms added by hand, and those of the three summary files
 *   merged with mergeSummaries.
 * Run `npm run build` first (the CLI and workers run from dist/).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addEncoded, latencyStats, newHistogram } from '../../../src/metrics/histogram.js';
import { mergeSummaries } from '../../../src/metrics/summary.js';
import type { RunSummary } from '../../../src/metrics/types.js';
import { loadProfileFile } from '../../../src/profile/load.js';
import { summaryFromInflux } from '../../../src/report/from-influx.js';
import { NO_FAULTS } from '../../../src/simulator/faults.js';
import { startSimulator, type RunningSimulator } from '../../../src/simulator/index.js';
import { runCli, tempDir, writeProfile, type CliResult } from '../../helpers/cli.js';
import { hasInfluxDb, startInfluxDb, type RunningInfluxDb } from '../../helpers/influxdb.js';
import { skipWithoutPeer } from '../../helpers/peers.js';

const RUN_ID = 'distributed-3-segments';
const SEGMENTS = 3;
const STORE_ITERATIONS = 12;
const IMAGES = 2;

function profileText(simulator: RunningSimulator): string {
  return [
    'name: distributed',
    'preflight: false',
    'target:',
    `  dimse: { host: ${simulator.dimse.host}, port: ${simulator.dimse.port}, calledAe: ${simulator.dimse.aeTitle} }`,
    `  dicomweb: { baseUrl: "${simulator.dicomweb.baseUrl}" }`,
    'scenarios:',
    '  echo: { operation: dimse.echo, executor: constant-arrival-rate, rate: 20/s, duration: 3s }',
    `  stores: { operation: dimse.store, executor: iterations, iterations: ${STORE_ITERATIONS}, users: 4, modality: CT, images: ${IMAGES}, imageSize: 16KiB }`,
    '  search: { operation: qido.studies, executor: constant-arrival-rate, rate: 10/s, duration: 3s }',
    'thresholds:',
    '  dimse.echo: ["p99 < 10s"]',
    '',
  ].join('\n');
}

describe.skipIf(skipWithoutPeer(hasInfluxDb))('a run split over 3 processes, merged from InfluxDB', () => {
  let influx: RunningInfluxDb;
  let simulator: RunningSimulator;
  let dir: { path: string; cleanup: () => Promise<void> };
  let results: CliResult[];
  let files: RunSummary[];
  let merged: RunSummary;

  beforeAll(async () => {
    dir = await tempDir();
    influx = await startInfluxDb({ database: 'pacs_load' });
    simulator = await startSimulator({ settings: { stations: 2, stepsPerStation: 2, studies: 10, faults: NO_FAULTS } });
    const profile = await writeProfile(dir.path, 'profile.yaml', profileText(simulator));
    // Far enough ahead for three processes on a busy machine to prepare their workers.
    const startAt = String(Date.now() + 45_000);
    results = await Promise.all(
      Array.from({ length: SEGMENTS }, (_, k) =>
        runCli([
          'run', profile, '--workers', '1', '--quiet',
          '--run-id', RUN_ID, '--segment', `${k + 1}/${SEGMENTS}`, '--start-at', startAt,
          '--out', join(dir.path, `summary-${k + 1}.json`),
          '--influx', influx.url, '--influx-v1', '--influx-db', 'pacs_load',
          // The last instance keeps the default tag, which names its segment.
          ...(k + 1 < SEGMENTS ? ['--influx-instance', `segment-${k + 1}`] : []),
        ]),
      ),
    );
    // A failed instance explains itself better than a missing file.
    for (const result of results) if (result.code !== 0) throw new Error(`an instance exited ${result.code}: ${result.stderr}${result.stdout}`);
    files = await Promise.all(results.map(async (_, k) => JSON.parse(await readFile(join(dir.path, `summary-${k + 1}.json`), 'utf8')) as RunSummary));
    merged = await summaryFromInflux({
      url: influx.url,
      runId: RUN_ID,
      database: 'pacs_load',
      thresholds: (await loadProfileFile(profile)).thresholds,
    });
  }, 180_000);

  afterAll(async () => {
    await simulator?.close();
    await influx?.stop();
    await dir?.cleanup();
  });

  it('runs every segment to completion, each with its own share', () => {
    for (const result of results) {
      // stderr may hold a retried write on a busy machine; what counts is that nothing was dropped.
      expect(result.stderr).not.toMatch(/ERR_/);
      expect(result.code).toBe(0);
    }
    for (const file of files) expect(file.outputs?.['influxdb']).toMatchObject({ dropped: 0 });
    expect(files.map((file) => file.run.segment)).toEqual(['1/3', '2/3', '3/3']);
    for (const [k, result] of results.entries()) expect(result.stdout).toMatch(new RegExp(`workers ready; starting at .*, segment ${k + 1}/3`));
    // 20/s for 3 s striped over 3: 20 + 20 + 20 planned echoes.
    const echoes = files.map((file) => file.operations.find((operation) => operation.scenario === 'echo'));
    expect(echoes.map((echo) => (echo?.completed ?? 0) + (echo?.dropped ?? 0))).toEqual([20, 20, 20]);
  });

  it('merges counts that equal the unsplit plan and what the simulator received', () => {
    const byScenario = new Map(merged.operations.map((operation) => [operation.scenario, operation]));
    expect((byScenario.get('echo')?.completed ?? 0) + (byScenario.get('echo')?.dropped ?? 0)).toBe(60);
    expect((byScenario.get('search')?.completed ?? 0) + (byScenario.get('search')?.dropped ?? 0)).toBe(30);
    const stores = byScenario.get('stores');
    expect(stores?.outcomes).toEqual({ ok: STORE_ITERATIONS });
    // Every segment's studies have their own UIDs: a collision would store fewer instances.
    expect(simulator.storeStats().instances).toBe(STORE_ITERATIONS * IMAGES);
    expect(merged.run.workers).toBe(SEGMENTS);
    // The time series adds the instances' intervals up: started together, they line up (3 s is 3 or 4 intervals, not 3 per instance).
    for (const operation of merged.operations) {
      const points = merged.intervals.filter((point) => point.scenario === operation.scenario);
      expect(points.reduce((sum, point) => sum + point.completed, 0)).toBe(operation.completed);
    }
    expect(new Set(merged.intervals.filter((point) => point.scenario === 'echo').map((point) => point.startUs)).size).toBeLessThanOrEqual(6);
    expect(merged.run.endReason).toBe('completed');
    // The summary files say the same.
    const fromFiles = mergeSummaries(files);
    for (const operation of fromFiles.operations) {
      expect(byScenario.get(operation.scenario)?.outcomes).toEqual(operation.outcomes);
      expect(byScenario.get(operation.scenario)?.bytesSent).toBe(operation.bytesSent);
    }
  });

  it('merges percentiles that equal those of the raw histograms added', async () => {
    const body = (await influx.query(`SELECT hdr_response, scenario FROM pacs_load_latency WHERE run_id = '${RUN_ID}'`)) as {
      results: Array<{ series?: Array<{ columns: string[]; values: unknown[][] }> }>;
    };
    const series = body.results[0]?.series?.[0];
    const column = series?.columns.indexOf('hdr_response') ?? -1;
    const scenarioColumn = series?.columns.indexOf('scenario') ?? -1;
    const fromFiles = mergeSummaries(files);
    for (const operation of merged.operations) {
      const raw = newHistogram();
      for (const values of series?.values ?? []) {
        if (values[scenarioColumn] === operation.scenario && typeof values[column] === 'string') addEncoded(raw, values[column]);
      }
      expect(raw.totalCount).toBe(operation.completed);
      expect(operation.latency.response).toEqual(latencyStats(raw));
      // And equal to the exact merge of the instances' own summaries.
      expect(operation.latency.response).toEqual(fromFiles.operations.find((candidate) => candidate.scenario === operation.scenario)?.latency.response);
    }
    expect(merged.thresholds.map((threshold) => threshold.passed)).toEqual([true]);
  });

  it('tags each instance, by default with its host, process and segment', async () => {
    const body = (await influx.query('SHOW TAG VALUES FROM pacs_load_latency WITH KEY = "instance"')) as {
      results: Array<{ series?: Array<{ values: string[][] }> }>;
    };
    const instances = (body.results[0]?.series?.[0]?.values ?? []).map((row) => row[1]).sort();
    expect(instances).toHaveLength(3);
    expect(instances).toContain('segment-1');
    expect(instances).toContain('segment-2');
    expect(instances.filter((instance) => /:\d+\/segment-3\/3$/.test(instance ?? ''))).toHaveLength(1);
  });

  it('pacs-load report --from-influx prints the merged run and writes its HTML report', async () => {
    const html = join(dir.path, 'merged.html');
    const profile = join(dir.path, 'profile.yaml');
    const report = await runCli(['report', '--from-influx', influx.url, '--run-id', RUN_ID, '--influx-db', 'pacs_load', '--profile', profile, '--html', html]);
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).toContain(`wrote ${html}`);
    expect(await readFile(html, 'utf8')).toContain(RUN_ID);
    const missing = await runCli(['report', '--from-influx', influx.url]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--from-influx needs --run-id');
  });

  it('says clearly when the run is not there or the database does not answer', async () => {
    await expect(summaryFromInflux({ url: influx.url, runId: 'no-such-run', database: 'pacs_load' })).rejects.toMatchObject({ code: 'ERR_INPUT_INVALID' });
    await expect(summaryFromInflux({ url: 'http://127.0.0.1:1', runId: RUN_ID, database: 'pacs_load', timeoutMs: 2_000 })).rejects.toMatchObject({
      code: 'ERR_OUTPUT_UNREACHABLE',
    });
  });
});

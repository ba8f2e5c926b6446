/**
 * The v1 write path against a real InfluxDB 1.6.7 (Debian's, which has no
 * /api/v2/write), with authentication on: run a short profile through the
 * built CLI with `--influx-v1`, then read back with InfluxQL and compare with
 * the summary: counts per outcome, and percentiles recomputed from the stored
 * HDR histograms, which must equal the summary's exactly.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addEncoded, latencyStats, newHistogram } from '../../../src/metrics/histogram.js';
import type { RunSummary } from '../../../src/metrics/types.js';
import { runCli, tempDir, writeProfile } from '../../helpers/cli.js';
import { hasInfluxDb, startInfluxDb, type RunningInfluxDb } from '../../helpers/influxdb.js';
import { skipWithoutPeer } from '../../helpers/peers.js';
import { influxTestProfile } from './profiles.js';

const RUN_ID = 'influx-v1-write-path';
const USER = 'loader';
const PASSWORD = 'v1-Pa55word-never-logged';

interface QueryBody {
  results: { series?: { name: string; tags?: Record<string, string>; columns: string[]; values: unknown[][] }[] }[];
}

describe.skipIf(skipWithoutPeer(hasInfluxDb))('InfluxDB output, v1 write API, against InfluxDB 1.6', () => {
  let influx: RunningInfluxDb;
  let dir: { path: string; cleanup: () => Promise<void> };
  let summary: RunSummary;
  let output: string;

  beforeAll(async () => {
    dir = await tempDir();
    influx = await startInfluxDb({ database: 'pacs_v1', admin: { username: USER, password: PASSWORD } });
    const profile = await writeProfile(dir.path, 'profile.yaml', influxTestProfile(3));
    const out = join(dir.path, 'summary.json');
    const result = await runCli(
      ['run', profile, '--workers', '2', '--quiet', '--run-id', RUN_ID, '--out', out, '--influx', influx.url, '--influx-v1', '--influx-db', 'pacs_v1/autogen', '--influx-user', USER],
      { env: { PACS_LOAD_INFLUX_PASSWORD: PASSWORD } },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(99);
    output = result.stdout + (await readFile(out, 'utf8'));
    summary = JSON.parse(await readFile(out, 'utf8')) as RunSummary;
  }, 60_000);

  afterAll(async () => {
    await influx?.stop();
    await dir?.cleanup();
  });

  async function select(q: string): Promise<NonNullable<QueryBody['results'][number]['series']>> {
    const body = (await influx.query(q)) as QueryBody;
    return body.results[0]?.series ?? [];
  }

  it('delivers every point', async () => {
    const delivery = summary.outputs?.['influxdb'];
    expect(delivery).toMatchObject({ retried: 0, dropped: 0 });
    const counted = await select(`SELECT count("count") FROM pacs_load_operations WHERE run_id = '${RUN_ID}'`);
    const latency = await select(`SELECT count("count") FROM pacs_load_latency WHERE run_id = '${RUN_ID}'`);
    const run = await select(`SELECT count("workers") FROM pacs_load_run WHERE run_id = '${RUN_ID}'`);
    const thresholds = await select(`SELECT count("passed") FROM pacs_load_threshold WHERE run_id = '${RUN_ID}'`);
    const points = [counted, latency, run, thresholds].reduce((sum, rows) => sum + Number(rows[0]?.values[0]?.[1] ?? 0), 0);
    expect(points).toBe(delivery!.written);
    expect(Number(run[0]?.values[0]?.[1])).toBe(2);
    expect(Number(thresholds[0]?.values[0]?.[1])).toBe(summary.thresholds.length);
  });

  it('stores counts per outcome equal to the summary', async () => {
    const rows = await select(`SELECT sum("count") FROM pacs_load_operations WHERE run_id = '${RUN_ID}' GROUP BY scenario, operation, outcome`);
    const stored = new Map(rows.map((row) => [`${row.tags?.['operation']}/${row.tags?.['outcome']}`, Number(row.values[0]?.[1])]));
    const expected = new Map(summary.operations.flatMap((operation) => Object.entries(operation.outcomes).map(([outcome, count]) => [`${operation.operation}/${outcome}`, count])));
    expect(stored).toEqual(expected);
  });

  it('stores interval histograms whose exact merge gives the summary percentiles', async () => {
    for (const operation of summary.operations) {
      const rows = await select(`SELECT hdr_response, p95_ms FROM pacs_load_latency WHERE run_id = '${RUN_ID}' AND operation = '${operation.operation}'`);
      const values = rows[0]?.values ?? [];
      expect(values.length).toBeGreaterThanOrEqual(3);
      const merged = newHistogram();
      for (const [, hdr] of values) if (typeof hdr === 'string') addEncoded(merged, hdr);
      expect(latencyStats(merged), operation.operation).toEqual(operation.latency.response);
      // Each interval's p95 lies within the run's range.
      for (const [, , p95Ms] of values) {
        if (p95Ms === null) continue;
        expect(Number(p95Ms) * 1000).toBeGreaterThanOrEqual(operation.latency.response!.minUs);
        expect(Number(p95Ms) * 1000).toBeLessThanOrEqual(operation.latency.response!.maxUs);
      }
    }
  });

  it('stores the end of the run with its verdict', async () => {
    const rows = await select(`SELECT passed, thresholds_failed, end_reason FROM pacs_load_run WHERE run_id = '${RUN_ID}' AND phase = 'end'`);
    const failed = summary.thresholds.filter((threshold) => !threshold.passed).length;
    expect(rows[0]?.values.map((row) => row.slice(1))).toEqual([[0, failed, 'completed']]);
  });

  it('never shows the password, in the console or in the summary file', () => {
    expect(output).not.toContain(PASSWORD);
    expect(output).not.toContain(Buffer.from(`${USER}:${PASSWORD}`).toString('base64'));
  });
});

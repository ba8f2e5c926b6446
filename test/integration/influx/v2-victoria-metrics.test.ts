/**
 * The v2 write path against a real VictoriaMetrics (issue 5): run a short
 * profile through the built CLI with `--influx`, read the points back through
 * VictoriaMetrics' export API, and check that tags, fields and counts equal
 * the run's summary. VictoriaMetrics stores each numeric field as a series
 * `<measurement>_<field>` (string fields as 0), labelled with the tags.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../src/metrics/types.js';
import { runCli, tempDir, writeProfile } from '../../helpers/cli.js';
import { skipWithoutPeer } from '../../helpers/peers.js';
import { hasVictoriaMetrics, startVictoriaMetrics, type ExportedSeries, type RunningVictoriaMetrics } from '../../helpers/victoria-metrics.js';
import { influxTestProfile } from './profiles.js';

const RUN_ID = 'influx-v2-write-path';

/** Points in the database: one sample of a field every point of its measurement has. */
function pointsIn(series: readonly ExportedSeries[]): number {
  const always = new Set(['pacs_load_operations_count', 'pacs_load_latency_count', 'pacs_load_run_workers', 'pacs_load_threshold_passed']);
  return series.filter((entry) => always.has(entry.metric['__name__'] ?? '')).reduce((sum, entry) => sum + entry.values.length, 0);
}

describe.skipIf(skipWithoutPeer(hasVictoriaMetrics))('InfluxDB output, v2 write API, against VictoriaMetrics', () => {
  let vm: RunningVictoriaMetrics;
  let dir: { path: string; cleanup: () => Promise<void> };
  let summary: RunSummary;
  let series: ExportedSeries[];
  let stdout: string;

  beforeAll(async () => {
    dir = await tempDir();
    vm = await startVictoriaMetrics();
    const profile = await writeProfile(dir.path, 'profile.yaml', influxTestProfile(3));
    const out = join(dir.path, 'summary.json');
    const result = await runCli(
      ['run', profile, '--workers', '2', '--quiet', '--run-id', RUN_ID, '--out', out, '--influx', vm.url, '--influx-org', 'radiology', '--influx-bucket', 'load', '--influx-instance', 'generator-a'],
      { env: { PACS_LOAD_INFLUX_TOKEN: 'any-token' } },
    );
    // One threshold fails on purpose (exit 99): the output reports it.
    expect(result.stderr).toBe('');
    expect(result.code).toBe(99);
    stdout = result.stdout;
    summary = JSON.parse(await readFile(out, 'utf8')) as RunSummary;
    // VictoriaMetrics acknowledges a write before every sample is searchable: read until all points are there.
    const written = summary.outputs?.['influxdb']?.written ?? 0;
    for (let attempt = 0; attempt < 40; attempt++) {
      series = await vm.exportSeries(`{__name__=~"pacs_load_.*",run_id="${RUN_ID}"}`);
      if (pointsIn(series) >= written) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }, 60_000);

  afterAll(async () => {
    await vm?.stop();
    await dir?.cleanup();
  });

  function samples(name: string, labels: Record<string, string> = {}): { metric: Record<string, string>; total: number; count: number }[] {
    return series
      .filter((entry) => entry.metric['__name__'] === name && Object.entries(labels).every(([key, value]) => entry.metric[key] === value))
      .map((entry) => ({ metric: entry.metric, total: entry.values.reduce((sum, value) => sum + value, 0), count: entry.values.length }));
  }

  function total(name: string, labels: Record<string, string>): number {
    return samples(name, labels).reduce((sum, entry) => sum + entry.total, 0);
  }

  it('reports everything written, nothing retried or dropped, in the summary and on the console', () => {
    const delivery = summary.outputs?.['influxdb'];
    expect(delivery).toBeDefined();
    expect(delivery!.dropped).toBe(0);
    expect(delivery!.retried).toBe(0);
    expect(delivery).not.toHaveProperty('lastError');
    expect(stdout).toContain(`influxdb: ${delivery!.written} points written, 0 retried, 0 dropped`);
    expect(pointsIn(series)).toBe(delivery!.written);
  });

  it('tags every point with run_id, profile, instance and target', () => {
    expect(series.length).toBeGreaterThan(0);
    for (const entry of series) {
      expect(entry.metric).toMatchObject({ run_id: RUN_ID, profile: 'influx-write-path', instance: 'generator-a', target: summary.run.target });
    }
  });

  it('counts per outcome and per series equal the summary', () => {
    for (const operation of summary.operations) {
      const labels = { scenario: operation.scenario, operation: operation.operation };
      for (const [outcome, count] of Object.entries(operation.outcomes)) {
        expect(total('pacs_load_operations_count', { ...labels, outcome }), `${operation.operation} ${outcome}`).toBe(count);
      }
      const outcomes = new Set(samples('pacs_load_operations_count', labels).map((entry) => entry.metric['outcome']));
      expect([...outcomes].sort()).toEqual(Object.keys(operation.outcomes).sort());
      expect(total('pacs_load_latency_count', labels)).toBe(operation.completed);
      expect(total('pacs_load_latency_errors', labels)).toBe(operation.failed);
      expect(total('pacs_load_latency_dropped', labels)).toBe(operation.dropped);
      expect(total('pacs_load_latency_bytes_sent', labels)).toBe(operation.bytesSent);
      expect(total('pacs_load_latency_bytes_received', labels)).toBe(operation.bytesReceived);
      // Per-interval percentiles: never above the run's max, and the interval maxima reach it.
      const maxima = series.filter((entry) => entry.metric['__name__'] === 'pacs_load_latency_max_ms' && entry.metric['operation'] === operation.operation).flatMap((entry) => entry.values);
      expect(Math.max(...maxima)).toBeCloseTo(operation.latency.response!.maxUs / 1000, 6);
    }
    // The simulator failed some requests: failures are there, by outcome.
    expect(summary.operations.some((operation) => operation.failed > 0)).toBe(true);
  });

  it('writes the run start and end, and one point per threshold', () => {
    const phases = samples('pacs_load_run_workers').map((entry) => [entry.metric['phase'], entry.total]);
    expect(phases.sort()).toEqual([
      ['end', 2],
      ['start', 2],
    ]);
    expect(total('pacs_load_run_scenarios', { phase: 'start' })).toBe(2);
    expect(total('pacs_load_run_passed', { phase: 'end' })).toBe(0);
    expect(total('pacs_load_run_thresholds_failed', { phase: 'end' })).toBe(summary.thresholds.filter((threshold) => !threshold.passed).length);
    expect(total('pacs_load_run_duration_s', { phase: 'end' })).toBeCloseTo(summary.run.durationSeconds, 6);
    const thresholds = samples('pacs_load_threshold_passed').map((entry) => [entry.metric['subject'], entry.metric['threshold'], entry.total]);
    expect(thresholds.sort()).toEqual(summary.thresholds.map((threshold) => [threshold.subject, threshold.expression, threshold.passed ? 1 : 0]).sort());
  });
});

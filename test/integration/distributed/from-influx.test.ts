/**
 * summaryFromInflux against a real InfluxDB 1.6 holding points written here
 * in the InfluxDB output's format (src/outputs/influx/measurements.ts): two
 * instances of one run whose interval timestamps differ by a few ms, a partial
 * final interval, and one instance that never wrote its end point.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeHistogram, latencyStats, newHistogram, recordUs } from '../../../src/metrics/histogram.js';
import type { RunSummary } from '../../../src/metrics/types.js';
import { summaryFromInflux } from '../../../src/report/from-influx.js';
import { hasInfluxDb, startInfluxDb, type RunningInfluxDb } from '../../helpers/influxdb.js';
import { skipWithoutPeer } from '../../helpers/peers.js';

const RUN_ID = "split 'run' 1";
const EPOCH_MS = Date.UTC(2026, 10, 28, 6, 0, 0);

/** Latency samples (µs) per instance and interval. */
const SAMPLES: Record<string, number[][]> = {
  'pod-0': [[1000, 2000, 3000], [4000, 5000], [250_000]],
  'pod-1': [[1500, 2500], [3500, 4500, 5500, 6500], [7000]],
};

function escapeTag(value: string): string {
  return value.replace(/([ ,=])/g, '\\$1');
}

function lines(): string {
  const out: string[] = [];
  for (const [instance, intervals] of Object.entries(SAMPLES)) {
    // Each instance's clock is a few ms off the other's; the last interval is partial (0.4 s).
    const skewMs = instance === 'pod-0' ? 0 : 7;
    const tags = `run_id=${escapeTag(RUN_ID)},profile=split,instance=${instance},target=sim`;
    out.push(`pacs_load_run,${tags},phase=start workers=2i,scenarios=1i ${EPOCH_MS - 5000 + skewMs}`);
    intervals.forEach((samples, k) => {
      const endMs = EPOCH_MS + skewMs + (k === intervals.length - 1 ? k * 1000 + 400 : (k + 1) * 1000);
      const histogram = newHistogram();
      for (const sample of samples) recordUs(histogram, sample);
      const failed = instance === 'pod-1' && k === 1 ? 1 : 0;
      const series = `${tags},scenario=search,operation=qido.studies`;
      out.push(`pacs_load_operations,${series},outcome=ok count=${samples.length - failed}i,rate_per_sec=1 ${endMs}`);
      if (failed > 0) out.push(`pacs_load_operations,${series},outcome=http_503 count=${failed}i,rate_per_sec=1 ${endMs}`);
      out.push(
        // Two QIDO results per search (issue 14, item 5: retrievals record matches).
        `pacs_load_latency,${series} count=${samples.length}i,errors=${failed}i,bytes_sent=100i,bytes_received=1000i,in_flight=1i,dropped=${k}i,matches=${2 * samples.length}i,` +
          `hdr_response="${encodeHistogram(histogram)}",hdr_service="${encodeHistogram(histogram)}" ${endMs}`,
      );
    });
    if (instance === 'pod-0') out.push(`pacs_load_run,${tags},phase=end workers=2i,scenarios=1i,duration_s=3.4,end_reason="completed" ${EPOCH_MS + 3400}`);
  }
  return out.join('\n');
}

describe.skipIf(skipWithoutPeer(hasInfluxDb))('summaryFromInflux', () => {
  let influx: RunningInfluxDb;
  let summary: RunSummary;

  beforeAll(async () => {
    influx = await startInfluxDb({ database: 'loads' });
    await influx.write(lines(), 'ms');
    summary = await summaryFromInflux({ url: influx.url, runId: RUN_ID, database: 'loads' });
  }, 60_000);
  afterAll(async () => {
    await influx?.stop();
  });

  it('adds every instance and interval exactly', () => {
    const all = newHistogram();
    for (const sample of Object.values(SAMPLES).flat(2)) recordUs(all, sample);
    expect(summary.operations).toHaveLength(1);
    const [search] = summary.operations;
    expect(search).toMatchObject({ scenario: 'search', operation: 'qido.studies', completed: 13, failed: 1, outcomes: { ok: 12, http_503: 1 } });
    expect(search?.dropped).toBe(2 * (0 + 1 + 2));
    expect(search?.bytesSent).toBe(600);
    expect(search?.matches).toBe(2 * 13);
    // Not written, so not invented.
    expect(search).not.toHaveProperty('instancesRetrieved');
    expect(search?.latency.response).toEqual(latencyStats(all));
    expect(search?.latency.service).toEqual(latencyStats(all));
  });

  it('lines the instances\' intervals up despite clock skew and the partial last interval', () => {
    expect(summary.intervals.map((point) => [point.startUs, point.completed])).toEqual([
      [0, 5],
      [1_000_000, 6],
      [2_000_000, 2],
    ]);
    const last = summary.intervals[2];
    expect(last?.response?.maxUs).toBe(latencyStats((() => { const h = newHistogram(); recordUs(h, 250_000); return h; })()).maxUs);
  });

  it('reports the run: workers summed, and not completed when an instance wrote no end', () => {
    expect(summary.run.id).toBe(RUN_ID);
    expect(summary.run.workers).toBe(4);
    expect(summary.run.endReason).toBe('interrupted');
    expect(summary.run.profile).toBe('split');
  });
});

/**
 * Hand-made pacs-load data for InfluxDB, written exactly as the metric-name
 * table (src/outputs/influx/measurements.ts) says the InfluxDB output writes
 * it: one `pacs_load_latency` point per interval, scenario, operation and
 * instance, one `pacs_load_operations` point per outcome as well, run points
 * at start and end, threshold points at the end. Latencies are recorded into
 * real HDR histograms, so the percentile fields, the encoded histograms and
 * the expected whole-run figures (the summary's exact merge) agree the way
 * they do in a real run. Deterministic: the same options give the same lines.
 */
import { encodeHistogram, latencyStats, newHistogram, recordUs } from '../../src/metrics/histogram.js';
import type { Histogram } from '../../src/metrics/histogram.js';
import { isSuccessKey } from '../../src/metrics/names.js';
import type { LatencyStats } from '../../src/metrics/types.js';
import { MEASUREMENTS } from '../../src/outputs/influx/measurements.js';
import { createRandom } from '../../src/synth/random.js';

export interface FixtureOperation {
  scenario: string;
  operation: string;
  /** Operations completed per interval and instance. */
  perInterval: number;
  /** Response times are drawn uniformly from [minMs, maxMs]. */
  minMs: number;
  maxMs: number;
  bytesSentPerOp: number;
  bytesReceivedPerOp: number;
  /** Outcome keys other than ok, each given to every n-th operation: { timeout: 7 } fails every 7th. */
  outcomesEvery?: Record<string, number>;
}

export interface FixtureRunOptions {
  runId: string;
  profile: string;
  target: string;
  instances: readonly string[];
  startMs: number;
  intervals: number;
  intervalMs: number;
  operations: readonly FixtureOperation[];
  seed: number;
}

/** What was written for one point of pacs_load_latency. */
export interface WrittenLatencyPoint {
  timeMs: number;
  scenario: string;
  operation: string;
  instance: string;
  count: number;
  errors: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  bytesSent: number;
  bytesReceived: number;
  dropped: number;
}

export interface FixtureRun {
  options: FixtureRunOptions;
  /** Line protocol, timestamps in ms (write with precision `ms`). */
  lines: string;
  latencyPoints: WrittenLatencyPoint[];
  /** Per `scenario|operation`: the exact merge of every interval's response histogram (what the summary holds), over all instances. */
  merged: Map<string, LatencyStats>;
  /** Time of the run's end point. */
  endMs: number;
}

/** Fixtures must not change between runs: the synthetic data's seeded generator. */
const random = createRandom;

/** Line protocol escaping (InfluxDB line protocol reference): tag keys and values escape `,`, `=` and space. */
function tagValue(value: string): string {
  return value.replace(/[,= ]/g, '\\$&');
}
function tagsText(tags: Record<string, string>): string {
  return Object.entries(tags)
    .map(([key, value]) => `${key}=${tagValue(value)}`)
    .join(',');
}
/** Field values: integers end in `i`, strings are double-quoted with `"` and `\` escaped. */
function fieldsText(fields: Record<string, number | string | { int: number }>): string {
  return Object.entries(fields)
    .map(([key, value]) => {
      if (typeof value === 'string') return `${key}="${value.replace(/[\\"]/g, '\\$&')}"`;
      if (typeof value === 'number') return `${key}=${value}`;
      return `${key}=${value.int}i`;
    })
    .join(',');
}
function line(measurement: string, tags: Record<string, string>, fields: Record<string, number | string | { int: number }>, timeMs: number): string {
  return `${measurement},${tagsText(tags)} ${fieldsText(fields)} ${timeMs}`;
}

const US_PER_MS = 1000;

/** Builds one run's points. */
export function fixtureRun(options: FixtureRunOptions): FixtureRun {
  const next = random(options.seed);
  const lines: string[] = [];
  const latencyPoints: WrittenLatencyPoint[] = [];
  const mergedHistograms = new Map<string, Histogram>();
  const intervalSeconds = options.intervalMs / 1000;

  for (const instance of options.instances) {
    const runTags = { run_id: options.runId, profile: options.profile, instance, target: options.target };
    lines.push(line(MEASUREMENTS.run, { ...runTags, phase: 'start' }, { workers: { int: 2 }, scenarios: { int: 2 } }, options.startMs));
    let operationIndex = 0;
    for (let interval = 0; interval < options.intervals; interval += 1) {
      const timeMs = options.startMs + (interval + 1) * options.intervalMs;
      for (const spec of options.operations) {
        const response = newHistogram();
        const service = newHistogram();
        const outcomes: Record<string, number> = {};
        for (let n = 0; n < spec.perInterval; n += 1) {
          operationIndex += 1;
          const responseUs = Math.round((spec.minMs + next() * (spec.maxMs - spec.minMs)) * US_PER_MS);
          recordUs(response, responseUs);
          recordUs(service, Math.round(responseUs * 0.9));
          const outcome =
            Object.entries(spec.outcomesEvery ?? {}).find(([, every]) => operationIndex % every === 0)?.[0] ?? 'ok';
          outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
        }
        const key = `${spec.scenario}|${spec.operation}`;
        const merged = mergedHistograms.get(key) ?? newHistogram();
        merged.add(response);
        mergedHistograms.set(key, merged);

        const stats = latencyStats(response);
        const errors = Object.entries(outcomes)
          .filter(([outcome]) => !isSuccessKey(outcome))
          .reduce((sum, [, count]) => sum + count, 0);
        const bytesSent = spec.perInterval * spec.bytesSentPerOp;
        const bytesReceived = spec.perInterval * spec.bytesReceivedPerOp;
        // The last interval drops a few planned operations, as when a scenario ends with work queued.
        const dropped = interval === options.intervals - 1 ? 2 : 0;
        const seriesTags = { ...runTags, scenario: spec.scenario, operation: spec.operation };
        const point: WrittenLatencyPoint = {
          timeMs,
          scenario: spec.scenario,
          operation: spec.operation,
          instance,
          count: stats.count,
          errors,
          p50Ms: stats.p50Us / US_PER_MS,
          p95Ms: stats.p95Us / US_PER_MS,
          p99Ms: stats.p99Us / US_PER_MS,
          maxMs: stats.maxUs / US_PER_MS,
          bytesSent,
          bytesReceived,
          dropped,
        };
        latencyPoints.push(point);
        lines.push(
          line(
            MEASUREMENTS.latency,
            seriesTags,
            {
              count: { int: stats.count },
              errors: { int: errors },
              rate_per_sec: stats.count / intervalSeconds,
              p50_ms: point.p50Ms,
              p90_ms: stats.p90Us / US_PER_MS,
              p95_ms: point.p95Ms,
              p99_ms: point.p99Ms,
              max_ms: point.maxMs,
              mean_ms: stats.meanUs / US_PER_MS,
              service_p95_ms: latencyStats(service).p95Us / US_PER_MS,
              bytes_sent: { int: bytesSent },
              bytes_received: { int: bytesReceived },
              sent_bytes_per_sec: bytesSent / intervalSeconds,
              received_bytes_per_sec: bytesReceived / intervalSeconds,
              in_flight: { int: 1 + Math.floor(next() * 4) },
              dropped: { int: dropped },
              hdr_response: encodeHistogram(response),
              hdr_service: encodeHistogram(service),
            },
            timeMs,
          ),
        );
        for (const [outcome, count] of Object.entries(outcomes)) {
          lines.push(
            line(MEASUREMENTS.operations, { ...seriesTags, outcome }, { count: { int: count }, rate_per_sec: count / intervalSeconds }, timeMs),
          );
        }
      }
    }
    const endMs = options.startMs + options.intervals * options.intervalMs + 10;
    const durationS = (endMs - options.startMs) / 1000;
    lines.push(
      line(
        MEASUREMENTS.run,
        { ...runTags, phase: 'end' },
        {
          workers: { int: 2 },
          scenarios: { int: 2 },
          duration_s: durationS,
          thresholds_passed: { int: 1 },
          thresholds_failed: { int: 1 },
          passed: { int: 0 },
          end_reason: 'completed',
        },
        endMs,
      ),
    );
    lines.push(
      line(
        MEASUREMENTS.threshold,
        { ...runTags, subject: 'viewer.open', threshold: 'p95 < 500ms' },
        { measured: 612_000, limit: 500_000, passed: { int: 0 }, detail: 'p95 = 612 ms, limit < 500 ms' },
        endMs,
      ),
      line(
        MEASUREMENTS.threshold,
        { ...runTags, subject: 'mwl.find', threshold: 'errorRate < 0.5' },
        { measured: 0.01, limit: 0.5, passed: { int: 1 }, detail: 'errorRate = 1%, limit < 50%' },
        endMs,
      ),
    );
  }
  const merged = new Map([...mergedHistograms].map(([key, histogram]) => [key, latencyStats(histogram)]));
  return {
    options,
    lines: lines.join('\n'),
    latencyPoints,
    merged,
    endMs: options.startMs + options.intervals * options.intervalMs + 10,
  };
}

/** The operations of a typical go-live profile: worklist, image load, store, with failures and warnings. */
export const GO_LIVE_OPERATIONS: readonly FixtureOperation[] = [
  {
    scenario: 'modalities',
    operation: 'mwl.find',
    perInterval: 8,
    minMs: 10,
    maxMs: 90,
    bytesSentPerOp: 600,
    bytesReceivedPerOp: 4_000,
    outcomesEvery: { timeout: 13 },
  },
  {
    scenario: 'modalities',
    operation: 'dimse.store',
    perInterval: 20,
    minMs: 20,
    maxMs: 400,
    bytesSentPerOp: 520_000,
    bytesReceivedPerOp: 200,
    outcomesEvery: { dimse_warning_b000: 5, dimse_failure_a700: 17 },
  },
  {
    scenario: 'reading',
    operation: 'viewer.open',
    perInterval: 5,
    minMs: 150,
    maxMs: 1_800,
    bytesSentPerOp: 2_000,
    bytesReceivedPerOp: 30_000_000,
    outcomesEvery: { http_503: 11 },
  },
];

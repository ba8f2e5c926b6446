/**
 * Builds the InfluxDB line protocol the output writes, exactly as the metric
 * table in measurements.ts defines it: one point per interval per series and
 * outcome, never per request (issue 5). Pure: data in, lines out; the
 * library's Point does the line-protocol escaping.
 */
import { Point } from '@influxdata/influxdb-client';
import { decodeHistogram, latencyStats } from '../../metrics/histogram.js';
import type { IntervalReport, IntervalSeriesReport, RunSummary } from '../../metrics/types.js';
import { verifyPassed } from '../../metrics/verify-summary.js';
import { MEASUREMENTS } from './measurements.js';

/** Tags on every point of the run (RUN_TAGS in measurements.ts). */
export interface RunTags {
  run_id: string;
  profile: string;
  instance: string;
  target: string;
}

/** Timestamps are written in whole milliseconds (`precision=ms`). */
export const TIMESTAMP_PRECISION = 'ms';

const US_PER_MS = 1000;
const US_PER_SECOND = 1_000_000;

/**
 * The lines of one completed interval (or of several merged, interval-merge.ts),
 * stamped `timestampMs` (wall clock of the interval's end):
 * - per series and outcome with a count > 0: `pacs_load_operations` (count, rate_per_sec);
 * - per series: `pacs_load_latency` with counts, bytes, rates, in flight and
 *   dropped always, and, when the series completed operations in the
 *   interval, response-time percentiles in ms decoded from the interval's
 *   merged response histogram, service p95 and both encoded histograms.
 */
export function intervalLines(report: IntervalReport, tags: RunTags, timestampMs: number): string[] {
  const seconds = (report.endUs - report.startUs) / US_PER_SECOND;
  const lines: string[] = [];
  for (const series of report.series) {
    const { point } = series;
    const outcomes = Object.entries(point.outcomes)
      .filter(([, count]) => count > 0)
      .sort(([a], [b]) => a.localeCompare(b));
    for (const [outcome, count] of outcomes) {
      const operations = new Point(MEASUREMENTS.operations)
        .tag('scenario', point.scenario)
        .tag('operation', point.operation)
        .tag('outcome', outcome)
        .intField('count', count)
        .floatField('rate_per_sec', perSecond(count, seconds));
      lines.push(toLine(operations, tags, timestampMs));
    }
    lines.push(toLine(latencyPoint(series, seconds), tags, timestampMs));
  }
  return lines;
}

function latencyPoint(series: IntervalSeriesReport, seconds: number): Point {
  const { point, histograms } = series;
  const latency = new Point(MEASUREMENTS.latency)
    .tag('scenario', point.scenario)
    .tag('operation', point.operation)
    .intField('count', point.completed)
    .intField('errors', point.failed)
    .floatField('rate_per_sec', perSecond(point.completed, seconds))
    .intField('bytes_sent', point.bytesSent)
    .intField('bytes_received', point.bytesReceived)
    .floatField('sent_bytes_per_sec', perSecond(point.bytesSent, seconds))
    .floatField('received_bytes_per_sec', perSecond(point.bytesReceived, seconds))
    .intField('in_flight', point.inFlight)
    .intField('dropped', point.dropped);
  // Retrievals only (qr.*, qido.*, wado.*, viewer.open): what the interval's operations found and brought back.
  if (point.matches !== undefined) latency.intField('matches', point.matches);
  if (point.instancesRetrieved !== undefined) latency.intField('instances_retrieved', point.instancesRetrieved);
  // The aggregator already reduced the interval's response histogram (point.response);
  // a merged interval (interval-merge.ts) is reduced here. Decoding costs about 1 ms
  // of CPU per histogram, so it is done only where needed (bench/influx.ts).
  const stats = point.response ?? (histograms.response === undefined ? undefined : latencyStats(decodeHistogram(histograms.response)));
  if (stats !== undefined && stats.count > 0) {
    latency
      .floatField('p50_ms', stats.p50Us / US_PER_MS)
      .floatField('p90_ms', stats.p90Us / US_PER_MS)
      .floatField('p95_ms', stats.p95Us / US_PER_MS)
      .floatField('p99_ms', stats.p99Us / US_PER_MS)
      .floatField('max_ms', stats.maxUs / US_PER_MS)
      .floatField('mean_ms', stats.meanUs / US_PER_MS);
    if (histograms.response !== undefined) latency.stringField('hdr_response', histograms.response);
  }
  if (histograms.service !== undefined) {
    // Only p95 is wanted: no full latencyStats (its mean walks every bucket).
    const service = decodeHistogram(histograms.service);
    if (service.totalCount > 0) latency.floatField('service_p95_ms', service.getValueAtPercentile(95) / US_PER_MS).stringField('hdr_service', histograms.service);
  }
  return latency;
}

/** What `pacs_load_run` needs at the start. */
export interface RunStartFacts {
  workers: number;
  scenarios: number;
}

/** The `pacs_load_run` point with `phase=start`. */
export function runStartLine(facts: RunStartFacts, tags: RunTags, timestampMs: number): string {
  const run = new Point(MEASUREMENTS.run).tag('phase', 'start').intField('workers', facts.workers).intField('scenarios', facts.scenarios);
  return toLine(run, tags, timestampMs);
}

/**
 * The end of the run: `pacs_load_run` with `phase=end` (duration, thresholds
 * passed and failed, end reason, and the verify, breakpoint, migration,
 * stored, identities and seedPriors sections when the run has them) and one `pacs_load_threshold` point per
 * threshold, all stamped `timestampMs` (the run's end).
 */
export function runEndLines(summary: RunSummary, scenarios: number, tags: RunTags, timestampMs: number): string[] {
  const passed = summary.thresholds.filter((threshold) => threshold.passed).length;
  const failed = summary.thresholds.length - passed;
  const run = new Point(MEASUREMENTS.run)
    .tag('phase', 'end')
    .intField('workers', summary.run.workers)
    .intField('scenarios', scenarios)
    .floatField('duration_s', summary.run.durationSeconds)
    .intField('thresholds_passed', passed)
    .intField('thresholds_failed', failed)
    .intField('passed', failed === 0 ? 1 : 0)
    .stringField('end_reason', summary.run.endReason);
  // The sections `report --from-influx` merges like `merge` does (issue 14, item 7), whole, as JSON.
  if (summary.verify !== undefined) {
    run
      .intField('verify_passed', verifyPassed(summary.verify) ? 1 : 0)
      .intField('verify_missing', summary.verify.missing)
      .intField('verify_acknowledged_more_than_once', summary.verify.acknowledgedMoreThanOnce ?? 0)
      .stringField('verify_json', JSON.stringify(summary.verify));
  }
  if (summary.breakpoint !== undefined) run.stringField('breakpoint_json', JSON.stringify(summary.breakpoint));
  if (summary.migration !== undefined) run.stringField('migration_json', JSON.stringify(summary.migration));
  if (summary.stored !== undefined) run.stringField('stored_json', JSON.stringify(summary.stored));
  if (summary.identities !== undefined) run.stringField('identities_json', JSON.stringify(summary.identities));
  if (summary.seedPriors !== undefined) run.stringField('seed_priors_json', JSON.stringify(summary.seedPriors));
  const lines = [toLine(run, tags, timestampMs)];
  for (const threshold of summary.thresholds) {
    const point = new Point(MEASUREMENTS.threshold)
      .tag('subject', threshold.subject)
      .tag('threshold', threshold.expression)
      .intField('passed', threshold.passed ? 1 : 0)
      .stringField('detail', threshold.detail);
    // Line protocol has no NaN or infinity: such a value is left out, like an unmeasured one.
    if (Number.isFinite(threshold.limit)) point.floatField('limit', threshold.limit);
    if (threshold.measured !== undefined && Number.isFinite(threshold.measured)) point.floatField('measured', threshold.measured);
    lines.push(toLine(point, tags, timestampMs));
  }
  return lines;
}

function perSecond(value: number, seconds: number): number {
  return seconds > 0 ? value / seconds : 0;
}

/** Integer milliseconds, written as they are (the write request says `precision=ms`). */
const keepTime = (value: string | number | Date | undefined): string | undefined => (value === undefined ? undefined : String(value));

function toLine(point: Point, tags: RunTags, timestampMs: number): string {
  point.timestamp(Math.round(timestampMs));
  // Every point has fields, so a line always comes back.
  return point.toLineProtocol({ defaultTags: { ...tags }, convertTime: keepTime }) as string;
}

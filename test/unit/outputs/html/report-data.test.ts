import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../../src/metrics/types.js';
import { buildReportData, type ChartData, type OperationReportData } from '../../../../src/outputs/html/report-data.js';
import { buildSummary as handBuiltSummary } from '../fixtures.js';
import { HOSTILE_SCENARIO, INTERVALS, measuredSummary } from './measured-summary.js';

const summary = measuredSummary();
const data = buildReportData(summary);

function operationData(operation: string): OperationReportData {
  const index = summary.operations.findIndex((candidate) => candidate.operation === operation);
  const found = data.operations[index];
  if (found === undefined) throw new Error(`no data for ${operation}`);
  return found;
}

function chart(operation: string, kind: ChartData['kind']): ChartData {
  const found = operationData(operation).charts.find((candidate) => candidate.kind === kind);
  if (found === undefined) throw new Error(`no ${kind} chart for ${operation}`);
  return found;
}

function series(chartData: ChartData, label: string): (number | null)[] {
  const found = chartData.series.find((candidate) => candidate.label === label);
  if (found === undefined) throw new Error(`no series ${label} in ${chartData.id}`);
  return found.values;
}

describe('buildReportData', () => {
  it('gives every operation the five charts, in page order, with unique ids', () => {
    expect(data.operations.map((operation) => operation.label)).toEqual(
      summary.operations.map((operation) => `${operation.scenario}/${operation.operation}`),
    );
    for (const operation of data.operations) {
      expect(operation.charts.map((candidate) => candidate.kind)).toEqual(['response-over-time', 'throughput', 'errors', 'bandwidth', 'distribution']);
    }
    const ids = data.operations.flatMap((operation) => operation.charts.map((candidate) => candidate.id));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('plots each interval at its end, in seconds since the start, with rates per second', () => {
    const throughput = chart('mwl.find', 'throughput');
    expect(throughput.x).toEqual(Array.from({ length: INTERVALS }, (_, index) => index + 1));
    // 200 per worker and second, two workers.
    expect(series(throughput, 'completed')).toEqual(Array(INTERVALS).fill(400));
    expect(series(throughput, 'succeeded')).toEqual(Array(INTERVALS).fill(400));
    // 600 B sent and 48 kB received per operation.
    expect(series(chart('mwl.find', 'bandwidth'), 'received')).toEqual(Array(INTERVALS).fill(19.2));
    expect(series(chart('mwl.find', 'bandwidth'), 'sent')).toEqual(Array(INTERVALS).fill(0.24));
  });

  it('keeps small rates visible: 200 B/s is 0.0002 MB/s, not 0', () => {
    const quiet: RunSummary = { ...summary, intervals: summary.intervals.map((point) => ({ ...point, bytesSent: 200 })) };
    const bandwidth = buildReportData(quiet).operations[0]?.charts.find((candidate) => candidate.kind === 'bandwidth');
    expect(bandwidth === undefined ? [] : series(bandwidth, 'sent')).toEqual(Array(INTERVALS).fill(0.0002));
  });

  it('takes the response percentiles over time from the interval points, in milliseconds', () => {
    const points = summary.intervals.filter((point) => point.operation === 'mwl.find');
    expect(series(chart('mwl.find', 'response-over-time'), 'p95')).toEqual(points.map((point) => (point.response?.p95Us ?? NaN) / 1000));
  });

  it('shows failures by outcome (never successes) and dropped operations, with their meaning', () => {
    const store = chart('dimse.store', 'errors');
    expect(store.series.map((line) => line.label)).toEqual([
      'association_rejected_1_1_3 (association rejected (permanent): calling AE title not recognized)',
      'dimse_failure_a700 (out of resources)',
      'dropped (could not start in time)',
    ]);
    const perSecond = store.series.reduce((sum, line) => sum + (line.values[0] ?? 0), 0);
    expect(perSecond).toBe(10);
    expect(series(store, 'dropped (could not start in time)').at(-1)).toBe(6);

    const qido = chart('qido.studies', 'errors');
    expect(qido.series.map((line) => line.label)).toEqual(['http_503 (service unavailable: overloaded (not retried))']);
  });

  it('draws a zero line and says so when an operation had no errors', () => {
    const worklist = operationData('mwl.find');
    expect(worklist.charts.find((candidate) => candidate.kind === 'errors')?.series).toEqual([{ label: 'errors', values: Array(INTERVALS).fill(0) }]);
    expect(worklist.notes).toContain('No errors and no dropped operations.');
  });

  it('charts response against service time by percentile, from the decoded histograms', () => {
    const distribution = chart('mwl.find', 'distribution');
    expect(distribution.x[0]).toBe(0);
    expect(distribution.x.at(-1)).toBe(4);
    const response = series(distribution, 'response (from intended start)');
    const service = series(distribution, 'service (from actual start)');
    // Queueing in the fourth second: response is never below service.
    response.forEach((value, index) => expect(value ?? 0).toBeGreaterThanOrEqual(service[index] ?? 0));
    const worklist = summary.operations.find((operation) => operation.operation === 'mwl.find');
    const tables = operationData('mwl.find').distributions;
    expect(tables.map((entry) => entry.histogram)).toEqual(['response', 'service', 'lag', 'setup']);
    expect(tables[0]?.distribution.table.find((entry) => entry.percentile === 99)?.valueUs).toBe(worklist?.latency.response?.p99Us);
  });

  it('keeps input names as data (escaping is the page writer’s job)', () => {
    expect(data.operations.some((operation) => operation.label === `${HOSTILE_SCENARIO}/qido.studies`)).toBe(true);
  });

  it('leaves out what a summary does not hold, and says why', () => {
    // The hand-built fixture has no intervals and empty histogram strings.
    const empty = buildReportData(handBuiltSummary());
    for (const operation of empty.operations) {
      expect(operation.charts).toEqual([]);
      expect(operation.notes.join(' ')).toMatch(/No intervals recorded/);
      expect(operation.notes.join(' ')).toMatch(/No latency histograms/);
    }
    // A merged summary's points carry no response stats.
    const merged: RunSummary = { ...summary, intervals: summary.intervals.map((point) => ({ ...point, response: undefined })) };
    const mergedData = buildReportData(merged);
    expect(mergedData.operations[0]?.charts.map((candidate) => candidate.kind)).toEqual(['throughput', 'errors', 'bandwidth', 'distribution']);
    expect(mergedData.operations[0]?.notes.join(' ')).toMatch(/merged summary/);
  });
});

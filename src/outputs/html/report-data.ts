/**
 * The chart data of the HTML report, computed in Node from a RunSummary and
 * embedded in the page as JSON: per operation (scenario/operation) the time
 * series of response-time percentiles, throughput, errors by outcome and
 * bandwidth (from `summary.intervals`), and the percentile distributions of
 * response and service time (decoded from the operation's histograms). The
 * page only draws; it computes nothing that a test here cannot check.
 */
import { isSuccessKey } from '../../metrics/names.js';
import type { IntervalPoint, OperationSummary, RunSummary } from '../../metrics/types.js';
import { outcomeGloss } from '../outcome-gloss.js';
import { seriesLabel } from '../console-summary.js';
import { downsamplePoints } from './downsample-points.js';
import { percentileDistribution, type PercentileDistribution } from './percentile-distribution.js';

/** One line of a chart: its legend label and one value per x (null: no value there). */
export interface ChartSeries {
  label: string;
  values: (number | null)[];
}

/** What one chart draws: x values and lines over them. */
export interface ChartData {
  /** The `id` of the chart's element in the page. */
  id: string;
  kind: ChartKind;
  title: string;
  /** Unit of the y axis, shown on the axis and in the legend. */
  yUnit: string;
  x: number[];
  series: ChartSeries[];
}

export type ChartKind = 'response-over-time' | 'throughput' | 'errors' | 'bandwidth' | 'distribution';

export interface OperationReportData {
  label: string;
  /** Charts in page order; a chart without data is left out (see `notes`). */
  charts: ChartData[];
  /** Why a chart is missing or what it shows, for the page. */
  notes: string[];
  /** The distribution tables (response, service, lag...), integer microseconds. */
  distributions: { histogram: string; distribution: PercentileDistribution }[];
}

export interface ReportData {
  operations: OperationReportData[];
}

/** The histograms whose distributions the report shows; response and service also share a chart. */
const DISTRIBUTION_HISTOGRAMS = ['response', 'service', 'lag', 'setup', 'ttfb'] as const;
const CHARTED_DISTRIBUTIONS = new Set<string>(['response', 'service']);

const US_PER_MS = 1_000;
const US_PER_SECOND = 1_000_000;
const BYTES_PER_MB = 1_000_000;

/** Builds every operation's chart data; chart ids are `chart-<operation index>-<kind>`. */
export function buildReportData(summary: RunSummary): ReportData {
  return {
    operations: summary.operations.map((operation, index) =>
      operationData(operation, pointsOf(summary.intervals, operation), `chart-${index}`),
    ),
  };
}

/** The operation's interval points in time order. */
function pointsOf(intervals: readonly IntervalPoint[], operation: OperationSummary): IntervalPoint[] {
  return intervals
    .filter((point) => point.scenario === operation.scenario && point.operation === operation.operation)
    .sort((a, b) => a.endUs - b.endUs);
}

function operationData(operation: OperationSummary, intervalPoints: readonly IntervalPoint[], idPrefix: string): OperationReportData {
  const label = seriesLabel(operation);
  const charts: ChartData[] = [];
  const notes: string[] = [];
  const { points, pointsPerBucket } = downsamplePoints(intervalPoints);
  if (pointsPerBucket > 1) {
    notes.push(
      `A long run: each point of the over-time charts joins ${pointsPerBucket} intervals (rates are their average; response percentiles the worst interval's).`,
    );
  }
  // x: the end of each interval in seconds since the run's start, so the point
  // at 5 s says what happened in the second before it.
  const x = points.map((point) => point.endUs / US_PER_SECOND);
  const seconds = points.map((point) => Math.max(point.activeUs, 1) / US_PER_SECOND);
  const chart = (kind: ChartKind, title: string, yUnit: string, series: ChartSeries[]): ChartData => ({
    id: `${idPrefix}-${kind}`,
    kind,
    title,
    yUnit,
    x,
    series,
  });

  if (points.length === 0) {
    notes.push('No intervals recorded for this operation: the over-time charts are left out.');
  } else {
    const response = (pick: (point: IntervalPoint) => number | undefined): (number | null)[] =>
      points.map((point) => {
        const valueUs = point.response === undefined || point.response.count === 0 ? undefined : pick(point);
        return valueUs === undefined ? null : valueUs / US_PER_MS;
      });
    const responseSeries: ChartSeries[] = [
      { label: 'p50', values: response((point) => point.response?.p50Us) },
      { label: 'p95', values: response((point) => point.response?.p95Us) },
      { label: 'p99', values: response((point) => point.response?.p99Us) },
    ];
    if (responseSeries.some((series) => series.values.some((value) => value !== null))) {
      charts.push(chart('response-over-time', 'Response time over time (p50, p95, p99)', 'ms', responseSeries));
    } else {
      notes.push('No per-interval response times (a merged summary keeps none): the percentiles-over-time chart is left out.');
    }

    const perSecond = (count: (point: IntervalPoint) => number): number[] =>
      points.map((point, index) => roundSignificant(count(point) / (seconds[index] ?? 1)));
    charts.push(
      chart('throughput', 'Throughput', 'ops/s', [
        { label: 'completed', values: perSecond((point) => point.completed) },
        { label: 'succeeded', values: perSecond((point) => point.completed - point.failed) },
      ]),
    );

    const failureKeys = [...new Set(points.flatMap((point) => Object.keys(point.outcomes)))].filter((key) => !isSuccessKey(key)).sort();
    const errorSeries: ChartSeries[] = failureKeys.map((key) => {
      const gloss = outcomeGloss(key);
      return { label: gloss === '' ? key : `${key} (${gloss})`, values: perSecond((point) => point.outcomes[key] ?? 0) };
    });
    if (points.some((point) => point.dropped > 0)) {
      errorSeries.push({ label: 'dropped (could not start in time)', values: perSecond((point) => point.dropped) });
    }
    if (errorSeries.length === 0) {
      errorSeries.push({ label: 'errors', values: perSecond(() => 0) });
      notes.push('No errors and no dropped operations.');
    }
    charts.push(chart('errors', 'Errors by outcome', 'errors/s', errorSeries));

    charts.push(
      chart('bandwidth', 'Bandwidth', 'MB/s', [
        { label: 'received', values: perSecond((point) => point.bytesReceived / BYTES_PER_MB) },
        { label: 'sent', values: perSecond((point) => point.bytesSent / BYTES_PER_MB) },
      ]),
    );
  }

  const distributions: OperationReportData['distributions'] = [];
  for (const histogram of DISTRIBUTION_HISTOGRAMS) {
    const distribution = percentileDistribution(operation.histograms[histogram]);
    if (distribution !== undefined) distributions.push({ histogram, distribution });
  }
  const charted = distributions.filter((entry) => CHARTED_DISTRIBUTIONS.has(entry.histogram));
  const first = charted[0];
  if (first === undefined) {
    notes.push('No latency histograms in the summary: the percentile distribution is left out.');
  } else {
    charts.push({
      id: `${idPrefix}-distribution`,
      kind: 'distribution',
      title: 'Latency by percentile: response vs service time',
      yUnit: 'ms',
      x: first.distribution.curveNines,
      series: charted.map((entry) => ({
        label: entry.histogram === 'response' ? 'response (from intended start)' : 'service (from actual start)',
        values: entry.distribution.curveUs.map((valueUs) => valueUs / US_PER_MS),
      })),
    });
  }
  return { label, charts, notes, distributions };
}

/**
 * Rates keep 4 significant digits: more than a chart shows, and the embedded
 * JSON stays small; significant digits, not decimals, so 200 B/s of C-ECHO
 * traffic (0.0002 MB/s) is not drawn as zero.
 */
function roundSignificant(value: number, digits = 4): number {
  return value === 0 || !Number.isFinite(value) ? value : Number(value.toPrecision(digits));
}

/**
 * `pacs-load compare`: per operation (scenario + operation), the change from a
 * base summary to a new one in throughput, response-time percentiles and error
 * rate, judged against regression tolerances (src/report/tolerances.ts).
 *
 * Percentiles are the summaries' own, computed from each run's complete HDR
 * histogram, so a p99 is compared with a p99, never with an average.
 * Pure: summaries in, a comparison out.
 */
import { formatDurationUs, formatPercent, formatRate, formatSignificant } from '../metrics/format.js';
import type { LatencyStats, OperationSummary, RunSummary } from '../metrics/types.js';
import type { Tolerance, ToleranceMetric } from './tolerances.js';

/** The figures every comparison shows, in this order; tolerated metrics not among them are appended. */
export const SHOWN_METRICS: readonly ToleranceMetric[] = ['rate', 'p50', 'p95', 'p99', 'errors'];

export interface MetricComparison {
  metric: ToleranceMetric;
  /** In the metric's unit: microseconds for latency, a fraction (0..1) for `errors`/`dropped`, per second for `rate`. */
  base: number | undefined;
  new: number | undefined;
  /** `new - base`, same unit; undefined when either side is. */
  delta: number | undefined;
  /** `delta / base` (0.1 = +10%); undefined for `errors`/`dropped` (compared in points) or when base is 0. */
  relative: number | undefined;
  /** The tolerance applied to this metric, if any. */
  tolerance: Tolerance | undefined;
  exceeded: boolean;
}

export type OperationStatus = 'compared' | 'added' | 'removed';

export interface OperationComparison {
  scenario: string;
  operation: string;
  /** `added`: only in the new summary; `removed`: only in the base. Only `compared` ones have metrics. */
  status: OperationStatus;
  baseCompleted: number | undefined;
  newCompleted: number | undefined;
  metrics: MetricComparison[];
}

export interface Violation {
  scenario: string;
  operation: string;
  metric: ToleranceMetric;
  /** Human text: `p95 12.1 ms -> 15.3 ms: +3.2 ms (+26.4%), allowed +10%`. */
  detail: string;
}

export interface RunReference {
  id: string;
  profile: string;
  startedAt: string;
  durationSeconds: number;
  target: string;
}

export interface Comparison {
  base: RunReference;
  new: RunReference;
  tolerances: Tolerance[];
  operations: OperationComparison[];
  violations: Violation[];
  /** Differences between the runs that make the comparison less like for like (another profile, target). */
  notes: string[];
}

/**
 * Compares `next` against `base`. Operations are matched by scenario and
 * operation; those in only one summary are listed as added or removed and never
 * violate a tolerance (a changed profile must not fail every nightly run after
 * it). A tolerated latency metric of an operation that completed nothing in the
 * new run is a violation (a run that did nothing must not pass CI); one whose
 * base completed nothing cannot be judged and passes.
 */
export function compareSummaries(base: RunSummary, next: RunSummary, tolerances: readonly Tolerance[]): Comparison {
  const metrics = [...SHOWN_METRICS, ...tolerances.map((tolerance) => tolerance.metric).filter((metric) => !SHOWN_METRICS.includes(metric))];
  const baseByKey = new Map(base.operations.map((operation) => [seriesKey(operation), operation]));
  const nextByKey = new Map(next.operations.map((operation) => [seriesKey(operation), operation]));
  const keys = [...new Set([...baseByKey.keys(), ...nextByKey.keys()])];
  const operations: OperationComparison[] = [];
  const violations: Violation[] = [];
  for (const key of keys) {
    const before = baseByKey.get(key);
    const after = nextByKey.get(key);
    const { scenario, operation } = (before ?? after) as OperationSummary;
    if (before === undefined || after === undefined) {
      operations.push({
        scenario,
        operation,
        status: before === undefined ? 'added' : 'removed',
        baseCompleted: before?.completed,
        newCompleted: after?.completed,
        metrics: [],
      });
      continue;
    }
    const compared = metrics.map((metric) =>
      compareMetric(metric, before, after, tolerances.find((tolerance) => tolerance.metric === metric)),
    );
    for (const metric of compared) {
      if (metric.exceeded) violations.push({ scenario, operation, metric: metric.metric, detail: violationDetail(metric) });
    }
    operations.push({ scenario, operation, status: 'compared', baseCompleted: before.completed, newCompleted: after.completed, metrics: compared });
  }
  const bySeries = (a: { scenario: string; operation: string }, b: { scenario: string; operation: string }): number =>
    compareText(a.scenario, b.scenario) || compareText(a.operation, b.operation);
  operations.sort(bySeries);
  // Stable sort: an operation's violations stay in metric order.
  violations.sort(bySeries);
  return {
    base: reference(base),
    new: reference(next),
    tolerances: [...tolerances],
    operations,
    violations,
    notes: notesOn(base, next),
  };
}

/** The value of a metric in an operation summary, in the metric's unit; undefined when not measured. */
export function metricValue(metric: ToleranceMetric, operation: OperationSummary): number | undefined {
  switch (metric) {
    case 'rate':
      return operation.ratePerSec;
    case 'errors':
      return operation.errorRate;
    case 'dropped':
      return operation.droppedRate;
    default: {
      const response = operation.latency.response;
      return response === undefined || response.count === 0 ? undefined : response[LATENCY_FIELDS[metric]];
    }
  }
}

const LATENCY_FIELDS: Record<Exclude<ToleranceMetric, 'rate' | 'errors' | 'dropped'>, keyof LatencyStats> = {
  p50: 'p50Us',
  p90: 'p90Us',
  p95: 'p95Us',
  p99: 'p99Us',
  'p99.9': 'p999Us',
  max: 'maxUs',
  mean: 'meanUs',
};

/** Floating-point slack when comparing rates in points (0.003 - 0.002 is not exactly 0.001). */
const EPSILON = 1e-12;

function compareMetric(
  metric: ToleranceMetric,
  before: OperationSummary,
  after: OperationSummary,
  tolerance: Tolerance | undefined,
): MetricComparison {
  const base = metricValue(metric, before);
  const next = metricValue(metric, after);
  const delta = base === undefined || next === undefined ? undefined : next - base;
  const inPoints = metric === 'errors' || metric === 'dropped';
  const relative = delta === undefined || inPoints || base === 0 || base === undefined ? undefined : delta / base;
  return { metric, base, new: next, delta, relative, tolerance, exceeded: isExceeded(tolerance, base, next) };
}

function isExceeded(tolerance: Tolerance | undefined, base: number | undefined, next: number | undefined): boolean {
  if (tolerance === undefined || base === undefined) return false;
  // Only latency can be unmeasured: nothing completed in the new run.
  if (next === undefined) return true;
  switch (tolerance.kind) {
    case 'relative':
      return next > base * (1 + tolerance.fraction);
    case 'absolute':
      return next > base + tolerance.increaseUs;
    case 'points':
      return next - base > tolerance.points / 100 + EPSILON;
    case 'decrease':
      return next < base * (1 - tolerance.fraction) - EPSILON;
  }
}

function violationDetail(metric: MetricComparison): string {
  const { tolerance } = metric;
  const allowed = tolerance === undefined ? '' : `, allowed ${describeTolerance(tolerance)}`;
  if (metric.new === undefined) return `${metric.metric}: no operation completed in the new run${allowed}`;
  return `${metric.metric} ${formatMetric(metric.metric, metric.base)} -> ${formatMetric(metric.metric, metric.new)}: ${formatDelta(metric)}${allowed}`;
}

/** A tolerance as people say it: `+10%`, `+50 ms`, `+0.1pp`, `-5%`. */
export function describeTolerance(tolerance: Tolerance): string {
  switch (tolerance.kind) {
    case 'relative':
      return `+${formatSignificant(tolerance.fraction * 100)}%`;
    case 'absolute':
      return `+${formatDurationUs(tolerance.increaseUs)}`;
    case 'points':
      return `+${formatSignificant(tolerance.points)}pp`;
    case 'decrease':
      return `-${formatSignificant(tolerance.fraction * 100)}%`;
  }
}

/** A metric's value for people: `12.3 ms`, `40/s`, `0.15%`, or `-` when not measured. */
export function formatMetric(metric: ToleranceMetric, value: number | undefined): string {
  if (value === undefined) return '-';
  if (metric === 'rate') return formatRate(value);
  if (metric === 'errors' || metric === 'dropped') return formatPercent(value);
  return formatDurationUs(value);
}

/** The change for people: `+1.2 ms (+12%)`, `-0.5/s (-1.2%)`, `+0.05pp`; `-` when not comparable. */
export function formatDelta(metric: MetricComparison): string {
  const { delta, relative } = metric;
  if (delta === undefined) return '-';
  if (metric.metric === 'errors' || metric.metric === 'dropped') return `${signed(delta, formatSignificant(delta * 100))}pp`;
  const absolute = signed(delta, metric.metric === 'rate' ? formatRate(delta) : formatDurationUs(delta));
  return relative === undefined ? absolute : `${absolute} (${signed(relative, formatSignificant(relative * 100))}%)`;
}

/** `text` (the formatted `value`) with a plus sign when the value is positive; negatives carry their minus. */
function signed(value: number, text: string): string {
  return value > 0 ? `+${text}` : text;
}

function notesOn(base: RunSummary, next: RunSummary): string[] {
  const notes: string[] = [];
  if (base.run.profile !== next.run.profile) {
    notes.push(`the runs used different profiles (${base.run.profile} and ${next.run.profile})`);
  }
  if (base.run.target !== next.run.target) notes.push(`the runs had different targets (${base.run.target} and ${next.run.target})`);
  for (const [label, summary] of [
    ['base', base],
    ['new', next],
  ] as const) {
    if (summary.run.endReason !== 'completed') notes.push(`the ${label} run did not complete (${summary.run.endReason})`);
  }
  return notes;
}

function reference(summary: RunSummary): RunReference {
  const { id, profile, startedAt, durationSeconds, target } = summary.run;
  return { id, profile, startedAt, durationSeconds, target };
}

function seriesKey(operation: { scenario: string; operation: string }): string {
  return `${operation.scenario}\u0000${operation.operation}`;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

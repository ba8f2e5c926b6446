/**
 * Threshold evaluation (docs/architecture.md sections 3 and 8): pass/fail of a profile's
 * `thresholds` against the measured series, for the exit code (99), the JUnit
 * cases and the run's early stop (`abortOnFail`).
 *
 * A subject names an operation (`mwl.find`) or a scenario; it matches every
 * series whose operation or scenario has that name. When several series match,
 * they are merged exactly first (histograms added, counters summed), so `p95`
 * of `mwl.find` over two scenarios is the p95 of all their operations, never an
 * average of percentiles.
 *
 * What each metric measures:
 * - `p50` ... `p99.9`, `max`, `mean`: the response-time histogram (completion -
 *   intended start), integer microseconds;
 * - `errors`: `errorRate` (failed / planned), a fraction;
 * - `dropped`: `droppedRate` (dropped / planned), a fraction;
 * - `rate`: `ratePerSec`, completed operations per second.
 * A subject with no completed operation fails every threshold: measured is
 * undefined and the detail says so (a run that did nothing must not pass CI).
 */
import type { ThresholdExpression, ThresholdMetric, ThresholdSpec } from '../profile/types.js';
import { formatDurationUs, formatPercent, formatRate } from './format.js';
import { mergeOperationSummaries } from './series-accumulator.js';
import type { LatencyStats, OperationSummary, ThresholdResult } from './types.js';

/** Digits in a threshold's detail: one more than the tables, so a near miss shows (`500.2 ms (limit < 500 ms)`). */
const DETAIL_DIGITS = 4;

/** Evaluates every threshold against the run's series; one result per spec, in spec order. */
export function evaluateThresholds(
  specs: readonly ThresholdSpec[],
  summaries: readonly OperationSummary[],
): ThresholdResult[] {
  const bySubject = new Map<string, OperationSummary | undefined>();
  return specs.map((spec) => {
    if (!bySubject.has(spec.subject)) bySubject.set(spec.subject, subjectSummary(spec.subject, summaries));
    return evaluate(spec, bySubject.get(spec.subject));
  });
}

/**
 * The `abortOnFail` thresholds that fail now and whose `delayAbortEvalUs` has
 * passed (`elapsedUs` since the run started); the coordinator stops the run when
 * this is not empty. A subject with no completed operation yet does not abort:
 * its scenario may simply not have started.
 */
export function shouldAbort(
  specs: readonly ThresholdSpec[],
  summaries: readonly OperationSummary[],
  elapsedUs: number,
): ThresholdResult[] {
  const due = specs.filter((spec) => spec.abortOnFail && elapsedUs >= spec.delayAbortEvalUs);
  if (due.length === 0) return [];
  return evaluateThresholds(due, summaries).filter((result) => !result.passed && result.measured !== undefined);
}

/** The exact merge of every series the subject names, or undefined when none does. */
function subjectSummary(subject: string, summaries: readonly OperationSummary[]): OperationSummary | undefined {
  const matched = summaries.filter((summary) => summary.operation === subject || summary.scenario === subject);
  if (matched.length <= 1) return matched[0];
  return mergeOperationSummaries(matched, subject, subject);
}

function evaluate(spec: ThresholdSpec, summary: OperationSummary | undefined): ThresholdResult {
  const { expression } = spec;
  const limitText = `limit ${expression.comparator} ${formatValue(expression.metric, expression.value)}`;
  const measured = summary === undefined || summary.completed === 0 ? undefined : measure(expression.metric, summary);
  if (measured === undefined) {
    return {
      subject: spec.subject,
      expression: expression.source,
      measured: undefined,
      limit: expression.value,
      passed: false,
      detail: `${expression.metric}: no operations completed (${limitText})`,
    };
  }
  return {
    subject: spec.subject,
    expression: expression.source,
    measured,
    limit: expression.value,
    passed: compare(measured, expression),
    detail: `${expression.metric} = ${formatValue(expression.metric, measured)} (${limitText})`,
  };
}

function measure(metric: ThresholdMetric, summary: OperationSummary): number | undefined {
  switch (metric) {
    case 'errors':
      return summary.errorRate;
    case 'dropped':
      return summary.droppedRate;
    case 'rate':
      return summary.ratePerSec;
    default: {
      const response = summary.latency.response;
      return response === undefined ? undefined : response[LATENCY_FIELDS[metric]];
    }
  }
}

const LATENCY_FIELDS: Record<Exclude<ThresholdMetric, 'errors' | 'dropped' | 'rate'>, keyof LatencyStats> = {
  p50: 'p50Us',
  p90: 'p90Us',
  p95: 'p95Us',
  p99: 'p99Us',
  'p99.9': 'p999Us',
  max: 'maxUs',
  mean: 'meanUs',
};

function compare(measured: number, expression: ThresholdExpression): boolean {
  switch (expression.comparator) {
    case '<':
      return measured < expression.value;
    case '<=':
      return measured <= expression.value;
    case '>':
      return measured > expression.value;
    case '>=':
      return measured >= expression.value;
  }
}

function formatValue(metric: ThresholdMetric, value: number): string {
  switch (metric) {
    case 'errors':
    case 'dropped':
      return formatPercent(value, DETAIL_DIGITS);
    case 'rate':
      return formatRate(value, DETAIL_DIGITS);
    default:
      return formatDurationUs(value, DETAIL_DIGITS);
  }
}

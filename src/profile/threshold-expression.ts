/**
 * Threshold expressions: `p95 < 500ms`, `errors < 0.1%`, `rate >= 40/s`.
 * The grammar is `<metric> <comparator> <value>`, where the value's unit follows
 * from the metric: a duration for latency metrics, a percentage for `errors` and
 * `dropped`, a rate for `rate`. Keeping units mandatory means a threshold can
 * never be off by a factor of 1000 without an error.
 */
import { PacsLoadError } from '../errors.js';
import type { ThresholdExpression, ThresholdMetric } from './types.js';
import { tryParseDurationUs, tryParsePercent, tryParseRatePerSec } from './units.js';

export const THRESHOLD_METRICS: readonly ThresholdMetric[] = [
  'p50',
  'p90',
  'p95',
  'p99',
  'p99.9',
  'max',
  'mean',
  'errors',
  'dropped',
  'rate',
];

const LATENCY_METRICS: ReadonlySet<ThresholdMetric> = new Set(['p50', 'p90', 'p95', 'p99', 'p99.9', 'max', 'mean']);
const COMPARATORS = ['<=', '>=', '<', '>'] as const;

/** Spellings from other tools (k6, Gatling) and what to write instead. */
const METRIC_ALIASES: Record<string, ThresholdMetric> = {
  'p(50)': 'p50',
  'p(90)': 'p90',
  'p(95)': 'p95',
  'p(99)': 'p99',
  'p(99.9)': 'p99.9',
  median: 'p50',
  avg: 'mean',
  average: 'mean',
  error: 'errors',
  error_rate: 'errors',
  failed: 'errors',
  drops: 'dropped',
  throughput: 'rate',
};

export type ThresholdParse =
  | { ok: true; expression: ThresholdExpression }
  | { ok: false; message: string; fix: string };

const EXAMPLES = '`p95 < 500ms`, `errors < 0.1%` or `rate >= 40/s`';
const EXPRESSION_PATTERN = /^\s*([^\s<>=!]+)\s*(<=|>=|==|=|!=|<|>)?\s*(.*?)\s*$/;

/**
 * Parses one threshold expression. Latency values become microseconds, `errors`
 * and `dropped` a fraction (0..1), `rate` operations per second. Never throws.
 */
export function tryParseThresholdExpression(text: string): ThresholdParse {
  const source = text.trim();
  const match = EXPRESSION_PATTERN.exec(source);
  if (source === '' || match === null) {
    return { ok: false, message: 'the threshold is empty', fix: `write e.g. ${EXAMPLES}` };
  }
  const [, metricText = '', comparatorText, valueText = ''] = match;
  const metric = parseMetric(metricText);
  if (!metric.ok) return metric;

  if (comparatorText === undefined) {
    return {
      ok: false,
      message: `\`${source}\` has no comparator`,
      fix: `put <, <=, > or >= between the metric and the value, e.g. \`${metric.metric} ${exampleValue(metric.metric)}\``,
    };
  }
  const comparator = COMPARATORS.find((c) => c === comparatorText);
  if (comparator === undefined) {
    return {
      ok: false,
      message: `\`${source}\` uses \`${comparatorText}\`; thresholds compare with <, <=, > or >=`,
      fix: `write e.g. \`${metric.metric} ${exampleValue(metric.metric)}\``,
    };
  }
  if (valueText === '') {
    return {
      ok: false,
      message: `\`${source}\` has no value after \`${comparator}\``,
      fix: `write e.g. \`${metric.metric} ${exampleValue(metric.metric)}\``,
    };
  }
  const value = parseValue(metric.metric, valueText);
  if (!value.ok) {
    return { ok: false, message: `in \`${source}\`: ${value.message}`, fix: value.fix };
  }
  return { ok: true, expression: { source, metric: metric.metric, comparator, value: value.value } };
}

/** Like `tryParseThresholdExpression`, but throws `PacsLoadError` (ERR_USAGE) with the fix as hint. */
export function parseThresholdExpression(text: string): ThresholdExpression {
  const result = tryParseThresholdExpression(text);
  if (result.ok) return result.expression;
  throw new PacsLoadError('ERR_USAGE', `invalid threshold: ${result.message}`, { hint: result.fix });
}

function parseMetric(
  text: string,
): { ok: true; metric: ThresholdMetric } | { ok: false; message: string; fix: string } {
  const lower = text.toLowerCase();
  const known = THRESHOLD_METRICS.find((m) => m === lower);
  if (known !== undefined) return { ok: true, metric: known };
  const alias = METRIC_ALIASES[lower];
  if (alias !== undefined) {
    return {
      ok: false,
      message: `unknown metric \`${text}\``,
      fix: `write \`${alias}\`, e.g. \`${alias} ${exampleValue(alias)}\``,
    };
  }
  if (/^p\(?\d+(\.\d+)?\)?$/.test(lower)) {
    return {
      ok: false,
      message: `\`${text}\` is not a supported percentile`,
      fix: 'use p50, p90, p95, p99 or p99.9',
    };
  }
  return {
    ok: false,
    message: `unknown metric \`${text}\``,
    fix: `use one of ${THRESHOLD_METRICS.join(', ')}, e.g. ${EXAMPLES}`,
  };
}

function parseValue(metric: ThresholdMetric, text: string) {
  if (LATENCY_METRICS.has(metric)) return tryParseDurationUs(text);
  if (metric === 'rate') return tryParseRatePerSec(text);
  return tryParsePercent(text);
}

function exampleValue(metric: ThresholdMetric): string {
  if (LATENCY_METRICS.has(metric)) return '< 500ms';
  if (metric === 'rate') return '>= 40/s';
  return '< 1%';
}

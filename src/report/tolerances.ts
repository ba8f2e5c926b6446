/**
 * Regression tolerances for `pacs-load compare --max-regression`:
 * `p95=10%,p99=20%,errors=0.1pp,rate=-5%`.
 *
 * - Latency metrics (p50, p90, p95, p99, p99.9, max, mean): the increase of the
 *   response time allowed, relative (`10%`) or absolute (`50ms`, any duration).
 *   An absolute tolerance suits fast operations, where 10% of 2 ms is noise.
 * - `errors` and `dropped`: the increase of the error (or dropped) rate allowed,
 *   in percentage points (`0.1pp`: 0.2% -> 0.3% is within it). A percentage is
 *   refused: "10% more errors" is ambiguous between relative and points.
 * - `rate`: the decrease of the throughput allowed, in percent; `-5%` and `5%`
 *   mean the same (a drop of at most 5%), since only a drop is a regression.
 */
import { PacsLoadError } from '../errors.js';
import { tryParseDurationUs } from '../profile/units.js';

export const LATENCY_TOLERANCE_METRICS = ['p50', 'p90', 'p95', 'p99', 'p99.9', 'max', 'mean'] as const;
export type LatencyToleranceMetric = (typeof LATENCY_TOLERANCE_METRICS)[number];
export type ToleranceMetric = LatencyToleranceMetric | 'errors' | 'dropped' | 'rate';

export const TOLERANCE_METRICS: readonly ToleranceMetric[] = [...LATENCY_TOLERANCE_METRICS, 'errors', 'dropped', 'rate'];

export type Tolerance =
  /** Latency may grow by this fraction of the base (0.1 = 10%). */
  | { metric: LatencyToleranceMetric; kind: 'relative'; fraction: number; source: string }
  /** Latency may grow by this many microseconds. */
  | { metric: LatencyToleranceMetric; kind: 'absolute'; increaseUs: number; source: string }
  /** The error or dropped rate may grow by this many percentage points (0.1 = 0.1pp). */
  | { metric: 'errors' | 'dropped'; kind: 'points'; points: number; source: string }
  /** The rate may drop by this fraction of the base (0.05 = 5%). */
  | { metric: 'rate'; kind: 'decrease'; fraction: number; source: string };

const EXAMPLE = '--max-regression p95=10%,p99=20%,errors=0.1pp,rate=-5%';
const PERCENT = /^([+-]?)(\d+(?:\.\d+)?|\.\d+)\s*%$/;
const POINTS = /^\+?(\d+(?:\.\d+)?|\.\d+)\s*pp$/i;

/**
 * Parses a `--max-regression` value: comma-separated `metric=value` pairs, each
 * metric at most once. Throws `PacsLoadError` ERR_USAGE (exit 2) naming the pair
 * that is wrong, with a hint showing how to write it.
 */
export function parseTolerances(text: string): Tolerance[] {
  const tolerances: Tolerance[] = [];
  const parts = text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  if (parts.length === 0) throw usage('--max-regression is empty', `write e.g. ${EXAMPLE}`);
  for (const part of parts) {
    const tolerance = parseOne(part);
    if (tolerances.some((known) => known.metric === tolerance.metric)) {
      throw usage(`--max-regression names \`${tolerance.metric}\` twice`, `give each metric once, e.g. ${EXAMPLE}`);
    }
    tolerances.push(tolerance);
  }
  return tolerances;
}

function parseOne(part: string): Tolerance {
  const match = /^([^=\s]+)\s*=\s*(.*)$/.exec(part);
  if (match === null) {
    throw usage(`\`${part}\` in --max-regression is not \`metric=value\``, `write e.g. ${EXAMPLE}`);
  }
  const [, metricText = '', valueText = ''] = match;
  const metric = TOLERANCE_METRICS.find((known) => known === metricText.toLowerCase());
  if (metric === undefined) {
    throw usage(`unknown metric \`${metricText}\` in --max-regression`, `use ${TOLERANCE_METRICS.join(', ')}; e.g. ${EXAMPLE}`);
  }
  const source = `${metric}=${valueText}`;
  if (metric === 'errors' || metric === 'dropped') return parsePoints(metric, valueText, source);
  if (metric === 'rate') return parseRateDecrease(valueText, source);
  return parseLatency(metric, valueText, source);
}

function parseLatency(metric: LatencyToleranceMetric, valueText: string, source: string): Tolerance {
  const percent = PERCENT.exec(valueText);
  if (percent !== null) {
    if (percent[1] === '-') {
      throw usage(`\`${source}\`: a latency tolerance is the increase allowed, not a decrease`, `write e.g. \`${metric}=10%\``);
    }
    return { metric, kind: 'relative', fraction: Number(percent[2]) / 100, source };
  }
  const duration = tryParseDurationUs(valueText.replace(/^\+/, ''));
  if (duration.ok) return { metric, kind: 'absolute', increaseUs: duration.value, source };
  throw usage(
    `\`${source}\` in --max-regression: the value is neither a percentage nor a duration`,
    `write the increase allowed as a percentage (\`${metric}=10%\`) or a duration (\`${metric}=50ms\`)`,
  );
}

function parsePoints(metric: 'errors' | 'dropped', valueText: string, source: string): Tolerance {
  const points = POINTS.exec(valueText);
  if (points !== null) return { metric, kind: 'points', points: Number(points[1]), source };
  const hint = `write the increase allowed in percentage points, e.g. \`${metric}=0.1pp\` (0.2% -> 0.3% is +0.1pp)`;
  if (PERCENT.test(valueText)) {
    throw usage(`\`${source}\` in --max-regression: the ${metric} rate tolerance is in percentage points, not %`, hint);
  }
  throw usage(`\`${source}\` in --max-regression is not in percentage points`, hint);
}

function parseRateDecrease(valueText: string, source: string): Tolerance {
  const percent = PERCENT.exec(valueText);
  if (percent === null) {
    throw usage(`\`${source}\` in --max-regression is not a percentage`, 'write the drop in throughput allowed, e.g. `rate=-5%`');
  }
  const fraction = Number(percent[2]) / 100;
  if (fraction > 1) {
    throw usage(`\`${source}\`: the rate cannot drop by more than 100%`, 'write a drop from `rate=-0%` to `rate=-100%`, e.g. `rate=-5%`');
  }
  return { metric: 'rate', kind: 'decrease', fraction, source };
}

function usage(message: string, hint: string): PacsLoadError {
  return new PacsLoadError('ERR_USAGE', message, { hint: hint.replace(/^./, (first) => first.toUpperCase()) });
}

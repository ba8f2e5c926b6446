/**
 * pacs-load thresholds as k6 thresholds (issue 8, k6 export), on the metrics
 * the exported script records per operation (k6-script.ts):
 *   pNN, max, mean  -> pacs_operation_duration (Trend, ms): p(NN), max, avg
 *   errors          -> pacs_operation_failed (Rate): rate
 *   rate            -> pacs_operations (Counter): rate (per second)
 *   dropped         -> dropped_iterations (k6's Counter, per scenario): count,
 *                      the fraction times the scenario's planned arrivals
 * A subject that is a scenario name filters on k6's `scenario` tag; an
 * operation name on the script's `pacs_operation` tag. Durations are the
 * whole operation (a viewer.open is every request of the open), as in pacs-load.
 */
import type { ResolvedScenario, ThresholdSpec } from '../../profile/types.js';
import { breakpointSchedule } from '../../scheduler/breakpoint.js';
import { constantArrivalRateSchedule } from '../../scheduler/constant-arrival-rate.js';
import { rampingArrivalRateSchedule } from '../../scheduler/ramping-arrival-rate.js';

export const K6_METRICS = {
  duration: 'pacs_operation_duration',
  failed: 'pacs_operation_failed',
  operations: 'pacs_operations',
} as const;

export interface K6Thresholds {
  /** Metric selector -> threshold expressions, as k6's `options.thresholds`. */
  thresholds: Record<string, Array<string | { threshold: string; abortOnFail: boolean; delayAbortEval?: string }>>;
  /** Thresholds left out, with why. */
  skipped: Array<{ subject: string; source: string; reason: string }>;
}

const LATENCY_AGGREGATES: Record<string, string> = {
  p50: 'p(50)',
  p90: 'p(90)',
  p95: 'p(95)',
  p99: 'p(99)',
  'p99.9': 'p(99.9)',
  max: 'max',
  mean: 'avg',
};

/** Maps the thresholds whose subject is one of `exported` (scenarios in the script). */
export function k6Thresholds(specs: readonly ThresholdSpec[], exported: readonly ResolvedScenario[], all: readonly ResolvedScenario[]): K6Thresholds {
  const result: K6Thresholds = { thresholds: {}, skipped: [] };
  for (const spec of specs) {
    const { subject, expression } = spec;
    const scenario = exported.find((candidate) => candidate.name === subject);
    const byOperation = exported.filter((candidate) => candidate.operation === subject);
    const mentioned = all.some((candidate) => candidate.name === subject || candidate.operation === subject);
    if (scenario === undefined && byOperation.length === 0) {
      if (mentioned) result.skipped.push({ subject, source: expression.source, reason: 'its scenarios are not exported (DIMSE)' });
      continue;
    }
    const filter = scenario !== undefined ? `scenario:${subject}` : `pacs_operation:${subject}`;
    let selector: string;
    let condition: string;
    const latency = LATENCY_AGGREGATES[expression.metric];
    if (latency !== undefined) {
      selector = `${K6_METRICS.duration}{${filter}}`;
      condition = `${latency}${expression.comparator}${expression.value / 1000}`;
    } else if (expression.metric === 'errors') {
      selector = `${K6_METRICS.failed}{${filter}}`;
      condition = `rate${expression.comparator}${expression.value}`;
    } else if (expression.metric === 'rate') {
      selector = `${K6_METRICS.operations}{${filter}}`;
      condition = `rate${expression.comparator}${expression.value}`;
    } else {
      // dropped: k6 counts dropped iterations per scenario, so the fraction becomes a count of the planned arrivals.
      const targets = scenario !== undefined ? [scenario] : byOperation;
      const planned = targets.length === 1 ? plannedArrivals(targets[0] as ResolvedScenario) : undefined;
      if (planned === undefined) {
        result.skipped.push({ subject, source: expression.source, reason: 'k6 counts dropped iterations per arrival-rate scenario only; name one such scenario' });
        continue;
      }
      selector = `dropped_iterations{scenario:${(targets[0] as ResolvedScenario).name}}`;
      condition = `count${expression.comparator}${expression.value * planned}`;
    }
    const entry = spec.abortOnFail
      ? { threshold: condition, abortOnFail: true, ...(spec.delayAbortEvalUs > 0 ? { delayAbortEval: `${Math.round(spec.delayAbortEvalUs / 1000)}ms` } : {}) }
      : condition;
    (result.thresholds[selector] ??= []).push(entry);
  }
  return result;
}

function plannedArrivals(scenario: ResolvedScenario): number | undefined {
  const { executor } = scenario;
  if (executor.type === 'constant-arrival-rate') return constantArrivalRateSchedule(executor).totalArrivals;
  if (executor.type === 'ramping-arrival-rate') return rampingArrivalRateSchedule(executor).totalArrivals;
  if (executor.type === 'breakpoint') return breakpointSchedule(executor).totalArrivals;
  return undefined;
}

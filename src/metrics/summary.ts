/**
 * The run summary (docs/architecture.md section 7): the exact merge of every interval, with
 * the encoded histograms kept so summaries from several load generators merge
 * exactly later (`mergeSummaries`).
 */
import { PacsLoadError } from '../errors.js';
import type { ThresholdSpec } from '../profile/types.js';
import type { RunAggregator } from './aggregate.js';
import { addRetrieved } from './retrieved.js';
import { defaultLabels, mergeSections } from './merge-sections.js';
import { compareSeries, mergeOperationSummaries } from './series-accumulator.js';
import { evaluateThresholds } from './thresholds.js';
import {
  SUMMARY_SCHEMA_ID,
  SUMMARY_SCHEMA_VERSION,
  type IntervalPoint,
  type OperationSummary,
  type RunSummary,
  type ThresholdResult,
} from './types.js';

export interface BuildSummaryArgs {
  run: RunSummary['run'];
  aggregator: RunAggregator;
  thresholds: ThresholdResult[];
  /** `aggregator.operationSummaries()` when the caller already has them (saves encoding twice). */
  operations?: OperationSummary[];
}

/**
 * The summary of a finished run. The time series includes intervals some worker
 * never reported (a worker that failed or was stopped), so nothing measured is lost.
 */
export function buildSummary(args: BuildSummaryArgs): RunSummary {
  return {
    schema: SUMMARY_SCHEMA_ID,
    version: SUMMARY_SCHEMA_VERSION,
    run: args.run,
    operations: args.operations ?? args.aggregator.operationSummaries(),
    thresholds: args.thresholds,
    intervals: args.aggregator.allIntervalPoints(),
  };
}

/**
 * Merges the summaries of load generators that ran the same profile side by
 * side (several machines):
 * - operations: per (scenario, operation), exactly (`mergeOperationSummaries`:
 *   histograms added, counters summed, rates of parallel series summed);
 * - thresholds: re-evaluated on the merged operations when `specs` are given,
 *   otherwise empty (a machine's own results say nothing about the whole);
 * - run: earliest start, latest end, workers summed, ids and targets joined,
 *   `endReason` completed only if every part completed;
 * - intervals: points with the same series and bounds have their counters summed;
 *   points carry no histograms, so a point merged from several parts has no
 *   `response` stats rather than a wrong one. Times are per machine's run epoch,
 *   so points of machines that did not share one simply sit side by side;
 * - verify, stored, identities, breakpoint, migration, seedPriors:
 *   merge-sections.ts (summed, kept, or listed per instance, each named by
 *   `labels[i]`: the file it came from).
 * Throws ERR_USAGE for an empty list or a summary of another schema version.
 */
export function mergeSummaries(summaries: readonly RunSummary[], specs: readonly ThresholdSpec[] = [], labels?: readonly string[]): RunSummary {
  const first = summaries[0];
  if (first === undefined) {
    throw new PacsLoadError('ERR_USAGE', 'No summaries to merge.', { hint: 'Pass at least one summary JSON file.' });
  }
  for (const summary of summaries) {
    if (summary.schema !== SUMMARY_SCHEMA_ID || summary.version !== SUMMARY_SCHEMA_VERSION) {
      throw new PacsLoadError(
        'ERR_USAGE',
        `Summary ${summary.run?.id ?? '(no id)'} is ${String(summary.schema)} version ${String(summary.version)}, not ${SUMMARY_SCHEMA_ID} version ${SUMMARY_SCHEMA_VERSION}.`,
        { hint: 'Merge only summaries written by the same pacs-load summary version (the `schema` and `version` fields).' },
      );
    }
  }
  const operations = mergeOperations(summaries.flatMap((summary) => summary.operations));
  return {
    schema: SUMMARY_SCHEMA_ID,
    version: SUMMARY_SCHEMA_VERSION,
    run: mergeRuns(summaries.map((summary) => summary.run)),
    operations,
    thresholds: specs.length > 0 ? evaluateThresholds(specs, operations) : [],
    intervals: mergeIntervals(summaries.flatMap((summary) => summary.intervals)),
    ...mergeSections(summaries, labels ?? defaultLabels(summaries)),
  };
}

function mergeOperations(operations: readonly OperationSummary[]): OperationSummary[] {
  const groups = groupBy(operations, (operation) => `${operation.scenario}\u0000${operation.operation}`);
  return [...groups.values()]
    .map((group) => {
      const { scenario, operation } = group[0] as OperationSummary;
      return mergeOperationSummaries(group, scenario, operation);
    })
    .sort(compareSeries);
}

function mergeIntervals(points: readonly IntervalPoint[]): IntervalPoint[] {
  const groups = groupBy(points, (point) => `${point.scenario}\u0000${point.operation}\u0000${point.startUs}\u0000${point.endUs}`);
  return [...groups.values()]
    .map((group) => {
      const [head, ...rest] = group as [IntervalPoint, ...IntervalPoint[]];
      const merged: IntervalPoint = { ...head, outcomes: { ...head.outcomes } };
      for (const point of rest) {
        merged.completed += point.completed;
        merged.failed += point.failed;
        for (const [outcome, count] of Object.entries(point.outcomes)) {
          merged.outcomes[outcome] = (merged.outcomes[outcome] ?? 0) + count;
        }
        merged.dropped += point.dropped;
        merged.inFlight += point.inFlight;
        merged.bytesSent += point.bytesSent;
        merged.bytesReceived += point.bytesReceived;
        addRetrieved(merged, point);
        merged.response = undefined;
      }
      return merged;
    })
    .sort((a, b) => a.startUs - b.startUs || compareSeries(a, b));
}

function mergeRuns(runs: readonly RunSummary['run'][]): RunSummary['run'] {
  const first = runs[0] as RunSummary['run'];
  const startedAtMs = Math.min(...runs.map((run) => Date.parse(run.startedAt)));
  const endedAtMs = Math.max(...runs.map((run) => Date.parse(run.endedAt)));
  return {
    id: unique(runs.map((run) => run.id)).join('+'),
    profile: unique(runs.map((run) => run.profile)).join('+'),
    startedAt: new Date(startedAtMs).toISOString(),
    endedAt: new Date(endedAtMs).toISOString(),
    durationSeconds: (endedAtMs - startedAtMs) / 1000,
    workers: runs.reduce((sum, run) => sum + run.workers, 0),
    endReason: runs.find((run) => run.endReason !== 'completed')?.endReason ?? 'completed',
    tool: first.tool,
    target: unique(runs.map((run) => run.target)).join('; '),
    // One machine's facts describe the merge only if every part ran there.
    ...(runs.every((run) => JSON.stringify(run.environment) === JSON.stringify(first.environment)) && first.environment !== undefined
      ? { environment: first.environment }
      : {}),
    ...(unique(runs.map((run) => run.profileSource ?? '')).length === 1 && first.profileSource !== undefined
      ? { profileSource: first.profileSource }
      : {}),
  };
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [item]);
    else group.push(item);
  }
  return groups;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

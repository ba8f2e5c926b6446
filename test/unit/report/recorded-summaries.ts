/**
 * Real summaries for the report tests, built the way a run builds them:
 * samples recorded by a MetricsRecorder, snapshots merged by a RunAggregator,
 * thresholds evaluated, `buildSummary`. No hand-written histograms.
 */
import { RunAggregator } from '../../../src/metrics/aggregate.js';
import { MetricsRecorder, type OperationSample } from '../../../src/metrics/recorder.js';
import { buildSummary } from '../../../src/metrics/summary.js';
import { evaluateThresholds } from '../../../src/metrics/thresholds.js';
import type { RunSummary } from '../../../src/metrics/types.js';
import { parseThresholdExpression } from '../../../src/profile/threshold-expression.js';
import type { ThresholdSpec } from '../../../src/profile/types.js';
import { latencyUs, seededRandom } from '../metrics/seeded-random.js';

const SECOND_US = 1_000_000;

/** One recorded operation and the interval (second) it completed in. */
export interface RecordedSample {
  scenario: string;
  operation: string;
  interval: number;
  sample: OperationSample;
}

export interface SampleOptions {
  seed: number;
  /** Samples per series and interval. */
  perInterval: number;
  intervals: number;
  /** Every latency multiplied by this (1.3 = 30% slower). */
  latencyFactor?: number;
  /** Fraction of operations that time out. */
  errorFraction?: number;
  series?: ReadonlyArray<{ scenario: string; operation: string }>;
}

export const DEFAULT_SERIES = [
  { scenario: 'modality-worklist', operation: 'mwl.find' },
  { scenario: 'viewer-search', operation: 'qido.studies' },
] as const;

/** Seeded, long-tailed samples: the same on every run. */
export function recordedSamples(options: SampleOptions): RecordedSample[] {
  const random = seededRandom(options.seed);
  const factor = options.latencyFactor ?? 1;
  const samples: RecordedSample[] = [];
  for (let interval = 0; interval < options.intervals; interval++) {
    for (const { scenario, operation } of options.series ?? DEFAULT_SERIES) {
      for (let index = 0; index < options.perInterval; index++) {
        // Mostly 1-20 ms with a long tail, so p99 differs from p95.
        const responseUs = Math.round((1_000 + (latencyUs(random) % 19_000)) * factor);
        samples.push({
          scenario,
          operation,
          interval,
          sample: {
            outcomeKey: random() < (options.errorFraction ?? 0) ? 'timeout' : 'ok',
            responseUs,
            serviceUs: Math.round(responseUs * 0.9),
            lagUs: Math.round(responseUs * 0.1),
            bytesSent: 200,
            bytesReceived: 4_000,
          },
        });
      }
    }
  }
  return samples;
}

/** Threshold specs as a profile would give them: `{ 'mwl.find': ['p95 < 15ms'] }`. */
export function specs(bySubject: Record<string, string[]>): ThresholdSpec[] {
  return Object.entries(bySubject).flatMap(([subject, expressions]) =>
    expressions.map((text) => ({ subject, expression: parseThresholdExpression(text), abortOnFail: false, delayAbortEvalUs: 0 })),
  );
}

export interface SummaryOptions {
  id: string;
  startedAt?: string;
  thresholds?: ThresholdSpec[];
}

/** The summary of one run (one worker) that recorded `samples`, interval by interval. */
export function summaryOfSamples(samples: readonly RecordedSample[], options: SummaryOptions): RunSummary {
  const recorder = new MetricsRecorder();
  const aggregator = new RunAggregator(1);
  const intervals = Math.max(0, ...samples.map((sample) => sample.interval + 1));
  for (let interval = 0; interval < intervals; interval++) {
    for (const sample of samples) {
      if (sample.interval === interval) recorder.record(sample.scenario, sample.operation, sample.sample);
    }
    aggregator.add(recorder.takeSnapshot(0, interval * SECOND_US, (interval + 1) * SECOND_US));
  }
  aggregator.workerDone(0);
  const operations = aggregator.operationSummaries();
  const startedAt = options.startedAt ?? '2026-11-27T02:00:00.000Z';
  return buildSummary({
    run: {
      id: options.id,
      profile: 'nightly',
      startedAt,
      endedAt: new Date(Date.parse(startedAt) + intervals * 1000).toISOString(),
      durationSeconds: intervals,
      workers: 1,
      endReason: 'completed',
      tool: { name: 'pacs-load', version: '0.1.0', node: 'v20.20.2' },
      target: 'DIMSE PACS@127.0.0.1:4242',
    },
    aggregator,
    operations,
    thresholds: evaluateThresholds(options.thresholds ?? [], operations),
  });
}

/**
 * Issue 14, item 5: the retrieval counters (matches, instances retrieved) merge
 * exactly like the other counters, from worker snapshots to the run summary and
 * across summaries of several machines, stay absent for operations that
 * retrieve nothing (and in summaries written before they existed), and the
 * `empty` outcome counts as an error in error rates and thresholds.
 */
import { describe, expect, it } from 'vitest';
import type { PacsLoadError } from '../../../src/errors.js';
import { RunAggregator } from '../../../src/metrics/aggregate.js';
import { isSuccessKey, outcomeKey } from '../../../src/metrics/names.js';
import { MetricsRecorder, type OperationSample } from '../../../src/metrics/recorder.js';
import { mergeSummaries } from '../../../src/metrics/summary.js';
import { evaluateThresholds } from '../../../src/metrics/thresholds.js';
import type { OperationSummary, RunSummary } from '../../../src/metrics/types.js';
import { outcomeGloss } from '../../../src/outputs/outcome-gloss.js';
import { parseSummaryText } from '../../../src/report/read-summary.js';
import { recordedSamples, specs, summaryOfSamples, type RecordedSample } from '../report/recorded-summaries.js';
import { seededRandom } from './seeded-random.js';

const SECOND_US = 1_000_000;

function sample(overrides: Partial<OperationSample>): OperationSample {
  return { outcomeKey: 'ok', responseUs: 1_000, serviceUs: 900, lagUs: 100, bytesSent: 100, bytesReceived: 1_000, ...overrides };
}

/** Retrieval samples with seeded counts, some of them empty answers, plus a store series that retrieves nothing. */
function retrievalSamples(seed: number): RecordedSample[] {
  const random = seededRandom(seed);
  const samples: RecordedSample[] = [];
  for (let interval = 0; interval < 5; interval++) {
    for (let index = 0; index < 40; index++) {
      const matches = random() < 0.2 ? 0 : 1 + Math.floor(random() * 12);
      const instancesRetrieved = matches === 0 ? 0 : Math.floor(random() * 300);
      samples.push({
        scenario: 'prefetch',
        operation: 'qr.get',
        interval,
        sample: sample({ outcomeKey: matches === 0 ? 'empty' : 'ok', matches, instancesRetrieved }),
      });
      samples.push({ scenario: 'sends', operation: 'dimse.store', interval, sample: sample({}) });
    }
  }
  return samples;
}

function sum(samples: readonly RecordedSample[], key: 'matches' | 'instancesRetrieved'): number {
  return samples.reduce((total, recorded) => total + (recorded.sample[key] ?? 0), 0);
}

function operation(summary: RunSummary, name: string): OperationSummary {
  const found = summary.operations.find((entry) => entry.operation === name);
  if (found === undefined) throw new Error(`no ${name} in the summary`);
  return found;
}

describe('retrieval counters', () => {
  const samples = retrievalSamples(7);
  const retrievals = samples.filter((recorded) => recorded.operation === 'qr.get');

  it('add up from worker snapshots to the run summary, and are absent for operations that retrieve nothing', () => {
    const workers = [new MetricsRecorder(), new MetricsRecorder(), new MetricsRecorder()];
    const aggregator = new RunAggregator(workers.length);
    for (let interval = 0; interval < 5; interval++) {
      samples
        .filter((recorded) => recorded.interval === interval)
        .forEach((recorded, index) => workers[index % workers.length]?.record(recorded.scenario, recorded.operation, recorded.sample));
      workers.forEach((recorder, index) => aggregator.add(recorder.takeSnapshot(index, interval * SECOND_US, (interval + 1) * SECOND_US)));
    }
    const [prefetch, sends] = aggregator.operationSummaries();
    expect(prefetch).toMatchObject({ operation: 'qr.get', matches: sum(retrievals, 'matches'), instancesRetrieved: sum(retrievals, 'instancesRetrieved') });
    expect(sends?.operation).toBe('dimse.store');
    expect(sends).not.toHaveProperty('matches');
    expect(sends).not.toHaveProperty('instancesRetrieved');
    // The time series carries them per interval, and they add up to the run's.
    const points = aggregator.intervalPoints().filter((point) => point.operation === 'qr.get');
    expect(points.reduce((total, point) => total + (point.matches ?? 0), 0)).toBe(prefetch?.matches);
    expect(points.reduce((total, point) => total + (point.instancesRetrieved ?? 0), 0)).toBe(prefetch?.instancesRetrieved);
  });

  it('leave an interval snapshot without them when no retrieval completed in it', () => {
    const recorder = new MetricsRecorder();
    recorder.record('prefetch', 'qr.find', sample({ matches: 3 }));
    expect(recorder.takeSnapshot(0, 0, SECOND_US).series[0]).toMatchObject({ matches: 3 });
    recorder.record('prefetch', 'qr.find', sample({ outcomeKey: 'timeout' }));
    expect(recorder.takeSnapshot(0, SECOND_US, 2 * SECOND_US).series[0]).not.toHaveProperty('matches');
  });

  it('merge exactly across summaries of several machines, through the summary file', () => {
    const pick = seededRandom(5);
    const onA = samples.map(() => pick() < 0.5);
    const viaFile = (summary: RunSummary): RunSummary => parseSummaryText(JSON.stringify(summary), `${summary.run.id}.json`);
    const a = viaFile(summaryOfSamples(samples.filter((_, index) => onA[index]), { id: 'a' }));
    const b = viaFile(summaryOfSamples(samples.filter((_, index) => !onA[index]), { id: 'b' }));
    const whole = summaryOfSamples(samples, { id: 'whole' });
    const merged = mergeSummaries([a, b]);
    expect(operation(merged, 'qr.get')).toMatchObject({
      matches: operation(whole, 'qr.get').matches,
      instancesRetrieved: operation(whole, 'qr.get').instancesRetrieved,
      outcomes: operation(whole, 'qr.get').outcomes,
    });
    expect(operation(merged, 'qr.get').matches).toBe(sum(retrievals, 'matches'));
    expect(operation(merged, 'dimse.store')).not.toHaveProperty('matches');
    const mergedPoints = merged.intervals.filter((point) => point.operation === 'qr.get');
    expect(mergedPoints.reduce((total, point) => total + (point.instancesRetrieved ?? 0), 0)).toBe(sum(retrievals, 'instancesRetrieved'));
  });

  it('read a summary written before they existed, and merge it with one that has them', () => {
    const old = summaryOfSamples(recordedSamples({ seed: 3, perInterval: 10, intervals: 2 }), { id: 'old' });
    const withCounts = summaryOfSamples(
      recordedSamples({ seed: 3, perInterval: 10, intervals: 2 }).map((recorded) => ({ ...recorded, sample: { ...recorded.sample, matches: 2 } })),
      { id: 'new' },
    );
    const read = parseSummaryText(JSON.stringify(old), 'old.json');
    expect(read.operations.every((entry) => entry.matches === undefined)).toBe(true);
    const merged = mergeSummaries([read, parseSummaryText(JSON.stringify(withCounts), 'new.json')]);
    // 10 per interval and series, 2 intervals, 2 matches each: only the newer part counted them.
    for (const entry of merged.operations) expect(entry.matches).toBe(40);
  });

  it('refuse a summary whose counts are not whole non-negative numbers', () => {
    const summary = summaryOfSamples(retrievalSamples(2), { id: 'bad' });
    const broken = { ...summary, operations: summary.operations.map((entry) => ({ ...entry, matches: -1 })) };
    let problems: Array<{ path: string }> = [];
    try {
      parseSummaryText(JSON.stringify(broken), 'bad.json');
    } catch (error) {
      problems = (error as PacsLoadError).problems ?? [];
    }
    expect(problems.map((problem) => problem.path)).toEqual(['operations.0.matches', 'operations.1.matches']);
  });
});

describe('the empty outcome', () => {
  it('has a stable key and a gloss, and is not a success', () => {
    expect(outcomeKey({ kind: 'empty', reason: 'no studies for patient PLSYN-000001' })).toBe('empty');
    expect(isSuccessKey('empty')).toBe(false);
    expect(outcomeGloss('empty')).toMatch(/nothing/);
  });

  it('counts as an error in the error rate and fails an errors threshold', () => {
    const samples = retrievalSamples(11);
    const summary = summaryOfSamples(samples, { id: 'run' });
    const prefetch = operation(summary, 'qr.get');
    const empty = samples.filter((recorded) => recorded.sample.outcomeKey === 'empty').length;
    expect(empty).toBeGreaterThan(0);
    expect(prefetch.outcomes['empty']).toBe(empty);
    expect(prefetch.failed).toBe(empty);
    expect(prefetch.errorRate).toBeCloseTo(empty / prefetch.completed, 12);
    const [result] = evaluateThresholds(specs({ 'qr.get': ['errors < 1%'] }), summary.operations);
    expect(result?.passed).toBe(false);
  });
});

/**
 * The exact merge of one series' measurements (docs/architecture.md section 3, point 4):
 * counters are summed and histograms added bucket by bucket, so the merge of
 * any split of the samples (by worker, interval, machine or scenario) equals
 * what one recorder would have measured from all of them.
 */
import { HISTOGRAM_NAMES, isSuccessKey, type HistogramName } from './names.js';
import { addEncoded, encodeHistogram, latencyStats, newHistogram, type Histogram } from './histogram.js';
import { addRetrieved } from './retrieved.js';
import { SeriesReasons } from './reasons.js';
import type { EncodedHistograms, LatencyStats, OperationSummary, OutcomeReasons } from './types.js';

/** Counters that add up, as carried by a `SeriesSnapshot` or an `OperationSummary`. */
export interface SeriesCounters {
  outcomes: Record<string, number>;
  dropped: number;
  bytesSent: number;
  bytesReceived: number;
  requests?: number | undefined;
  matches?: number | undefined;
  instancesRetrieved?: number | undefined;
  /** Reasons per outcome key, merged like the counters (src/metrics/reasons.ts). */
  reasons?: Readonly<Record<string, OutcomeReasons>> | undefined;
}

export class SeriesAccumulator {
  readonly scenario: string;
  readonly operation: string;
  readonly outcomes = new Map<string, number>();
  dropped = 0;
  bytesSent = 0;
  bytesReceived = 0;
  requests = 0;
  /** Retrieval counters: undefined until some part carried one, so other operations' summaries leave them out. */
  matches?: number;
  instancesRetrieved?: number;
  readonly reasons = new SeriesReasons();
  readonly #histograms = new Map<HistogramName, Histogram>();

  constructor(scenario: string, operation: string) {
    this.scenario = scenario;
    this.operation = operation;
  }

  addCounters(counters: SeriesCounters): void {
    for (const [key, count] of Object.entries(counters.outcomes)) {
      this.outcomes.set(key, (this.outcomes.get(key) ?? 0) + count);
    }
    this.dropped += counters.dropped;
    this.bytesSent += counters.bytesSent;
    this.bytesReceived += counters.bytesReceived;
    this.requests += counters.requests ?? 0;
    addRetrieved(this, counters);
    this.reasons.merge(counters.reasons);
  }

  /** Adds a decoded histogram exactly. */
  addHistogram(name: HistogramName, histogram: Histogram): void {
    this.#histogramFor(name).add(histogram);
  }

  /** Adds every encoded histogram exactly. */
  addEncodedHistograms(histograms: EncodedHistograms): void {
    for (const name of HISTOGRAM_NAMES) {
      const encoded = histograms[name];
      if (encoded !== undefined) addEncoded(this.#histogramFor(name), encoded);
    }
  }

  /** The merged histogram, or undefined when nothing was recorded into it. */
  histogram(name: HistogramName): Histogram | undefined {
    const histogram = this.#histograms.get(name);
    return histogram !== undefined && histogram.totalCount > 0 ? histogram : undefined;
  }

  /** Completed operations, success and failure alike. */
  get completed(): number {
    let completed = 0;
    for (const count of this.outcomes.values()) completed += count;
    return completed;
  }

  /** Completed operations whose outcome is a success (`isSuccessKey`: ok and DIMSE warnings). */
  get succeeded(): number {
    let succeeded = 0;
    for (const [key, count] of this.outcomes) if (isSuccessKey(key)) succeeded += count;
    return succeeded;
  }

  get failed(): number {
    return this.completed - this.succeeded;
  }

  /**
   * The summary of everything accumulated.
   * - `ratePerSec` is `completed / activeSeconds` unless given (merges of parallel
   *   series pass the sum of their rates).
   * - `errorRate = failed / (completed + dropped)` and
   *   `droppedRate = dropped / (completed + dropped)`: both are fractions of the
   *   *planned* operations, so success, error and dropped rates add up to 1. A
   *   dropped operation is thresholded by `dropped`, not counted twice in `errors`.
   * - Both rates are 0 when nothing was planned.
   */
  toSummary(activeSeconds: number, ratePerSec?: number): OperationSummary {
    const completed = this.completed;
    const succeeded = this.succeeded;
    const failed = completed - succeeded;
    const planned = completed + this.dropped;
    const latency: Partial<Record<HistogramName, LatencyStats>> = {};
    const histograms: EncodedHistograms = {};
    for (const name of HISTOGRAM_NAMES) {
      const histogram = this.histogram(name);
      if (histogram === undefined) continue;
      latency[name] = latencyStats(histogram);
      histograms[name] = encodeHistogram(histogram);
    }
    const summary: OperationSummary = {
      scenario: this.scenario,
      operation: this.operation,
      completed,
      succeeded,
      failed,
      dropped: this.dropped,
      ratePerSec: ratePerSec ?? (activeSeconds > 0 ? completed / activeSeconds : 0),
      errorRate: planned > 0 ? failed / planned : 0,
      droppedRate: planned > 0 ? this.dropped / planned : 0,
      outcomes: sortedRecord(this.outcomes),
      bytesSent: this.bytesSent,
      bytesReceived: this.bytesReceived,
      requests: this.requests,
      // Retrievals only (src/metrics/retrieved.ts).
      ...(this.matches === undefined ? {} : { matches: this.matches }),
      ...(this.instancesRetrieved === undefined ? {} : { instancesRetrieved: this.instancesRetrieved }),
      activeSeconds,
      latency,
      histograms,
    };
    const reasons = this.reasons.toData();
    if (reasons !== undefined) summary.reasons = reasons;
    return summary;
  }

  #histogramFor(name: HistogramName): Histogram {
    let histogram = this.#histograms.get(name);
    if (histogram === undefined) {
      histogram = newHistogram();
      this.#histograms.set(name, histogram);
    }
    return histogram;
  }
}

/**
 * The exact merge of operation summaries of series that ran side by side (the
 * same series from several machines, or several series a threshold subject
 * names): counters summed, histograms added, percentiles recomputed from the
 * merged histograms. Rates of parallel series add up, so `ratePerSec` is the sum
 * of the parts' rates and `activeSeconds` the longest part's (summaries carry no
 * start times, so the union of their active spans is not known).
 */
export function mergeOperationSummaries(
  parts: readonly OperationSummary[],
  scenario: string,
  operation: string,
): OperationSummary {
  const accumulator = new SeriesAccumulator(scenario, operation);
  let activeSeconds = 0;
  let ratePerSec = 0;
  for (const part of parts) {
    accumulator.addCounters(part);
    accumulator.addEncodedHistograms(part.histograms);
    activeSeconds = Math.max(activeSeconds, part.activeSeconds);
    ratePerSec += part.ratePerSec;
  }
  return accumulator.toSummary(activeSeconds, ratePerSec);
}

/** Orders series by scenario, then operation (code-unit order, stable across locales). */
export function compareSeries(
  a: { scenario: string; operation: string },
  b: { scenario: string; operation: string },
): number {
  return compareText(a.scenario, b.scenario) || compareText(a.operation, b.operation);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortedRecord(map: ReadonlyMap<string, number>): Record<string, number> {
  return Object.fromEntries([...map].sort(([a], [b]) => compareText(a, b)));
}

/**
 * The worker side of measurement (docs/architecture.md section 3, points 2 to 4): one
 * `MetricsRecorder` per worker thread records every completed operation into
 * HDR histograms and counters, keyed by (scenario, operation), and hands the
 * coordinator one `IntervalSnapshot` per interval. Nothing is kept per sample:
 * the histograms are reset (not reallocated) after each snapshot, so memory
 * stays flat however long the run.
 *
 * Contract: single-threaded, like everything in a worker; not reentrant.
 */
import type { HistogramName } from './names.js';
import { encodeHistogram, newHistogram, recordUs, type Histogram } from './histogram.js';
import { SeriesReasons } from './reasons.js';
import type { EncodedHistograms, IntervalSnapshot, SeriesSnapshot } from './types.js';

/** What the run loop measured for one completed operation. Durations are integer microseconds. */
export interface OperationSample {
  /** `outcomeKey(result.outcome)`. */
  outcomeKey: string;
  /** `outcomeReason(result.outcome)`: why, when the outcome says (bounded per key: src/metrics/reasons.ts). */
  reason?: string | undefined;
  /** Completion - intended start (includes queueing for a free slot). */
  responseUs: number;
  /** Completion - actual start. */
  serviceUs: number;
  /** Actual start - intended start. */
  lagUs: number;
  /** DIMSE association setup, when the operation opened one. */
  setupUs?: number;
  /** DICOMweb time to first byte, when the operation made a request. */
  ttfbUs?: number;
  bytesSent: number;
  bytesReceived: number;
  /** Protocol requests the operation made; absent: 1. */
  requests?: number | undefined;
  /** Retrievals: results the answer held (C-FIND matches, QIDO results); absent for other operations. */
  matches?: number | undefined;
  /** Retrievals: instances retrieved (C-MOVE/C-GET sub-operations, WADO parts); absent for other operations. */
  instancesRetrieved?: number | undefined;
}

interface SeriesState {
  scenario: string;
  operation: string;
  outcomes: Map<string, number>;
  /** The interval's reasons per outcome key, at most MAX_REASONS_PER_OUTCOME each. */
  reasons: SeriesReasons;
  dropped: number;
  bytesSent: number;
  bytesReceived: number;
  requests: number;
  /** Retrieval counters; undefined until an operation of the interval reported one. */
  matches: number | undefined;
  instancesRetrieved: number | undefined;
  /** A gauge: never reset by a snapshot. */
  inFlight: number;
  /** Something was recorded in the current interval. */
  touched: boolean;
  /** Created on first use and reused after each reset. */
  histograms: Map<HistogramName, Histogram>;
}

export class MetricsRecorder {
  readonly #series = new Map<string, SeriesState>();
  #nextSequence = 0;

  /**
   * Records one completed operation, success or failure alike: every completed
   * operation's times go into the histograms (a timeout is latency the user
   * felt). Durations are made integers by `toRecordableUs` (truncated, negative
   * clamped to 0); pass integer microseconds.
   */
  record(scenario: string, operation: string, sample: OperationSample): void {
    const series = this.#seriesFor(scenario, operation);
    series.touched = true;
    series.outcomes.set(sample.outcomeKey, (series.outcomes.get(sample.outcomeKey) ?? 0) + 1);
    if (sample.reason !== undefined && sample.reason !== '') series.reasons.record(sample.outcomeKey, sample.reason);
    series.bytesSent += sample.bytesSent;
    series.bytesReceived += sample.bytesReceived;
    series.requests += sample.requests ?? 1;
    if (sample.matches !== undefined) series.matches = (series.matches ?? 0) + sample.matches;
    if (sample.instancesRetrieved !== undefined) series.instancesRetrieved = (series.instancesRetrieved ?? 0) + sample.instancesRetrieved;
    recordUs(this.#histogram(series, 'response'), sample.responseUs);
    recordUs(this.#histogram(series, 'service'), sample.serviceUs);
    recordUs(this.#histogram(series, 'lag'), sample.lagUs);
    if (sample.setupUs !== undefined) recordUs(this.#histogram(series, 'setup'), sample.setupUs);
    if (sample.ttfbUs !== undefined) recordUs(this.#histogram(series, 'ttfb'), sample.ttfbUs);
  }

  /** Counts planned operations that could not start before the scenario ended (no latency: they never ran). */
  recordDropped(scenario: string, operation: string, count = 1): void {
    const series = this.#seriesFor(scenario, operation);
    series.touched = true;
    series.dropped += count;
  }

  /** Sets the in-flight gauge of a series. */
  setInFlight(scenario: string, operation: string, inFlight: number): void {
    this.#seriesFor(scenario, operation).inFlight = inFlight;
  }

  /** Changes the in-flight gauge by `delta` (+1 when an operation starts, -1 when it ends). */
  addInFlight(scenario: string, operation: string, delta: number): void {
    this.#seriesFor(scenario, operation).inFlight += delta;
  }

  /**
   * Ends the current interval: returns what was recorded since the previous
   * snapshot and resets it (counters to zero, histograms emptied). The in-flight
   * gauges are not reset. A series appears when it recorded something in the
   * interval or has operations in flight; series never touched, or idle with
   * nothing in flight, are left out. Histograms with no values are left out.
   *
   * `sequence` defaults to 0, 1, 2 ... per call. A worker whose timer may skip a
   * boundary should pass the interval's own number (for example
   * `Math.round(startUs / intervalUs)`), since the coordinator merges workers'
   * snapshots by sequence.
   */
  takeSnapshot(workerIndex: number, startUs: number, endUs: number, sequence = this.#nextSequence): IntervalSnapshot {
    this.#nextSequence = sequence + 1;
    const series: SeriesSnapshot[] = [];
    for (const state of this.#series.values()) {
      if (state.touched || state.inFlight > 0) series.push(snapshotOf(state));
      resetInterval(state);
    }
    return { workerIndex, sequence, startUs, endUs, series };
  }

  #seriesFor(scenario: string, operation: string): SeriesState {
    // NUL cannot appear in a profile's scenario or operation names.
    const key = `${scenario}\u0000${operation}`;
    let series = this.#series.get(key);
    if (series === undefined) {
      series = {
        scenario,
        operation,
        outcomes: new Map(),
        reasons: new SeriesReasons(),
        dropped: 0,
        bytesSent: 0,
        bytesReceived: 0,
        requests: 0,
        matches: undefined,
        instancesRetrieved: undefined,
        inFlight: 0,
        touched: false,
        histograms: new Map(),
      };
      this.#series.set(key, series);
    }
    return series;
  }

  #histogram(series: SeriesState, name: HistogramName): Histogram {
    let histogram = series.histograms.get(name);
    if (histogram === undefined) {
      histogram = newHistogram();
      series.histograms.set(name, histogram);
    }
    return histogram;
  }
}

function snapshotOf(state: SeriesState): SeriesSnapshot {
  const histograms: EncodedHistograms = {};
  for (const [name, histogram] of state.histograms) {
    if (histogram.totalCount > 0) histograms[name] = encodeHistogram(histogram);
  }
  const snapshot: SeriesSnapshot = {
    scenario: state.scenario,
    operation: state.operation,
    outcomes: Object.fromEntries(state.outcomes),
    dropped: state.dropped,
    bytesSent: state.bytesSent,
    bytesReceived: state.bytesReceived,
    requests: state.requests,
    inFlight: state.inFlight,
    histograms,
  };
  if (state.matches !== undefined) snapshot.matches = state.matches;
  if (state.instancesRetrieved !== undefined) snapshot.instancesRetrieved = state.instancesRetrieved;
  const reasons = state.reasons.toData();
  if (reasons !== undefined) snapshot.reasons = reasons;
  return snapshot;
}

function resetInterval(state: SeriesState): void {
  state.outcomes.clear();
  state.reasons.clear();
  state.dropped = 0;
  state.bytesSent = 0;
  state.bytesReceived = 0;
  state.requests = 0;
  state.matches = undefined;
  state.instancesRetrieved = undefined;
  state.touched = false;
  for (const histogram of state.histograms.values()) {
    if (histogram.totalCount > 0) histogram.reset();
  }
}

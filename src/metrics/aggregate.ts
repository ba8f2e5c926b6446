/**
 * The coordinator side of measurement (docs/architecture.md section 3, point 4): merges the
 * workers' interval snapshots as they arrive, with no lockstep between workers.
 *
 * Two views are kept:
 * - the run so far, per series: counters summed and histograms added exactly,
 *   whatever order snapshots arrive in (`operationSummaries`);
 * - the time series, per interval and series (`intervalPoints`, and the live
 *   console line). An interval's histograms are held only until every worker has
 *   reported it, then reduced to `IntervalPoint`s and released, so memory does
 *   not grow with the number of samples.
 *
 * Interval k is complete when every worker has reported k, or has reported a
 * later interval (a worker sends its snapshots in order, so it will not send k
 * any more), or has been declared done with `workerDone`.
 *
 * Contract: called from the coordinator's thread only, never concurrently.
 */
import { PacsLoadError } from '../errors.js';
import { HISTOGRAM_NAMES, isSuccessKey, type HistogramName } from './names.js';
import { decodeHistogram, encodeHistogram, latencyStats, newHistogram, type Histogram } from './histogram.js';
import { compareSeries, SeriesAccumulator } from './series-accumulator.js';
import { addRetrieved } from './retrieved.js';
import type {
  EncodedHistograms,
  IntervalPoint,
  IntervalReport,
  IntervalSnapshot,
  LiveStatus,
  OperationSummary,
  SeriesSnapshot,
} from './types.js';

export interface RunAggregatorOptions {
  /**
   * Called once per interval when it completes, in sequence order, with the
   * interval's histograms merged across workers and encoded (outputs such as
   * InfluxDB store them). Without a listener nothing is encoded.
   */
  onIntervalComplete?: (report: IntervalReport) => void;
}

/** One interval merged across workers. */
export interface IntervalView {
  sequence: number;
  startUs: number;
  endUs: number;
  /** Every worker has reported this interval (or a later one, or is done). */
  complete: boolean;
  /** The live console line's figures for this interval. */
  status: LiveStatus;
  /** One point per series active in the interval, sorted by scenario then operation. */
  points: IntervalPoint[];
}

interface IntervalSeries {
  point: IntervalPoint;
  /** Response histogram of the interval; released when the interval completes. */
  response: Histogram | undefined;
  /** The interval's other histograms, kept only for an `onIntervalComplete` listener; released with `response`. */
  others: Partial<Record<HistogramName, Histogram>>;
}

interface IntervalState {
  sequence: number;
  startUs: number;
  endUs: number;
  reportedWorkers: Set<number>;
  series: Map<string, IntervalSeries>;
  /** Set once complete: the reduced view, histograms released. */
  view: IntervalView | undefined;
}

interface RunSeries {
  accumulator: SeriesAccumulator;
  firstStartUs: number;
  lastEndUs: number;
}

interface WorkerState {
  latestSequence: number;
  /** In-flight gauges summed over the series of the worker's latest snapshot. */
  latestInFlight: number;
  done: boolean;
}

export class RunAggregator {
  readonly #workerCount: number;
  readonly #workers: WorkerState[];
  readonly #intervals = new Map<number, IntervalState>();
  /** Intervals not complete yet, the only ones holding histograms. */
  readonly #pending = new Map<number, IntervalState>();
  #latestSequence = -1;
  readonly #runSeries = new Map<string, RunSeries>();
  /** Sequences whose views are built, ascending. */
  readonly #completeSequences: number[] = [];
  #failedTotal = 0;
  #droppedTotal = 0;
  readonly #onIntervalComplete: ((report: IntervalReport) => void) | undefined;

  /** `workerCount`: the number of workers whose snapshots make an interval complete. */
  constructor(workerCount: number, options: RunAggregatorOptions = {}) {
    if (!Number.isInteger(workerCount) || workerCount < 1) {
      throw new PacsLoadError('ERR_INTERNAL', `RunAggregator needs at least one worker, got ${workerCount}.`, {
        hint: 'This is a bug in pacs-load; please report it with the profile and the command you ran.',
      });
    }
    this.#workerCount = workerCount;
    this.#onIntervalComplete = options.onIntervalComplete;
    this.#workers = Array.from({ length: workerCount }, () => ({ latestSequence: -1, latestInFlight: 0, done: false }));
  }

  /**
   * Merges one worker's interval snapshot. Snapshots of different workers may
   * arrive in any order. A second snapshot for the same worker and sequence is a
   * bug and throws ERR_INTERNAL (it would count operations twice).
   */
  add(snapshot: IntervalSnapshot): void {
    const worker = this.#workers[snapshot.workerIndex];
    if (worker === undefined) throw internal(`snapshot from unknown worker ${snapshot.workerIndex}`);
    let interval = this.#intervals.get(snapshot.sequence);
    if (interval?.reportedWorkers.has(snapshot.workerIndex) === true) {
      throw internal(`worker ${snapshot.workerIndex} sent interval ${snapshot.sequence} twice`);
    }
    if (interval === undefined) {
      interval = {
        sequence: snapshot.sequence,
        startUs: snapshot.startUs,
        endUs: snapshot.endUs,
        reportedWorkers: new Set(),
        series: new Map(),
        view: undefined,
      };
      this.#intervals.set(snapshot.sequence, interval);
      this.#pending.set(snapshot.sequence, interval);
      this.#latestSequence = Math.max(this.#latestSequence, snapshot.sequence);
    }
    interval.reportedWorkers.add(snapshot.workerIndex);
    interval.startUs = Math.min(interval.startUs, snapshot.startUs);
    interval.endUs = Math.max(interval.endUs, snapshot.endUs);

    if (snapshot.sequence > worker.latestSequence) {
      worker.latestSequence = snapshot.sequence;
      worker.latestInFlight = snapshot.series.reduce((sum, series) => sum + series.inFlight, 0);
    }
    for (const series of snapshot.series) this.#addSeries(interval, snapshot, series);
    this.#completeIntervals();
  }

  /** Declares that a worker will send no more snapshots, so later intervals need not wait for it. */
  workerDone(workerIndex: number): void {
    const worker = this.#workers[workerIndex];
    if (worker === undefined) throw internal(`done from unknown worker ${workerIndex}`);
    worker.done = true;
    this.#completeIntervals();
  }

  /** The latest interval every worker has reported (see the file comment), or undefined before the first. */
  latestCompleteInterval(): IntervalView | undefined {
    const sequence = this.#completeSequences.at(-1);
    return sequence === undefined ? undefined : this.#intervals.get(sequence)?.view;
  }

  /** The latest interval any worker has reported, complete or not (best effort, for a prompt live line). */
  latestInterval(): IntervalView | undefined {
    const latest = this.#intervals.get(this.#latestSequence);
    if (latest === undefined) return undefined;
    return latest.view ?? this.#viewOf(latest, false, mergedResponseP95(latest));
  }

  /** The live line's figures for the latest complete interval, or undefined before the first. */
  liveTotals(): LiveStatus | undefined {
    return this.latestCompleteInterval()?.status;
  }

  /** The time series of complete intervals, in time order. */
  intervalPoints(): IntervalPoint[] {
    return this.#completeSequences.flatMap((sequence) => this.#intervals.get(sequence)?.view?.points ?? []);
  }

  /**
   * The time series of every interval reported so far, incomplete ones included
   * (for the summary at the end of a run in which a worker stopped reporting).
   */
  allIntervalPoints(): IntervalPoint[] {
    return [...this.#intervals.values()]
      .sort((a, b) => a.sequence - b.sequence)
      .flatMap((interval) => (interval.view ?? this.#viewOf(interval, false, mergedResponseP95(interval))).points);
  }

  /**
   * The exact merge of every snapshot so far, one summary per series, sorted by
   * scenario then operation. A series' `activeSeconds` spans from the start of
   * the first interval it appears in (it recorded something or had operations in
   * flight) to the end of the last one; `ratePerSec = completed / activeSeconds`.
   */
  operationSummaries(): OperationSummary[] {
    return [...this.#runSeries.values()]
      .sort((a, b) => compareSeries(a.accumulator, b.accumulator))
      .map(({ accumulator, firstStartUs, lastEndUs }) => accumulator.toSummary((lastEndUs - firstStartUs) / 1_000_000));
  }

  #addSeries(interval: IntervalState, snapshot: IntervalSnapshot, series: SeriesSnapshot): void {
    const key = seriesKey(series.scenario, series.operation);
    let run = this.#runSeries.get(key);
    if (run === undefined) {
      run = {
        accumulator: new SeriesAccumulator(series.scenario, series.operation),
        firstStartUs: snapshot.startUs,
        lastEndUs: snapshot.endUs,
      };
      this.#runSeries.set(key, run);
    }
    run.firstStartUs = Math.min(run.firstStartUs, snapshot.startUs);
    run.lastEndUs = Math.max(run.lastEndUs, snapshot.endUs);
    run.accumulator.addCounters(series);

    const { completed, failed } = countOutcomes(series.outcomes);
    this.#failedTotal += failed;
    this.#droppedTotal += series.dropped;

    let intervalSeries = interval.series.get(key);
    if (intervalSeries === undefined) {
      intervalSeries = {
        point: {
          scenario: series.scenario,
          operation: series.operation,
          startUs: interval.startUs,
          endUs: interval.endUs,
          completed: 0,
          failed: 0,
          outcomes: {},
          dropped: 0,
          inFlight: 0,
          bytesSent: 0,
          bytesReceived: 0,
          response: undefined,
        },
        response: undefined,
        others: {},
      };
      interval.series.set(key, intervalSeries);
    }
    const point = intervalSeries.point;
    point.completed += completed;
    point.failed += failed;
    for (const [outcome, count] of Object.entries(series.outcomes)) {
      point.outcomes[outcome] = (point.outcomes[outcome] ?? 0) + count;
    }
    point.dropped += series.dropped;
    point.inFlight += series.inFlight;
    point.bytesSent += series.bytesSent;
    point.bytesReceived += series.bytesReceived;
    addRetrieved(point, series);

    for (const name of HISTOGRAM_NAMES) {
      const encoded = series.histograms[name];
      if (encoded === undefined) continue;
      // Decode once; the same histogram feeds the run total and the interval.
      const histogram = decodeHistogram(encoded);
      run.accumulator.addHistogram(name, histogram);
      if (interval.view !== undefined) continue;
      if (name === 'response') {
        intervalSeries.response ??= newHistogram();
        intervalSeries.response.add(histogram);
      } else if (this.#onIntervalComplete !== undefined) {
        (intervalSeries.others[name] ??= newHistogram()).add(histogram);
      }
    }
    if (interval.view !== undefined) {
      // Only if a worker sent out of order: the interval was already reduced, so
      // its counters are updated but its percentiles keep what was known. The
      // run totals above stay exact either way.
      interval.view = this.#viewOf(interval, true, interval.view.status.p95Us);
    }
  }

  #completeIntervals(): void {
    const pending = [...this.#pending.values()].sort((a, b) => a.sequence - b.sequence);
    for (const interval of pending) {
      if (!this.#isComplete(interval)) return;
      // Reduce to stats and release the histograms: memory stays flat. Each
      // series' percentiles are computed once, and the histograms encoded once
      // for the outputs that want them (InfluxDB keeps them for exact merges).
      const p95Us = mergedResponseP95(interval);
      for (const series of interval.series.values()) {
        if (series.response !== undefined) series.point.response = latencyStats(series.response);
      }
      const histogramsByKey = this.#onIntervalComplete === undefined ? undefined : encodedHistogramsOf(interval);
      for (const series of interval.series.values()) {
        series.response = undefined;
        series.others = {};
      }
      const view = this.#viewOf(interval, true, p95Us);
      interval.view = view;
      if (histogramsByKey !== undefined) {
        this.#onIntervalComplete?.({
          sequence: view.sequence,
          startUs: view.startUs,
          endUs: view.endUs,
          status: view.status,
          series: view.points.map((point) => ({ point, histograms: histogramsByKey.get(seriesKey(point.scenario, point.operation)) ?? {} })),
        });
      }
      this.#pending.delete(interval.sequence);
      this.#completeSequences.push(interval.sequence);
      // Only an interval first seen after a later one completed (out of order) lands here out of order.
      if ((this.#completeSequences.at(-2) ?? -1) > interval.sequence) this.#completeSequences.sort((x, y) => x - y);
    }
  }

  #isComplete(interval: IntervalState): boolean {
    for (let index = 0; index < this.#workerCount; index++) {
      const worker = this.#workers[index];
      if (worker === undefined) return false;
      const reported = interval.reportedWorkers.has(index) || worker.latestSequence > interval.sequence || worker.done;
      if (!reported) return false;
    }
    return true;
  }

  #viewOf(interval: IntervalState, complete: boolean, p95Us: number | undefined): IntervalView {
    let completed = 0;
    let failed = 0;
    const points = [...interval.series.values()]
      .map(({ point, response }) => {
        completed += point.completed;
        failed += point.failed;
        // Without a live response histogram (a reduced interval's are released) the
        // point is returned as it is, not copied: a long run keeps one per series and second.
        return response === undefined ? point : { ...point, response: latencyStats(response) };
      })
      .sort(compareSeries);
    const intervalSeconds = (interval.endUs - interval.startUs) / 1_000_000;
    const status: LiveStatus = {
      elapsedUs: interval.endUs,
      opsPerSec: intervalSeconds > 0 ? completed / intervalSeconds : 0,
      p95Us,
      errors: failed,
      errorsTotal: this.#failedTotal,
      inFlight: this.#workers.reduce((sum, worker) => sum + worker.latestInFlight, 0),
      droppedTotal: this.#droppedTotal,
    };
    return { sequence: interval.sequence, startUs: interval.startUs, endUs: interval.endUs, complete, status, points };
  }
}

/** Response p95 of an interval across all its series, undefined when nothing completed. */
function mergedResponseP95(interval: IntervalState): number | undefined {
  const all = newHistogram();
  for (const series of interval.series.values()) if (series.response !== undefined) all.add(series.response);
  return all.totalCount > 0 ? all.getValueAtPercentile(95) : undefined;
}

function countOutcomes(outcomes: Record<string, number>): { completed: number; failed: number } {
  let completed = 0;
  let failed = 0;
  for (const [key, count] of Object.entries(outcomes)) {
    completed += count;
    if (!isSuccessKey(key)) failed += count;
  }
  return { completed, failed };
}

function seriesKey(scenario: string, operation: string): string {
  return `${scenario}\u0000${operation}`;
}

function internal(message: string): PacsLoadError {
  return new PacsLoadError('ERR_INTERNAL', `Metrics merge: ${message}.`, {
    hint: 'This is a bug in pacs-load; please report it with the profile and the command you ran.',
  });
}

/** Every series' histograms of an interval, encoded, by series key (before they are released). */
function encodedHistogramsOf(interval: IntervalState): Map<string, EncodedHistograms> {
  const histogramsByKey = new Map<string, EncodedHistograms>();
  for (const [key, series] of interval.series) {
    const encoded: EncodedHistograms = {};
    if (series.response !== undefined) encoded.response = encodeHistogram(series.response);
    for (const name of HISTOGRAM_NAMES) {
      const histogram = series.others[name];
      if (histogram !== undefined) encoded[name] = encodeHistogram(histogram);
    }
    histogramsByKey.set(key, encoded);
  }
  return histogramsByKey;
}

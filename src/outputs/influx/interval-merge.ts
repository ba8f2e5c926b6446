/**
 * `--influx-interval` longer than the snapshot interval: merges that many
 * consecutive interval reports into one point per series, exactly: counters
 * are summed, histograms are added bucket by bucket (docs/architecture.md section 3, point
 * 4), and the in-flight gauge is the one at the end of the merged interval.
 */
import { HISTOGRAM_NAMES } from '../../metrics/names.js';
import { addEncoded, encodeHistogram, newHistogram, type Histogram } from '../../metrics/histogram.js';
import type { EncodedHistograms, IntervalPoint, IntervalReport, IntervalSeriesReport } from '../../metrics/types.js';
import type { HistogramName } from '../../metrics/names.js';
import { addRetrieved } from '../../metrics/retrieved.js';

interface SeriesAccumulator {
  point: IntervalPoint;
  histograms: Partial<Record<HistogramName, Histogram>>;
}

/**
 * Groups reports `factor` at a time. With factor 1 every report passes through
 * untouched (no decoding, no copy).
 */
export class IntervalMerger {
  readonly factor: number;
  #first: IntervalReport | undefined;
  #last: IntervalReport | undefined;
  #count = 0;
  #series = new Map<string, SeriesAccumulator>();

  /** `factor`: how many snapshot intervals make one written interval (a whole number >= 1). */
  constructor(factor: number) {
    if (!Number.isInteger(factor) || factor < 1) throw new RangeError(`IntervalMerger factor must be a whole number >= 1, not ${factor}`);
    this.factor = factor;
  }

  /** Adds a report; returns the merged report once `factor` reports are in, else undefined. */
  add(report: IntervalReport): IntervalReport | undefined {
    if (this.factor === 1) return report;
    this.#first ??= report;
    this.#last = report;
    this.#count++;
    const present = new Set<string>();
    for (const series of report.series) {
      const key = `${series.point.scenario}\u0000${series.point.operation}`;
      present.add(key);
      const accumulator = this.#series.get(key);
      if (accumulator === undefined) this.#series.set(key, { point: clonePoint(series.point), histograms: {} });
      else addPoint(accumulator.point, series.point);
      addHistograms((this.#series.get(key) as SeriesAccumulator).histograms, series.histograms);
    }
    // The gauge is the value at the end of the merged interval: a series missing
    // from the latest report has nothing in flight.
    for (const [key, accumulator] of this.#series) if (!present.has(key)) accumulator.point.inFlight = 0;
    return this.#count >= this.factor ? this.flush() : undefined;
  }

  /** The merge of the reports added since the last merged report (a shorter last interval), or undefined if none. */
  flush(): IntervalReport | undefined {
    const first = this.#first;
    const last = this.#last;
    if (first === undefined || last === undefined) return undefined;
    const series: IntervalSeriesReport[] = [...this.#series.values()].map(({ point, histograms }) => {
      const encoded: EncodedHistograms = {};
      for (const name of HISTOGRAM_NAMES) {
        const histogram = histograms[name];
        if (histogram !== undefined) encoded[name] = encodeHistogram(histogram);
      }
      return { point: { ...point, startUs: first.startUs, endUs: last.endUs, response: undefined }, histograms: encoded };
    });
    this.#first = undefined;
    this.#last = undefined;
    this.#count = 0;
    this.#series = new Map();
    return { sequence: last.sequence, startUs: first.startUs, endUs: last.endUs, status: last.status, series };
  }
}

function clonePoint(point: IntervalPoint): IntervalPoint {
  return { ...point, outcomes: { ...point.outcomes } };
}

function addPoint(target: IntervalPoint, point: IntervalPoint): void {
  target.completed += point.completed;
  target.failed += point.failed;
  for (const [outcome, count] of Object.entries(point.outcomes)) target.outcomes[outcome] = (target.outcomes[outcome] ?? 0) + count;
  target.dropped += point.dropped;
  target.inFlight = point.inFlight;
  target.bytesSent += point.bytesSent;
  target.bytesReceived += point.bytesReceived;
  addRetrieved(target, point);
}

function addHistograms(target: Partial<Record<HistogramName, Histogram>>, encoded: EncodedHistograms): void {
  for (const name of HISTOGRAM_NAMES) {
    const text = encoded[name];
    if (text === undefined) continue;
    addEncoded((target[name] ??= newHistogram()), text);
  }
}

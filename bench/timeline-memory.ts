/**
 * Memory the coordinator keeps per second of a run: the summary's timeline
 * (one point per series and interval, src/metrics/aggregate.ts) is the one
 * structure that grows with the run's length. Feeds a RunAggregator the
 * snapshots of a run of `--seconds` (default 3600) with 2 workers and 5
 * series, and prints the heap it keeps per interval and per hour.
 *
 *   npm run bench:timeline-memory [-- --seconds 3600]
 */
import { RunAggregator } from '../src/metrics/aggregate.js';
import { encodeHistogram, newHistogram } from '../src/metrics/histogram.js';

const SERIES = ['mwl.find', 'qido.studies', 'wado.frames', 'dimse.store', 'mpps.inProgress'];
const WORKERS = 2;

function heapUsedAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with node --expose-gc (npm run bench:timeline-memory does)');
  gc();
  return process.memoryUsage().heapUsed;
}

function main(): void {
  const secondsIndex = process.argv.indexOf('--seconds');
  const seconds = secondsIndex < 0 ? 3600 : Number(process.argv[secondsIndex + 1]);
  if (!Number.isInteger(seconds) || seconds < 1) throw new Error('--seconds wants a whole number of seconds, e.g. --seconds 3600');
  const histogram = newHistogram();
  for (let index = 0; index < 50; index++) histogram.recordValue(1_000 + index * 37);
  const encoded = encodeHistogram(histogram);
  const aggregator = new RunAggregator(WORKERS);
  const beforeBytes = heapUsedAfterGc();
  for (let sequence = 0; sequence < seconds; sequence++) {
    for (let workerIndex = 0; workerIndex < WORKERS; workerIndex++) {
      aggregator.add({
        workerIndex,
        sequence,
        startUs: sequence * 1_000_000,
        endUs: (sequence + 1) * 1_000_000,
        series: SERIES.map((operation) => ({
          scenario: operation,
          operation,
          outcomes: { ok: 10, aborted: 1 },
          dropped: 0,
          bytesSent: 100,
          bytesReceived: 1_000,
          requests: 11,
          inFlight: 1,
          histograms: { response: encoded, service: encoded, lag: encoded },
        })),
      });
    }
  }
  const keptBytes = heapUsedAfterGc() - beforeBytes;
  const points = aggregator.intervalPoints().length;
  console.log(`${seconds} intervals x ${SERIES.length} series (${points} points), ${WORKERS} workers`);
  console.log(`kept: ${Math.round(keptBytes / seconds)} bytes per interval, ${Math.round(keptBytes / points)} per point, ${((keptBytes / seconds) * 3600 / 2 ** 20).toFixed(1)} MiB per hour`);
}

main();

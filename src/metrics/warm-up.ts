/**
 * JIT warm-up of the measurement code itself: recording, snapshot encoding,
 * decoding and merging. Cold, the first snapshot of a thread takes tens of
 * milliseconds, which stalls that thread's event loop once during the first
 * seconds of a run (a worker's, or the coordinator's that also hosts an
 * embedded simulator). Run once per thread before time zero.
 */
import { RunAggregator } from './aggregate.js';
import { MetricsRecorder } from './recorder.js';

const ROUNDS = 30;
const SAMPLES_PER_ROUND = 200;

export function warmUpMetrics(): void {
  const recorder = new MetricsRecorder();
  const aggregator = new RunAggregator(1);
  for (let round = 0; round < ROUNDS; round++) {
    for (let sample = 0; sample < SAMPLES_PER_ROUND; sample++) {
      const valueUs = 100 + ((sample * 7919 + round * 104_729) % 2_000_000);
      recorder.record('warm-up', 'dimse.echo', {
        outcomeKey: sample % 50 === 0 ? 'timeout' : 'ok',
        responseUs: valueUs,
        serviceUs: valueUs >> 1,
        lagUs: sample,
        setupUs: valueUs >> 2,
        ttfbUs: valueUs >> 3,
        bytesSent: 100,
        bytesReceived: 200,
      });
    }
    aggregator.add(recorder.takeSnapshot(0, round * 1_000_000, (round + 1) * 1_000_000, round));
    aggregator.latestCompleteInterval();
  }
  aggregator.workerDone(0);
  aggregator.operationSummaries();
}

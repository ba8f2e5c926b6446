/**
 * A summary built the way a run builds it: samples recorded by MetricsRecorder
 * in two workers, merged by the real RunAggregator, summarised by
 * buildSummary, so the histograms are real encoded HDR histograms and the
 * intervals real points. Three series: a busy worklist, a QIDO series with
 * some HTTP errors, and a C-STORE series where everything failed. Scenario
 * and profile names carry HTML and XML specials to test escaping.
 */
import { RunAggregator } from '../../../../src/metrics/aggregate.js';
import { MetricsRecorder, type OperationSample } from '../../../../src/metrics/recorder.js';
import { buildSummary } from '../../../../src/metrics/summary.js';
import type { RunSummary, ThresholdResult } from '../../../../src/metrics/types.js';

const SECOND_US = 1_000_000;
export const INTERVALS = 6;
const WORKERS = 2;

/** A scenario name no report may print raw. */
export const HOSTILE_SCENARIO = 'night<script>alert("x")</script>&\'';
export const HOSTILE_PROFILE = 'peak </title><img src=x onerror=alert(1)> & "co"';

function sample(outcomeKey: string, serviceUs: number, lagUs: number, extra: Partial<OperationSample> = {}): OperationSample {
  return { outcomeKey, responseUs: serviceUs + lagUs, serviceUs, lagUs, bytesSent: 600, bytesReceived: 48_000, ...extra };
}

/** Deterministic pseudo-random numbers (the fixture must not change between runs). */
function sequence(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

export interface MeasuredSummaryOptions {
  thresholds?: ThresholdResult[];
}

export function measuredSummary(options: MeasuredSummaryOptions = {}): RunSummary {
  const random = sequence(7);
  const aggregator = new RunAggregator(WORKERS);
  for (let interval = 0; interval < INTERVALS; interval++) {
    for (let worker = 0; worker < WORKERS; worker++) {
      const recorder = new MetricsRecorder();
      for (let index = 0; index < 200; index++) {
        // A slow tail and, in the fourth second, queueing: lag grows.
        const serviceUs = 800 + Math.floor(random() * 1_500) + (random() < 0.02 ? 40_000 : 0);
        const lagUs = interval === 3 ? Math.floor(random() * 20_000) : Math.floor(random() * 100);
        recorder.record('worklist', 'mwl.find', sample('ok', serviceUs, lagUs, { setupUs: 300 + Math.floor(random() * 200) }));
      }
      for (let index = 0; index < 20; index++) {
        const outcome = random() < 0.1 ? 'http_503' : 'ok';
        recorder.record(HOSTILE_SCENARIO, 'qido.studies', sample(outcome, 9_000 + Math.floor(random() * 30_000), 50, { ttfbUs: 7_000 }));
      }
      for (let index = 0; index < 5; index++) {
        recorder.record('store', 'dimse.store', sample(index % 2 === 0 ? 'dimse_failure_a700' : 'association_rejected_1_1_3', 2_000, 10));
      }
      if (interval === 5) recorder.recordDropped('store', 'dimse.store', 3);
      recorder.setInFlight('worklist', 'mwl.find', 4);
      aggregator.add(recorder.takeSnapshot(worker, interval * SECOND_US, (interval + 1) * SECOND_US, interval));
    }
  }
  for (let worker = 0; worker < WORKERS; worker++) aggregator.workerDone(worker);
  const thresholds: ThresholdResult[] = options.thresholds ?? [
    { subject: 'mwl.find', expression: 'p95 < 500ms', measured: 3_100, limit: 500_000, passed: true, detail: 'p95 = 3.1 ms (limit < 500 ms)' },
    { subject: 'qido.studies', expression: 'errors < 0.1% & "rate" > 1/s', measured: 0.1, limit: 0.001, passed: false, detail: 'errors = 10% (limit < 0.1%) <b>' },
  ];
  return buildSummary({
    run: {
      id: 'run-measured-1',
      profile: HOSTILE_PROFILE,
      startedAt: '2026-11-28T06:00:00.000Z',
      endedAt: '2026-11-28T06:00:06.000Z',
      durationSeconds: INTERVALS,
      workers: WORKERS,
      endReason: 'completed',
      tool: { name: 'pacs-load', version: '0.1.0', node: 'v20.19.0' },
      target: 'embedded simulator: DIMSE PACS@127.0.0.1:11112',
      environment: { hostname: 'loadgen-1', platform: 'linux', arch: 'x64', cpus: 2, cpuModel: 'Test CPU <fast>', memoryBytes: 8e9 },
      profileSource: `name: ${HOSTILE_PROFILE}\nscenarios:\n  worklist: # </pre><script>alert(2)</script>\n    operation: mwl.find\n`,
    },
    aggregator,
    thresholds,
  });
}

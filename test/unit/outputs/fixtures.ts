/**
 * Hand-built, realistic run data for the output tests: a 60 s run with a
 * worklist scenario (DIMSE, with association setup) and a QIDO scenario
 * (DICOMweb, with time to first byte). Histogram strings are left empty: the
 * outputs print the precomputed latency stats, never decode histograms.
 */
import type { LatencyStats, IntervalReport, LiveStatus, OperationSummary, RunSummary } from '../../../src/metrics/types.js';
import type { RunStartInfo } from '../../../src/outputs/types.js';

/** Latency stats from a few percentiles, in integer microseconds. */
export function latency(count: number, p50Us: number, p90Us: number, p95Us: number, p99Us: number, maxUs: number): LatencyStats {
  return { count, minUs: Math.round(p50Us / 3), meanUs: Math.round(p50Us * 1.2), p50Us, p90Us, p95Us, p99Us, p999Us: Math.round((p99Us + maxUs) / 2), maxUs };
}

export const worklistSummary: OperationSummary = {
  scenario: 'modality-worklist',
  operation: 'mwl.find',
  completed: 119_040,
  succeeded: 119_025,
  failed: 15,
  dropped: 2,
  ratePerSec: 1_984,
  errorRate: 17 / 119_042,
  droppedRate: 2 / 119_042,
  outcomes: { ok: 119_025, dimse_failure_a700: 12, association_rejected_2_3_2: 3 },
  bytesSent: 60_000_000,
  bytesReceived: 240_000_000,
  activeSeconds: 60,
  latency: {
    response: latency(119_040, 1_850, 2_700, 3_100, 6_400, 48_210),
    service: latency(119_040, 1_700, 2_300, 2_600, 4_900, 41_000),
    lag: latency(119_040, 90, 300, 480, 1_400, 7_200),
    setup: latency(119_040, 420, 610, 700, 1_100, 9_800),
  },
  histograms: { response: '', service: '', lag: '', setup: '' },
};

export const qidoSummary: OperationSummary = {
  scenario: 'viewer-search',
  operation: 'qido.studies',
  completed: 3_000,
  succeeded: 2_994,
  failed: 6,
  dropped: 0,
  ratePerSec: 50,
  errorRate: 6 / 3_000,
  droppedRate: 0,
  outcomes: { ok: 2_994, http_503: 4, timeout: 2 },
  bytesSent: 1_500_000,
  bytesReceived: 90_000_000,
  activeSeconds: 60,
  latency: {
    response: latency(3_000, 12_300, 40_100, 61_200, 250_000, 1_520_000),
    service: latency(3_000, 12_100, 39_000, 58_000, 240_000, 1_500_000),
    lag: latency(3_000, 50, 150, 210, 900, 4_000),
    ttfb: latency(3_000, 9_000, 30_000, 45_000, 200_000, 1_400_000),
  },
  histograms: { response: '', service: '', lag: '', ttfb: '' },
};

export function buildSummary(overrides: Partial<RunSummary> = {}): RunSummary {
  return {
    schema: 'pacs-load/summary',
    version: 1,
    run: {
      id: 'run-20240601-0800-a1b2',
      profile: 'community-hospital-morning-peak',
      startedAt: '2024-06-01T08:00:00.000Z',
      endedAt: '2024-06-01T08:01:00.000Z',
      durationSeconds: 60,
      workers: 4,
      endReason: 'completed',
      tool: { name: 'pacs-load', version: '0.1.0', node: 'v20.19.0' },
      target: 'dimse ORTHANC@127.0.0.1:4242, dicomweb http://127.0.0.1:8042/dicom-web',
    },
    operations: [worklistSummary, qidoSummary],
    thresholds: [
      { subject: 'mwl.find', expression: 'p95 < 500ms', measured: 3_100, limit: 500_000, passed: true, detail: 'p95 = 3.1 ms (limit < 500 ms)' },
      { subject: 'mwl.find', expression: 'errors < 0.1%', measured: 17 / 119_042, limit: 0.001, passed: true, detail: 'errors = 0.01428% (limit < 0.1%)' },
      { subject: 'qido.studies', expression: 'p90 < 2s', measured: 40_100, limit: 2_000_000, passed: true, detail: 'p90 = 40.1 ms (limit < 2 s)' },
      { subject: 'qido.studies', expression: 'errors < 0.1%', measured: 0.002, limit: 0.001, passed: false, detail: 'errors = 0.2% (limit < 0.1%)' },
    ],
    intervals: [],
    ...overrides,
  };
}

export const startInfo: RunStartInfo = {
  runId: 'run-20240601-0800-a1b2',
  profile: 'community-hospital-morning-peak',
  scenarioLines: [
    'modality-worklist: mwl.find, constant-arrival-rate 2000/s for 1m, maxInFlight 200',
    'viewer-search: qido.studies, constant-arrival-rate 50/s for 1m',
  ],
  target: 'dimse ORTHANC@127.0.0.1:4242, dicomweb http://127.0.0.1:8042/dicom-web',
  workers: 4,
};

export const liveStatus: LiveStatus = {
  elapsedUs: 12_000_000,
  opsPerSec: 1_984,
  p95Us: 3_100,
  errors: 0,
  errorsTotal: 0,
  inFlight: 4,
  droppedTotal: 0,
};

/** An interval as outputs receive it, with no series (the console needs only the status). */
export function intervalReport(status: LiveStatus = liveStatus): IntervalReport {
  return { sequence: Math.round(status.elapsedUs / 1_000_000) - 1, startUs: status.elapsedUs - 1_000_000, endUs: status.elapsedUs, status, series: [] };
}

/** A TextSink that keeps everything written, for assertions. */
export function collector(): { write: (text: string) => void; text: () => string } {
  const chunks: string[] = [];
  return { write: (text) => void chunks.push(text), text: () => chunks.join('') };
}

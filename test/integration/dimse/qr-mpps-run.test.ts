/**
 * MPPS and Q/R through the whole engine: real worker threads (the built
 * dist/workers/load-worker.js) against the embedded simulator. A modality's
 * chain (MPPS in progress, then completed) and a prior lookup with retrieves
 * by C-MOVE (to each worker's own store SCP) and C-GET all succeed.
 */
import { describe, expect, it } from 'vitest';
import { runLoad } from '../../../src/coordinator/run-load.js';
import type { OperationSummary } from '../../../src/metrics/types.js';
import { parseProfileText } from '../../../src/profile/load.js';
import { WORKER_PATH } from '../../helpers/cli.js';

describe('MPPS and Q/R in a run with two workers', () => {
  it('runs the chain and the retrieves without a failure', async () => {
    const profile = parseProfileText(
      `
name: mpps-qr
seed: 5
scenarios:
  started: { operation: mpps.inProgress, executor: constant-arrival-rate, rate: 5/s, duration: 2s, stations: 4, modality: CR }
  finished: { operation: mpps.completed, executor: constant-arrival-rate, rate: 5/s, duration: 2s, startAfter: 500ms, stations: 4, modality: CR }
  priors: { operation: qr.find, executor: constant-arrival-rate, rate: 5/s, duration: 2s, level: series, patients: 20 }
  prefetch: { operation: qr.move, executor: constant-arrival-rate, rate: 5/s, duration: 2s, patients: 20 }
  viewer: { operation: qr.get, executor: constant-arrival-rate, rate: 5/s, duration: 2s, patients: 20 }
`,
      'mpps-qr.yaml',
    );
    const { summary } = await runLoad({ profile, workers: 2, outputs: [], env: {}, workerFilename: WORKER_PATH });
    const byScenario = new Map<string, OperationSummary>(summary.operations.map((operation) => [operation.scenario, operation]));
    for (const scenario of ['started', 'finished', 'priors', 'prefetch', 'viewer']) {
      const operation = byScenario.get(scenario);
      expect(operation, scenario).toBeDefined();
      expect(operation?.completed, scenario).toBe(10);
      expect(operation?.outcomes, scenario).toEqual({ ok: 10 });
      expect(operation?.bytesReceived, scenario).toBeGreaterThan(0);
    }
  }, 60_000);
});

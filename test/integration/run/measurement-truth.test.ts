/**
 * docs/architecture.md section 3 (rule): the numbers are true. These tests run real worker
 * threads against the embedded simulator on 127.0.0.1 and check the measured
 * latencies against what the simulator was told to do.
 */
import { describe, expect, it } from 'vitest';
import { runLoad } from '../../../src/coordinator/run-load.js';
import type { OperationSummary, RunSummary } from '../../../src/metrics/types.js';
import { parseProfileText } from '../../../src/profile/load.js';
import { startSimulator } from '../../../src/simulator/index.js';
import type { Output } from '../../../src/outputs/types.js';
import { WORKER_PATH } from '../../helpers/cli.js';

const MS = 1000;

async function run(profileText: string, workers = 2): Promise<RunSummary> {
  const profile = parseProfileText(profileText, 'test.yaml');
  const { summary } = await runLoad({ profile, workers, outputs: [], env: {}, workerFilename: WORKER_PATH });
  return summary;
}

function only(summary: RunSummary): OperationSummary {
  expect(summary.operations).toHaveLength(1);
  return summary.operations[0]!;
}

describe('measurement truth', () => {
  it('with 20 ms added latency, the p50 response time is between 20 and 30 ms', async () => {
    const summary = await run(`
name: truth
simulator: { latency: 20ms }
scenarios:
  qido: { operation: qido.studies, executor: constant-arrival-rate, rate: 20/s, duration: 3s }
`);
    const qido = only(summary);
    expect(qido.completed).toBe(60);
    expect(qido.failed).toBe(0);
    const p50Us = qido.latency.response!.p50Us;
    expect(p50Us).toBeGreaterThanOrEqual(20 * MS);
    expect(p50Us).toBeLessThanOrEqual(30 * MS);
  });

  it('DIMSE: with 20 ms added latency, the echo p50 is at least 20 ms and near it', async () => {
    const summary = await run(`
name: truth-dimse
simulator: { latency: 20ms }
scenarios:
  echo: { operation: dimse.echo, executor: constant-arrival-rate, rate: 20/s, duration: 3s }
`);
    const echo = only(summary);
    expect(echo.completed).toBe(60);
    expect(echo.latency.response!.p50Us).toBeGreaterThanOrEqual(20 * MS);
    expect(echo.latency.response!.p50Us).toBeLessThanOrEqual(45 * MS);
    expect(echo.latency.setup!.count).toBe(60);
  });

  it('a 1 s stall shows in the response-time p99 (no coordinated omission)', async () => {
    const summary = await run(`
name: stall
simulator: { stallAt: 1500ms, stallFor: 1s }
scenarios:
  qido: { operation: qido.studies, executor: constant-arrival-rate, rate: 20/s, duration: 4s, maxInFlight: 2 }
`);
    const qido = only(summary);
    expect(qido.completed + qido.dropped).toBe(80);
    const response = qido.latency.response!;
    const service = qido.latency.service!;
    expect(response.p99Us).toBeGreaterThanOrEqual(800 * MS);
    // With at most 2 in flight, the operations planned during the stall queue:
    // their wait is in the response time, not in the service time. About a
    // quarter of the arrivals wait 0.1-1 s, but only the 2 stalled operations
    // have a long service time, so the p90s differ by hundreds of ms. (The
    // p99s may be equal: both are the stalled operation, whose lag is smaller
    // than one histogram bucket at 1 s.)
    expect(response.p99Us).toBeGreaterThanOrEqual(service.p99Us);
    expect(response.p90Us - service.p90Us).toBeGreaterThanOrEqual(300 * MS);
    expect(qido.latency.lag!.p99Us).toBeGreaterThanOrEqual(500 * MS);
  });

  it('without a stall, response and service time agree', async () => {
    const summary = await run(`
name: calm
simulator: { latency: 5ms }
scenarios:
  qido: { operation: qido.studies, executor: constant-arrival-rate, rate: 20/s, duration: 3s }
`);
    const qido = only(summary);
    expect(Math.abs(qido.latency.response!.p50Us - qido.latency.service!.p50Us)).toBeLessThan(5 * MS);
    expect(qido.latency.response!.p99Us).toBeLessThan(200 * MS);
  });

  it('a target that dies mid-run: errors are counted and classified, the run completes', async () => {
    const simulator = await startSimulator({
      settings: {
        stations: 2,
        stepsPerStation: 1,
        studies: 5,
        faults: { latencyUs: 0, jitterUs: 0, errorRate: 0, stall: undefined, maxAssociations: 0 },
      },
    });
    const { dimse, dicomweb } = simulator;
    const profile = parseProfileText(
      `
name: dies
target:
  dimse: { host: 127.0.0.1, port: ${dimse.port}, calledAe: ${dimse.aeTitle} }
  dicomweb: { baseUrl: "${dicomweb.baseUrl}" }
scenarios:
  echo: { operation: dimse.echo, executor: constant-arrival-rate, rate: 20/s, duration: 3s }
  qido: { operation: qido.studies, executor: constant-arrival-rate, rate: 20/s, duration: 3s }
`,
      'dies.yaml',
    );
    // Kill the target once the first complete interval is in: mid-run, whatever start-up took.
    let closing: Promise<void> | undefined;
    const killer: Output = {
      name: 'target-killer',
      start: () => undefined,
      interval: () => {
        closing ??= simulator.close();
      },
      stop: async () => undefined,
    };
    try {
      const { summary } = await runLoad({ profile, workers: 2, outputs: [killer], env: {}, workerFilename: WORKER_PATH });
      expect(closing).toBeDefined();
      for (const operation of summary.operations) {
        expect(operation.completed + operation.dropped).toBe(60);
        expect(operation.outcomes.ok).toBeGreaterThan(0);
        expect(operation.failed).toBeGreaterThan(0);
        const failureKeys = Object.keys(operation.outcomes).filter((key) => key !== 'ok');
        expect(failureKeys.length).toBeGreaterThan(0);
        for (const key of failureKeys) expect(key).toMatch(/^(connection_refused|connection_reset|aborted|network_error_)/);
      }
    } finally {
      await (closing ?? simulator.close());
    }
  });
});
